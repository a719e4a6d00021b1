/*
 * The keys that apply to what is selected now, for the hint line: they come right after the
 * pane's own keys, so that "back", "fix", "why", "callers", "undo" and "fix all" show when they
 * would do something (on a short line, the global hints that would not are the ones left out).
 */
#include "tui/actions.h"
#include "tui/hints_now.h"

static bool can_go_back(const tui_jumps *j)
{
    return j->len > 0 && (j->at == j->len || j->at > 0);
}

static bool task_or_wrapper_selected(const tui_app *app)
{
    switch (app->focus) {
    case TUI_PANE_TREE: {
        const tree_node *n = tree_view_selected(&app->tree);
        return n && n->kind == TREE_DEF && (n->role == SVC_DEF_ROLE_TASK || n->role == SVC_DEF_ROLE_WRAPPER);
    }
    case TUI_PANE_SOURCE: {
        if (app->source.covered) {
            const overview_row *row = overview_view_selected(&app->overview);
            return row && (row->task >= 0 || row->wrapper >= 0);
        }
        svc_xref_match match;
        return app_task_at_cursor(app, &match);
    }
    default: return false;
    }
}

/* The finding selected in the problems or at the source cursor, or NULL. */
static const svc_diagnostic *finding_selected(const tui_app *app)
{
    size_t n = 0;
    const svc_diagnostic *d = NULL;
    switch (app->focus) {
    case TUI_PANE_PROBLEMS: return problems_view_selected(&app->problems);
    case TUI_PANE_SOURCE:
        if (!app->source.covered) d = source_view_cursor_diags(&app->source, &n);
        return n ? d : NULL;
    default: return NULL;
    }
}

/* Whether other findings have the code of `d`: F previews their fixes together. */
static bool code_has_others(const tui_app *app, const svc_diagnostic *d)
{
    const svc_diagnostics *all = app->project->diags;
    for (size_t i = 0; i < all->len; i++)
        if (&all->items[i] != d && all->items[i].rule == d->rule) return true;
    return false;
}

size_t app_hints_now(const tui_app *app, tui_request *out, size_t max)
{
    size_t n = 0;
    if (!app->project || max < 6) return 0;
    const svc_diagnostic *d = finding_selected(app);
    if (d) {
        out[n++] = TUI_REQ_FIX;
        out[n++] = TUI_REQ_RULE;
    }
    if (task_or_wrapper_selected(app)) out[n++] = TUI_REQ_CALLERS;
    if (app->focus == TUI_PANE_SOURCE && !app->source.covered && app->source.search.pattern[0]) out[n++] = TUI_REQ_SEARCH_NEXT;
    if (can_go_back(&app->jumps)) out[n++] = TUI_REQ_JUMP_BACK;
    if (app_fix_can_undo(app)) out[n++] = TUI_REQ_UNDO;
    /* Last: on a short line the keys of this one finding come first. */
    if (d && code_has_others(app, d)) out[n++] = TUI_REQ_FIX_ALL;
    return n;
}
