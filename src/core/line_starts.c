/* Line starts of a text: see line_starts.h. */
#include <string.h>

#include "core/line_starts.h"
#include "svcscope/util.h"

size_t *svc_line_starts(const char *text, size_t len, size_t *n)
{
    SVC_VEC(size_t) v = { 0 };
    size_t at = 0;
    while (at < len) {
        svc_vec_push(&v, at);
        const char *nl = memchr(text + at, '\n', len - at);
        at = nl ? (size_t)(nl - text) + 1 : len;
    }
    svc_vec_push(&v, len);
    *n = v.len - 1;
    return v.items;
}

size_t svc_line_at(const size_t *starts, size_t n, size_t byte)
{
    size_t lo = 0, hi = n ? n - 1 : 0;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (starts[mid] <= byte) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}
