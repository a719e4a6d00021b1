/* Escaping repository text for a terminal, the way git quotes paths (svcscope/quote.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/quote.h"

/* C0 controls with a name of their own in C; the others are octal. */
static char named_escape(uint32_t cp)
{
    switch (cp) {
    case '\a': return 'a';
    case '\b': return 'b';
    case '\t': return 't';
    case '\n': return 'n';
    case '\v': return 'v';
    case '\f': return 'f';
    case '\r': return 'r';
    }
    return 0;
}

size_t svc_quote_escape(uint32_t cp, char out[SVC_QUOTE_ESCAPE_MAX])
{
    out[0] = '\0';
    if (cp < 0x20 || cp == 0x7F) {
        char name = named_escape(cp);
        if (name) return (size_t)snprintf(out, SVC_QUOTE_ESCAPE_MAX, "\\%c", name);
        return (size_t)snprintf(out, SVC_QUOTE_ESCAPE_MAX, "\\%03o", (unsigned)cp);
    }
    /* C1 controls (CSI, OSC, ...) are two bytes in UTF-8: both shown, as git does. */
    if (cp >= 0x80 && cp <= 0x9F) {
        char utf8[SVC_UTF8_MAX];
        svc_utf8_encode(cp, utf8);
        return (size_t)snprintf(out, SVC_QUOTE_ESCAPE_MAX, "\\%03o\\%03o", (unsigned char)utf8[0],
                                (unsigned char)utf8[1]);
    }
    if (cp >= SVC_UTF8_BAD_BYTE)
        return (size_t)snprintf(out, SVC_QUOTE_ESCAPE_MAX, "\\%03o", (unsigned)(cp - SVC_UTF8_BAD_BYTE) & 0xFF);
    return 0;
}

/* Appends s escaped; returns whether anything was. Paths also escape tabs, '"' and '\'. */
static bool append_escaped(svc_buf *b, const char *s, size_t n, bool path)
{
    bool escaped = false;
    while (n > 0) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s, n, &cp);
        char escape[SVC_QUOTE_ESCAPE_MAX];
        if (path && (cp == '"' || cp == '\\')) {
            svc_buf_putc(b, '\\');
            svc_buf_putc(b, (char)cp);
            escaped = true;
        } else if ((path || cp != '\t') && svc_quote_escape(cp, escape) > 0) {
            svc_buf_puts(b, escape);
            escaped = true;
        } else {
            svc_buf_append(b, s, len);
        }
        s += len;
        n -= len;
    }
    return escaped;
}

void svc_quote_text_append(svc_buf *b, const char *s, size_t n)
{
    append_escaped(b, s, n, false);
}

/* Appends a path, quoted when anything in it is escaped; returns whether it was. */
static bool append_path(svc_buf *b, const char *path)
{
    size_t n = strlen(path);
    svc_buf quoted = { 0 };
    svc_buf_putc(&quoted, '"');
    bool escaped = append_escaped(&quoted, path, n, true);
    if (escaped) {
        svc_buf_putc(&quoted, '"');
        svc_buf_append(b, quoted.data, quoted.len);
    } else {
        svc_buf_append(b, path, n);
    }
    svc_buf_free(&quoted);
    return escaped;
}

void svc_quote_path_append(svc_buf *b, const char *path)
{
    append_path(b, path);
}

/* The copies handed out by svc_quoted_*: a ring, so that each lives through one printf. */
static _Thread_local char *quoted_slots[SVC_QUOTED_SLOTS];
static _Thread_local size_t next_quoted_slot;

static const char *quoted(const char *s, bool path)
{
    if (!s) return NULL;
    svc_buf b = { 0 };
    bool escaped = path ? append_path(&b, s) : append_escaped(&b, s, strlen(s), false);
    if (!escaped) {
        svc_buf_free(&b);
        return s;
    }
    free(quoted_slots[next_quoted_slot]);
    char *copy = quoted_slots[next_quoted_slot] = svc_buf_detach(&b);
    next_quoted_slot = (next_quoted_slot + 1) % SVC_QUOTED_SLOTS;
    return copy;
}

const char *svc_quoted_text(const char *s)
{
    return quoted(s, false);
}

const char *svc_quoted_path(const char *path)
{
    return quoted(path, true);
}

char *svc_quote_json(const char *json)
{
    svc_buf b = { 0 };
    for (size_t n = strlen(json); n > 0;) {
        uint32_t cp;
        size_t len = svc_utf8_decode(json, n, &cp);
        /* outside strings JSON is ASCII: these can only be characters of a string */
        if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) svc_buf_printf(&b, "\\u%04x", (unsigned)cp);
        else svc_buf_append(&b, json, len);
        json += len;
        n -= len;
    }
    return svc_buf_detach(&b);
}
