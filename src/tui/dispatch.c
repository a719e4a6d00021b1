/* What keys and mouse events do: in the overlay on top, in the focused pane, or in the whole app. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/actions.h"
#include "tui/dispatch.h"
#include "tui/resize.h"
#include "tui/terminal.h"

static void cycle_focus(tui_app *app, int step)
{
    app_focus(app, (tui_pane)((app->focus + TUI_PANE_COUNT + step) % TUI_PANE_COUNT));
}

static bool has_filter(const tui_view *v)
{
    return v->ops->filter && v->ops->filter(v)[0];
}

/* Esc: the focused pane's filter, else the tree's, else the zoom goes. */
static void cancel(tui_app *app)
{
    tui_view *focused = &app->panes[app->focus], *tree = &app->panes[TUI_PANE_TREE];
    if (has_filter(focused)) focused->ops->set_filter(focused, "");
    else if (has_filter(tree)) tree->ops->set_filter(tree, "");
    else if (app->zoomed != TUI_PANE_COUNT) {
        app->zoomed = TUI_PANE_COUNT;
        app_relayout(app);
    }
    app_clear_message(app);
}

/* Requests that need no project. */
static bool global_request(tui_app *app, tui_request req)
{
    switch (req) {
    case TUI_REQ_QUIT: app->quit = true; return true;
    case TUI_REQ_HELP: help_view_open(&app->help); return true;
    case TUI_REQ_MESSAGES: message_log_view_open(&app->messages, &app->message_log); return true;
    case TUI_REQ_RESIZE_LEFT: app_resize(app, -2, 0); return true;
    case TUI_REQ_RESIZE_RIGHT: app_resize(app, 2, 0); return true;
    case TUI_REQ_RESIZE_UP: app_resize(app, 0, -1); return true;
    case TUI_REQ_RESIZE_DOWN: app_resize(app, 0, 1); return true;
    case TUI_REQ_RESIZE_RESET: app_resize_reset(app); return true;
    case TUI_REQ_NEXT_PANE: cycle_focus(app, 1); return true;
    case TUI_REQ_PREV_PANE: cycle_focus(app, -1); return true;
    case TUI_REQ_RELOAD: app_reload(app); return true;
    case TUI_REQ_REDRAW: clearok(curscr, TRUE); return true;
    case TUI_REQ_SUSPEND: tui_term_suspend(); return true;
    case TUI_REQ_ZOOM:
        app->zoomed = app->zoomed == TUI_PANE_COUNT ? app->focus : TUI_PANE_COUNT;
        app_relayout(app);
        return true;
    case TUI_REQ_CANCEL: cancel(app); return true;
    default: return false;
    }
}

/* Enter in the problems: the finding (or the applied fix) in the source. */
static void open_problem(tui_app *app)
{
    const svc_diagnostic *d = problems_view_selected(&app->problems);
    const tui_fix_entry *e = problems_view_selected_applied(&app->problems);
    if (d) app_show_finding(app, d, true);
    else if (e) app_show_applied(app, e);
}

/* Requests that work on the project, whichever pane has the focus: false when `req` is none. */
static bool project_request(tui_app *app, tui_request req)
{
    switch (req) {
    case TUI_REQ_FILTER:
    case TUI_REQ_SEARCH: prompt_view_open(&app->prompt, app); return true;
    case TUI_REQ_GOTO: goto_view_open(&app->go_to, app); return true;
    case TUI_REQ_NEXT_VIOLATION: app_next_finding(app, true); return true;
    case TUI_REQ_PREV_VIOLATION: app_next_finding(app, false); return true;
    case TUI_REQ_CALLERS:
    case TUI_REQ_SOURCE_CALLERS: app_show_callers(app); return true;
    case TUI_REQ_EDIT: app_edit(app); return true;
    case TUI_REQ_FIX: app_fix_preview(app, false); return true;
    case TUI_REQ_FIX_ALL: app_fix_preview(app, true); return true;
    case TUI_REQ_UNDO: app_fix_undo(app); return true;
    case TUI_REQ_RULE: app_explain_rule(app); return true;
    case TUI_REQ_DEFINITION: app_go_to_definition(app); return true;
    case TUI_REQ_MENU_PICK: app_pick_definition(app); return true;
    case TUI_REQ_DEPENDENCIES: deps_view_open(&app->deps, app->project); return true;
    case TUI_REQ_DEPS_OPEN: app_open_dependency_site(app); return true;
    case TUI_REQ_JUMP_BACK: jumps_back(app); return true;
    case TUI_REQ_JUMP_FORWARD: jumps_forward(app); return true;
    case TUI_REQ_OPEN: open_problem(app); return true;
    case TUI_REQ_OPEN_SITE: app_open_site(app); return true;
    case TUI_REQ_OVERVIEW_OPEN: app_open_overview_line(app); return true;
    case TUI_REQ_FIX_APPLY: app_fix_apply(app, false, false); return true;
    case TUI_REQ_FIX_STAGE: app_fix_apply(app, true, false); return true;
    case TUI_REQ_FIX_APPLY_UNSAFE: app_fix_apply(app, false, true); return true;
    case TUI_REQ_FIX_STAGE_UNSAFE: app_fix_apply(app, true, true); return true;
    default: return false;
    }
}

/*
 * What the app does after a view (a pane, or an overlay: TUI_PANE_COUNT) reacted to input, and
 * what is drawn again: the pane alone when only it changed, else the whole frame.
 */
static void react(tui_app *app, const tui_view *v, tui_pane pane, tui_reaction r)
{
    if (r & TUI_REACT_QUIT) app->quit = true;
    if (r & TUI_REACT_FOLLOW) app_follow_tree(app);
    if ((r & TUI_REACT_ACTIVATE) && v->ops->activate != TUI_REQ_NONE) project_request(app, v->ops->activate);
    if (r & TUI_REACT_RELOAD) app_reload_after_change(app);
    if (r & TUI_REACT_RELAYOUT) app_relayout(app);
    tui_reaction beyond = TUI_REACT_ALL | TUI_REACT_FOLLOW | TUI_REACT_ACTIVATE | TUI_REACT_RELOAD | TUI_REACT_RELAYOUT;
    if ((r & beyond) || ((r & TUI_REACT_PANE) && pane == TUI_PANE_COUNT)) app_redraw(app, TUI_REACT_ALL);
    else if (r & TUI_REACT_PANE) app_redraw_pane(app, pane);
    if (r & TUI_REACT_STATUS) app_redraw(app, TUI_REACT_STATUS);
}

void dispatch_key(tui_app *app, int key)
{
    if (app->layout.too_small) {
        if (tui_key_request(key, TUI_SCOPE_GLOBAL) == TUI_REQ_QUIT) app->quit = true;
        return;
    }
    tui_view *top = app_top_overlay(app);
    if (top && top->ops->key) {
        react(app, top, TUI_PANE_COUNT, top->ops->key(top, app, key));
        return;
    }
    app_clear_message(app);
    if (top) {
        /* An overlay has the keys: its own first; what it leaves is the app's (applying a fix, quitting). */
        tui_request req = tui_key_request(key, top->ops->scope);
        tui_reaction r = top->ops->request(top, app, req);
        if ((r & TUI_REACT_UNHANDLED) && (global_request(app, req) || project_request(app, req))) r |= TUI_REACT_ALL;
        react(app, top, TUI_PANE_COUNT, r);
        return;
    }
    tui_request req = tui_key_request(key, app_scope(app, app->focus));
    if (req == TUI_REQ_NONE) return;
    if (global_request(app, req)) {
        app_redraw(app, TUI_REACT_ALL);
        return;
    }
    if (!app->project) {
        char *say = tui_keys_say(app_scope(app, app->focus), 1, TUI_REQ_RELOAD, NULL, "tries again");
        if (app->loader) app_message(app, false, "still loading");
        else app_message(app, false, "nothing loaded%s%s", *say ? ": " : "", say);
        free(say);
        return;
    }
    /* A jump may have to clear the tree's filter to show where it went: it says so. */
    tui_view *tree = &app->panes[TUI_PANE_TREE];
    char tree_filter[64];
    snprintf(tree_filter, sizeof tree_filter, "%s", tree->ops->filter(tree));
    if (project_request(app, req)) {
        if (tree_filter[0] && !tree->ops->filter(tree)[0] && req != TUI_REQ_FILTER && !app->message[0])
            app_message(app, false, "the tree's filter '%s' was cleared to show the selection", tree_filter);
        app_redraw(app, TUI_REACT_ALL);
        return;
    }
    tui_view *v = &app->panes[app->focus];
    react(app, v, app->focus, v->ops->request(v, app, req));
}

/* ---- mouse ------------------------------------------------------------------------------------ */

void dispatch_mouse(tui_app *app)
{
    MEVENT ev;
    if (getmouse(&ev) != OK || app->layout.too_small) return;
    long wheel = 0;
    if (ev.bstate & BUTTON4_PRESSED) wheel = -3;
#ifdef BUTTON5_PRESSED
    if (ev.bstate & BUTTON5_PRESSED) wheel = 3;
#endif
    tui_view *top = app_top_overlay(app);
    if (top) {
        /* Over the panes, only the wheel, and only in an overlay that scrolls. */
        if (wheel) react(app, top, TUI_PANE_COUNT, tui_view_wheel(top, app, wheel));
        return;
    }
    /* A line between panes: pressed, then released where it goes. */
    if (ev.bstate & BUTTON1_RELEASED) {
        app_drag_end(app, ev.y, ev.x);
        return;
    }
    if ((ev.bstate & BUTTON1_PRESSED) && app_drag_start(app, ev.y, ev.x)) return;
    bool on_title = false;
    tui_pane pane = tui_layout_pane_at(&app->layout, ev.y, ev.x, &on_title);
    if (pane == TUI_PANE_COUNT || !app->project) return;
    tui_view *v = &app->panes[pane];
    if (wheel) {
        react(app, v, pane, tui_view_wheel(v, app, wheel));
        return;
    }
    if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED))) return;
    if (on_title) {
        /* A shared place's title switches to its next pane; any title focuses its pane. */
        app_focus(app, app->layout.tabbed[pane] && app->focus == pane ? tui_layout_next_tab(&app->layout, pane) : pane);
        return;
    }
    app_focus(app, pane);
    react(app, v, pane, tui_view_click(v, app, ev.y - v->rect.y, ev.x - v->rect.x, (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0));
}
