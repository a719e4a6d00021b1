/* The panes and overlays of the explorer, and the state of the app each shows. */
#include <stddef.h>

#include "tui/view_table.h"

static const struct {
    tui_pane pane;
    const tui_view_ops *ops;
    size_t state;           /* where the view's own struct is in tui_app */
    tui_place place;        /* panes that share a place are its tabs */
} panes[] = {
    { TUI_PANE_TREE, &tree_view_ops, offsetof(tui_app, tree), TUI_PLACE_TOP_LEFT },
    { TUI_PANE_SOURCE, &source_view_ops, offsetof(tui_app, source), TUI_PLACE_TOP_RIGHT },
    { TUI_PANE_PROBLEMS, &problems_view_ops, offsetof(tui_app, problems), TUI_PLACE_BOTTOM_LEFT },
    { TUI_PANE_CALLERS, &callers_view_ops, offsetof(tui_app, callers), TUI_PLACE_BOTTOM_RIGHT },
};

static const struct {
    tui_overlay overlay;
    const tui_view_ops *ops;
    size_t state;
} overlays[] = {
    { TUI_OVERLAY_FIX, &fix_view_ops, offsetof(tui_app, fix) },
    { TUI_OVERLAY_RULE, &rule_view_ops, offsetof(tui_app, rule) },
    { TUI_OVERLAY_MESSAGES, &rule_view_ops, offsetof(tui_app, messages) },
    { TUI_OVERLAY_MENU, &definitions_menu_ops, offsetof(tui_app, definitions) },
    { TUI_OVERLAY_DEPS, &deps_view_ops, offsetof(tui_app, deps) },
    { TUI_OVERLAY_HELP, &help_view_ops, offsetof(tui_app, help) },
    { TUI_OVERLAY_PROMPT, &prompt_view_ops, offsetof(tui_app, prompt) },
    { TUI_OVERLAY_GOTO, &goto_view_ops, offsetof(tui_app, go_to) },
};

_Static_assert(sizeof panes / sizeof *panes == TUI_PANE_COUNT, "every pane has a row");
_Static_assert(sizeof overlays / sizeof *overlays == TUI_OVERLAY_COUNT, "every overlay has a row");

static void bind(tui_app *app, tui_view *v, const tui_view_ops *ops, size_t state)
{
    v->ops = ops;
    v->state = (char *)app + state;
    if (ops->init) ops->init(v);
}

void tui_views_init(tui_app *app)
{
    for (size_t i = 0; i < TUI_PANE_COUNT; i++) {
        app->panes[panes[i].pane].place = panes[i].place;
        bind(app, &app->panes[panes[i].pane], panes[i].ops, panes[i].state);
    }
    for (size_t i = 0; i < TUI_OVERLAY_COUNT; i++)
        bind(app, &app->overlays[overlays[i].overlay], overlays[i].ops, overlays[i].state);
}

static void unbind(tui_view *v)
{
    if (v->ops && v->ops->free) v->ops->free(v);
}

void tui_views_free(tui_app *app)
{
    for (size_t i = 0; i < TUI_PANE_COUNT; i++) unbind(&app->panes[i]);
    for (size_t i = 0; i < TUI_OVERLAY_COUNT; i++) unbind(&app->overlays[i]);
}
