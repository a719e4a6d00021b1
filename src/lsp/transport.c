/*
 * Content-Length framing over two file descriptors. The reader buffers its input so that headers
 * and bodies may arrive in any pieces; a body over the size limit is skipped as it arrives and
 * never held whole in memory.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lsp/transport.h"
#include "svcscope/util.h"

#define MAX_HEADER_BLOCK 8192

struct lsp_transport {
    int in_fd, out_fd;
    size_t max_body;
    char *buf;            /* bytes read and not consumed: buf[start, end) */
    size_t start, end, cap;
    bool eof;
};

lsp_transport *lsp_transport_new(int in_fd, int out_fd, size_t max_body)
{
    lsp_transport *t = svc_xcalloc(1, sizeof *t);
    t->in_fd = in_fd;
    t->out_fd = out_fd;
    t->max_body = max_body;
    t->cap = 65536;
    t->buf = svc_xmalloc(t->cap);
    return t;
}

void lsp_transport_free(lsp_transport *t)
{
    if (!t) return;
    free(t->buf);
    free(t);
}

/* Reads more input after what is buffered; false at the end of the input. */
static bool fill(lsp_transport *t)
{
    if (t->eof) return false;
    if (t->start > 0) {
        memmove(t->buf, t->buf + t->start, t->end - t->start);
        t->end -= t->start;
        t->start = 0;
    }
    if (t->end == t->cap) {
        t->cap *= 2;
        t->buf = svc_xrealloc(t->buf, t->cap);
    }
    for (;;) {
        ssize_t n = read(t->in_fd, t->buf + t->end, t->cap - t->end);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            t->eof = true;
            return false;
        }
        t->end += (size_t)n;
        return true;
    }
}

bool lsp_transport_pending(lsp_transport *t)
{
    if (t->end > t->start) return true;
    if (t->eof) return false;
    struct pollfd p = { t->in_fd, POLLIN, 0 };
    return poll(&p, 1, 0) > 0;
}

/* The end of the header block ("\r\n\r\n", or "\n\n" from a lenient client) in the buffer. */
static char *header_end(lsp_transport *t, size_t *separator)
{
    char *from = t->buf + t->start;
    size_t n = t->end - t->start;
    for (size_t i = 0; i + 1 < n; i++) {
        if (from[i] != '\n') continue;
        if (from[i + 1] == '\n') {
            *separator = 2;
            return from + i;
        }
        if (i + 2 < n && from[i + 1] == '\r' && from[i + 2] == '\n') {
            *separator = 3;
            return from + i;
        }
    }
    return NULL;
}

/* The Content-Length of a header block, or -1 when it has none that is a number. */
static long long content_length(const char *headers, size_t n)
{
    const char *p = headers, *end = headers + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        static const char name[] = "Content-Length:";
        if ((size_t)(eol - p) > sizeof name - 1 && strncasecmp(p, name, sizeof name - 1) == 0) {
            const char *v = p + sizeof name - 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            long long len = 0;
            bool digits = false;
            while (v < eol && *v >= '0' && *v <= '9' && len < (1LL << 40)) {
                len = len * 10 + (*v++ - '0');
                digits = true;
            }
            while (v < eol && (*v == ' ' || *v == '\t' || *v == '\r')) v++;
            return digits && v == eol ? len : -1;
        }
        p = eol + 1;
    }
    return -1;
}

lsp_read_status lsp_transport_read(lsp_transport *t, char **body, size_t *len)
{
    *body = NULL;
    *len = 0;
    char *hend;
    size_t separator = 0;
    while (!(hend = header_end(t, &separator))) {
        if (t->end - t->start > MAX_HEADER_BLOCK) {
            t->start = t->end;  /* no header block this long is valid: drop it */
            return LSP_READ_BAD_HEADER;
        }
        if (!fill(t)) return LSP_READ_EOF;
    }
    char *headers = t->buf + t->start;
    long long length = content_length(headers, (size_t)(hend - headers));
    t->start = (size_t)(hend - t->buf) + separator;
    if (length < 0) return LSP_READ_BAD_HEADER;
    if ((unsigned long long)length > t->max_body) {
        unsigned long long left = (unsigned long long)length;
        for (;;) {
            size_t have = t->end - t->start;
            size_t take = have < left ? have : (size_t)left;
            t->start += take;
            left -= take;
            if (left == 0 || !fill(t)) break;
        }
        return LSP_READ_TOO_LARGE;
    }
    while (t->end - t->start < (size_t)length)
        if (!fill(t)) return LSP_READ_EOF;
    *body = svc_xmalloc((size_t)length + 1);
    memcpy(*body, t->buf + t->start, (size_t)length);
    (*body)[length] = '\0';
    *len = (size_t)length;
    t->start += (size_t)length;
    return LSP_READ_MESSAGE;
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

bool lsp_transport_write(lsp_transport *t, const json_t *message)
{
    char *text = json_dumps(message, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!text) return false;
    size_t n = strlen(text);
    char header[64];
    int h = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", n);
    bool ok = write_all(t->out_fd, header, (size_t)h) && write_all(t->out_fd, text, n);
    free(text);
    return ok;
}
