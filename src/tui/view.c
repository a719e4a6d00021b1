/* The mouse on a view (view.h): its own click and wheel ops, else what a plain list does. */
#include "tui/list.h"
#include "tui/view.h"

tui_reaction tui_view_click(tui_view *v, struct tui_app *app, int row, int col, bool twice)
{
    if (v->ops->click) return v->ops->click(v, app, row, col, twice);
    if (v->ops->list) return tui_list_click_activates(v->ops->list(v), row, twice);
    return TUI_REACT_NONE;
}

tui_reaction tui_view_wheel(tui_view *v, struct tui_app *app, long lines)
{
    if (v->ops->wheel) return v->ops->wheel(v, app, lines);
    if (v->ops->list) return tui_list_wheel(v->ops->list(v), lines, v->rect.h);
    return TUI_REACT_NONE;
}
