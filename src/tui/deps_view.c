/* The dependencies overlay: the import edges between apps and services, as a matrix or a list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/rules.h"
#include "svcscope/util.h"
#include "tui/deps_view.h"
#include "tui/status.h"
#include "tui/text.h"
#include "tui/theme.h"

/* ---- the answer ----------------------------------------------------------------------------- */

static void forget(deps_view *v)
{
    svc_query_dependencies_free(v->deps);
    free(v->site_flagged);
    free(v->first_site);
    free(v->flagged);
    free(v->by_concern);
    free(v->shown);
    v->deps = NULL;
    v->site_flagged = NULL;
    v->first_site = v->flagged = v->by_concern = v->shown = NULL;
    v->nshown = 0;
    v->project = NULL;
}

/* Whether the project's findings flag an import line: a deep service import, or a service taking
 * from an app more than its models (the TUI reads the rules' findings, it judges nothing). */
static bool line_flagged(const tui_project *project, const svc_query_import_site *s)
{
    size_t n;
    const svc_diagnostic *d = tui_project_file_diags(project, (long)s->place.file, &n);
    for (size_t i = 0; i < n; i++) {
        if (d[i].span.row + 1 != s->place.line) continue;
        if (strcmp(d[i].rule->code, "SVC201") == 0 || strcmp(d[i].rule->code, "SVC203") == 0) return true;
    }
    return false;
}

static const deps_view *sorting;

static int compare_concern(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    bool fa = sorting->flagged[a] > 0, fb = sorting->flagged[b] > 0;
    if (fa != fb) return fa ? -1 : 1;
    return a < b ? -1 : a > b;
}

static void build(deps_view *v, const tui_project *project)
{
    forget(v);
    v->project = project;
    v->deps = svc_query_dependencies_new(project->query);
    const svc_query_dependencies *d = v->deps;
    size_t nsites = 0;
    for (size_t e = 0; e < d->nedges; e++) nsites += d->edges[e].n;
    v->site_flagged = svc_xcalloc(nsites + 1, sizeof *v->site_flagged);
    v->first_site = svc_xcalloc(d->nedges + 1, sizeof *v->first_site);
    v->flagged = svc_xcalloc(d->nedges + 1, sizeof *v->flagged);
    v->by_concern = svc_xcalloc(d->nedges + 1, sizeof *v->by_concern);
    bool *has_edge = svc_xcalloc(d->nnodes + 1, sizeof *has_edge);
    for (size_t e = 0, at = 0; e < d->nedges; e++) {
        v->first_site[e] = at;
        for (size_t s = 0; s < d->edges[e].n; s++, at++) {
            v->site_flagged[at] = line_flagged(project, &d->edges[e].sites[s]);
            v->flagged[e] += v->site_flagged[at];
        }
        v->by_concern[e] = e;
        has_edge[d->edges[e].from] = has_edge[d->edges[e].to] = true;
    }
    sorting = v;
    if (d->nedges > 1) qsort(v->by_concern, d->nedges, sizeof *v->by_concern, compare_concern);
    v->shown = svc_xcalloc(d->nnodes + 1, sizeof *v->shown);
    for (size_t i = 0; i < d->nnodes; i++)
        if (has_edge[i]) v->shown[v->nshown++] = i;
    free(has_edge);
    v->edges.count = d->nedges;
    if (v->row >= v->nshown) v->row = v->nshown ? v->nshown - 1 : 0;
    if (v->col >= v->nshown) v->col = v->nshown ? v->nshown - 1 : 0;
    v->edge = -1;
}

void deps_view_open(deps_view *v, const tui_project *project)
{
    build(v, project);
    v->row = v->col = 0;
    v->edges = (tui_list){ .count = v->deps->nedges };
    /* The matrix starts on the edge the list puts first: the most concerning. */
    for (size_t i = 0; v->deps->nedges && i < v->nshown; i++) {
        const svc_query_dependency *first = &v->deps->edges[v->by_concern[0]];
        if (v->shown[i] == first->from) v->row = i;
        if (v->shown[i] == first->to) v->col = i;
    }
    v->open = true;
}

void deps_view_close(deps_view *v)
{
    v->open = false;
    v->edge = -1;
}

bool deps_view_selected_site(const deps_view *v, const char **path, uint32_t *line)
{
    if (!v->open || v->edge < 0 || v->sites.selected >= v->deps->edges[v->edge].n) return false;
    const svc_query_import_site *s = &v->deps->edges[v->edge].sites[v->sites.selected];
    *path = s->place.path;
    *line = s->place.line;
    return true;
}

/* The edge from `shown[row]` to `shown[col]`, or -1. */
static long edge_between(const deps_view *v, size_t row, size_t col)
{
    if (row >= v->nshown || col >= v->nshown) return -1;
    for (size_t e = 0; e < v->deps->nedges; e++)
        if (v->deps->edges[e].from == v->shown[row] && v->deps->edges[e].to == v->shown[col]) return (long)e;
    return -1;
}

/* ---- geometry ------------------------------------------------------------------------------- */

/* The box: the screen but the status and hint lines; its inside, left of a margin. */
typedef struct deps_box {
    int y, x, height, width;
    int body_y, body_x, body_h, body_w;
} deps_box;

static deps_box geometry(tui_rect r)
{
    deps_box b = { r.y, r.x, r.h - 2, r.w, 0, 0, 0, 0 };
    b.body_y = b.y + 1;
    b.body_x = b.x + 2;
    b.body_h = b.height - 2;
    b.body_w = b.width - 4;
    return b;
}

static const char *node_label(const deps_view *v, size_t node, char *buf, size_t size)
{
    const svc_query_dependency_node *n = &v->deps->nodes[node];
    snprintf(buf, size, "%s%s", n->name, n->kind == SVC_QUERY_IMPORTER_APP ? " (app)" : "");
    return buf;
}

/* The matrix's columns: a row's label ("12 orders (app)") and a cell ("14!"). */
static void matrix_widths(const deps_view *v, int *label_w, int *cell_w)
{
    char buf[512];
    size_t most = 0, widest = 0;
    for (size_t i = 0; i < v->nshown; i++) {
        size_t w = tui_text_width(node_label(v, v->shown[i], buf, sizeof buf));
        if (w > widest) widest = w;
    }
    for (size_t e = 0; e < v->deps->nedges; e++)
        if (v->deps->edges[e].n > most) most = v->deps->edges[e].n;
    int digits = snprintf(buf, sizeof buf, "%zu", most > v->nshown ? most : v->nshown);
    *label_w = digits + 1 + (int)widest + 1;
    *cell_w = digits + 3;
}

/* The matrix fits: every column across, and a row per node with its header and the line under it. */
static bool matrix_fits(const deps_view *v, tui_rect r)
{
    deps_box b = geometry(r);
    int label_w, cell_w;
    matrix_widths(v, &label_w, &cell_w);
    return v->nshown > 0 && label_w + (int)v->nshown * cell_w <= b.body_w && (int)v->nshown + 3 <= b.body_h;
}

static int list_rows(const tui_view *view)
{
    int h = geometry(view->rect).body_h - 1;
    return h > 1 ? h : 1;
}

/* ---- drawing -------------------------------------------------------------------------------- */

static void say_edge(const deps_view *v, size_t e, char *buf, size_t size)
{
    const svc_query_dependency *d = &v->deps->edges[e];
    char from[256], to[256];
    int n = snprintf(buf, size, "%s %s %s  %zu import%s", node_label(v, d->from, from, sizeof from),
                     tui_glyph("→", "->"), node_label(v, d->to, to, sizeof to), d->n, d->n == 1 ? "" : "s");
    if (v->flagged[e] && n > 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, " (%zu flagged)", v->flagged[e]);
}

static void draw_matrix(const deps_view *v, deps_box b)
{
    int label_w, cell_w;
    matrix_widths(v, &label_w, &cell_w);
    int digits = cell_w - 3;
    char buf[600];
    attr_t note = tui_attr(TUI_EL_NOTE), normal = tui_attr(TUI_EL_NORMAL);
    for (size_t c = 0; c < v->nshown; c++) {
        snprintf(buf, sizeof buf, "%*zu  ", cell_w - 2, c + 1);
        tui_put(b.body_y, b.body_x + label_w + (int)c * cell_w, cell_w, buf, tui_attr(TUI_EL_TITLE));
    }
    for (size_t r = 0; r < v->nshown; r++) {
        int y = b.body_y + 1 + (int)r;
        char name[512];
        snprintf(buf, sizeof buf, "%*zu %s", digits, r + 1, node_label(v, v->shown[r], name, sizeof name));
        tui_put(y, b.body_x, label_w, buf, r == v->row ? tui_attr(TUI_EL_BRANCH) : normal);
        for (size_t c = 0; c < v->nshown; c++) {
            long e = edge_between(v, r, c);
            int x = b.body_x + label_w + (int)c * cell_w;
            bool selected = r == v->row && c == v->col;
            attr_t attr = selected ? tui_attr(TUI_EL_SELECTED_FOCUS) : e >= 0 ? normal : note;
            if (e < 0) snprintf(buf, sizeof buf, "%*s ", cell_w - 2, r == c ? "" : tui_glyph("·", "."));
            else snprintf(buf, sizeof buf, "%*zu", cell_w - 2, v->deps->edges[e].n);
            int used = tui_put(y, x, cell_w - 1, buf, attr);
            if (e >= 0 && v->flagged[e]) tui_put(y, x + used, 1, "!", selected ? attr : tui_attr(TUI_EL_ERROR));
            else if (selected) tui_put(y, x + used, 1, " ", attr);
        }
    }
    int y = b.body_y + 2 + (int)v->nshown;
    long e = edge_between(v, v->row, v->col);
    if (e >= 0) say_edge(v, (size_t)e, buf, sizeof buf);
    else snprintf(buf, sizeof buf, "no imports here");
    tui_put(y, b.body_x, b.body_w, buf, e >= 0 ? tui_attr(TUI_EL_BRANCH) : note);
    if (y + 1 < b.body_y + b.body_h)
        tui_put(y + 1, b.body_x, b.body_w, "Rows import columns (numbered as the rows); ! marks imports the rules flag.", note);
}

static void draw_list(deps_view *v, deps_box b, int rows)
{
    tui_list_fit(&v->edges, rows);
    char buf[600];
    tui_put(b.body_y, b.body_x, b.body_w, "Edges, the flagged (!) first:", tui_attr(TUI_EL_NOTE));
    for (int r = 0; r < rows; r++) {
        size_t i = v->edges.top + (size_t)r;
        if (i >= v->deps->nedges) break;
        size_t e = v->by_concern[i];
        int y = b.body_y + 1 + r;
        attr_t attr = tui_attr(i == v->edges.selected ? TUI_EL_SELECTED_FOCUS : TUI_EL_NORMAL);
        tui_fill(y, b.body_x, b.body_w, attr);
        tui_put(y, b.body_x, 2, v->flagged[e] ? "!" : " ", i == v->edges.selected ? attr : tui_attr(TUI_EL_ERROR));
        say_edge(v, e, buf, sizeof buf);
        tui_put(y, b.body_x + 2, b.body_w - 2, buf, attr);
    }
}

static void draw_sites(deps_view *v, deps_box b, int rows)
{
    const svc_query_dependency *d = &v->deps->edges[v->edge];
    tui_list_fit(&v->sites, rows);
    char buf[600];
    say_edge(v, (size_t)v->edge, buf, sizeof buf);
    tui_put(b.body_y, b.body_x, b.body_w, buf, tui_attr(TUI_EL_BRANCH));
    for (int r = 0; r < rows; r++) {
        size_t i = v->sites.top + (size_t)r;
        if (i >= d->n) break;
        const svc_query_import_site *s = &d->sites[i];
        bool flagged = v->site_flagged[v->first_site[v->edge] + i];
        int y = b.body_y + 1 + r;
        bool selected = i == v->sites.selected;
        attr_t attr = tui_attr(selected ? TUI_EL_SELECTED_FOCUS : TUI_EL_NORMAL);
        tui_fill(y, b.body_x, b.body_w, attr);
        tui_put(y, b.body_x, 2, flagged ? "!" : " ", selected ? attr : tui_attr(TUI_EL_ERROR));
        char *where = svc_xasprintf("%s:%u", s->place.path, s->place.line);
        int used = 2 + tui_put(y, b.body_x + 2, b.body_w - 2, where, attr);
        free(where);
        const char *text = svc_xref_reader_line(v->project->reader, s->place.file, s->place.line);
        if (used + 2 < b.body_w) tui_put(y, b.body_x + used + 2, b.body_w - used - 2, text, selected ? attr : tui_attr(TUI_EL_NOTE));
    }
}

static void view_draw(tui_view *view, bool focused)
{
    (void)focused;
    deps_view *v = view->state;
    deps_box b = geometry(view->rect);
    if (b.body_h < 2 || b.body_w < 12 || !v->deps) return;
    for (int r = 0; r < b.height; r++) tui_fill(b.y + r, b.x, b.width, tui_attr(TUI_EL_NORMAL));
    tui_box_draw(b.y, b.x, b.height, b.width, tui_attr(TUI_EL_TITLE));
    tui_put(b.y, b.x + 2, b.width - 4, " Dependencies ", tui_attr(TUI_EL_TITLE));
    int rows = list_rows(view);
    if (v->edge >= 0) draw_sites(v, b, rows);
    else if (v->deps->nedges == 0)
        tui_put(b.body_y, b.body_x, b.body_w, "No app or service imports another.", tui_attr(TUI_EL_NOTE));
    else if (matrix_fits(v, view->rect)) draw_matrix(v, b);
    else draw_list(v, b, rows);
}

static void view_hints(const tui_view *view, int y, int cols)
{
    (void)view;
    static const tui_request keys[] = { TUI_REQ_DEPS_OPEN, TUI_REQ_DEPS_CLOSE };
    tui_hints_draw_only(y, cols, TUI_SCOPE_DEPS, keys, 2);
}

/* ---- requests -------------------------------------------------------------------------------- */

/* The edge selected in the matrix or the list, or -1. */
static long selected_edge(const deps_view *v, const tui_view *view)
{
    if (matrix_fits(v, view->rect)) return edge_between(v, v->row, v->col);
    return v->edges.selected < v->deps->nedges ? (long)v->by_concern[v->edges.selected] : -1;
}

static tui_reaction matrix_request(deps_view *v, tui_request req)
{
    size_t last = v->nshown - 1;
    switch (req) {
    case TUI_REQ_MOVE_DOWN: v->row = v->row < last ? v->row + 1 : last; break;
    case TUI_REQ_MOVE_UP: v->row = v->row ? v->row - 1 : 0; break;
    case TUI_REQ_DEPS_RIGHT: v->col = v->col < last ? v->col + 1 : last; break;
    case TUI_REQ_DEPS_LEFT: v->col = v->col ? v->col - 1 : 0; break;
    case TUI_REQ_MOVE_FIRST: v->row = 0; break;
    case TUI_REQ_MOVE_LAST: v->row = last; break;
    default: return TUI_REACT_NONE;
    }
    return TUI_REACT_PANE;
}

/* Movement, Enter on an edge and going back are its own; Enter on a line (a jump), quitting, help
 * and the like are the app's. */
static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    (void)app;
    deps_view *v = view->state;
    switch (req) {
    case TUI_REQ_DEPS_CLOSE:
    case TUI_REQ_CANCEL:
        if (v->edge >= 0) v->edge = -1;
        else deps_view_close(v);
        return TUI_REACT_ALL;
    case TUI_REQ_DEPENDENCIES: deps_view_close(v); return TUI_REACT_ALL;
    case TUI_REQ_DEPS_OPEN:
        if (v->edge >= 0) return TUI_REACT_UNHANDLED;
        if ((v->edge = selected_edge(v, view)) < 0) return TUI_REACT_NONE;
        v->sites = (tui_list){ .count = v->deps->edges[v->edge].n };
        return TUI_REACT_PANE;
    case TUI_REQ_QUIT:
    case TUI_REQ_HELP:
    case TUI_REQ_REDRAW:
    case TUI_REQ_SUSPEND: return TUI_REACT_UNHANDLED;
    default: break;
    }
    if (v->edge >= 0) return tui_list_request(&v->sites, req, list_rows(view)) ? TUI_REACT_PANE : TUI_REACT_NONE;
    if (matrix_fits(v, view->rect)) return matrix_request(v, req);
    return tui_list_request(&v->edges, req, list_rows(view)) ? TUI_REACT_PANE : TUI_REACT_NONE;
}

static tui_reaction view_wheel(tui_view *view, struct tui_app *app, long lines)
{
    (void)app;
    deps_view *v = view->state;
    if (v->edge >= 0) return tui_list_wheel(&v->sites, lines, list_rows(view));
    if (matrix_fits(v, view->rect)) return TUI_REACT_NONE;
    return tui_list_wheel(&v->edges, lines, list_rows(view));
}

/* ---- the view ---------------------------------------------------------------------------- */

static void view_init(tui_view *view)
{
    memset(view->state, 0, sizeof(deps_view));
    ((deps_view *)view->state)->edge = -1;
}

static void view_free(tui_view *view)
{
    forget(view->state);
}

/* A reload: the edges of the new project, the cell or row selected kept where it still is. */
static void view_set_project(tui_view *view, const tui_project *project)
{
    deps_view *v = view->state;
    if (!v->open) {
        forget(v);
        return;
    }
    size_t selected = v->edges.selected;
    build(v, project);
    v->edges.selected = selected < v->edges.count ? selected : 0;
}

static bool view_is_open(const tui_view *view)
{
    const deps_view *v = view->state;
    return v->open;
}

const tui_view_ops deps_view_ops = {
    .name = "Dependencies",
    .scope = TUI_SCOPE_DEPS,
    .init = view_init,
    .free = view_free,
    .set_project = view_set_project,
    .is_open = view_is_open,
    .draw = view_draw,
    .hints = view_hints,
    .request = view_request,
    .wheel = view_wheel,
};
