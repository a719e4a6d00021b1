/* UTF-8 encoding, decoding, boundaries and widths (svcscope/utf8.h). */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "svcscope/utf8.h"
#include "svcscope/util.h"

static bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

size_t svc_utf8_encode(uint32_t cp, char out[SVC_UTF8_MAX])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF) return 0;
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t svc_utf8_decode(const char *text, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)text;
    if (n == 0) {
        *cp = 0;
        return 0;
    }
    unsigned char c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2;
        v = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        v = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        v = c & 0x07;
    } else {
        *cp = SVC_UTF8_BAD_BYTE + c;
        return 1;
    }
    bool bad = len > n;
    for (size_t i = 1; i < len && !bad; i++) {
        bad = !is_continuation(s[i]);
        v = (v << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms and surrogates are as bad as a stray byte. */
    static const uint32_t min_for_len[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (bad || v < min_for_len[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = SVC_UTF8_BAD_BYTE + c;
        return 1;
    }
    *cp = v;
    return len;
}

size_t svc_utf8_valid_prefix(const char *s, size_t n)
{
    size_t at = 0;
    while (at < n) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s + at, n - at, &cp);
        if (cp >= SVC_UTF8_BAD_BYTE) break;
        at += len;
    }
    return at;
}

char *svc_utf8_repaired(const char *s)
{
    svc_buf b = { 0 };
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s, n, &cp);
        if (cp >= SVC_UTF8_BAD_BYTE) svc_buf_puts(&b, "\xEF\xBF\xBD");
        else svc_buf_append(&b, s, len);
        s += len;
        n -= len;
    }
    return svc_buf_detach(&b);
}

size_t svc_utf8_codepoints(const char *s, size_t n)
{
    size_t count = 0;
    while (n > 0) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s, n, &cp);
        count++;
        s += len;
        n -= len;
    }
    return count;
}

size_t svc_utf8_floor(const char *s, size_t at)
{
    while (at > 0 && is_continuation((unsigned char)s[at])) at--;
    return at;
}

size_t svc_utf8_ceil(const char *s, size_t at, size_t n)
{
    while (at < n && is_continuation((unsigned char)s[at])) at++;
    return at;
}

int svc_utf8_cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp >= SVC_UTF8_BAD_BYTE) return -1;
    if (cp < 0x80) return 1;
    /* The terminal library places characters by the C library's widths, so these are the ones
     * that keep text aligned with what it draws. */
    return wcwidth((wchar_t)cp);
}

size_t svc_utf8_width(const char *s, size_t n)
{
    size_t w = 0;
    while (n > 0) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s, n, &cp);
        int cw = svc_utf8_cp_width(cp);
        w += cw < 0 ? 1 : (size_t)cw;
        s += len;
        n -= len;
    }
    return w;
}

bool svc_ident_start_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

bool svc_ident_byte(unsigned char c)
{
    return svc_ident_start_byte(c) || (c >= '0' && c <= '9');
}

bool svc_ident_name(const char *s, size_t n)
{
    if (n == 0 || !svc_ident_start_byte((unsigned char)s[0])) return false;
    for (size_t i = 1; i < n; i++)
        if (!svc_ident_byte((unsigned char)s[i])) return false;
    return true;
}
