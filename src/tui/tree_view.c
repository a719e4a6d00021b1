/* The tree pane. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "svcscope/util.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "tui/tree_view.h"

/* ---- visible rows -------------------------------------------------------------------- */

static bool filtering(const tree_view *v)
{
    return v->filter[0] != '\0';
}

static const char *find_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0) return p;
    return NULL;
}

static void compute_matches(tree_view *v)
{
    size_t n = v->model.len;
    free(v->match);
    free(v->keep);
    v->match = svc_xcalloc(n ? n : 1, sizeof *v->match);
    v->keep = svc_xcalloc(n ? n : 1, sizeof *v->keep);
    if (!filtering(v)) return;
    for (size_t i = 0; i < n; i++) v->match[i] = find_ci(v->model.items[i].label, v->filter) != NULL;
    /* Ancestors of a match stay, so a match is always seen in its place. */
    for (size_t i = n; i-- > 0;) {
        if (v->match[i]) v->keep[i] = true;
        long parent = v->model.items[i].parent;
        if (v->keep[i] && parent >= 0) v->keep[parent] = true;
    }
}

/* Under a filter: ancestors of matches open by themselves; below a match opened by hand, all shows. */
static void visit(tree_view *v, size_t i, bool show_all)
{
    const tree_node *node = &v->model.items[i];
    bool filter = filtering(v) && !show_all;
    if (filter && !v->keep[i]) return;
    v->rows[v->list.count++] = i;
    bool child_kept = false;
    for (size_t c = i + 1; filter && c < node->end; c = v->model.items[c].end) child_kept |= v->keep[c];
    if (!node->expanded && !child_kept) return;
    bool children_all = !filter || (v->match[i] && node->expanded);
    for (size_t c = i + 1; c < node->end; c = v->model.items[c].end) visit(v, c, children_all);
}

static size_t selected_node(const tree_view *v)
{
    return v->list.count ? v->rows[v->list.selected] : 0;
}

/* Recomputes the rows, keeping `keep_node` (or its nearest shown ancestor) selected. */
static void compute_rows(tree_view *v, size_t keep_node, int height)
{
    free(v->rows);
    v->rows = svc_xmalloc((v->model.len ? v->model.len : 1) * sizeof *v->rows);
    v->list.count = 0;
    for (size_t i = 0; i < v->model.len; i = v->model.items[i].end) visit(v, i, false);
    v->list.selected = 0;
    for (long n = (long)keep_node; n >= 0 && v->model.len; n = v->model.items[n].parent) {
        bool found = false;
        for (size_t r = 0; r < v->list.count && !found; r++)
            if (v->rows[r] == (size_t)n) {
                v->list.selected = r;
                found = true;
            }
        if (found) break;
    }
    tui_list_fit(&v->list, height);
}

/* ---- loading --------------------------------------------------------------------------- */

/* Keeps expanded nodes and the selection when they still exist. */
static int measure_width_needed(const tree_view *v);

static void view_set_project(tui_view *view, const tui_project *project)
{
    tree_view *v = view->state;
    svc_map *was_expanded = NULL;
    char *selected_key = NULL;
    if (v->model.len) {
        was_expanded = svc_map_new();
        for (size_t i = 0; i < v->model.len; i++) {
            char *key = tree_model_key(&v->model, i);
            svc_map_put(was_expanded, key, v->model.items[i].expanded ? (void *)2 : (void *)1);
            free(key);
        }
        selected_key = tree_model_key(&v->model, selected_node(v));
    }
    tree_model_free(&v->model);
    tree_model_build(&v->model, project);
    v->width_needed = measure_width_needed(v);
    size_t select = 0;
    for (size_t i = 0; was_expanded && i < v->model.len; i++) {
        char *key = tree_model_key(&v->model, i);
        void *state = svc_map_get(was_expanded, key);
        if (state) v->model.items[i].expanded = state == (void *)2;
        if (selected_key && strcmp(key, selected_key) == 0) select = i;
        free(key);
    }
    if (was_expanded) svc_map_free(was_expanded);
    free(selected_key);
    compute_matches(v);
    /* The scroll too (a live reload keeps the view): the rows are fitted to the pane as it is. */
    compute_rows(v, select, view->rect.h > 0 ? view->rect.h : 1 << 20);
}

static void view_free(tui_view *view)
{
    tree_view *v = view->state;
    tree_model_free(&v->model);
    free(v->rows);
    free(v->match);
    free(v->keep);
    memset(v, 0, sizeof *v);
}

/* ---- drawing ----------------------------------------------------------------------------- */

typedef struct role_look {
    const char *glyph, *ascii, *marker;
    tui_element element;
} role_look;

static const role_look *look_of(svc_def_role role)
{
    static const role_look looks[] = {
        [SVC_DEF_ROLE_FUNCTION] = { "ƒ", "f", "def", TUI_EL_MODULE },
        [SVC_DEF_ROLE_CLASS] = { "◇", "o", "class", TUI_EL_MODULE },
        [SVC_DEF_ROLE_TASK] = { "◆", "*", "task", TUI_EL_TASK },
        [SVC_DEF_ROLE_WRAPPER] = { "»", ">", "wrap", TUI_EL_WRAPPER },
        [SVC_DEF_ROLE_EXCEPTION] = { "✗", "x", "exc", TUI_EL_EXCEPTION },
    };
    return &looks[role];
}

static tui_element label_element(const tree_node *n)
{
    switch (n->kind) {
    case TREE_BRANCH: return TUI_EL_BRANCH;
    case TREE_SERVICE:
    case TREE_APP: return TUI_EL_SERVICE;
    case TREE_FOLDER: return TUI_EL_MODULE;
    case TREE_FILE: return n->is_test ? TUI_EL_NOTE : TUI_EL_MODULE;
    case TREE_DEF: return look_of(n->role)->element;
    }
    return TUI_EL_NORMAL;
}

/* "2E 1W 3I", or "" when clean. */
static void format_counts(const unsigned counts[3], char *buf, size_t size)
{
    buf[0] = '\0';
    static const char letters[3] = { 'I', 'W', 'E' };
    size_t used = 0;
    for (int s = 2; s >= 0; s--) {
        if (!counts[s]) continue;
        int n = snprintf(buf + used, size - used, "%s%u%c", used ? " " : "", counts[s], letters[s]);
        if (n < 0 || (size_t)n >= size - used) break;
        used += (size_t)n;
    }
}

static void draw_counts(int y, int x, const unsigned counts[3], attr_t override)
{
    static const char letters[3] = { 'I', 'W', 'E' };
    static const tui_element elements[3] = { TUI_EL_INFO, TUI_EL_WARNING, TUI_EL_ERROR };
    bool first = true;
    for (int s = 2; s >= 0; s--) {
        if (!counts[s]) continue;
        char part[24];
        snprintf(part, sizeof part, "%s%u%c", first ? "" : " ", counts[s], letters[s]);
        x += tui_put(y, x, 24, part, override ? override : tui_attr(elements[s]));
        first = false;
    }
}

/* The label, with the part matching the filter marked. */
static void draw_label(const tree_view *v, tui_pen *pen, const char *label, attr_t attr, attr_t selected)
{
    const char *hit = filtering(v) ? find_ci(label, v->filter) : NULL;
    if (!hit) {
        tui_pen_put(pen, label, selected ? selected : attr);
        return;
    }
    size_t before = (size_t)(hit - label), len = strlen(v->filter);
    tui_pen_putn(pen, label, before, selected ? selected : attr);
    tui_pen_putn(pen, hit, len, selected ? selected | A_UNDERLINE : tui_attr(TUI_EL_MATCH));
    tui_pen_put(pen, hit + len, selected ? selected : attr);
}

/* The labels of the rows on screen, and the paths among them: what a label is cut against. */
typedef struct shown_labels {
    const char **labels, **paths;
    size_t nlabels, npaths;
    long *files;          /* per label: the file of its node, -1 */
} shown_labels;

/* Whether another row on screen shows this label for another file (the same node under two
 * branches is not a repeat: its rows already say the same true thing). */
static bool label_repeats(const shown_labels *shown, const char *label, long file)
{
    for (size_t i = 0; i < shown->nlabels; i++)
        if (shown->files[i] != file && strcmp(shown->labels[i], label) == 0) return true;
    return false;
}

static void draw_row(tree_view *v, size_t row, int y, tui_rect r, bool focused, const shown_labels *shown)
{
    size_t i = v->rows[row];
    const tree_node *n = &v->model.items[i];
    bool is_selected = row == v->list.selected;
    attr_t sel = is_selected ? tui_attr(focused ? TUI_EL_SELECTED_FOCUS : TUI_EL_SELECTED) : 0;
    tui_fill(y, r.x, r.w, sel ? sel : tui_attr(TUI_EL_NORMAL));

    char counts[64];
    format_counts(n->counts, counts, sizeof counts);
    int counts_w = (int)strlen(counts);
    int limit = r.w - (counts_w ? counts_w + 2 : 1);
    if (limit < 0) limit = 0;
    /* The row scrolls sideways under the counts, which stay put. */
    tui_pen pen = tui_list_pen(&v->list, y, r.x, limit);
    for (int d = 0; d < n->depth; d++) tui_pen_put(&pen, "  ", sel);
    bool has_children = n->end > i + 1;
    bool open = row + 1 < v->list.count && v->model.items[v->rows[row + 1]].parent == (long)i;
    const char *expander = !has_children ? " " : open ? tui_glyph("▾", "-") : tui_glyph("▸", "+");
    tui_pen_put(&pen, expander, sel ? sel : tui_attr(TUI_EL_NOTE));
    tui_pen_put(&pen, " ", sel);
    attr_t attr = tui_attr(label_element(n));
    if (n->kind == TREE_DEF) {
        const role_look *look = look_of(n->role);
        tui_pen_put(&pen, tui_glyph(look->glyph, look->ascii), sel ? sel : attr);
        tui_pen_put(&pen, " ", sel);
        tui_pen_put(&pen, look->marker, sel ? sel : attr);
        tui_pen_put(&pen, " ", sel);
    }
    /* A label is cut to what the pane shows (more of it as the row scrolls), never to the point
     * of reading like another row's: a path in the middle, a name at the end or in the middle. */
    int room = limit + v->list.hscroll - pen.at;
    char *label = strchr(n->label, '/') ? tui_path_elide(n->label, room, shown->paths, shown->npaths)
                                        : tui_name_elide(n->label, room, shown->labels, shown->nlabels);
    draw_label(v, &pen, label, attr, sel);
    free(label);
    /* A definition whose name another row on screen shows too says which file it is in. */
    char *where = NULL;
    int room_for_note = limit + v->list.hscroll - pen.at - 2 - 3;
    if (n->kind == TREE_DEF && n->parent >= 0 && label_repeats(shown, n->label, n->file) && room_for_note >= 6) {
        /* The file's name, cut to the room left: its start (a migration's number) tells files apart. */
        const char *file = v->model.items[n->parent].label;
        const char *base = strrchr(file, '/') && strrchr(file, '/')[1] ? strrchr(file, '/') + 1 : file;
        char *cut = tui_name_elide(base, room_for_note, NULL, 0);
        where = svc_xasprintf("in %s", cut);
        free(cut);
    }
    char *both = where && n->note ? svc_xasprintf("%s, %s", where, n->note) : NULL;
    const char *note = both ? both : n->note ? n->note : where;
    /* Where the file is told and the whole note does not fit, the file alone. */
    if (both && pen.at + (int)tui_text_width(both) + 2 > limit + v->list.hscroll) note = where;
    /* A note is shown whole or not at all: a cut note reads as nonsense. */
    if (note && pen.at + (int)tui_text_width(note) + 2 <= limit + v->list.hscroll) {
        tui_pen_put(&pen, "  ", sel);
        tui_pen_put(&pen, note, sel ? sel : tui_attr(TUI_EL_NOTE));
    } else if (note) {
        pen.at += (int)tui_text_width(note) + 2;   /* a note left out still asks for room to the right */
    }
    free(both);
    free(where);
    tui_list_pen_end(&v->list, &pen);
    if (counts_w && counts_w + 1 <= r.w) draw_counts(y, r.x + r.w - counts_w - 1, n->counts, sel);
}

static void view_draw(tui_view *view, bool focused)
{
    tree_view *v = view->state;
    tui_rect r = view->rect;
    tui_list_draw_begin(&v->list, r.h);
    size_t rows = (size_t)(r.h > 0 ? r.h : 1);
    shown_labels shown = { svc_xmalloc(rows * sizeof *shown.labels), svc_xmalloc(rows * sizeof *shown.paths), 0, 0,
                           svc_xmalloc(rows * sizeof *shown.files) };
    for (int row = 0; row < r.h && v->list.top + (size_t)row < v->list.count; row++) {
        const tree_node *node = &v->model.items[v->rows[v->list.top + (size_t)row]];
        const char *label = node->label;
        shown.files[shown.nlabels] = node->file;
        shown.labels[shown.nlabels++] = label;
        if (strchr(label, '/')) shown.paths[shown.npaths++] = label;
    }
    for (int row = 0; row < r.h; row++) {
        size_t at = v->list.top + (size_t)row;
        if (at < v->list.count) draw_row(v, at, r.y + row, r, focused, &shown);
        else tui_fill(r.y + row, r.x, r.w, tui_attr(TUI_EL_NORMAL));
    }
    free(shown.labels);
    free(shown.paths);
    free(shown.files);
    if (v->list.count == 0 && r.h > 0)
        tui_put(r.y, r.x + 1, r.w - 1, filtering(v) ? "no name matches the filter" : "(empty)", tui_attr(TUI_EL_NOTE));
}

static void view_title(const tui_view *view, char *buf, size_t size)
{
    const tree_view *v = view->state;
    if (filtering(v)) snprintf(buf, size, "filter: %s", v->filter);
    else buf[0] = '\0';
}

/* ---- requests ----------------------------------------------------------------------------- */

static void set_expanded_all(tree_view *v, bool expanded)
{
    for (size_t i = 0; i < v->model.len; i++)
        v->model.items[i].expanded = expanded || v->model.items[i].kind == TREE_BRANCH;
}

static bool tree_view_request(tree_view *v, tui_request req, int height)
{
    if (tui_list_request(&v->list, req, height)) return true;
    if (v->list.count == 0) return false;
    size_t i = selected_node(v);
    tree_node *n = &v->model.items[i];
    bool has_children = n->end > i + 1;
    bool open = v->list.selected + 1 < v->list.count &&
                v->model.items[v->rows[v->list.selected + 1]].parent == (long)i;
    switch (req) {
    case TUI_REQ_TREE_TOGGLE:
        if (has_children) n->expanded = !open;
        break;
    case TUI_REQ_TREE_EXPAND:
        if (!has_children) return true;
        if (open) {
            compute_rows(v, i, height);
            tui_list_request(&v->list, TUI_REQ_MOVE_DOWN, height);
            return true;
        }
        n->expanded = true;
        break;
    case TUI_REQ_TREE_COLLAPSE:
        if (has_children && open) {
            n->expanded = false;
        } else if (n->parent >= 0) {
            compute_rows(v, (size_t)n->parent, height);
            return true;
        }
        break;
    case TUI_REQ_TREE_EXPAND_ALL: set_expanded_all(v, true); break;
    case TUI_REQ_TREE_COLLAPSE_ALL: set_expanded_all(v, false); break;
    default: return false;
    }
    compute_rows(v, i, height);
    return true;
}

static void view_set_filter(tui_view *view, const char *text)
{
    tree_view *v = view->state;
    size_t keep = selected_node(v);
    snprintf(v->filter, sizeof v->filter, "%s", text ? text : "");
    compute_matches(v);
    compute_rows(v, keep, 1 << 20);
    /* While filtering, the first match is the natural place to be. */
    if (filtering(v) && !(v->list.count && v->match[selected_node(v)]))
        for (size_t r = 0; r < v->list.count; r++)
            if (v->match[v->rows[r]]) {
                v->list.selected = r;
                break;
            }
}

const tree_node *tree_view_selected(const tree_view *v)
{
    return v->list.count ? &v->model.items[selected_node(v)] : NULL;
}

static bool reveal_node(tree_view *v, size_t node, int height)
{
    if (filtering(v) && !v->keep[node]) {
        v->filter[0] = '\0';
        compute_matches(v);
    }
    for (long p = v->model.items[node].parent; p >= 0; p = v->model.items[p].parent) v->model.items[p].expanded = true;
    compute_rows(v, node, height);
    return true;
}

bool tree_view_reveal(tree_view *v, long file, long def, int height)
{
    long file_node = -1;
    for (size_t i = 0; i < v->model.len; i++) {
        const tree_node *n = &v->model.items[i];
        if (n->file != file) continue;
        if (def >= 0 && n->kind == TREE_DEF && n->def == def) return reveal_node(v, i, height);
        if (n->kind == TREE_FILE && file_node < 0) file_node = (long)i;
    }
    return file_node >= 0 && reveal_node(v, (size_t)file_node, height);
}

bool tree_view_reveal_key(tree_view *v, const char *key, int height)
{
    for (size_t i = 0; i < v->model.len; i++) {
        char *k = tree_model_key(&v->model, i);
        bool found = strcmp(k, key) == 0;
        free(k);
        if (found) return reveal_node(v, i, height);
    }
    return false;
}

bool tree_view_reveal_folder(tree_view *v, const char *folder, int height)
{
    /* The node with the deepest folder holding it: "services/x/tests" shows service x. */
    long best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < v->model.len; i++) {
        const char *f = v->model.items[i].folder;
        if (!f || v->model.items[i].grouping) continue;
        size_t n = strlen(f);
        bool holds = strcmp(f, folder) == 0 || (strncmp(folder, f, n) == 0 && folder[n] == '/');
        if (holds && (best < 0 || n > best_len)) {
            best = (long)i;
            best_len = n;
        }
    }
    return best >= 0 && reveal_node(v, (size_t)best, height);
}

/* ---- the view ---------------------------------------------------------------------------- */

/* Whatever moved, the other panes follow the node selected now (when it is another one). */
static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    (void)app;
    if (!tree_view_request(view->state, req, view->rect.h)) return TUI_REACT_UNHANDLED;
    return TUI_REACT_PANE | TUI_REACT_FOLLOW;
}

/* A click selects; a double click, or a click on the row selected, opens or closes it. */
static tui_reaction view_click(tui_view *view, struct tui_app *app, int row, int col, bool twice)
{
    (void)app;
    (void)col;
    tree_view *v = view->state;
    size_t before = v->list.selected;
    if (tui_list_click(&v->list, row) && (twice || before == v->list.selected))
        tree_view_request(v, TUI_REQ_TREE_TOGGLE, view->rect.h);
    return TUI_REACT_PANE | TUI_REACT_FOLLOW;
}

/* The wheel scrolls this list (tui_view_wheel); clicks are the tree's own. */
static tui_list *view_list(tui_view *view)
{
    return &((tree_view *)view->state)->list;
}

static const char *view_filter(const tui_view *view)
{
    const tree_view *v = view->state;
    return v->filter;
}

const tui_view_ops tree_view_ops = {
    .name = "Tree",
    .scope = TUI_SCOPE_TREE,
    .filter_label = "Filter tree by name",
    .free = view_free,
    .set_project = view_set_project,
    .title = view_title,
    .draw = view_draw,
    .request = view_request,
    .click = view_click,
    .list = view_list,
    .filter = view_filter,
    .set_filter = view_set_filter,
};

static int measure_width_needed(const tree_view *v)
{
    int need = 0;
    for (size_t i = 0; i < v->model.len; i++) {
        const tree_node *n = &v->model.items[i];
        char counts[64];
        format_counts(n->counts, counts, sizeof counts);
        /* expander and space, "◆ task " for a definition, the label, two spaces and the counts, a margin */
        int w = n->depth * 2 + 2 + (n->kind == TREE_DEF ? 2 + (int)strlen(look_of(n->role)->marker) + 1 : 0) +
                (int)tui_text_width(n->label) + (counts[0] ? 2 + (int)strlen(counts) : 0) + 1;
        if (w > need) need = w;
    }
    return need;
}

int tree_view_width_needed(const tree_view *v)
{
    return v->width_needed;
}
