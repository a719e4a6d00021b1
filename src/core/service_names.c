/* Dotted names and the services package (see service_names.h): one reading for the rules
 * (rules_imports.c) and the fixers (fixes_*.c). */
#include <string.h>

#include "svcscope/util.h"
#include "service_names.h"

/* Length of the first `count` dot-separated parts of `s` (all of it when it has fewer). */
static size_t parts_len(const char *s, size_t count)
{
    const char *p = s;
    for (size_t i = 0; i < count; i++) {
        const char *dot = strchr(p, '.');
        if (!dot) return strlen(s);
        if (i + 1 == count) return (size_t)(dot - s);
        p = dot + 1;
    }
    return 0;
}

char *svc_dotted_head(const char *dotted, size_t n)
{
    return svc_xstrndup(dotted, parts_len(dotted, n));
}

const char *svc_services_rest(const svc_model *m, const char *dotted, size_t *mod_len)
{
    if (!m->services_module || !dotted) return NULL;
    const char *mod = m->services_module;
    if (!svc_dotted_within(dotted, mod)) {
        /* "backend.services" is also written as plain "services" (backend/ on sys.path),
         * unless the repo has a top-level package of that name */
        const char *bare = svc_dotted_last(m->services_module);
        if (bare == m->services_module || svc_model_is_module(m, bare) || !svc_dotted_within(dotted, bare))
            return NULL;
        mod = bare;
    }
    size_t n = strlen(mod);
    if (mod_len) *mod_len = n;
    return dotted[n] == '.' ? dotted + n + 1 : dotted + n;
}

int svc_service_depth(const svc_model *m, const char *dotted)
{
    const char *rest = svc_services_rest(m, dotted, NULL);
    if (!rest) return -1;
    return 1 + svc_dotted_depth(rest);
}

char *svc_service_prefix(const svc_model *m, const char *dotted, int depth)
{
    size_t mod_len = 0;
    const char *rest = svc_services_rest(m, dotted, &mod_len);
    if (!rest || depth <= 1 || !*rest) return svc_xstrndup(dotted, rest ? mod_len : strlen(dotted));
    return svc_xstrndup(dotted, (size_t)(rest - dotted) + parts_len(rest, (size_t)depth - 1));
}
