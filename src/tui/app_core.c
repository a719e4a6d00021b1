/*
 * The explorer's core: messages, focus, layout and (re)loading. It calls nothing above it: input
 * (dispatch.c), the frame (frame.c) and the actions between panes (actions.c) call it.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>

#include "tui/app.h"

void app_message(tui_app *app, bool is_error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->message, sizeof app->message, fmt, ap);
    va_end(ap);
    app->message_is_error = is_error;
    tui_message_log_add(&app->message_log, is_error, app->message);
    app_redraw(app, TUI_REACT_STATUS);
}

void app_clear_message(tui_app *app)
{
    if (!app->message[0]) return;
    app->message[0] = '\0';
    app_redraw(app, TUI_REACT_STATUS);
}

void app_redraw(tui_app *app, tui_reaction what)
{
    app->redraw |= what & (TUI_REACT_STATUS | TUI_REACT_ALL);
}

void app_redraw_pane(tui_app *app, tui_pane pane)
{
    app->redraw_panes |= 1u << pane;
}

void app_relayout(tui_app *app)
{
    tui_place place[TUI_PANE_COUNT];
    for (int p = 0; p < TUI_PANE_COUNT; p++) place[p] = app->panes[p].place;
    tui_sizes sizes = { app->sizes, app->project ? tree_view_width_needed(&app->tree) : 0 };
    tui_layout_compute(&app->layout, COLS, LINES, place, app->focused_at, app->zoomed, &sizes);
    for (int p = 0; p < TUI_PANE_COUNT; p++) app->panes[p].rect = app->layout.body[p];
    for (int o = 0; o < TUI_OVERLAY_COUNT; o++) app->overlays[o].rect = (tui_rect){ 0, 0, LINES, COLS };
    app_redraw(app, TUI_REACT_ALL);
}

void app_focus(tui_app *app, tui_pane pane)
{
    app->focus = pane;
    app->focused_at[pane] = ++app->focus_count;
    if (app->zoomed != TUI_PANE_COUNT) app->zoomed = pane;
    app_relayout(app);
}

void app_reload(tui_app *app)
{
    if (app->loader) {
        app_message(app, false, "already loading");
        return;
    }
    svc_error err = SVC_ERROR_INIT;
    app->loading_batches = app->fixlog.batches;
    app->loader = tui_loader_start(app->root, &err);
    if (!app->loader) app_message(app, true, "%s", err.message);
    else if (app->on_load_start) app->on_load_start(app);
    app_redraw(app, TUI_REACT_ALL);
}

void app_reload_after_change(tui_app *app)
{
    app->live.own_change = true;
    if (app->loader) app->reload_pending = true;
    else app_reload(app);
}

tui_view *app_top_overlay(tui_app *app)
{
    for (int o = TUI_OVERLAY_COUNT - 1; o >= 0; o--)
        if (app->overlays[o].ops->is_open(&app->overlays[o])) return &app->overlays[o];
    return NULL;
}

tui_scope app_scope(const tui_app *app, tui_pane pane)
{
    if (pane == TUI_PANE_SOURCE && app->source.covered) return TUI_SCOPE_OVERVIEW;
    return pane < TUI_PANE_COUNT ? app->panes[pane].ops->scope : TUI_SCOPE_GLOBAL;
}
