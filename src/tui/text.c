/* Width-aware text drawing for the TUI. */
#include <langinfo.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "tui/text.h"

static bool unicode;

void tui_text_init(void)
{
    const char *codeset = nl_langinfo(CODESET);
    unicode = codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "utf8") == 0);
}

size_t tui_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n == 0) {
        *cp = 0;
        return 0;
    }
    unsigned char c = p[0];
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
        *cp = 0xFFFD;
        return 1;
    }
    if (len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (p[i] & 0x3F);
    }
    /* Overlong forms and surrogates are as bad as a stray byte. */
    static const uint32_t min_for_len[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (v < min_for_len[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return len;
}

/* What is actually drawn for a code point. */
static uint32_t drawable(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F) return '?';
    if (cp < 0x80) return cp;
    if (!unicode) return '?';
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 0xFFFD : cp;
}

int tui_cp_width(uint32_t cp)
{
    cp = drawable(cp);
    if (cp < 0x80) return 1;
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

size_t tui_text_width(const char *s)
{
    size_t w = 0, n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t used = tui_utf8_decode(s, n, &cp);
        w += (size_t)tui_cp_width(cp);
        s += used;
        n -= used;
    }
    return w;
}

const char *tui_glyph(const char *unicode_glyph, const char *ascii)
{
    return unicode ? unicode_glyph : ascii;
}

int tui_put_cp(int y, int x, uint32_t cp, attr_t attr)
{
    cp = drawable(cp);
    int w = tui_cp_width(cp);
    if (w == 0) return 0;
    wchar_t wch[2] = { (wchar_t)cp, 0 };
    cchar_t cell;
    setcchar(&cell, wch, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
    mvadd_wch(y, x, &cell);
    return w;
}

int tui_putn(int y, int x, int cols, const char *s, size_t n, attr_t attr)
{
    int used = 0;
    while (n > 0 && used < cols) {
        uint32_t cp;
        size_t len = tui_utf8_decode(s, n, &cp);
        int w = tui_cp_width(cp);
        if (used + w > cols) break;
        used += tui_put_cp(y, x + used, cp, attr);
        s += len;
        n -= len;
    }
    return used;
}

int tui_put(int y, int x, int cols, const char *s, attr_t attr)
{
    return tui_putn(y, x, cols, s, strlen(s), attr);
}

void tui_fill(int y, int x, int cols, attr_t attr)
{
    for (int i = 0; i < cols; i++) tui_put_cp(y, x + i, ' ', attr);
}

int tui_put_tail(int y, int x, int cols, const char *s, attr_t attr)
{
    if (cols <= 0) return 0;
    if ((int)tui_text_width(s) <= cols) return tui_put(y, x, cols, s, attr);
    /* Skip code points from the front until the rest and an ellipsis fit. */
    const char *ellipsis = tui_glyph("…", "~");
    size_t n = strlen(s);
    while (n > 0 && (int)tui_text_width(s) + 1 > cols) {
        uint32_t cp;
        size_t len = tui_utf8_decode(s, n, &cp);
        s += len;
        n -= len;
    }
    int used = tui_put(y, x, cols, ellipsis, attr);
    return used + tui_put(y, x + used, cols - used, s, attr);
}

size_t tui_wrap(const char *s, size_t n, int cols)
{
    size_t at = 0, last_space = 0;
    int used = 0;
    while (at < n) {
        uint32_t cp;
        size_t len = tui_utf8_decode(s + at, n - at, &cp);
        int w = tui_cp_width(cp);
        if (used + w > cols && at > 0) return last_space ? last_space : at;
        if (cp == ' ') last_space = at + len;
        used += w;
        at += len;
    }
    return at;
}
