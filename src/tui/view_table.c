/* The panes of the explorer and the state each shows. */
#include <stddef.h>

#include "tui/view_table.h"

static const struct {
    tui_pane pane;
    const tui_view_ops *ops;
    size_t state;           /* where the view's own struct is in tui_app */
} panes[] = {
    { TUI_PANE_TREE, &tree_view_ops, offsetof(tui_app, tree) },
    { TUI_PANE_SOURCE, &source_view_ops, offsetof(tui_app, source) },
    { TUI_PANE_PROBLEMS, &problems_view_ops, offsetof(tui_app, problems) },
    { TUI_PANE_CALLERS, &callers_view_ops, offsetof(tui_app, callers) },
};

_Static_assert(sizeof panes / sizeof *panes == TUI_PANE_COUNT, "every pane has a row");

void tui_views_init(tui_app *app)
{
    for (size_t i = 0; i < TUI_PANE_COUNT; i++) {
        tui_view *v = &app->panes[panes[i].pane];
        v->ops = panes[i].ops;
        v->state = (char *)app + panes[i].state;
        if (v->ops->init) v->ops->init(v);
    }
}

void tui_views_free(tui_app *app)
{
    for (size_t i = 0; i < TUI_PANE_COUNT; i++) {
        tui_view *v = &app->panes[i];
        if (v->ops && v->ops->free) v->ops->free(v);
    }
}
