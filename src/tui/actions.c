/* What one pane does to the others: following the tree, jumping to findings and call sites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env/environment.h"
#include "svcscope/fix.h"
#include "svcscope/rules.h"
#include "svcscope/utf8.h"
#include "svcscope/util.h"
#include "tui/actions.h"
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
    if (n->file < 0) {
        /* A service or an app: its overview instead of whichever file the source showed. */
        app->followed_node = index;
        app->source.covered = overview_view_show(&app->overview, app->project, n);
        return;
    }
    /* Into another file: a jump, which back returns from. */
    if (app->source.file >= 0 && app->source.file != n->file) jumps_push(app);
    app->followed_node = index;
    if (n->kind == TREE_DEF) {
        show_def(app, n->file, n->def);
        show_family(app, n->file, n->def);
    } else if (app->source.file != n->file) {
        source_view_open(&app->source, n->file);
        source_view_goto(&app->source, 0, SOURCE_PLACE_TOP, body(app, TUI_PANE_SOURCE));
    }
    /* A module that defines tasks: its tasks and who triggers them, over its source (whose line
     * in the overview opens it). */
    if (n->kind == TREE_FILE) app->source.covered = overview_view_show(&app->overview, app->project, n);
}

void app_show_finding(tui_app *app, const svc_diagnostic *d, bool focus_source)
{
    jumps_push(app);
    problems_view_select(&app->problems, d, body(app, TUI_PANE_PROBLEMS).h);
    if (d->file < 0) {
        /* A finding about a folder: its place in the tree says more than any source. */
        tree_view_reveal_folder(&app->tree, d->path, body(app, TUI_PANE_TREE).h);
        app->followed_node = selected_node_index(app);
        app->source.covered = overview_view_show(&app->overview, app->project, tree_view_selected(&app->tree));
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
    /* After the finding the last step showed while the source stayed where that step left it;
     * else from the source cursor when the source shows a file; else from the start. */
    const char *path = app->source.covered ? NULL : source_view_path(&app->source);
    problems_place place = { (size_t)-1, path, app->source.cursor };
    bool stayed = app->last_step.index >= 0 && (size_t)app->last_step.index < app->project->diags->len &&
                  app->last_step.file == (app->source.covered ? -1 : app->source.file) &&
                  app->last_step.line == app->source.cursor;
    if (stayed) place.index = (size_t)app->last_step.index;
    bool wrapped;
    const svc_diagnostic *found = problems_view_next(&app->problems, stayed || path ? &place : NULL, forward, &wrapped);
    if (!found) {
        app_message(app, false, "%s", app->project->diags->len ? "no finding shown: the problems' filter or severities hide them all"
                                                                : "no findings in the project");
        return;
    }
    app_show_finding(app, found, false);
    app->last_step.index = (long)(found - app->project->diags->items);
    app->last_step.file = app->source.covered ? -1 : app->source.file;
    app->last_step.line = app->source.cursor;
    if (wrapped) app_message(app, false, "search wrapped to the %s finding", forward ? "first" : "last");
}

/* The code-point column where the source cursor's line starts (its indentation): the line cursor's column. */
static uint32_t line_indent(const tui_app *app)
{
    char *text = source_view_line_text(&app->source, app->source.cursor);
    if (!text) return 0;
    size_t bytes = strspn(text, " \t");
    uint32_t column = (uint32_t)svc_utf8_codepoints(text, bytes);
    free(text);
    return column;
}

bool app_task_at_cursor(const tui_app *app, svc_xref_match *match)
{
    return app->project && app->source.file >= 0 && !app->source.covered &&
           svc_query_task_at(app->project->query, (size_t)app->source.file, app->source.cursor, line_indent(app), match);
}

/* Shows the callers of what the focused pane selects; false when it selects no task or wrapper. */
static bool show_selected_family(tui_app *app)
{
    switch (app->focus) {
    case TUI_PANE_TREE: {
        const tree_node *n = tree_view_selected(&app->tree);
        return n && n->kind == TREE_DEF && show_family(app, n->file, n->def);
    }
    case TUI_PANE_SOURCE: {
        if (app->source.covered) {
            /* On the overview's line of a task or a wrapper. */
            const overview_row *row = overview_view_selected(&app->overview);
            if (!row || (row->task < 0 && row->wrapper < 0)) return false;
            callers_view_show(&app->callers, row->task >= 0, (size_t)(row->task >= 0 ? row->task : row->wrapper));
            return true;
        }
        svc_xref_match match;
        if (!app_task_at_cursor(app, &match)) return false;
        callers_view_show(&app->callers, match.is_task, match.index);
        return true;
    }
    case TUI_PANE_PROBLEMS: {
        const svc_diagnostic *d = problems_view_selected(&app->problems);
        long def = d && d->file >= 0 ? top_level_def_at(app, d->file, d->span.byte) : -1;
        return def >= 0 && show_family(app, d->file, def);
    }
    case TUI_PANE_CALLERS: return app->callers.has_target;
    case TUI_PANE_COUNT: break;
    }
    return false;
}

void app_show_callers(tui_app *app)
{
    if (!show_selected_family(app)) {
        app_message(app, false, "no task or delay_ wrapper here");
        return;
    }
    app_focus(app, TUI_PANE_CALLERS);
}

/* A jump to a 0-based line of a file: the source on it (a third down), the tree on its definition. */
static void open_line(tui_app *app, long file, uint32_t line)
{
    jumps_push(app);
    source_view_open(&app->source, file);
    source_view_goto(&app->source, line, SOURCE_PLACE_THIRD, body(app, TUI_PANE_SOURCE));
    reveal_in_tree(app, file, top_level_def_on_line(app, file, line));
    app_focus(app, TUI_PANE_SOURCE);
}

void app_open_site(tui_app *app)
{
    const callers_row *row = callers_view_selected(&app->callers);
    if (!row || row->file < 0) return;
    open_line(app, row->file, row->line);
}

void app_open_dependency_site(tui_app *app)
{
    const char *path;
    uint32_t line;
    if (!deps_view_selected_site(&app->deps, &path, &line)) return;
    long file = svc_model_file(app->project->model, path);
    if (file < 0) {
        app_message(app, false, "%s is not in the project any more", path);
        return;
    }
    deps_view_close(&app->deps);
    open_line(app, file, line - 1);
}

void app_open_overview_line(tui_app *app)
{
    const overview_row *row = overview_view_selected(&app->overview);
    if (!row || (row->file < 0 && !row->folder)) {
        app_message(app, false, "nothing to go to on this line");
        return;
    }
    if (row->file >= 0) {
        open_line(app, row->file, row->line);
        return;
    }
    jumps_push(app);
    tree_view_reveal_folder(&app->tree, row->folder, body(app, TUI_PANE_TREE).h);
    app_follow_tree(app);
    app_focus(app, TUI_PANE_TREE);
}

/* ---- definitions ------------------------------------------------------------------------------- */

/* The definition a menu row names: its file in the source (the def's first line in view, the cursor
 * on its name), its top-level definition in the tree. */
static void show_definition(tui_app *app, const definitions_item *it)
{
    long file = svc_model_file(app->project->model, it->path);
    if (file < 0) {
        app_message(app, false, "%s is not in the project any more", it->path);
        return;
    }
    jumps_push(app);
    source_view_open(&app->source, file);
    source_view_goto(&app->source, it->first - 1, SOURCE_PLACE_TOP, body(app, TUI_PANE_SOURCE));
    app->source.cursor = it->line - 1;
    reveal_in_tree(app, file, top_level_def_on_line(app, file, it->line - 1));
    app_focus(app, TUI_PANE_SOURCE);
}

/* A name the menu lists: what it is defined as, unless that is the line itself (a def's own name). */
static void add_definition(tui_app *app, const svc_query_name *n)
{
    const svc_query_definition *d = &n->definition;
    const char *here = source_view_path(&app->source);
    if (here && strcmp(d->name.path, here) == 0 && d->name.line == app->source.cursor + 1) return;
    uint32_t first = d->span.line && d->span.line < d->name.line ? d->span.line : d->name.line;
    definitions_menu_add(&app->definitions, n->text, svc_query_kind_name(d->kind), d->name.path, d->name.line, first);
}

/*
 * A use the repository does not define as a whole (`Order.objects.filter`): its longest head that
 * it defines (`Order`), asked of the core at that component's column; false when none.
 */
static bool add_defined_head(tui_app *app, const svc_query_name *n)
{
    if (n->role != SVC_QUERY_NAME_USE || !n->dotted || n->place.line != n->place.end_line) return false;
    const svc_query *q = app->project->query;
    for (size_t len = strlen(n->text); len > 0; len--) {
        if (n->text[len - 1] != '.') continue;
        uint32_t column = n->place.column - 1 + (uint32_t)svc_utf8_codepoints(n->text, len - 1) - 1;
        svc_query_names *at = svc_query_at(q, n->place.file, n->place.line - 1, column);
        bool found = at->n && at->items[0].role == SVC_QUERY_NAME_USE && at->items[0].defined;
        if (found) add_definition(app, &at->items[0]);
        svc_query_names_free(at);
        if (found) return true;
    }
    return false;
}

/* Why a line leads nowhere: a name defined outside the repository, a local, or nothing named. */
static void say_no_definition(tui_app *app, const svc_query_names *names)
{
    const svc_query_name *external = NULL, *local = NULL, *own = NULL;
    for (size_t i = 0; i < names->n; i++) {
        const svc_query_name *n = &names->items[i];
        if (n->defined) own = n;
        else if (n->dotted) external = n;
        else if (!local) local = n;
    }
    if (external) app_message(app, false, "`%s` is defined outside the repository", external->text);
    else if (local) app_message(app, false, "`%s` is a local or builtin name: nothing in the repository defines it", local->text);
    else if (own) app_message(app, false, "`%s` is defined on this line", own->text);
    else app_message(app, false, "no name on this line");
}

void app_go_to_definition(tui_app *app)
{
    if (app->focus != TUI_PANE_SOURCE || app->source.file < 0) return;
    definitions_menu *menu = &app->definitions;
    definitions_menu_clear(menu);
    svc_query_names *names = svc_query_line(app->project->query, (size_t)app->source.file, app->source.cursor);
    for (size_t i = 0; i < names->n; i++) {
        const svc_query_name *n = &names->items[i];
        if (n->defined) add_definition(app, n);
        else add_defined_head(app, n);
    }
    if (menu->n == 0) say_no_definition(app, names);
    svc_query_names_free(names);
    if (menu->n == 1) {
        show_definition(app, &menu->items[0]);
        definitions_menu_clear(menu);
    } else if (menu->n > 1) {
        char title[64];
        snprintf(title, sizeof title, "Definitions on line %u", app->source.cursor + 1);
        definitions_menu_open(menu, title);
    }
}

void app_pick_definition(tui_app *app)
{
    const definitions_item *it = definitions_menu_selected(&app->definitions);
    if (!it) return;
    definitions_menu_close(&app->definitions);
    show_definition(app, it);
}

/* The first finding of a tree node: in its definition, its file, or its folder; NULL when none. */
static const svc_diagnostic *node_finding(const tui_app *app, const tree_node *n)
{
    const svc_diagnostics *all = app->project->diags;
    for (size_t i = 0; i < all->len; i++) {
        const svc_diagnostic *d = &all->items[i];
        if (n->file >= 0) {
            if (d->file != n->file) continue;
            if (n->kind != TREE_DEF) return d;
            const svc_def *def = def_of(app, n->file, n->def);
            if (def->span.row <= d->span.row && d->span.row <= def->span.end_row) return d;
        } else if (n->folder && d->file < 0 && strcmp(d->path, n->folder) == 0) {
            return d;
        }
    }
    return NULL;
}

/* The rule `i` explains: of the finding selected in the problems (or of an applied fix), on the
 * source cursor's line, or in the tree's node. */
static const svc_rule *rule_here(const tui_app *app)
{
    const svc_diagnostic *d = NULL;
    switch (app->focus) {
    case TUI_PANE_PROBLEMS: {
        const tui_fix_entry *e = problems_view_selected_applied(&app->problems);
        if (e) return svc_rule_by_code(e->code);
        d = problems_view_selected(&app->problems);
        break;
    }
    case TUI_PANE_TREE: {
        const tree_node *n = tree_view_selected(&app->tree);
        if (n) d = node_finding(app, n);
        break;
    }
    case TUI_PANE_SOURCE:
    case TUI_PANE_CALLERS:
    case TUI_PANE_COUNT: {
        size_t n;
        d = source_view_cursor_diags(&app->source, &n);
        break;
    }
    }
    return d ? d->rule : NULL;
}

void app_explain_rule(tui_app *app)
{
    const svc_rule *r = rule_here(app);
    if (!r) {
        char *say = tui_keys_say(app_scope(app, app->focus), 1, TUI_REQ_NEXT_VIOLATION, NULL, "goes to the next one, or");
        app_message(app, false, "no finding here to explain: %s%sselect one in the problems pane", say, *say ? " " : "");
        free(say);
        return;
    }
    rule_view_open(&app->rule, r);
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
    char message[sizeof app->message];
    int rc = tui_editor_run(app->project->root, app->project->model->files[file].path, line, message, sizeof message);
    app_message(app, rc < 0, "%s", message);
    /* Whatever the editor's exit status, the file may have changed. */
    app_reload(app);
}

/* ---- fixes: the flow around the core's svc_fix_diff, svc_fix_apply and svc_fix_undo ---------------- */

void app_fix_marks_changed(tui_app *app)
{
    problems_view_refresh(&app->problems);
    source_view_marks_changed(&app->source);
}

/*
 * The finding f and F work on: the one selected in the problems pane when that pane has the
 * focus; else one on the source cursor's line (the first with a fix not applied yet).
 */
static const svc_diagnostic *finding_here(tui_app *app)
{
    if (app->focus == TUI_PANE_PROBLEMS) return problems_view_selected(&app->problems);
    size_t n;
    const svc_diagnostic *d = source_view_cursor_diags(&app->source, &n);
    for (size_t i = 0; i < n; i++)
        if (d[i].fix && !tui_fix_log_match(&app->fixlog, &d[i])) return &d[i];
    return n ? d : NULL;
}

static void say_no_fix(tui_app *app, const svc_diagnostic *d)
{
    if (!d->rule->fix)
        app_message(app, false, "no automatic fix for %s: needs a person's judgement", d->rule->code);
    else if (d->no_fix)
        app_message(app, false, "no automatic fix for %s here: %s", d->rule->code, d->no_fix);
    else
        app_message(app, false, "no automatic fix for %s here (svcscope cannot be sure of one): %s", d->rule->code,
                    d->rule->fix);
}

static void where(const svc_diagnostic *d, char *buf, size_t size)
{
    if (d->is_folder || d->file < 0) snprintf(buf, size, "%s", d->path);
    else snprintf(buf, size, "%s:%u", d->path, d->span.row + 1);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

typedef SVC_VEC(const svc_diagnostic *) diag_vec;

static size_t count_paths(const svc_diagnostic *const *diags, size_t n)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) seen = strcmp(diags[k]->path, diags[i]->path) == 0;
        distinct += !seen;
    }
    return distinct;
}

void app_fix_preview(tui_app *app, bool all_of_code)
{
    const svc_diagnostic *d = finding_here(app);
    if (!d) {
        tui_scope scope = app_scope(app, app->focus);
        char *say = NULL;
        if (app->focus == TUI_PANE_PROBLEMS && problems_view_selected_applied(&app->problems)) {
            say = tui_keys_say(scope, 1, TUI_REQ_UNDO, NULL, "undoes the last batch");
            app_message(app, false, "this fix is applied already%s%s%s", *say ? " (" : "", say, *say ? ")" : "");
        } else if (app->focus == TUI_PANE_PROBLEMS) {
            app_message(app, false, "no finding selected");
        } else {
            say = tui_keys_say(scope, 1, TUI_REQ_NEXT_VIOLATION, NULL, "goes to the next one, or");
            app_message(app, false, "no finding on this line: %s%sselect one in the problems pane", say,
                        *say ? " " : "");
        }
        free(say);
        return;
    }
    if (!all_of_code && tui_fix_log_match(&app->fixlog, d)) {
        app_message(app, false, "%s is fixed already: the reload shows the result", d->rule->code);
        return;
    }
    diag_vec diags = { 0 };
    if (!all_of_code) {
        if (d->fix) svc_vec_push(&diags, d);
    } else {
        const svc_diagnostics *all = app->project->diags;
        for (size_t i = 0; i < all->len; i++) {
            const svc_diagnostic *x = &all->items[i];
            if (x->fix && x->rule == d->rule && !tui_fix_log_match(&app->fixlog, x)) svc_vec_push(&diags, x);
        }
    }
    if (diags.len == 0) {
        if (all_of_code && d->fix) app_message(app, false, "every %s here is fixed already", d->rule->code);
        else say_no_fix(app, d);
        svc_vec_free(&diags);
        return;
    }
    SVC_VEC(const svc_fix *) fixes = { 0 };
    bool unsafe = false;
    for (size_t i = 0; i < diags.len; i++) {
        svc_vec_push(&fixes, diags.items[i]->fix);
        unsafe |= diags.items[i]->fix->applicability == SVC_FIX_UNSAFE;
    }
    svc_error err = SVC_ERROR_INIT;
    char *diff = svc_fix_diff(app->project->model, fixes.items, fixes.len, &err);
    svc_vec_free(&fixes);
    if (!diff) {
        app_message(app, true, "cannot preview the fix: %s", err.message);
        svc_vec_free(&diags);
        return;
    }
    char title[600], place[520];
    if (all_of_code) {
        size_t files = count_paths(diags.items, diags.len);
        snprintf(title, sizeof title, "Fix every %s: %zu %s in %zu %s", d->rule->code, diags.len,
                 plural(diags.len, "finding", "findings"), files, plural(files, "file", "files"));
    } else {
        where(d, place, sizeof place);
        snprintf(title, sizeof title, "Fix %s at %s", d->rule->code, place);
    }
    fix_view *v = &app->fix;
    fix_view_open(v, title, unsafe, diags.items, diags.len);
    for (size_t i = 0; i < diags.len; i++) {
        const svc_diagnostic *x = diags.items[i];
        char *note;
        if (all_of_code) {
            where(x, place, sizeof place);
            note = svc_xasprintf("%s: %s", place, x->fix->message);
        } else {
            note = svc_xstrdup(x->fix->message);
        }
        fix_view_add_note(v, TUI_EL_BRANCH, note);
        free(note);
    }
    if (unsafe) {
        bool one = diags.len == 1;
        char *say = tui_keys_say(TUI_SCOPE_FIX, 2, TUI_REQ_FIX_APPLY_UNSAFE, NULL,
                                 one ? "applies it" : "applies them", TUI_REQ_FIX_STAGE_UNSAFE, NULL,
                                 one ? "applies and stages it" : "applies and stages them");
        char *note = svc_xasprintf("Unsafe: %s may change what other code sees (%s; strings that name %s are not "
                                   "changed).%s%s%s",
                                   one ? "it" : "they", one ? "a rename or a move" : "renames or moves",
                                   one ? "it" : "them", *say ? " " : "", say, *say ? "." : "");
        fix_view_add_note(v, TUI_EL_ERROR, note);
        free(note);
        free(say);
    }
    fix_view_add_note(v, TUI_EL_NORMAL, "");
    if (*diff)
        fix_view_add_diff(v, diff);
    else {
        char *say = tui_keys_say(TUI_SCOPE_GLOBAL, 1, TUI_REQ_RELOAD, NULL, "reloads");
        char *note = svc_xasprintf("Nothing would change: applying would refuse this fix as things are (a file changed "
                                   "since it was read, or the fix does not apply cleanly any more). Applying says "
                                   "why%s%s.",
                                   *say ? "; " : "", say);
        fix_view_add_note(v, TUI_EL_NOTE, note);
        free(note);
        free(say);
    }
    free(diff);
    svc_vec_free(&diags);
}

/* The text of a finding's line now, to find it again after the reload (NULL for a folder). */
static char *finding_line_text(tui_app *app, const svc_diagnostic *d)
{
    if (d->is_folder || d->file < 0) return NULL;
    if (app->source.file == d->file && app->source.text) return source_view_line_text(&app->source, d->span.row);
    long index = svc_source_find(app->project->source, d->path);
    char *bytes = NULL;
    size_t len = 0;
    svc_error err = SVC_ERROR_INIT;
    if (index < 0 || svc_source_read(app->project->source, (size_t)index, &bytes, &len, &err) < 0) return NULL;
    size_t at = 0;
    for (uint32_t row = 0; row < d->span.row && at < len; at++)
        if (bytes[at] == '\n') row++;
    size_t end = at;
    while (end < len && bytes[end] != '\n') end++;
    if (end > at && bytes[end - 1] == '\r') end--;
    char *line = at < len ? svc_xstrndup(bytes + at, end - at) : NULL;
    free(bytes);
    return line;
}

/* The result of an apply that did not go through whole: the overlay lists every refusal and why. */
static void show_refusals(tui_app *app, int rc, const svc_fix_result *res, const svc_error *err, size_t nfixes,
                          bool stage)
{
    fix_view *v = &app->fix;
    char title[128];
    if (rc < 0 || res->applied == 0) snprintf(title, sizeof title, "Not applied");
    else snprintf(title, sizeof title, "Applied %zu of %zu fixes", res->applied, nfixes);
    fix_view_show_result(v, title);
    if (rc < 0) {
        fix_view_add_note(v, TUI_EL_ERROR, err->message);
    } else {
        fix_view_add_note(v, TUI_EL_BRANCH, res->applied ? "Refused (the other fixes were applied):"
                                                         : "Refused (svcscope changed nothing):");
        for (size_t i = 0; i < res->nmessages; i++) fix_view_add_item(v, TUI_EL_ERROR, res->messages[i]);
        if (res->nchanged) {
            fix_view_add_note(v, TUI_EL_NORMAL, "");
            fix_view_add_note(v, TUI_EL_BRANCH, stage ? "Changed and staged:" : "Changed:");
            for (size_t i = 0; i < res->nchanged; i++) fix_view_add_note(v, TUI_EL_NORMAL, res->changed_paths[i]);
        }
    }
    char close[64];
    if (tui_key_label(TUI_REQ_FIX_CANCEL, TUI_SCOPE_FIX, "<Esc>", close, sizeof close))
        app_message(app, true, "%s: the reasons are in the window (%s closes it)", title, close);
    else
        app_message(app, true, "%s: the reasons are in the window", title);
}

void app_fix_apply(tui_app *app, bool stage, bool unsafe_confirmed)
{
    fix_view *v = &app->fix;
    if (v->state != FIX_VIEW_PREVIEW || v->ndiags == 0) return;
    if (v->stale) {
        app_message(app, true, "not applied: files changed since this preview (close it; preview the fix again after the reload)");
        return;
    }
    if (v->unsafe && !unsafe_confirmed) {
        char *say = tui_keys_say(TUI_SCOPE_FIX, 3, TUI_REQ_FIX_APPLY_UNSAFE, NULL, "applies it",
                                 TUI_REQ_FIX_STAGE_UNSAFE, NULL, "applies and stages it", TUI_REQ_FIX_CANCEL, "<Esc>",
                                 "leaves it");
        app_message(app, true, "an unsafe fix%s%s", *say ? ": " : "", say);
        free(say);
        return;
    }
    size_t n = v->ndiags;
    const svc_diagnostic **diags = svc_xmalloc(n * sizeof *diags);
    memcpy(diags, v->diags, n * sizeof *diags);
    const svc_fix **fixes = svc_xmalloc(n * sizeof *fixes);
    char **texts = svc_xcalloc(n, sizeof *texts);
    for (size_t i = 0; i < n; i++) {
        fixes[i] = diags[i]->fix;
        texts[i] = finding_line_text(app, diags[i]);
    }
    char *what = svc_xasprintf("svcscope explorer: %s %s", stage ? "fix and stage" : "fix", diags[0]->rule->code);
    svc_fix_options fo = { .stage = stage, .what = what, .user_dirs = env_user_dirs() };
    svc_fix_result res;
    svc_error err = SVC_ERROR_INIT;
    int rc = svc_fix_apply(app->project->model, fixes, n, &fo, &res, &err);
    if (rc == 0 && res.applied) {
        app->fixlog.batches++;
        for (size_t i = 0; i < n; i++)
            if (res.fix_applied && res.fix_applied[i]) tui_fix_log_add(&app->fixlog, diags[i], texts[i], stage);
        app_fix_marks_changed(app);
        app_reload_after_change(app);
    }
    if (rc == 0 && res.applied == n && res.nmessages == 0) {
        fix_view_close(v);
        char place[520];
        where(diags[0], place, sizeof place);
        char *say = tui_keys_say(TUI_SCOPE_GLOBAL, 1, TUI_REQ_UNDO, NULL, "undoes");
        char undo[80] = "";
        if (*say) snprintf(undo, sizeof undo, " (%s)", say);
        free(say);
        if (n == 1)
            app_message(app, false, "%s %s%s: %s", diags[0]->rule->code, stage ? "fixed and staged" : "fixed", undo,
                        place);
        else
            app_message(app, false, "%zu %s %s%s: %zu %s", n, diags[0]->rule->code,
                        stage ? "fixed and staged" : "fixed", undo, res.nchanged,
                        plural(res.nchanged, "file", "files"));
    } else {
        show_refusals(app, rc, &res, &err, n, stage);
    }
    svc_fix_result_free(&res);
    free(what);
    for (size_t i = 0; i < n; i++) free(texts[i]);
    free(texts);
    free(fixes);
    free(diags);
}

/* The last batch of this session still in the log, or 0. */
static unsigned last_batch(const tui_fix_log *log)
{
    unsigned last = 0;
    for (size_t i = 0; i < log->len; i++)
        if (log->items[i].batch > last) last = log->items[i].batch;
    return last;
}

bool app_fix_can_undo(const tui_app *app)
{
    return last_batch(&app->fixlog) != 0;
}

void app_fix_undo(tui_app *app)
{
    unsigned batch = last_batch(&app->fixlog);
    if (!batch) {
        app_message(app, false, "nothing applied in this session to undo (svcscope fix --undo undoes a batch applied elsewhere)");
        return;
    }
    svc_fix_result res;
    svc_error err = SVC_ERROR_INIT;
    int rc = svc_fix_undo(app->project->root, NULL, env_user_dirs(), &res, &err);
    if (rc == SVC_ENOTFOUND) {
        app_message(app, true, "%s", err.message);
    } else if (rc == 0) {
        tui_fix_log_drop_batch(&app->fixlog, batch);
        app_fix_marks_changed(app);
        app_reload_after_change(app);
        /* after an interrupted batch, the core names the files it had not reached */
        app_message(app, false, "undid the last fix batch: %zu %s restored%s%s", res.nchanged,
                    plural(res.nchanged, "file", "files"), res.nmessages ? "; " : "",
                    res.nmessages ? res.messages[0] : "");
    } else {
        /* The refusal names every path that changed since: the status line gets it on one line,
         * the overlay all of it. */
        char line[sizeof err.message];
        snprintf(line, sizeof line, "%s", err.message);
        for (char *p = line; *p; p++)
            if (*p == '\n') *p = ';';
        app_message(app, true, "undo refused: %s", line);
        if (strchr(err.message, '\n')) {
            fix_view_show_result(&app->fix, "Undo refused");
            for (const char *p = err.message; *p;) {
                size_t len = strcspn(p, "\n");
                char *part = svc_xstrndup(p, len);
                fix_view_add_item(&app->fix, TUI_EL_ERROR, part);
                free(part);
                p += len + (p[len] == '\n');
            }
        }
    }
    svc_fix_result_free(&res);
}

void app_show_applied(tui_app *app, const tui_fix_entry *e)
{
    jumps_push(app);
    const char *path = tui_fix_entry_path(&app->fixlog, e);
    if (e->is_folder) {
        tree_view_reveal_folder(&app->tree, path, body(app, TUI_PANE_TREE).h);
        app->followed_node = selected_node_index(app);
        app_focus(app, TUI_PANE_TREE);
        return;
    }
    long file = svc_model_file(app->project->model, path);
    if (file < 0) {
        app_message(app, false, "%s is not in the project any more", path);
        return;
    }
    source_view_open(&app->source, file);
    uint32_t line = e->row;
    source_view_fixed_line(&app->source, e, &line);
    source_view_goto(&app->source, line, SOURCE_PLACE_THIRD, body(app, TUI_PANE_SOURCE));
    reveal_in_tree(app, file, top_level_def_on_line(app, file, line));
    app_focus(app, TUI_PANE_SOURCE);
}
