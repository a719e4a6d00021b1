/* The help overlay: every request with its keys in effect, scrolled over the panes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "svcscope/util.h"
#include "tui/help.h"
#include "tui/text.h"

char *tui_keys_display(const char *keys)
{
    svc_buf out = { 0 };
    for (const char *p = keys; *p;) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " ");
        if (n == 0) break;
        if (out.len) svc_buf_puts(&out, ", ");
        if (p[0] == '<' && p[n - 1] == '>' && n > 2) svc_buf_append(&out, p + 1, n - 2);
        else svc_buf_append(&out, p, n);
        p += n;
    }
    return svc_buf_detach(&out);
}

typedef SVC_VEC(help_line) line_vec;
typedef SVC_VEC(help_row) row_vec;

#define KEYS_WIDTH 16

static void add(line_vec *lines, tui_element element, char *keys, char *text)
{
    svc_vec_push(lines, ((help_line){ keys, text, element }));
}

/* "svcscope 0.1.0: keys (Esc closes, j/k scroll)", with the keys that do that in the help now. */
static char *heading(void)
{
    char closer[64] = "", down[64], up[64];
    /* The help closes on cancel, help and quit (help_view_request). */
    if (!tui_key_label(TUI_REQ_CANCEL, TUI_SCOPE_GLOBAL, NULL, closer, sizeof closer) &&
        !tui_key_label(TUI_REQ_HELP, TUI_SCOPE_GLOBAL, NULL, closer, sizeof closer))
        tui_key_label(TUI_REQ_QUIT, TUI_SCOPE_GLOBAL, NULL, closer, sizeof closer);
    bool scroll = tui_key_label(TUI_REQ_MOVE_DOWN, TUI_SCOPE_GLOBAL, NULL, down, sizeof down) &&
                  tui_key_label(TUI_REQ_MOVE_UP, TUI_SCOPE_GLOBAL, NULL, up, sizeof up);
    svc_buf b = { 0 };
    svc_buf_printf(&b, "svcscope %s: keys", PACKAGE_VERSION);
    if (closer[0] || scroll) {
        svc_buf_printf(&b, " (%s%s%s", closer, closer[0] ? " closes" : "", closer[0] && scroll ? ", " : "");
        if (scroll) svc_buf_printf(&b, "%s/%s scroll", down, up);
        svc_buf_putc(&b, ')');
    }
    return svc_buf_detach(&b);
}

static void help_view_close(help_view *h)
{
    for (size_t i = 0; i < h->nlines; i++) {
        free(h->lines[i].keys);
        free(h->lines[i].text);
    }
    free(h->lines);
    free(h->rows);
    memset(h, 0, sizeof *h);
}

void help_view_open(help_view *h)
{
    help_view_close(h);
    line_vec lines = { 0 };
    add(&lines, TUI_EL_BRANCH, NULL, heading());
    size_t count;
    const tui_request_info *reqs = tui_requests(&count);
    for (int scope = 0; scope < TUI_SCOPE_COUNT; scope++) {
        add(&lines, TUI_EL_NORMAL, NULL, svc_xstrdup(""));
        add(&lines, TUI_EL_TITLE, NULL, svc_xstrdup(tui_scope_title((tui_scope)scope)));
        for (size_t i = 0; i < count; i++) {
            if (reqs[i].scope != (tui_scope)scope || (reqs[i].flags & TUI_REQ_HIDDEN)) continue;
            /* The keys in effect: the user's, when the settings bind the request to others. */
            char *keys = tui_keys_display(reqs[i].keys);
            if (!*keys) {
                free(keys);
                keys = svc_xstrdup("(no key)");
            }
            add(&lines, TUI_EL_NORMAL, keys, svc_xstrdup(reqs[i].help));
        }
    }
    add(&lines, TUI_EL_NORMAL, NULL, svc_xstrdup(""));
    add(&lines, TUI_EL_TITLE, NULL, svc_xstrdup("Markers"));
    add(&lines, TUI_EL_NORMAL, NULL,
        svc_xasprintf("%s task, %s delay_ wrapper, %s exception, %s def, %s class", tui_glyph("◆", "*"),
                      tui_glyph("»", ">"), tui_glyph("✗", "x"), tui_glyph("ƒ", "f"), tui_glyph("◇", "o")));
    add(&lines, TUI_EL_NORMAL, NULL,
        svc_xasprintf("%s open, %s closed; a path cut in the middle (%s) keeps its file name and the folders that differ",
                      tui_glyph("▾", "-"), tui_glyph("▸", "+"), tui_glyph("…", "...")));
    add(&lines, TUI_EL_NORMAL, NULL, svc_xstrdup("E error, W warning, I info; 2E 1W counts 2 errors and 1 warning"));
    add(&lines, TUI_EL_NORMAL, NULL, svc_xstrdup("! a direct .delay or .apply_async outside the tasks service"));
    add(&lines, TUI_EL_NORMAL, NULL,
        svc_xasprintf("%s staged, %s fixed: a fix applied in this session (staged, or in the files only)",
                      tui_glyph("✓", "v"), tui_glyph("✓", "v")));
    h->lines = lines.items;
    h->nlines = lines.len;
    h->top = 0;
    h->width = -1;
}

static bool view_is_open(const tui_view *view)
{
    const help_view *h = view->state;
    return h->lines != NULL;
}

/* The next wrapped part of s[*at..n) in `cols` columns: its offset and length; advances *at past it. */
static void next_part(const char *s, size_t n, int cols, size_t *at, size_t *offset, size_t *length)
{
    *offset = *at;
    *length = *at < n ? tui_wrap(s + *at, n - *at, cols) : 0;
    *at += *length;
    while (*at < n && s[*at] == ' ') (*at)++;
}

/*
 * Wraps every line to the box; descriptions wrap under themselves, right of the keys, and a list
 * of keys longer than its column wraps under itself (every key is shown).
 */
static void layout(help_view *h, int width)
{
    if (h->width == width && h->rows) return;
    free(h->rows);
    h->width = width;
    row_vec rows = { 0 };
    for (size_t i = 0; i < h->nlines; i++) {
        const char *text = h->lines[i].text, *keys = h->lines[i].keys;
        int text_w = width - (keys ? KEYS_WIDTH + 3 : 1);
        if (text_w < 8) text_w = 8;
        size_t n = strlen(text), at = 0, kn = keys ? strlen(keys) : 0, kat = 0;
        do {
            help_row row = { i, 0, 0, at == 0, 0, 0 };
            next_part(text, n, text_w, &at, &row.offset, &row.length);
            if (keys) next_part(keys, kn, KEYS_WIDTH, &kat, &row.key_offset, &row.key_length);
            svc_vec_push(&rows, row);
        } while (at < n || kat < kn);
    }
    h->rows = rows.items;
    h->nrows = rows.len;
}

static void box_geometry(const help_view *h, int cols, int lines, int *y, int *x, int *height, int *width)
{
    *width = cols - 4 < 88 ? cols - 4 : 88;
    *height = lines - 2 < (int)h->nrows + 2 ? lines - 2 : (int)h->nrows + 2;
    *y = (lines - 2 - *height) / 2;
    *x = (cols - *width) / 2;
}
static void draw_border(int y, int x, int height, int width)
{
    tui_box_draw(y, x, height, width, tui_attr(TUI_EL_TITLE));
}

static void view_draw(tui_view *view, bool focused)
{
    (void)focused;
    help_view *h = view->state;
    int cols = view->rect.w, lines = view->rect.h;
    int y, x, height, width;
    layout(h, (cols - 4 < 88 ? cols - 4 : 88) - 4);
    box_geometry(h, cols, lines, &y, &x, &height, &width);
    if (height < 3 || width < 10) return;
    size_t body = (size_t)(height - 2);
    if (h->nrows > body && h->top > h->nrows - body) h->top = h->nrows - body;
    draw_border(y, x, height, width);
    for (size_t r = 0; r < body; r++) {
        int row_y = y + 1 + (int)r;
        tui_fill(row_y, x + 1, width - 2, tui_attr(TUI_EL_NORMAL));
        if (h->top + r >= h->nrows) continue;
        const help_row *row = &h->rows[h->top + r];
        const help_line *line = &h->lines[row->line];
        int tx = x + 2, tw = width - 4;
        if (line->keys) {
            tui_putn(row_y, tx, KEYS_WIDTH, line->keys + row->key_offset, row->key_length, tui_attr(TUI_EL_HINT_KEY));
            tx += KEYS_WIDTH + 2;
            tw -= KEYS_WIDTH + 2;
        }
        tui_putn(row_y, tx, tw, line->text + row->offset, row->length, tui_attr(line->element));
    }
    if (h->nrows > body) {
        char more[48];
        snprintf(more, sizeof more, " %zu-%zu of %zu ", h->top + 1, h->top + body, h->nrows);
        int w = (int)strlen(more);
        if (w < width - 2) tui_put(y + height - 1, x + width - 1 - w, w, more, tui_attr(TUI_EL_TITLE));
    }
}

/* Scrolls on movement requests; true when the request closes the help. */
static bool scroll_or_close(help_view *h, tui_request req, int cols, int lines)
{
    int y, x, height, width;
    layout(h, (cols - 4 < 88 ? cols - 4 : 88) - 4);
    box_geometry(h, cols, lines, &y, &x, &height, &width);
    size_t body = height > 2 ? (size_t)(height - 2) : 1;
    size_t max_top = h->nrows > body ? h->nrows - body : 0;
    switch (req) {
    case TUI_REQ_CANCEL:
    case TUI_REQ_HELP:
    case TUI_REQ_QUIT: return true;
    case TUI_REQ_MOVE_DOWN: h->top = h->top < max_top ? h->top + 1 : max_top; break;
    case TUI_REQ_MOVE_UP: h->top = h->top ? h->top - 1 : 0; break;
    case TUI_REQ_PAGE_DOWN:
    case TUI_REQ_HALF_PAGE_DOWN: h->top = h->top + body < max_top ? h->top + body : max_top; break;
    case TUI_REQ_PAGE_UP:
    case TUI_REQ_HALF_PAGE_UP: h->top = h->top > body ? h->top - body : 0; break;
    case TUI_REQ_MOVE_FIRST: h->top = 0; break;
    case TUI_REQ_MOVE_LAST: h->top = max_top; break;
    default: break;
    }
    return false;
}

/* ---- the view ---------------------------------------------------------------------------- */

static void view_free(tui_view *view)
{
    help_view_close(view->state);
}

static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    (void)app;
    if (!scroll_or_close(view->state, req, view->rect.w, view->rect.h)) return TUI_REACT_PANE;
    help_view_close(view->state);
    return TUI_REACT_ALL;
}

const tui_view_ops help_view_ops = {
    .name = "Help",
    .scope = TUI_SCOPE_GLOBAL,
    .free = view_free,
    .is_open = view_is_open,
    .draw = view_draw,
    .request = view_request,
};
