/* The problems pane. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "svcscope/rules.h"
#include "svcscope/util.h"
#include "tui/problems_view.h"
#include "tui/text.h"
#include "tui/theme.h"

static const tui_element severity_element[3] = { TUI_EL_INFO, TUI_EL_WARNING, TUI_EL_ERROR };
static const char *const sort_names[PROBLEMS_SORT_COUNT] = { "path", "code", "severity" };

static void view_init(tui_view *view)
{
    problems_view *v = view->state;
    memset(v, 0, sizeof *v);
    v->show[0] = v->show[1] = v->show[2] = true;
}

static void view_free(tui_view *view)
{
    problems_view *v = view->state;
    free(v->order);
    free(v->applied);
    v->order = NULL;
    v->applied = NULL;
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0) return true;
    return false;
}

static bool shown(const problems_view *v, const svc_diagnostic *d)
{
    if (!v->show[d->severity]) return false;
    if (!v->filter[0]) return true;
    return contains_ci(d->rule->code, v->filter) || contains_ci(d->rule->name, v->filter) ||
           contains_ci(d->path, v->filter) || contains_ci(d->message, v->filter);
}

/* Applied fixes follow the text filter (not the severity toggles: they are no longer findings). */
static bool applied_shown(const problems_view *v, const tui_fix_entry *e)
{
    if (!tui_fix_entry_done(v->log, e)) return false;
    if (!v->filter[0]) return true;
    return contains_ci(e->code, v->filter) || contains_ci(tui_fix_entry_path(v->log, e), v->filter) ||
           contains_ci(e->message, v->filter);
}

/* qsort has no context argument: the diagnostics being sorted. */
static const svc_diagnostic *sorting;
static problems_sort sorting_by;

static int compare(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const svc_diagnostic *dx = &sorting[x], *dy = &sorting[y];
    int c = 0;
    if (sorting_by == PROBLEMS_BY_CODE) c = strcmp(dx->rule->code, dy->rule->code);
    else if (sorting_by == PROBLEMS_BY_SEVERITY) c = (int)dy->severity - (int)dx->severity;
    /* Ties keep the checker's order: path, line, column, code. */
    return c ? c : (x < y ? -1 : x > y);
}

/* Rows again; the selection on `keep` (a finding) or `keep_applied` (an applied fix), else on row `fallback`. */
static void rebuild_rows(problems_view *v, const svc_diagnostic *keep, const tui_fix_entry *keep_applied,
                         size_t fallback)
{
    free(v->order);
    free(v->applied);
    v->order = NULL;
    v->applied = NULL;
    v->list.count = v->nfindings = 0;
    if (!v->project) return;
    const svc_diagnostics *all = v->project->diags;
    v->order = svc_xmalloc((all->len ? all->len : 1) * sizeof *v->order);
    for (size_t i = 0; i < all->len; i++)
        if (shown(v, &all->items[i])) v->order[v->nfindings++] = i;
    sorting = all->items;
    sorting_by = v->sort;
    qsort(v->order, v->nfindings, sizeof *v->order, compare);
    size_t nlog = v->log ? v->log->len : 0;
    v->applied = svc_xmalloc((nlog ? nlog : 1) * sizeof *v->applied);
    size_t napplied = 0;
    for (size_t i = 0; i < nlog; i++)
        if (applied_shown(v, &v->log->items[i])) v->applied[napplied++] = i;
    v->list.count = v->nfindings + napplied;
    v->list.selected = v->list.count ? (fallback < v->list.count ? fallback : v->list.count - 1) : 0;
    for (size_t r = 0; keep && r < v->nfindings; r++)
        if (&all->items[v->order[r]] == keep) v->list.selected = r;
    for (size_t r = 0; keep_applied && r < napplied; r++)
        if (&v->log->items[v->applied[r]] == keep_applied) v->list.selected = v->nfindings + r;
    tui_list_fit(&v->list, 1 << 20);
}

void problems_view_refresh(problems_view *v)
{
    rebuild_rows(v, problems_view_selected(v), problems_view_selected_applied(v), v->list.selected);
}

/* Sort, filter and the selected finding are kept when they can be. */
static void view_set_project(tui_view *view, const tui_project *project)
{
    problems_view *v = view->state;
    /* The same finding after a reload: same code, path and line. */
    const svc_diagnostic *old = problems_view_selected(v);
    char *code = old ? svc_xstrdup(old->rule->code) : NULL, *path = old ? svc_xstrdup(old->path) : NULL;
    uint32_t row = old ? old->span.row : 0;
    /* A finding that is gone (fixed) leaves the selection on the row that took its place. */
    size_t fallback = v->list.selected;
    v->project = project;
    const svc_diagnostic *keep = NULL;
    for (size_t i = 0; code && i < project->diags->len; i++) {
        const svc_diagnostic *d = &project->diags->items[i];
        if (strcmp(d->rule->code, code) == 0 && strcmp(d->path, path) == 0 && d->span.row == row) keep = d;
    }
    free(code);
    free(path);
    rebuild_rows(v, keep, NULL, fallback);
}

static void view_set_filter(tui_view *view, const char *text)
{
    problems_view *v = view->state;
    snprintf(v->filter, sizeof v->filter, "%s", text ? text : "");
    rebuild_rows(v, problems_view_selected(v), problems_view_selected_applied(v), 0);
}

const svc_diagnostic *problems_view_selected(const problems_view *v)
{
    if (!v->project || v->list.selected >= v->nfindings) return NULL;
    return &v->project->diags->items[v->order[v->list.selected]];
}

const tui_fix_entry *problems_view_selected_applied(const problems_view *v)
{
    if (!v->project || v->list.selected < v->nfindings || v->list.selected >= v->list.count) return NULL;
    return &v->log->items[v->applied[v->list.selected - v->nfindings]];
}

void problems_view_select(problems_view *v, const svc_diagnostic *d, int height)
{
    for (size_t r = 0; r < v->nfindings; r++)
        if (&v->project->diags->items[v->order[r]] == d) {
            v->list.selected = r;
            tui_list_fit(&v->list, height);
            return;
        }
}

static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    (void)app;
    problems_view *v = view->state;
    int height = view->rect.h;
    if (tui_list_request(&v->list, req, height)) return TUI_REACT_PANE;
    switch (req) {
    case TUI_REQ_SORT: v->sort = (v->sort + 1) % PROBLEMS_SORT_COUNT; break;
    case TUI_REQ_TOGGLE_ERRORS: v->show[SVC_SEVERITY_ERROR] = !v->show[SVC_SEVERITY_ERROR]; break;
    case TUI_REQ_TOGGLE_WARNINGS: v->show[SVC_SEVERITY_WARNING] = !v->show[SVC_SEVERITY_WARNING]; break;
    case TUI_REQ_TOGGLE_INFO: v->show[SVC_SEVERITY_INFO] = !v->show[SVC_SEVERITY_INFO]; break;
    default: return TUI_REACT_UNHANDLED;
    }
    problems_view_refresh(v);
    tui_list_fit(&v->list, height);
    return TUI_REACT_PANE;
}

/* ---- drawing ---------------------------------------------------------------------------- */

/* What a row shows: a mark (severity letter or ✓), the code, where (a path and ":row:col"), a note
 * ("staged") and the message. */
typedef struct problem_row {
    const char *mark;
    tui_element mark_element;
    const char *code;
    const char *path;
    char place[32];
    const char *note;
    const char *message;
} problem_row;

static void row_of(const problems_view *v, size_t at, problem_row *out)
{
    static const char *const letters[3] = { "I", "W", "E" };
    if (at < v->nfindings) {
        const svc_diagnostic *d = &v->project->diags->items[v->order[at]];
        const tui_fix_entry *e = tui_fix_log_match(v->log, d);
        out->mark = e ? tui_glyph("✓", "v") : letters[d->severity];
        out->mark_element = e ? TUI_EL_FIXED : severity_element[d->severity];
        out->code = d->rule->code;
        out->path = d->path;
        snprintf(out->place, sizeof out->place, ":%u:%u", d->span.row + 1, d->span.col + 1);
        out->note = e ? tui_fix_entry_word(e) : NULL;
        out->message = d->message;
        return;
    }
    const tui_fix_entry *e = &v->log->items[v->applied[at - v->nfindings]];
    out->mark = tui_glyph("✓", "v");
    out->mark_element = TUI_EL_FIXED;
    out->code = e->code;
    out->path = tui_fix_entry_path(v->log, e);
    if (e->is_folder) out->place[0] = '\0';
    else snprintf(out->place, sizeof out->place, ":%u:%u", e->row + 1, e->col + 1);
    out->note = tui_fix_entry_word(e);
    out->message = e->message;
}

static void view_draw(tui_view *view, bool focused)
{
    problems_view *v = view->state;
    tui_rect r = view->rect;
    tui_list_draw_begin(&v->list, r.h);
    /* The location column is as wide as the longest one shown, up to 45% of the pane (and as much
     * more as the list is scrolled sideways: scrolling unfolds the paths first); paths are elided in
     * the middle against the others shown. */
    int loc_w = 0;
    problem_row pr;
    const char **paths = svc_xmalloc((size_t)(r.h > 0 ? r.h : 1) * sizeof *paths);
    size_t npaths = 0;
    for (size_t i = v->list.top; i < v->list.count && i < v->list.top + (size_t)r.h; i++) {
        row_of(v, i, &pr);
        paths[npaths++] = pr.path;
        int w = (int)(tui_text_width(pr.path) + strlen(pr.place));
        if (w > loc_w) loc_w = w;
    }
    if (loc_w > r.w * 45 / 100 + v->list.hscroll) loc_w = r.w * 45 / 100 + v->list.hscroll;
    for (int row = 0; row < r.h; row++) {
        int y = r.y + row;
        size_t at = v->list.top + (size_t)row;
        tui_fill(y, r.x, r.w, tui_attr(TUI_EL_NORMAL));
        if (at >= v->list.count) continue;
        row_of(v, at, &pr);
        attr_t sel = at == v->list.selected ? tui_attr(focused ? TUI_EL_SELECTED_FOCUS : TUI_EL_SELECTED) : 0;
        if (sel) tui_fill(y, r.x, r.w, sel);
        attr_t mark = sel ? sel : tui_attr(pr.mark_element);
        /* Applied fixes are not findings any more: their code is not in a severity's colour. */
        attr_t code = sel ? sel : at < v->nfindings ? mark : tui_attr(TUI_EL_NORMAL);
        tui_pen pen = tui_list_pen(&v->list, y, r.x, r.w);
        tui_pen_put(&pen, pr.mark, mark);
        tui_pen_put(&pen, " ", sel);
        tui_pen_put(&pen, pr.code, code);
        tui_pen_put(&pen, " ", sel);
        int place_w = (int)strlen(pr.place);
        char *path = tui_path_elide(pr.path, loc_w - place_w, paths, npaths);
        int loc_used = tui_pen_put(&pen, path, sel ? sel : tui_attr(TUI_EL_NORMAL));
        loc_used += tui_pen_put(&pen, pr.place, sel ? sel : tui_attr(TUI_EL_NORMAL));
        free(path);
        for (; loc_used < loc_w; loc_used++) tui_pen_put(&pen, " ", sel);
        tui_pen_put(&pen, "  ", sel);
        if (pr.note) {
            tui_pen_put(&pen, pr.note, sel ? sel : tui_attr(TUI_EL_FIXED));
            tui_pen_put(&pen, "  ", sel);
        }
        tui_pen_put(&pen, pr.message, sel ? sel : tui_attr(TUI_EL_NORMAL));
        tui_list_pen_end(&v->list, &pen);
    }
    free(paths);
    if (v->list.count == 0 && r.h > 0)
        tui_put(r.y, r.x + 1, r.w - 1,
                v->project && v->project->diags->len ? "no finding matches the filter" : "no findings",
                tui_attr(TUI_EL_NOTE));
}

static void view_title(const tui_view *view, char *buf, size_t size)
{
    const problems_view *v = view->state;
    size_t total = v->project ? v->project->diags->len : 0;
    int n = snprintf(buf, size, "%zu of %zu  sort: %s  [%c%c%c]", v->nfindings, total, sort_names[v->sort],
                     v->show[SVC_SEVERITY_ERROR] ? 'E' : '-', v->show[SVC_SEVERITY_WARNING] ? 'W' : '-',
                     v->show[SVC_SEVERITY_INFO] ? 'I' : '-');
    if (v->log && v->log->len && n > 0 && (size_t)n < size) {
        size_t staged = 0;
        for (size_t i = 0; i < v->log->len; i++) staged += v->log->items[i].staged;
        n += snprintf(buf + n, size - (size_t)n, "  %s %zu fixed", tui_glyph("✓", "v"), v->log->len);
        if (staged && n > 0 && (size_t)n < size) n += snprintf(buf + n, size - (size_t)n, " (%zu staged)", staged);
    }
    if (v->filter[0] && n > 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, "  filter: %s", v->filter);
}

/* ---- the view ---------------------------------------------------------------------------- */

/* Clicks and the wheel work on this list (tui_view_click, tui_view_wheel). */
static tui_list *view_list(tui_view *view)
{
    return &((problems_view *)view->state)->list;
}

static const char *view_filter(const tui_view *view)
{
    const problems_view *v = view->state;
    return v->filter;
}

/* The finding selected whole, its message first (the row cuts it), then code, rule, severity and place. */
static void view_detail(const tui_view *view, char *buf, size_t size)
{
    static const char *const severity[3] = { "info", "warning", "error" };
    const problems_view *v = view->state;
    const svc_diagnostic *d = problems_view_selected(v);
    const tui_fix_entry *e = problems_view_selected_applied(v);
    buf[0] = '\0';
    if (d)
        snprintf(buf, size, "%s  (%s %s, %s, %s:%u:%u)", d->message, d->rule->code, d->rule->name, severity[d->severity],
                 d->path, d->span.row + 1, d->span.col + 1);
    else if (e)
        snprintf(buf, size, "%s  (%s %s, %s)", e->message, e->code, tui_fix_entry_word(e), e->path);
}

const tui_view_ops problems_view_ops = {
    .name = "Problems",
    .scope = TUI_SCOPE_PROBLEMS,
    .activate = TUI_REQ_OPEN,
    .filter_label = "Filter problems",
    .init = view_init,
    .free = view_free,
    .set_project = view_set_project,
    .title = view_title,
    .draw = view_draw,
    .request = view_request,
    .list = view_list,
    .filter = view_filter,
    .set_filter = view_set_filter,
    .detail = view_detail,
};

const svc_diagnostic *problems_view_next(const problems_view *v, const problems_place *from, bool forward, bool *wrapped)
{
    *wrapped = false;
    if (!v->project) return NULL;
    const svc_diagnostics *all = v->project->diags;
    const svc_diagnostic *first = NULL;
    for (size_t k = 0; k < all->len; k++) {
        size_t i = forward ? k : all->len - 1 - k;
        const svc_diagnostic *d = &all->items[i];
        if (!shown(v, d)) continue;
        if (!first) first = d;
        if (!from) return d;
        int c;
        if (from->index != (size_t)-1) c = i < from->index ? -1 : i > from->index;
        else {
            c = strcmp(d->path, from->path);
            if (c == 0) c = d->span.row < from->line ? -1 : d->span.row > from->line;
        }
        if (forward ? c > 0 : c < 0) return d;
    }
    /* Past the end: around to the first (or the last) the problems show. */
    *wrapped = first != NULL;
    return first;
}
