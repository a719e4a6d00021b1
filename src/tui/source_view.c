/* The source pane. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/rules.h"
#include "svcscope/util.h"
#include "tui/app.h"
#include "tui/highlight.h"
#include "tui/source_view.h"
#include "tui/text.h"
#include "tui/theme.h"

#define TAB_WIDTH 8

static void source_view_init(source_view *v)
{
    memset(v, 0, sizeof *v);
    v->file = -1;
    v->layout_width = -1;
}

static void free_fixed(source_view *v)
{
    for (size_t i = 0; i < v->nfixed; i++) free(v->fixed[i].text);
    free(v->fixed);
    v->fixed = NULL;
    v->nfixed = 0;
}

static void close_file(source_view *v)
{
    free_fixed(v);
    for (size_t i = 0; i < v->ndiags; i++) free(v->messages[i]);
    free(v->messages);
    free(v->text);
    free(v->styles);
    free(v->line_start);
    free(v->line_mark);
    free(v->rows);
    free(v->line_row);
    free(v->error);
    const tui_project *project = v->project;
    const tui_fix_log *log = v->log;
    tui_view cover = v->cover;
    bool covered = v->covered;
    source_search search = v->search;
    source_view_init(v);
    v->project = project;
    v->log = log;
    v->cover = cover;
    v->covered = covered;
    v->search = search;
}

static void view_free(tui_view *view)
{
    source_view *v = view->state;
    close_file(v);
    if (v->cover.ops) v->cover.ops->free(&v->cover);
}

const char *source_view_path(const source_view *v)
{
    return v->file >= 0 && v->project ? v->project->model->files[v->file].path : NULL;
}

static void split_lines(source_view *v)
{
    size_t n = 1;
    for (size_t i = 0; i < v->len; i++) n += v->text[i] == '\n';
    v->line_start = svc_xmalloc((n + 1) * sizeof *v->line_start);
    size_t line = 0;
    /* A UTF-8 BOM is not text anyone wants to see. */
    v->line_start[line++] = v->len >= 3 && memcmp(v->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    for (size_t i = 0; i < v->len; i++)
        if (v->text[i] == '\n') v->line_start[line++] = i + 1;
    /* A final newline does not start another line. */
    if (line > 1 && v->line_start[line - 1] == v->len) line--;
    v->nlines = (uint32_t)line;
    v->line_start[line] = v->len;
}

static void line_bytes(const source_view *v, uint32_t line, size_t *start, size_t *end)
{
    *start = v->line_start[line];
    size_t e = line + 1 < v->nlines ? v->line_start[line + 1] : v->len;
    while (e > *start && (v->text[e - 1] == '\n' || v->text[e - 1] == '\r')) e--;
    *end = e;
}

static uint32_t diag_line(const source_view *v, const svc_diagnostic *d)
{
    return d->span.row < v->nlines ? d->span.row : (v->nlines ? v->nlines - 1 : 0);
}

static bool line_is(const source_view *v, uint32_t line, const char *text)
{
    size_t b, end;
    line_bytes(v, line, &b, &end);
    return end - b == strlen(text) && memcmp(v->text + b, text, end - b) == 0;
}

/* Where an applied fix's line is now: the line with its text nearest to where it was, else where it was. */
static bool relocate(const source_view *v, const tui_fix_entry *e, uint32_t *line)
{
    if (v->nlines == 0 || e->is_folder) return false;
    uint32_t row = e->row < v->nlines ? e->row : v->nlines - 1;
    *line = row;
    if (!e->line_text) return true;
    for (uint32_t d = 0; d < v->nlines; d++) {
        if (row + d < v->nlines && line_is(v, row + d, e->line_text)) {
            *line = row + d;
            return true;
        }
        if (d <= row && d > 0 && line_is(v, row - d, e->line_text)) {
            *line = row - d;
            return true;
        }
        if (row + d >= v->nlines && d > row) break;
    }
    return true;
}

bool source_view_fixed_line(const source_view *v, const tui_fix_entry *e, uint32_t *line)
{
    const char *path = source_view_path(v);
    return path && v->text && strcmp(path, tui_fix_entry_path(v->log, e)) == 0 && relocate(v, e, line);
}

/* The gutter marks and the applied fixes of the file, from the findings and the session's log. */
static void compute_marks(source_view *v)
{
    free_fixed(v);
    memset(v->line_mark, -1, v->nlines ? v->nlines : 1);
    for (size_t i = 0; i < v->ndiags; i++) {
        const svc_diagnostic *d = &v->diags[i];
        /* a finding fixed and not reloaded yet: the ✓ takes its place */
        if (tui_fix_log_match(v->log, d)) continue;
        uint32_t line = diag_line(v, d);
        if (v->line_mark[line] < (signed char)d->severity) v->line_mark[line] = (signed char)d->severity;
    }
    const char *path = source_view_path(v);
    for (size_t i = 0; v->log && path && i < v->log->len; i++) {
        const tui_fix_entry *e = &v->log->items[i];
        uint32_t line;
        if (strcmp(tui_fix_entry_path(v->log, e), path) != 0 || !relocate(v, e, &line)) continue;
        v->fixed = svc_xrealloc(v->fixed, (v->nfixed + 1) * sizeof *v->fixed);
        /* by line, the log's order kept among equals */
        size_t at = v->nfixed;
        while (at > 0 && v->fixed[at - 1].line > line) {
            v->fixed[at] = v->fixed[at - 1];
            at--;
        }
        v->fixed[at] = (source_fixed){ line, i, svc_xasprintf("%s %s %s", tui_fix_entry_mark(e), e->code, e->message) };
        v->nfixed++;
        if (v->line_mark[line] == -1) v->line_mark[line] = -2;
    }
    v->layout_width = -1;
}

void source_view_marks_changed(source_view *v)
{
    if (v->file < 0 || !v->line_mark) return;
    compute_marks(v);
}

const svc_diagnostic *source_view_cursor_diags(const source_view *v, size_t *count)
{
    *count = 0;
    const svc_diagnostic *first = NULL;
    for (size_t i = 0; i < v->ndiags; i++) {
        if (diag_line(v, &v->diags[i]) != v->cursor) continue;
        if (!first) first = &v->diags[i];
        ++*count;
    }
    return first;
}

char *source_view_line_text(const source_view *v, uint32_t line)
{
    if (!v->text || line >= v->nlines) return NULL;
    size_t b, end;
    line_bytes(v, line, &b, &end);
    return svc_xstrndup(v->text + b, end - b);
}

void source_view_open(source_view *v, long file)
{
    v->covered = false;
    if (!v->project || (file == v->file && (v->text || v->error))) return;
    close_file(v);
    if (file < 0 || (size_t)file >= v->project->model->nfiles) return;
    v->file = file;
    const char *path = v->project->model->files[file].path;
    long index = svc_source_find(v->project->source, path);
    svc_error err = SVC_ERROR_INIT;
    if (index < 0 || svc_source_read(v->project->source, (size_t)index, &v->text, &v->len, &err) < 0) {
        v->error = svc_xasprintf("%s: %s", path, index < 0 ? "no longer in the source" : err.message);
        v->text = svc_xstrdup("");
        v->len = 0;
    }
    v->styles = tui_highlight(v->text, v->len);
    split_lines(v);
    v->diags = tui_project_file_diags(v->project, file, &v->ndiags);
    v->messages = svc_xcalloc(v->ndiags ? v->ndiags : 1, sizeof *v->messages);
    v->line_mark = svc_xmalloc(v->nlines ? v->nlines : 1);
    for (size_t i = 0; i < v->ndiags; i++) {
        const svc_diagnostic *d = &v->diags[i];
        v->messages[i] = svc_xasprintf("%s %s", d->rule->code, d->message);
    }
    compute_marks(v);
}

/* ---- layout ------------------------------------------------------------------------------ */

static int digits(uint32_t n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

static int gutter_width(const source_view *v)
{
    int d = digits(v->nlines);
    return (d < 3 ? 3 : d) + 3; /* mark, space, number, space */
}

/* Display column of a code-point column of a line (tabs expanded). */
static int display_col(const source_view *v, uint32_t line, uint32_t cpcol)
{
    size_t b, end;
    line_bytes(v, line, &b, &end);
    int col = 0;
    for (uint32_t cp_index = 0; b < end && cp_index < cpcol; cp_index++) {
        uint32_t cp;
        b += svc_utf8_decode(v->text + b, end - b, &cp);
        col += cp == '\t' ? TAB_WIDTH - col % TAB_WIDTH : tui_cp_width(cp);
    }
    return col;
}

typedef SVC_VEC(source_row) row_vec;

static void layout(source_view *v, int width)
{
    if (width == v->layout_width && v->rows) return;
    free(v->rows);
    free(v->line_row);
    v->layout_width = width;
    int text_w = width - gutter_width(v);
    row_vec rows = { 0 };
    v->line_row = svc_xmalloc((v->nlines ? v->nlines : 1) * sizeof *v->line_row);
    size_t next_diag = 0, next_fixed = 0;
    for (uint32_t line = 0; line < v->nlines; line++) {
        v->line_row[line] = rows.len;
        svc_vec_push(&rows, ((source_row){ line, -1, -1, 0, 0, 0 }));
        /* Findings are sorted by row: those of this line come next, then the fixes applied there. */
        for (;;) {
            bool is_diag = next_diag < v->ndiags && diag_line(v, &v->diags[next_diag]) <= line;
            bool is_fixed = !is_diag && next_fixed < v->nfixed && v->fixed[next_fixed].line <= line;
            if (!is_diag && !is_fixed) break;
            uint32_t col = is_diag ? v->diags[next_diag].span.col : v->log->items[v->fixed[next_fixed].entry].col;
            int indent = display_col(v, line, col);
            if (indent > text_w / 4) indent = text_w / 4;
            int wrap_w = text_w - indent - 2;
            if (wrap_w < 10) {
                indent = 0;
                wrap_w = text_w - 2 > 1 ? text_w - 2 : 1;
            }
            const char *msg = is_diag ? v->messages[next_diag] : v->fixed[next_fixed].text;
            int32_t diag = is_diag ? (int32_t)next_diag : -1, fixed = is_diag ? -1 : (int32_t)next_fixed;
            size_t n = strlen(msg), at = 0;
            do {
                while (at > 0 && at < n && msg[at] == ' ') at++;
                size_t part = tui_wrap(msg + at, n - at, wrap_w);
                svc_vec_push(&rows, ((source_row){ line, diag, fixed, (uint32_t)at, (uint32_t)part, indent }));
                at += part;
            } while (at < n);
            if (is_diag) next_diag++;
            else next_fixed++;
        }
    }
    v->rows = rows.items;
    v->nrows = rows.len;
}

/* The last row that belongs to a line (its message rows included). */
static size_t line_last_row(const source_view *v, uint32_t line)
{
    return line + 1 < v->nlines ? v->line_row[line + 1] - 1 : (v->nrows ? v->nrows - 1 : 0);
}

static void fit(source_view *v, tui_rect r)
{
    layout(v, r.w);
    if (v->nlines == 0) {
        v->cursor = 0;
        v->top = 0;
        return;
    }
    if (v->cursor >= v->nlines) v->cursor = v->nlines - 1;
    size_t height = r.h > 0 ? (size_t)r.h : 1;
    size_t first = v->line_row[v->cursor], last = line_last_row(v, v->cursor);
    /* The line and its messages, when they fit; the line itself always. */
    if (last >= v->top + height) v->top = last - height + 1;
    if (first < v->top || first >= v->top + height) v->top = first < v->top ? first : first - height + 1;
    if (v->top > first) v->top = first;
    if (v->nrows > height && v->top > v->nrows - height) v->top = v->nrows - height;
    if (v->nrows <= height) v->top = 0;
}

void source_view_goto(source_view *v, uint32_t line, source_place place, tui_rect r)
{
    layout(v, r.w);
    if (v->nlines == 0) return;
    v->cursor = line < v->nlines ? line : v->nlines - 1;
    v->hscroll = 0;
    size_t row = v->line_row[v->cursor];
    size_t before = place == SOURCE_PLACE_TOP ? 2 : (size_t)(r.h > 3 ? r.h / 3 : 0);
    v->top = row > before ? row - before : 0;
    fit(v, r);
}

void source_view_restore(source_view *v, uint32_t line, size_t top, int hscroll, tui_rect r)
{
    source_view_goto(v, line, SOURCE_PLACE_TOP, r);
    v->top = top;
    v->hscroll = hscroll;
    fit(v, r);
}

/* Reopens the same file at the same line when it still exists. */
/* The cover, in the pane's place, when it is what the pane shows; else NULL. */
static tui_view *shown_cover(const tui_view *view)
{
    source_view *v = view->state;
    if (!v->covered || !v->cover.ops) return NULL;
    v->cover.rect = view->rect;
    return &v->cover;
}

static void view_set_project(tui_view *view, const tui_project *project)
{
    source_view *v = view->state;
    tui_rect r = view->rect;
    if (v->cover.ops) v->cover.ops->set_project(&v->cover, project);
    char *path = source_view_path(v) ? svc_xstrdup(source_view_path(v)) : NULL;
    uint32_t cursor = v->cursor;
    size_t top = v->top;
    close_file(v);
    v->project = project;
    if (!path) return;
    long file = svc_model_file(project->model, path);
    free(path);
    if (file < 0) return;
    /* Opening the file again does not take the place of an overview shown over it. */
    bool covered = v->covered;
    source_view_open(v, file);
    v->covered = covered;
    v->cursor = cursor;
    v->top = top;
    fit(v, r);
}

/* ---- search --------------------------------------------------------------------------------- */

static bool line_has_match(const source_view *v, uint32_t line)
{
    size_t b, end;
    line_bytes(v, line, &b, &end);
    return source_search_in(v->text, end, b, v->search.pattern) >= 0;
}

/*
 * The next line with a match from `line` (itself included when `inclusive`), going forward or
 * back and wrapping around the file; false when no line has one.
 */
static bool search_line(const source_view *v, uint32_t line, bool forward, bool inclusive, uint32_t *found, bool *wrapped)
{
    *wrapped = false;
    if (!v->search.pattern[0] || v->nlines == 0) return false;
    for (uint32_t k = inclusive ? 0 : 1; k <= v->nlines; k++) {
        uint32_t at = forward ? (line + k) % v->nlines : (line + v->nlines - k % v->nlines) % v->nlines;
        if (line_has_match(v, at)) {
            *wrapped = forward ? at < line || (at == line && !inclusive) : at > line || (at == line && !inclusive);
            *found = at;
            return true;
        }
    }
    return false;
}

/* The prompt's text (view.h's filter): the cursor goes to the first match from where the search began. */
static void view_set_search(tui_view *view, const char *text)
{
    source_view *v = view->state;
    if (!text || !*text) {
        v->search.pattern[0] = '\0';
        return;
    }
    if (!v->search.pattern[0]) v->search.origin = v->cursor;
    snprintf(v->search.pattern, sizeof v->search.pattern, "%s", text);
    uint32_t line;
    bool wrapped;
    if (search_line(v, v->search.origin, true, true, &line, &wrapped)) source_view_goto(v, line, SOURCE_PLACE_THIRD, view->rect);
}

static const char *view_search(const tui_view *view)
{
    const source_view *v = view->state;
    return v->search.pattern;
}

/* n and N: the next or previous line with a match, saying so when the search wrapped or found none. */
static tui_reaction search_step(source_view *v, struct tui_app *app, bool forward, tui_rect r)
{
    uint32_t line;
    bool wrapped;
    if (!v->search.pattern[0]) {
        char *say = tui_keys_say(TUI_SCOPE_SOURCE, 1, TUI_REQ_SEARCH, NULL, "searches the source");
        app_message(app, false, "no search%s%s", *say ? ": " : "", say);
        free(say);
        return TUI_REACT_STATUS;
    }
    if (!search_line(v, v->cursor, forward, false, &line, &wrapped)) {
        app_message(app, false, "no line matches /%s", v->search.pattern);
        return TUI_REACT_STATUS;
    }
    source_view_goto(v, line, SOURCE_PLACE_THIRD, r);
    if (wrapped) app_message(app, false, "search wrapped to the %s", forward ? "top" : "bottom");
    return TUI_REACT_PANE | (wrapped ? TUI_REACT_STATUS : 0);
}

/* ---- drawing ------------------------------------------------------------------------------ */

static const tui_element severity_element[3] = { TUI_EL_INFO, TUI_EL_WARNING, TUI_EL_ERROR };
static const tui_element message_element[3] = { TUI_EL_MESSAGE_INFO, TUI_EL_MESSAGE_WARNING, TUI_EL_MESSAGE_ERROR };
static const tui_element span_element[3] = { TUI_EL_SPAN_INFO, TUI_EL_SPAN_WARNING, TUI_EL_SPAN_ERROR };
static const char severity_letter[3] = { 'I', 'W', 'E' };

static bool span_covers(const svc_span *s, uint32_t line, uint32_t col)
{
    if (s->row == s->end_row && s->col == s->end_col) return false;
    if (line < s->row || line > s->end_row) return false;
    if (line == s->row && col < s->col) return false;
    if (line == s->end_row && col >= s->end_col) return false;
    return true;
}

/* What a character is drawn as: its syntax colour, or the mark of the worst finding covering it. */
static tui_element char_element(const source_view *v, size_t byte, uint32_t line, uint32_t col)
{
    int worst = -1;
    for (size_t i = 0; i < v->ndiags; i++)
        if ((int)v->diags[i].severity > worst && span_covers(&v->diags[i].span, line, col))
            worst = (int)v->diags[i].severity;
    if (worst >= 0) return span_element[worst];
    return (tui_element)v->styles[byte];
}

/* An element's attribute on `line`: the cursor line is marked across the whole row. */
static attr_t line_attr(const source_view *v, uint32_t line, tui_element element)
{
    return line == v->cursor ? tui_attr_cursor_line(element) : tui_attr(element);
}

/* The search's matches on a line, as byte ranges [start, end) of the text; at most `max`. */
static size_t line_matches(const source_view *v, size_t b, size_t end, size_t (*ranges)[2], size_t max)
{
    size_t n = 0, plen = strlen(v->search.pattern);
    for (size_t from = b; plen && n < max;) {
        long at = source_search_in(v->text, end, from, v->search.pattern);
        if (at < 0) break;
        ranges[n][0] = (size_t)at;
        ranges[n][1] = (size_t)at + plen;
        n++;
        from = (size_t)at + plen;
    }
    return n;
}

static void draw_code(const source_view *v, uint32_t line, int y, int x, int width)
{
    size_t b, end;
    line_bytes(v, line, &b, &end);
    size_t matches[64][2];
    size_t nmatches = line_matches(v, b, end, matches, 64), next_match = 0;
    int col = 0;
    for (uint32_t cpcol = 0; b < end && col < v->hscroll + width; cpcol++) {
        uint32_t cp;
        size_t len = svc_utf8_decode(v->text + b, end - b, &cp);
        attr_t attr = line_attr(v, line, char_element(v, b, line, cpcol));
        while (next_match < nmatches && matches[next_match][1] <= b) next_match++;
        if (next_match < nmatches && matches[next_match][0] <= b) attr |= A_REVERSE;
        int w = cp == '\t' ? TAB_WIDTH - col % TAB_WIDTH : tui_cp_width(cp);
        bool whole = col >= v->hscroll && col + w <= v->hscroll + width;
        if (cp == '\t' || !whole) {
            /* Tabs, and wide characters cut by an edge, become spaces. */
            for (int c = col; c < col + w; c++)
                if (c >= v->hscroll && c < v->hscroll + width) tui_put_cp(y, x + c - v->hscroll, ' ', attr);
        } else {
            tui_put_cp(y, x + col - v->hscroll, cp, attr);
        }
        col += w;
        b += len;
    }
}

static void draw_row(const source_view *v, const source_row *row, int y, tui_rect r, bool focused)
{
    int gutter = gutter_width(v);
    bool on_cursor_line = row->diag < 0 && row->fixed < 0 && row->line == v->cursor;
    tui_fill(y, r.x, r.w, on_cursor_line ? tui_attr_cursor_line(TUI_EL_NORMAL) : tui_attr(TUI_EL_NORMAL));
    if (row->fixed >= 0) {
        /* a fix applied in this session: "✓ staged SVC404 ..." */
        attr_t attr = tui_attr(TUI_EL_FIXED);
        int x = r.x + gutter + row->indent, width = r.w - gutter - row->indent;
        int used = tui_put(y, x, width, row->offset == 0 ? tui_glyph("└ ", "^ ") : "  ", attr);
        tui_putn(y, x + used, width - used, v->fixed[row->fixed].text + row->offset, row->length, attr);
        return;
    }
    if (row->diag < 0) {
        int mark = v->line_mark[row->line];
        if (mark >= 0) {
            char letter[2] = { severity_letter[mark], 0 };
            tui_put(y, r.x, 1, letter, line_attr(v, row->line, severity_element[mark]) | A_BOLD);
        } else if (mark == -2) {
            tui_put(y, r.x, 1, tui_glyph("✓", "v"), line_attr(v, row->line, TUI_EL_FIXED));
        }
        char number[16];
        snprintf(number, sizeof number, "%*u", gutter - 3, row->line + 1);
        bool cursor = row->line == v->cursor;
        tui_put(y, r.x + 2, gutter - 3, number,
                cursor ? tui_attr(focused ? TUI_EL_SELECTED_FOCUS : TUI_EL_SELECTED) : tui_attr(TUI_EL_LINE_NUMBER));
        draw_code(v, row->line, y, r.x + gutter, r.w - gutter);
        return;
    }
    const svc_diagnostic *d = &v->diags[row->diag];
    attr_t attr = tui_attr(message_element[d->severity]);
    int x = r.x + gutter + row->indent, width = r.w - gutter - row->indent;
    bool first = row->offset == 0;
    int used = tui_put(y, x, width, first ? tui_glyph("└ ", "^ ") : "  ", attr);
    tui_putn(y, x + used, width - used, v->messages[row->diag] + row->offset, row->length, attr);
}

static void view_draw(tui_view *view, bool focused)
{
    tui_view *cover = shown_cover(view);
    if (cover) {
        cover->ops->draw(cover, focused);
        return;
    }
    source_view *v = view->state;
    tui_rect r = view->rect;
    for (int i = 0; i < r.h; i++) tui_fill(r.y + i, r.x, r.w, tui_attr(TUI_EL_NORMAL));
    if (v->file < 0) {
        if (r.h > 0) tui_put(r.y, r.x + 1, r.w - 1, "Select a module in the tree to see its source.", tui_attr(TUI_EL_NOTE));
        return;
    }
    if (v->error) {
        if (r.h > 0) tui_put(r.y, r.x + 1, r.w - 1, v->error, tui_attr(TUI_EL_ERROR));
        return;
    }
    fit(v, r);
    for (int i = 0; i < r.h && v->top + (size_t)i < v->nrows; i++)
        draw_row(v, &v->rows[v->top + (size_t)i], r.y + i, r, focused);
}

static void view_title(const tui_view *view, char *buf, size_t size)
{
    const tui_view *cover = shown_cover(view);
    if (cover) {
        cover->ops->title(cover, buf, size);
        return;
    }
    const source_view *v = view->state;
    const char *path = source_view_path(v);
    if (!path) {
        buf[0] = '\0';
        return;
    }
    int n;
    if (v->ndiags) n = snprintf(buf, size, "%s:%u  %zu finding%s", path, v->cursor + 1, v->ndiags, v->ndiags == 1 ? "" : "s");
    else n = snprintf(buf, size, "%s:%u", path, v->cursor + 1);
    if (v->search.pattern[0] && n > 0 && (size_t)n < size) {
        size_t lines = 0, at = 0;
        for (uint32_t line = 0; line < v->nlines; line++) {
            if (!line_has_match(v, line)) continue;
            lines++;
            if (line <= v->cursor) at = lines;
        }
        if (lines) snprintf(buf + n, size - (size_t)n, "  /%s  line %zu of %zu", v->search.pattern, at, lines);
        else snprintf(buf + n, size - (size_t)n, "  /%s  no match", v->search.pattern);
    }
}

/* ---- requests ------------------------------------------------------------------------------ */

static uint32_t move_line(uint32_t at, long delta, uint32_t n)
{
    if (n == 0) return 0;
    if (delta < 0) return (uint32_t)-delta > at ? 0 : at - (uint32_t)-delta;
    return at + (uint32_t)delta >= n ? n - 1 : at + (uint32_t)delta;
}

static void scroll_rows(source_view *v, long delta, tui_rect r)
{
    size_t height = r.h > 0 ? (size_t)r.h : 1;
    size_t max_top = v->nrows > height ? v->nrows - height : 0;
    if (delta < 0) v->top = (size_t)-delta > v->top ? 0 : v->top - (size_t)-delta;
    else v->top = v->top + (size_t)delta > max_top ? max_top : v->top + (size_t)delta;
}

static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    tui_view *cover = shown_cover(view);
    if (cover) return cover->ops->request(cover, app, req);
    source_view *v = view->state;
    tui_rect r = view->rect;
    layout(v, r.w);
    long page = r.h > 1 ? r.h - 1 : 1, half = r.h / 2 ? r.h / 2 : 1;
    switch (req) {
    case TUI_REQ_MOVE_DOWN: v->cursor = move_line(v->cursor, 1, v->nlines); break;
    case TUI_REQ_MOVE_UP: v->cursor = move_line(v->cursor, -1, v->nlines); break;
    case TUI_REQ_PAGE_DOWN:
        scroll_rows(v, page, r);
        v->cursor = move_line(v->cursor, page, v->nlines);
        break;
    case TUI_REQ_PAGE_UP:
        scroll_rows(v, -page, r);
        v->cursor = move_line(v->cursor, -page, v->nlines);
        break;
    case TUI_REQ_HALF_PAGE_DOWN:
        scroll_rows(v, half, r);
        v->cursor = move_line(v->cursor, half, v->nlines);
        break;
    case TUI_REQ_HALF_PAGE_UP:
        scroll_rows(v, -half, r);
        v->cursor = move_line(v->cursor, -half, v->nlines);
        break;
    case TUI_REQ_MOVE_FIRST: v->cursor = 0; break;
    case TUI_REQ_MOVE_LAST: v->cursor = v->nlines ? v->nlines - 1 : 0; break;
    case TUI_REQ_SCROLL_LEFT:
    case TUI_REQ_LIST_LEFT: v->hscroll = v->hscroll > 8 ? v->hscroll - 8 : 0; break;
    case TUI_REQ_SCROLL_RIGHT:
    case TUI_REQ_LIST_RIGHT: v->hscroll += 8; break;
    case TUI_REQ_SEARCH_NEXT: return search_step(v, app, true, r);
    case TUI_REQ_SEARCH_PREV: return search_step(v, app, false, r);
    default: return TUI_REACT_UNHANDLED;
    }
    fit(v, r);
    return TUI_REACT_PANE;
}

static tui_reaction view_click(tui_view *view, struct tui_app *app, int row, int col, bool twice)
{
    tui_view *cover = shown_cover(view);
    if (cover) return tui_view_click(cover, app, row, col, twice);
    (void)app;
    (void)col;
    (void)twice;
    source_view *v = view->state;
    tui_rect r = view->rect;
    layout(v, r.w);
    if (row < 0 || v->top + (size_t)row >= v->nrows) return TUI_REACT_NONE;
    v->cursor = v->rows[v->top + (size_t)row].line;
    fit(v, r);
    return TUI_REACT_PANE;
}

static tui_reaction view_wheel(tui_view *view, struct tui_app *app, long delta)
{
    tui_view *cover = shown_cover(view);
    if (cover) return tui_view_wheel(cover, app, delta);
    (void)app;
    source_view *v = view->state;
    tui_rect r = view->rect;
    layout(v, r.w);
    if (v->nlines == 0) return TUI_REACT_NONE;
    scroll_rows(v, delta, r);
    size_t height = r.h > 0 ? (size_t)r.h : 1;
    /* Drag the cursor along so the scroll is not undone by keeping it visible. */
    if (v->line_row[v->cursor] < v->top) v->cursor = v->rows[v->top].line;
    size_t bottom = v->top + height - 1 < v->nrows ? v->top + height - 1 : v->nrows - 1;
    if (v->line_row[v->cursor] > bottom) v->cursor = v->rows[bottom].line;
    if (v->line_row[v->cursor] < v->top && v->cursor + 1 < v->nlines) v->cursor++;
    return TUI_REACT_PANE;
}

/* ---- the view ---------------------------------------------------------------------------- */

static void view_init(tui_view *view)
{
    source_view_init(view->state);
}

const tui_view_ops source_view_ops = {
    .name = "Source",
    .scope = TUI_SCOPE_SOURCE,
    .filter_label = "Search the source",
    .filter = view_search,
    .set_filter = view_set_search,
    .init = view_init,
    .free = view_free,
    .set_project = view_set_project,
    .title = view_title,
    .draw = view_draw,
    .request = view_request,
    .click = view_click,
    .wheel = view_wheel,
};
