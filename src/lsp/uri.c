/*
 * file:// URIs <-> absolute paths. Clients encode differently (VS Code encodes ':' and more,
 * Neovim little); decoding accepts any %XX, encoding keeps the unreserved set and '/'.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lsp/uri.h"
#include "svcscope/util.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

char *lsp_uri_to_path(const char *uri)
{
    static const char scheme[] = "file://";
    if (!uri || strncasecmp(uri, scheme, sizeof scheme - 1) != 0) return NULL;
    const char *p = uri + sizeof scheme - 1;
    if (*p != '/') {  /* file://host/path: only the local host is ours */
        if (strncasecmp(p, "localhost/", 10) != 0) return NULL;
        p += 9;
    }
    svc_buf b = { 0 };
    for (; *p && *p != '?' && *p != '#'; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hex_value(p[1])) >= 0 && (lo = hex_value(p[2])) >= 0) {
            char c = (char)(hi * 16 + lo);
            if (c == '\0') {  /* a NUL cannot be in a path */
                svc_buf_free(&b);
                return NULL;
            }
            svc_buf_putc(&b, c);
            p += 2;
        } else {
            svc_buf_putc(&b, *p);
        }
    }
    return svc_buf_detach(&b);
}

char *lsp_uri_from_path(const char *path)
{
    svc_buf b = { 0 };
    svc_buf_puts(&b, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("/-._~", *p)) svc_buf_putc(&b, (char)*p);
        else svc_buf_printf(&b, "%%%02X", *p);
    }
    return svc_buf_detach(&b);
}
