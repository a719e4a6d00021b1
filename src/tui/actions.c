/* What one pane does to the others: following the tree, jumping to findings and call sites. */
#include <string.h>

#include "svcscope/rules.h"
#include "tui/app.h"
#include "tui/editor.h"

static tui_rect body(const tui_app *app, tui_pane pane)
{
    return app->layout.body[pane];
}

static const svc_def *def_of(const tui_app *app, long file, long def)
{
    return &app->project->model->files[file].facts->defs[def];
}

/* The top-level definition holding a byte of a file, or -1. */
static long top_level_def_at(const tui_app *app, long file, uint32_t byte)
{
    const svc_facts *facts = app->project->model->files[file].facts;
    int def = svc_facts_def_at(facts, byte);
    while (def >= 0 && facts->defs[def].parent != -1) def = facts->defs[def].parent;
    return def;
}

/* The top-level definition spanning a 0-based line, or -1. */
static long top_level_def_on_line(const tui_app *app, long file, uint32_t line)
{
    const svc_facts *facts = app->project->model->files[file].facts;
    for (size_t k = 0; k < facts->ndefs; k++)
        if (facts->defs[k].parent == -1 && facts->defs[k].span.row <= line && line <= facts->defs[k].span.end_row)
            return (long)k;
    return -1;
}

static long selected_node_index(const tui_app *app)
{
    const tree_node *n = tree_view_selected(&app->tree);
    return n ? (long)(n - app->tree.model.items) : -1;
}

/* Selects a file's def in the tree without the other panes following it again. */
static void reveal_in_tree(tui_app *app, long file, long def)
{
    tree_view_reveal(&app->tree, file, def, body(app, TUI_PANE_TREE).h);
    app->followed_node = selected_node_index(app);
}

static void show_def(tui_app *app, long file, long def)
{
    const svc_def *d = def_of(app, file, def);
    source_view_open(&app->source, file);
    source_view_goto(&app->source, d->span.row, SOURCE_PLACE_TOP, body(app, TUI_PANE_SOURCE));
    /* The cursor on the name; the decorators stay in view above it. */
    app->source.cursor = d->name_span.row;
}

static bool show_family(tui_app *app, long file, long def)
{
    long index;
    svc_def_role role = svc_def_role_of(app->project->model, (size_t)file, (size_t)def, &index);
    if (role != SVC_DEF_ROLE_TASK && role != SVC_DEF_ROLE_WRAPPER) return false;
    callers_view_show(&app->callers, role == SVC_DEF_ROLE_TASK, (size_t)index);
    return true;
}

void app_follow_tree(tui_app *app)
{
    const tree_node *n = tree_view_selected(&app->tree);
    if (!n || !app->project) return;
    long index = selected_node_index(app);
    if (index == app->followed_node) return;
    app->followed_node = index;
    if (n->file < 0) return;
    if (n->kind == TREE_DEF) {
        show_def(app, n->file, n->def);
        show_family(app, n->file, n->def);
    } else if (app->source.file != n->file) {
        source_view_open(&app->source, n->file);
        source_view_goto(&app->source, 0, SOURCE_PLACE_TOP, body(app, TUI_PANE_SOURCE));
    }
}

void app_show_finding(tui_app *app, const svc_diagnostic *d, bool focus_source)
{
    problems_view_select(&app->problems, d, body(app, TUI_PANE_PROBLEMS).h);
    if (d->file < 0) {
        /* A finding about a folder: its place in the tree says more than any source. */
        tree_view_reveal_folder(&app->tree, d->path, body(app, TUI_PANE_TREE).h);
        app->followed_node = selected_node_index(app);
        app_message(app, false, "%s %s", d->rule->code, d->message);
        if (focus_source) app_focus(app, TUI_PANE_TREE);
        return;
    }
    source_view_open(&app->source, d->file);
    source_view_goto(&app->source, d->span.row, SOURCE_PLACE_THIRD, body(app, TUI_PANE_SOURCE));
    reveal_in_tree(app, d->file, top_level_def_at(app, d->file, d->span.byte));
    if (focus_source) app_focus(app, TUI_PANE_SOURCE);
}

void app_next_finding(tui_app *app, bool forward)
{
    const svc_diagnostics *all = app->project->diags;
    const char *path = source_view_path(&app->source);
    uint32_t line = app->source.cursor;
    const svc_diagnostic *found = NULL, *wrapped = NULL;
    for (size_t k = 0; k < all->len; k++) {
        size_t i = forward ? k : all->len - 1 - k;
        const svc_diagnostic *d = &all->items[i];
        if (d->file < 0) continue;
        if (!wrapped) wrapped = d;
        int c = path ? strcmp(d->path, path) : 1;
        bool after = c > 0 || (c == 0 && d->span.row > line);
        bool before = c < 0 || (c == 0 && d->span.row < line);
        if (!path) before = true;
        if (forward ? after : before) {
            found = d;
            break;
        }
    }
    if (!found && !wrapped) {
        app_message(app, false, "no findings in any file");
        return;
    }
    if (!found) {
        found = wrapped;
        app_message(app, false, "search wrapped to the %s finding", forward ? "first" : "last");
    }
    app_show_finding(app, found, false);
}

void app_show_callers(tui_app *app)
{
    bool shown = false;
    switch (app->focus) {
    case TUI_PANE_TREE: {
        const tree_node *n = tree_view_selected(&app->tree);
        shown = n && n->kind == TREE_DEF && show_family(app, n->file, n->def);
        break;
    }
    case TUI_PANE_SOURCE: {
        long def = app->source.file >= 0 ? top_level_def_on_line(app, app->source.file, app->source.cursor) : -1;
        shown = def >= 0 && show_family(app, app->source.file, def);
        break;
    }
    case TUI_PANE_PROBLEMS: {
        const svc_diagnostic *d = problems_view_selected(&app->problems);
        long def = d && d->file >= 0 ? top_level_def_at(app, d->file, d->span.byte) : -1;
        shown = def >= 0 && show_family(app, d->file, def);
        break;
    }
    case TUI_PANE_CALLERS: shown = app->callers.has_target; break;
    case TUI_PANE_COUNT: break;
    }
    if (!shown) {
        app_message(app, false, "no task or delay_ wrapper here");
        return;
    }
    app_focus(app, TUI_PANE_CALLERS);
}

void app_open_site(tui_app *app)
{
    const callers_row *row = callers_view_selected(&app->callers);
    if (!row || row->file < 0) return;
    source_view_open(&app->source, row->file);
    source_view_goto(&app->source, row->line, SOURCE_PLACE_THIRD, body(app, TUI_PANE_SOURCE));
    reveal_in_tree(app, row->file, top_level_def_on_line(app, row->file, row->line));
    app_focus(app, TUI_PANE_SOURCE);
}

/* The file and 1-based line the focused pane points at; false when it points at no file. */
static bool focused_location(const tui_app *app, long *file, uint32_t *line)
{
    switch (app->focus) {
    case TUI_PANE_SOURCE:
        *file = app->source.file;
        *line = app->source.cursor + 1;
        return *file >= 0;
    case TUI_PANE_TREE: {
        const tree_node *n = tree_view_selected(&app->tree);
        if (!n || n->file < 0) return false;
        *file = n->file;
        *line = n->kind == TREE_DEF ? def_of(app, n->file, n->def)->name_span.row + 1 : 1;
        return true;
    }
    case TUI_PANE_PROBLEMS: {
        const svc_diagnostic *d = problems_view_selected(&app->problems);
        if (!d || d->file < 0) return false;
        *file = d->file;
        *line = d->span.row + 1;
        return true;
    }
    case TUI_PANE_CALLERS: {
        const callers_row *row = callers_view_selected(&app->callers);
        if (!row || row->file < 0) return false;
        *file = row->file;
        *line = row->line + 1;
        return true;
    }
    case TUI_PANE_COUNT: break;
    }
    return false;
}

void app_edit(tui_app *app)
{
    long file;
    uint32_t line;
    if (!focused_location(app, &file, &line)) {
        app_message(app, false, "nothing to edit here: select a module, a definition or a finding");
        return;
    }
    char message[512];
    int rc = tui_editor_run(app->project->root, app->project->model->files[file].path, line, message, sizeof message);
    app_message(app, rc < 0, "%s", message);
    /* Whatever the editor's exit status, the file may have changed. */
    app_reload(app);
}

void app_fix(tui_app *app)
{
    const tui_hooks *hooks = app->opts.hooks;
    const svc_diagnostic *d = problems_view_selected(&app->problems);
    if (!hooks || !hooks->fix) {
        app_message(app, false, "no fix action in this build (f is kept for it)");
        return;
    }
    if (!d) {
        app_message(app, false, "select a finding in the problems pane first");
        return;
    }
    char message[512] = "";
    int rc = hooks->fix(hooks->ctx, app->project->model, d, message, sizeof message);
    app_message(app, rc < 0, "%s", message);
    if (rc == 0) app_reload(app);
}
