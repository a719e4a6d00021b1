/*
 * The keys that apply to what is selected now, for the hint line: they come right after the
 * pane's own keys, so that "back", "fix", "why" and "callers" show when they would do something
 * (on a short line, the global hints that would not are the ones left out).
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

static bool finding_selected(const tui_app *app)
{
    size_t n = 0;
    switch (app->focus) {
    case TUI_PANE_PROBLEMS: return problems_view_selected(&app->problems) != NULL;
    case TUI_PANE_SOURCE: return !app->source.covered && source_view_cursor_diags(&app->source, &n) && n > 0;
    default: return false;
    }
}

size_t app_hints_now(const tui_app *app, tui_request *out, size_t max)
{
    size_t n = 0;
    if (!app->project || max < 5) return 0;
    if (finding_selected(app)) {
        out[n++] = TUI_REQ_FIX;
        out[n++] = TUI_REQ_RULE;
    }
    if (task_or_wrapper_selected(app)) out[n++] = TUI_REQ_CALLERS;
    if (app->focus == TUI_PANE_SOURCE && !app->source.covered && app->source.search.pattern[0]) out[n++] = TUI_REQ_SEARCH_NEXT;
    if (can_go_back(&app->jumps)) out[n++] = TUI_REQ_JUMP_BACK;
    if (app_fix_can_undo(app)) out[n++] = TUI_REQ_UNDO;
    return n;
}
