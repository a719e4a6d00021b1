/*
 * Width-aware text drawing for the TUI, rows scrolled sideways, and text cut to a width so that
 * two rows never read alike.
 */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "svcscope/quote.h"
#include "svcscope/utf8.h"
#include "svcscope/util.h"
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

void tui_box_draw(int y, int x, int height, int width, attr_t attr)
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

/* ---- a row scrolled sideways --------------------------------------------------------------- */

tui_pen tui_pen_at(int y, int x, int cols, int skip)
{
    tui_pen p = { y, x, cols > 0 ? cols : 0, skip > 0 ? skip : 0, 0 };
    return p;
}

int tui_pen_putn(tui_pen *p, const char *s, size_t n, attr_t attr)
{
    int start = p->at;
    while (n > 0) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s, n, &cp);
        int w = tui_cp_width(cp);
        int from = p->at - p->skip;   /* the column on screen, relative to the pen's x */
        if (from >= 0 && from + w <= p->cols) {
            tui_put_cp(p->y, p->x + from, cp, attr);
        } else {
            /* a wide character cut by an edge: the part that shows is blank */
            for (int c = from; c < from + w; c++)
                if (c >= 0 && c < p->cols) tui_put_cp(p->y, p->x + c, ' ', attr);
        }
        p->at += w;
        s += len;
        n -= len;
    }
    return p->at - start;
}

int tui_pen_put(tui_pen *p, const char *s, attr_t attr)
{
    return tui_pen_putn(p, s, strlen(s), attr);
}

/* ---- paths elided in the middle -------------------------------------------------------------- */

/* How many bytes of `s` fit in `cols` columns, whole code points. */
static size_t head_fitting(const char *s, int cols)
{
    size_t at = 0, n = strlen(s);
    int used = 0;
    while (at < n) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s + at, n - at, &cp);
        int w = tui_cp_width(cp);
        if (used + w > cols) break;
        used += w;
        at += len;
    }
    return at;
}

/* The shortest tail of `s` that fills at most `cols` columns, whole code points. */
static const char *tail_fitting(const char *s, int cols)
{
    const char *tail = s;
    while (*tail && (int)tui_text_width(tail) > cols) {
        uint32_t cp;
        tail += svc_utf8_decode(tail, strlen(tail), &cp);
    }
    return tail;
}


/* The components of a path: start offsets and lengths, in `s`. */
typedef struct components {
    const char *s;
    size_t n;
    size_t *start, *len;
} components;

static components split(const char *s)
{
    components c = { s, 1, NULL, NULL };
    for (const char *p = s; *p; p++) c.n += *p == '/';
    c.start = svc_xmalloc(c.n * sizeof *c.start);
    c.len = svc_xmalloc(c.n * sizeof *c.len);
    size_t i = 0, at = 0;
    for (const char *p = s;; p++) {
        if (*p == '/' || *p == '\0') {
            c.start[i] = at;
            c.len[i] = (size_t)(p - s) - at;
            i++;
            at = (size_t)(p - s) + 1;
        }
        if (*p == '\0') break;
    }
    return c;
}

static void components_free(components *c)
{
    free(c->start);
    free(c->len);
}

static bool same_component(const components *a, size_t i, const components *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->s + a->start[i], b->s + b->start[j], a->len[i]) == 0;
}

/*
 * The path with only the components `keep` marks, each run of the others an ellipsis; a component
 * kept in part (`head[i]` bytes, when not 0) ends in an ellipsis, which also stands for the run
 * left out after it ("…/acc…/saleor3_23.py").
 */
static char *render(const components *c, const bool *keep, const size_t *head)
{
    const char *ellipsis = tui_glyph("…", "...");
    size_t el = strlen(ellipsis);
    size_t size = strlen(c->s) + 2 * c->n * el + 1, used = 0;
    char *out = svc_xmalloc(size);
    for (size_t i = 0; i < c->n; i++) {
        if (!keep[i] && i > 0 && (!keep[i - 1] || (head && head[i - 1]))) continue;
        if (i > 0) out[used++] = '/';
        bool part = keep[i] && head && head[i];
        const char *text = keep[i] ? c->s + c->start[i] : ellipsis;
        size_t len = part ? head[i] : keep[i] ? c->len[i] : el;
        memcpy(out + used, text, len);
        used += len;
        if (part) {
            memcpy(out + used, ellipsis, el);
            used += el;
        }
    }
    out[used] = '\0';
    return out;
}

static bool fits(const components *c, const bool *keep, const size_t *head, int cols)
{
    char *s = render(c, keep, head);
    bool ok = (int)tui_text_width(s) <= cols;
    free(s);
    return ok;
}

/* The shortest head of a folder worth showing when its name does not fit. */
enum { MIN_HEAD = 3 };

/*
 * Keeps component `i` when the path still fits with it, else as much of its head as fits, at
 * least `min_head` bytes (the part that differs from the other path's folder): a folder that
 * tells two paths apart is worth more than its whole name.
 */
static void keep_head_if_fits(const components *c, bool *keep, size_t *head, size_t i, size_t min_head, int cols)
{
    if (keep[i]) return;
    keep[i] = true;
    for (size_t n = c->len[i]; n > 0 && n >= min_head; n--) {
        /* whole code points only */
        if (n < c->len[i] && (c->s[c->start[i] + n] & 0xC0) == 0x80) continue;
        head[i] = n == c->len[i] ? 0 : n;
        char *s = render(c, keep, head);
        bool ok = (int)tui_text_width(s) <= cols;
        free(s);
        if (ok) return;
    }
    keep[i] = false;
    head[i] = 0;
}

/* Keeps component `i` when the path still fits with it. */
static void keep_if_fits(const components *c, bool *keep, const size_t *head, size_t i, int cols)
{
    if (keep[i]) return;
    keep[i] = true;
    if (!fits(c, keep, head, cols)) keep[i] = false;
}

/* Whether component `i` (counted from the left) is the same in every other path. */
static bool shared_by_all(const components *c, size_t i, const components *others, size_t nothers)
{
    for (size_t k = 0; k < nothers; k++)
        if (i >= others[k].n - 1 || !same_component(c, i, &others[k], i)) return false;
    return true;
}

char *tui_path_elide(const char *path, int cols, const char *const *others, size_t nothers)
{
    if ((int)tui_text_width(path) <= cols) return svc_xstrdup(path);
    components c = split(path);
    components *other = svc_xmalloc((nothers ? nothers : 1) * sizeof *other);
    size_t nother = 0;
    for (size_t k = 0; k < nothers; k++)
        if (others[k] && strcmp(others[k], path) != 0) other[nother++] = split(others[k]);
    bool *keep = svc_xcalloc(c.n, sizeof *keep);
    size_t *head = svc_xcalloc(c.n, sizeof *head);
    size_t name = c.n - 1;
    keep[name] = true;
    char *out = NULL;
    if (c.n > 1 && fits(&c, keep, head, cols)) {
        /* First the folders that tell this path from another one with the same file name: the
         * nearest to the file name in which they differ ("asynchronous" against "synchronous"). */
        for (size_t k = 0; k < nother; k++) {
            const components *o = &other[k];
            if (!same_component(&c, name, o, o->n - 1)) continue;
            size_t i = name, j = o->n - 1;
            while (i > 0 && j > 0 && same_component(&c, i - 1, o, j - 1)) i--, j--;
            if (i == 0) continue;
            if (j == 0) {
                /* the other path is this one's tail: the folder before it tells them apart */
                keep_head_if_fits(&c, keep, head, i - 1, 1, cols);
                continue;
            }
            /* the head up to the first character that differs, whole code points */
            size_t common = 0, a = c.start[i - 1], b = o->start[j - 1];
            while (common < c.len[i - 1] && common < o->len[j - 1] && c.s[a + common] == o->s[b + common]) common++;
            size_t min_head = common + 1;
            while (min_head < c.len[i - 1] && (c.s[a + min_head] & 0xC0) == 0x80) min_head++;
            keep_head_if_fits(&c, keep, head, i - 1, min_head, cols);
        }
        /* Then the folders not every path shown shares (the app, not the project's root), the
         * outermost first; then the rest, the nearest to the file name first. */
        for (size_t i = 0; i < name; i++)
            if (nother && !shared_by_all(&c, i, other, nother)) keep_if_fits(&c, keep, head, i, cols);
        for (size_t i = name; i-- > 0;) keep_if_fits(&c, keep, head, i, cols);
        /* Room left: the head of a folder left out, the nearest to the file name first. */
        for (size_t i = name; i-- > 0;)
            if (!keep[i]) keep_head_if_fits(&c, keep, head, i, MIN_HEAD < c.len[i] ? MIN_HEAD : c.len[i], cols);
        out = render(&c, keep, head);
    } else {
        /* Not even the file name fits: its tail. */
        const char *ellipsis = tui_glyph("…", "...");
        int budget = cols - (int)tui_text_width(ellipsis);
        out = svc_xasprintf("%s%s", budget > 0 ? ellipsis : "", tail_fitting(path, budget > 0 ? budget : 0));
    }
    free(keep);
    free(head);
    for (size_t k = 0; k < nother; k++) components_free(&other[k]);
    free(other);
    components_free(&c);
    return out;
}

/* ---- names cut so that they stay apart --------------------------------------------------------- */

/* Width in columns of the first `n` bytes of `s`. */
static int width_of(const char *s, size_t n)
{
    char *part = svc_xstrndup(s, n);
    int w = (int)tui_text_width(part);
    free(part);
    return w;
}

char *tui_name_elide(const char *name, int cols, const char *const *others, size_t nothers)
{
    if ((int)tui_text_width(name) <= cols) return svc_xstrdup(name);
    const char *ellipsis = tui_glyph("…", "...");
    int ew = (int)tui_text_width(ellipsis);
    int budget = cols - ew;
    if (budget <= 0) return svc_xstrndup(name, head_fitting(name, cols > 0 ? cols : 0));
    size_t head = head_fitting(name, budget);
    /* The longest start it shares with another name shown whose cut would read the same. */
    size_t common = 0;
    for (size_t k = 0; k < nothers; k++) {
        if (!others[k] || strcmp(others[k], name) == 0 || strncmp(others[k], name, head) != 0) continue;
        size_t n = head;
        while (name[n] && others[k][n] == name[n]) n++;
        if (n > common) common = n;
    }
    if (!common) return svc_xasprintf("%.*s%s", (int)head, name, ellipsis);
    while (common > 0 && (name[common] & 0xC0) == 0x80) common--;
    /* A little of the start, then from where it differs: "sen…confirm…" and "sen…refund_…". */
    size_t start = head_fitting(name, budget / 3 > 0 ? budget / 3 : 1);
    const char *rest = name + common;
    int room = budget - width_of(name, start);
    if (!*rest || room - ew < 1) {
        /* it is the other's start, or no room for the part that differs: its end */
        int head_w = budget / 2;
        return svc_xasprintf("%.*s%s%s", (int)head_fitting(name, head_w), name, ellipsis,
                             tail_fitting(name, budget - head_w));
    }
    if ((int)tui_text_width(rest) <= room) return svc_xasprintf("%.*s%s%s", (int)start, name, ellipsis, rest);
    return svc_xasprintf("%.*s%s%.*s%s", (int)start, name, ellipsis, (int)head_fitting(rest, room - ew), rest, ellipsis);
}
