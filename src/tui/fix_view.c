/* The fix overlay and the session's log of applied fixes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/rules.h"
#include "svcscope/util.h"
#include "tui/app.h"
#include "tui/fix_view.h"
#include "tui/status.h"
#include "tui/text.h"

#define TAB_WIDTH 8

static void fix_view_init(fix_view *v)
{
    memset(v, 0, sizeof *v);
    v->width = -1;
}

static void clear_lines(fix_view *v)
{
    for (size_t i = 0; i < v->nlines; i++) free(v->lines[i].text);
    free(v->lines);
    free(v->rows);
    v->lines = NULL;
    v->rows = NULL;
    v->nlines = v->nrows = 0;
    v->width = -1;
    v->top = 0;
    v->hscroll = 0;
}

void fix_view_close(fix_view *v)
{
    clear_lines(v);
    free(v->title);
    free(v->diags);
    fix_view_init(v);
}

static bool view_is_open(const tui_view *view)
{
    const fix_view *v = view->state;
    return v->state != FIX_VIEW_CLOSED;
}

void fix_view_open(fix_view *v, const char *title, bool unsafe, const svc_diagnostic *const *diags, size_t n)
{
    fix_view_close(v);
    v->state = FIX_VIEW_PREVIEW;
    v->title = svc_xstrdup(title);
    v->unsafe = unsafe;
    v->diags = svc_xmalloc((n ? n : 1) * sizeof *v->diags);
    if (n) memcpy(v->diags, diags, n * sizeof *v->diags);
    v->ndiags = n;
}

void fix_view_show_result(fix_view *v, const char *title)
{
    clear_lines(v);
    free(v->title);
    free(v->diags);
    v->title = svc_xstrdup(title);
    v->diags = NULL;
    v->ndiags = 0;
    v->unsafe = false;
    v->state = FIX_VIEW_RESULT;
}

static void push_line(fix_view *v, char *text, tui_element element, bool wrap, int hang)
{
    v->lines = svc_xrealloc(v->lines, (v->nlines + 1) * sizeof *v->lines);
    v->lines[v->nlines++] = (fix_line){ text, element, wrap, hang };
    v->width = -1;
}

void fix_view_add_note(fix_view *v, tui_element element, const char *text)
{
    push_line(v, svc_xstrdup(text), element, true, 0);
}

void fix_view_add_item(fix_view *v, tui_element element, const char *text)
{
    push_line(v, svc_xasprintf("%s %s", tui_glyph("✗", "x"), text), element, true, 2);
}

/* Whether the text after `prefix` of a diff header line is `path`. */
static bool header_names(const char *line, const char *prefix, const char *path)
{
    size_t n = strlen(prefix);
    return strncmp(line, prefix, n) == 0 && strcmp(line + n, path) == 0;
}

bool fix_view_names_file(const fix_view *v, const char *path)
{
    if (v->state != FIX_VIEW_PREVIEW) return false;
    for (size_t i = 0; i < v->ndiags; i++)
        if (strcmp(v->diags[i]->path, path) == 0) return true;
    for (size_t i = 0; i < v->nlines; i++) {
        const char *t = v->lines[i].text;
        if (header_names(t, "--- a/", path) || header_names(t, "+++ b/", path) || header_names(t, "rename from ", path) ||
            header_names(t, "rename to ", path))
            return true;
    }
    return false;
}

void fix_view_mark_stale(fix_view *v, const char *path)
{
    if (v->state != FIX_VIEW_PREVIEW || v->stale) return;
    v->stale = true;
    char *note = path ? svc_xasprintf("%s changed since this preview: it cannot be applied. Close it, and preview "
                                      "the fix again after the reload, as things are then.", path)
                      : svc_xstrdup("The repository changed since this preview (HEAD moved, or many files at once): it "
                                    "cannot be applied. Close it, and preview the fix again after the reload, as things are then.");
    /* First, where it is seen without scrolling. */
    push_line(v, note, TUI_EL_ERROR, true, 0);
    fix_line last = v->lines[v->nlines - 1];
    memmove(v->lines + 1, v->lines, (v->nlines - 1) * sizeof *v->lines);
    v->lines[0] = last;
    v->top = 0;
}

/* A diff line as shown: tabs expanded, a CR at the end dropped, other control bytes kept (drawn as escapes). */
static char *display_line(const char *s, size_t n)
{
    if (n && s[n - 1] == '\r') n--;
    svc_buf b = { 0 };
    int col = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '\t') {
            do svc_buf_putc(&b, ' ');
            while (++col % TAB_WIDTH);
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = svc_utf8_decode(s + i, n - i, &cp);
        svc_buf_append(&b, s + i, len);
        col += tui_cp_width(cp);
        i += len;
    }
    return b.data ? svc_buf_detach(&b) : svc_xstrdup("");
}

void fix_view_add_diff(fix_view *v, const char *diff)
{
    bool header = false;
    for (const char *p = diff; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        tui_element el = TUI_EL_NORMAL;
        if (strncmp(p, "diff --git ", 11) == 0) header = true;
        if (strncmp(p, "@@", 2) == 0) {
            header = false;
            el = TUI_EL_DIFF_HUNK;
        } else if (header) {
            el = TUI_EL_DIFF_META;
        } else if (*p == '+') {
            el = TUI_EL_DIFF_ADD;
        } else if (*p == '-') {
            el = TUI_EL_DIFF_DEL;
        } else if (*p == '\\') {
            el = TUI_EL_NOTE;
        }
        push_line(v, display_line(p, n), el, false, 0);
        p += n + (nl != NULL);
    }
}

/* ---- layout and drawing --------------------------------------------------------------------- */

/*
 * The box: the full width, as high as its rows need, at most over all the panes (the status
 * line and the hint line, which says the keys, stay). Laid out first: the height follows the rows.
 */
static void layout(fix_view *v, int text_w);

static void geometry(fix_view *v, int cols, int lines, int *y, int *x, int *height, int *width)
{
    *x = 0;
    *width = cols;
    *y = 0;
    layout(v, cols - 4);
    int most = lines - 2, want = (int)v->nrows + 2;
    *height = want < most ? (want < 5 ? 5 : want) : most;
}

static size_t body_rows(int height)
{
    return height > 2 ? (size_t)(height - 2) : 1;
}

static void layout(fix_view *v, int text_w)
{
    if (v->width == text_w && v->rows) return;
    free(v->rows);
    v->rows = NULL;
    v->width = text_w;
    SVC_VEC(fix_row) rows = { 0 };
    for (size_t i = 0; i < v->nlines; i++) {
        const char *text = v->lines[i].text;
        size_t n = strlen(text), at = 0;
        if (!v->lines[i].wrap) {
            svc_vec_push(&rows, ((fix_row){ i, 0, n, true }));
            continue;
        }
        do {
            int w = text_w - (at ? v->lines[i].hang : 0);
            size_t part = tui_wrap(text + at, n - at, w > 8 ? w : 8);
            svc_vec_push(&rows, ((fix_row){ i, at, part, at == 0 }));
            at += part;
            while (at < n && text[at] == ' ') at++;
        } while (at < n);
    }
    v->rows = rows.items;
    v->nrows = rows.len;
}

static void clamp(fix_view *v, size_t body)
{
    size_t max_top = v->nrows > body ? v->nrows - body : 0;
    if (v->top > max_top) v->top = max_top;
}

static void draw_border(int y, int x, int height, int width)
{
    tui_box_draw(y, x, height, width, tui_attr(TUI_EL_TITLE));
}

/* Draws a line from display column `skip` on, in at most `cols` columns. */
static void put_from(int y, int x, int cols, const char *s, size_t n, int skip, attr_t attr)
{
    int col = 0, used = 0;
    while (n > 0 && used < cols) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s, n, &cp);
        int w = tui_cp_width(cp);
        if (col >= skip) {
            if (used + w > cols) break;
            used += tui_put_cp(y, x + used, cp, attr);
        } else if (col + w > skip) {
            /* a wide character cut by the left edge */
            for (int c = skip; c < col + w && used < cols; c++) used += tui_put_cp(y, x + used, ' ', attr);
        }
        col += w;
        s += len;
        n -= len;
    }
}

static void view_draw(tui_view *view, bool focused)
{
    (void)focused;
    fix_view *v = view->state;
    int cols = view->rect.w, lines = view->rect.h;
    int y, x, height, width;
    geometry(v, cols, lines, &y, &x, &height, &width);
    if (height < 4 || width < 12) return;
    int text_x = x + 2, text_w = width - 4;
    size_t body = body_rows(height);
    clamp(v, body);
    draw_border(y, x, height, width);
    for (int r = 1; r < height - 1; r++) tui_fill(y + r, x + 1, width - 2, tui_attr(TUI_EL_NORMAL));
    /* The title on the top border; an unsafe fix says so in its own colour. */
    int tx = x + 2, tw = width - 4;
    int used = tui_put(y, tx, tw, " ", tui_attr(TUI_EL_TITLE));
    used += tui_put(y, tx + used, tw - used, v->title, tui_attr(TUI_EL_TITLE));
    used += tui_put(y, tx + used, tw - used, " ", tui_attr(TUI_EL_TITLE));
    if (v->unsafe) {
        used += tui_put(y, tx + used, tw - used, tui_glyph("─ ", "- "), tui_attr(TUI_EL_TITLE));
        used += tui_put(y, tx + used, tw - used, "unsafe: may change behaviour", tui_attr(TUI_EL_ERROR));
        tui_put(y, tx + used, tw - used, " ", tui_attr(TUI_EL_TITLE));
    }
    for (size_t r = 0; r < body && v->top + r < v->nrows; r++) {
        const fix_row *row = &v->rows[v->top + r];
        const fix_line *line = &v->lines[row->line];
        int ry = y + 1 + (int)r;
        attr_t attr = tui_attr(line->element);
        int hang = row->first ? 0 : line->hang;
        if (line->wrap) tui_putn(ry, text_x + hang, text_w - hang, line->text + row->offset, row->length, attr);
        else put_from(ry, text_x, text_w, line->text, row->length, v->hscroll, attr);
    }
    if (v->nrows > body) {
        char more[64];
        snprintf(more, sizeof more, " %zu-%zu of %zu ", v->top + 1, v->top + body, v->nrows);
        int w = (int)strlen(more);
        if (w < width - 2) tui_put(y + height - 1, x + width - 1 - w, w, more, tui_attr(TUI_EL_TITLE));
    }
    if (v->hscroll > 0) {
        char right[32];
        snprintf(right, sizeof right, " %s%d ", tui_glyph("→", ">"), v->hscroll);
        tui_put(y + height - 1, x + 2, width - 4, right, tui_attr(TUI_EL_TITLE));
    }
}

/* Scrolls on movement requests; false when `req` is not one. */
static bool fix_view_scroll(fix_view *v, tui_request req, int cols, int lines)
{
    int y, x, height, width;
    geometry(v, cols, lines, &y, &x, &height, &width);
    size_t body = body_rows(height);
    size_t max_top = v->nrows > body ? v->nrows - body : 0;
    size_t half = body / 2 ? body / 2 : 1;
    switch (req) {
    case TUI_REQ_MOVE_DOWN: v->top = v->top < max_top ? v->top + 1 : max_top; break;
    case TUI_REQ_MOVE_UP: v->top = v->top ? v->top - 1 : 0; break;
    case TUI_REQ_PAGE_DOWN: v->top = v->top + body < max_top ? v->top + body : max_top; break;
    case TUI_REQ_PAGE_UP: v->top = v->top > body ? v->top - body : 0; break;
    case TUI_REQ_HALF_PAGE_DOWN: v->top = v->top + half < max_top ? v->top + half : max_top; break;
    case TUI_REQ_HALF_PAGE_UP: v->top = v->top > half ? v->top - half : 0; break;
    case TUI_REQ_MOVE_FIRST: v->top = 0; break;
    case TUI_REQ_MOVE_LAST: v->top = max_top; break;
    case TUI_REQ_FIX_LEFT: v->hscroll = v->hscroll > 8 ? v->hscroll - 8 : 0; break;
    case TUI_REQ_FIX_RIGHT: {
        /* not past the end of the longest diff line */
        int longest = 0;
        for (size_t i = 0; i < v->nlines; i++) {
            int w = v->lines[i].wrap ? 0 : (int)tui_text_width(v->lines[i].text);
            if (w > longest) longest = w;
        }
        if (v->hscroll + width - 4 < longest) v->hscroll += 8;
        break;
    }
    default: return false;
    }
    return true;
}

/* ---- the view ---------------------------------------------------------------------------- */

static void view_init(tui_view *view)
{
    fix_view_init(view->state);
}

static void view_free(tui_view *view)
{
    fix_view_close(view->state);
}

/* The keys that do something now: a safe preview's, an unsafe one's, or closing a result. */
static void view_hints(const tui_view *view, int y, int cols)
{
    static const tui_request safe[] = { TUI_REQ_FIX_APPLY, TUI_REQ_FIX_STAGE, TUI_REQ_FIX_CANCEL };
    static const tui_request unsafe[] = { TUI_REQ_FIX_APPLY_UNSAFE, TUI_REQ_FIX_STAGE_UNSAFE, TUI_REQ_FIX_CANCEL };
    static const tui_request result[] = { TUI_REQ_FIX_CANCEL };
    const fix_view *v = view->state;
    if (v->state == FIX_VIEW_PREVIEW && v->ndiags)
        tui_hints_draw_only(y, cols, TUI_SCOPE_FIX, v->unsafe ? unsafe : safe, 3);
    else
        tui_hints_draw_only(y, cols, TUI_SCOPE_FIX, result, 1);
}

/* Its own keys and movement; applying is the app's (actions.c), and so are the few keys that work everywhere. */
static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    fix_view *v = view->state;
    switch (req) {
    case TUI_REQ_FIX_CANCEL:
        if (v->state == FIX_VIEW_PREVIEW) app_message(app, false, "nothing was changed");
        fix_view_close(v);
        return TUI_REACT_ALL;
    case TUI_REQ_FIX_APPLY:
    case TUI_REQ_FIX_STAGE:
    case TUI_REQ_FIX_APPLY_UNSAFE:
    case TUI_REQ_FIX_STAGE_UNSAFE:
    case TUI_REQ_QUIT:
    case TUI_REQ_HELP:
    case TUI_REQ_REDRAW:
    case TUI_REQ_SUSPEND: return TUI_REACT_UNHANDLED;
    default: return fix_view_scroll(v, req, view->rect.w, view->rect.h) ? TUI_REACT_PANE : TUI_REACT_NONE;
    }
}

/* One row a notch of the wheel. */
static tui_reaction view_wheel(tui_view *view, struct tui_app *app, long lines)
{
    (void)app;
    fix_view_scroll(view->state, lines < 0 ? TUI_REQ_MOVE_UP : TUI_REQ_MOVE_DOWN, view->rect.w, view->rect.h);
    return TUI_REACT_PANE;
}

const tui_view_ops fix_view_ops = {
    .name = "Fix preview",
    .scope = TUI_SCOPE_FIX,
    .init = view_init,
    .free = view_free,
    .is_open = view_is_open,
    .draw = view_draw,
    .hints = view_hints,
    .request = view_request,
    .wheel = view_wheel,
};

/* ---- the log ------------------------------------------------------------------------------ */

void tui_fix_log_free(tui_fix_log *log)
{
    for (size_t i = 0; i < log->len; i++) {
        tui_fix_entry *e = &log->items[i];
        free(e->code);
        free(e->path);
        free(e->moved_to);
        free(e->line_text);
        free(e->message);
    }
    free(log->items);
    memset(log, 0, sizeof *log);
}

/* Where the fix's moves take `path` (the file or folder moved, or a file inside it), or NULL. */
static char *moved_path(const svc_fix *fix, const char *path)
{
    for (size_t i = 0; fix && i < fix->nops; i++) {
        const svc_file_op *op = &fix->ops[i];
        if (op->kind != SVC_FILE_MOVE) continue;
        size_t n = strlen(op->path);
        if (strcmp(path, op->path) == 0) return svc_xstrdup(op->to);
        if (strncmp(path, op->path, n) == 0 && path[n] == '/') return svc_xasprintf("%s%s", op->to, path + n);
    }
    return NULL;
}

void tui_fix_log_add(tui_fix_log *log, const svc_diagnostic *d, const char *line_text, bool staged)
{
    if (log->len == log->cap) {
        log->cap = log->cap ? 2 * log->cap : 8;
        log->items = svc_xrealloc(log->items, log->cap * sizeof *log->items);
    }
    tui_fix_entry *e = &log->items[log->len++];
    e->code = svc_xstrdup(d->rule->code);
    e->path = svc_xstrdup(d->path);
    e->moved_to = moved_path(d->fix, d->path);
    e->is_folder = d->is_folder;
    e->row = d->span.row;
    e->col = d->span.col;
    e->line_text = line_text ? svc_xstrdup(line_text) : NULL;
    e->message = svc_xstrdup(d->fix && d->fix->message ? d->fix->message : d->message);
    e->staged = staged;
    e->batch = log->batches;
}

void tui_fix_log_drop_batch(tui_fix_log *log, unsigned batch)
{
    size_t kept = 0;
    for (size_t i = 0; i < log->len; i++) {
        tui_fix_entry *e = &log->items[i];
        if (e->batch != batch) {
            log->items[kept++] = *e;
            continue;
        }
        free(e->code);
        free(e->path);
        free(e->moved_to);
        free(e->line_text);
        free(e->message);
    }
    log->len = kept;
}

const tui_fix_entry *tui_fix_log_match(const tui_fix_log *log, const svc_diagnostic *d)
{
    if (!log) return NULL;
    for (size_t i = 0; i < log->len; i++) {
        const tui_fix_entry *e = &log->items[i];
        if (e->batch > log->reloaded && e->row == d->span.row && e->col == d->span.col &&
            strcmp(e->code, d->rule->code) == 0 && strcmp(e->path, d->path) == 0)
            return e;
    }
    return NULL;
}

bool tui_fix_entry_done(const tui_fix_log *log, const tui_fix_entry *e)
{
    return e->batch <= log->reloaded;
}

const char *tui_fix_entry_path(const tui_fix_log *log, const tui_fix_entry *e)
{
    return e->moved_to && tui_fix_entry_done(log, e) ? e->moved_to : e->path;
}

const char *tui_fix_entry_word(const tui_fix_entry *e)
{
    return e->staged ? "staged" : "fixed";
}

const char *tui_fix_entry_mark(const tui_fix_entry *e)
{
    if (e->staged) return tui_glyph("✓ staged", "v staged");
    return tui_glyph("✓ fixed", "v fixed");
}
