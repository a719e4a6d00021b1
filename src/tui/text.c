/* Width-aware text drawing for the TUI. */
#include <langinfo.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "svcscope/quote.h"
#include "svcscope/utf8.h"
#include "tui/text.h"

static bool unicode;

void tui_text_init(void)
{
    const char *codeset = nl_langinfo(CODESET);
    unicode = codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "utf8") == 0);
}

/* What is actually drawn for a code point that has no escape (svc_quote_escape). */
static uint32_t drawable(uint32_t cp)
{
    if (cp < 0x80) return cp;
    if (!unicode) return '?';
    return svc_utf8_cp_width(cp) < 0 ? 0xFFFD : cp;
}

int tui_cp_width(uint32_t cp)
{
    char escape[SVC_QUOTE_ESCAPE_MAX];
    size_t escape_len = svc_quote_escape(cp, escape);
    if (escape_len) return (int)escape_len;
    int w = svc_utf8_cp_width(drawable(cp));
    return w < 0 ? 1 : w;
}

size_t tui_text_width(const char *s)
{
    size_t w = 0, n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        size_t used = svc_utf8_decode(s, n, &cp);
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
    /* A control character or a bad byte is never handed to curses: its escape is drawn instead,
     * in reverse (as less does) so that it cannot pass for the text around it. */
    char escape[SVC_QUOTE_ESCAPE_MAX];
    size_t escape_len = svc_quote_escape(cp, escape);
    for (size_t i = 0; i < escape_len; i++) tui_put_cp(y, x + (int)i, (unsigned char)escape[i], attr ^ A_REVERSE);
    if (escape_len) return (int)escape_len;
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
        size_t len = svc_utf8_decode(s, n, &cp);
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
        size_t len = svc_utf8_decode(s, n, &cp);
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
        size_t len = svc_utf8_decode(s + at, n - at, &cp);
        int w = tui_cp_width(cp);
        if (used + w > cols && at > 0) return last_space ? last_space : at;
        if (cp == ' ') last_space = at + len;
        used += w;
        at += len;
    }
    return at;
}

void tui_draw_box(int y, int x, int height, int width, attr_t attr)
{
    const char *h = tui_glyph("─", "-"), *v = tui_glyph("│", "|");
    for (int c = 1; c < width - 1; c++) {
        tui_put(y, x + c, 1, h, attr);
        tui_put(y + height - 1, x + c, 1, h, attr);
    }
    for (int r = 1; r < height - 1; r++) {
        tui_put(y + r, x, 1, v, attr);
        tui_put(y + r, x + width - 1, 1, v, attr);
    }
    tui_put(y, x, 1, tui_glyph("┌", "+"), attr);
    tui_put(y, x + width - 1, 1, tui_glyph("┐", "+"), attr);
    tui_put(y + height - 1, x, 1, tui_glyph("└", "+"), attr);
    tui_put(y + height - 1, x + width - 1, 1, tui_glyph("┘", "+"), attr);
}
