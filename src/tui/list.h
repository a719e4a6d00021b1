/* A selection in a list of rows and the scroll that keeps it visible: shared by the list panes. */
#ifndef SVCSCOPE_TUI_LIST_H
#define SVCSCOPE_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include "tui/keys.h"
#include "tui/theme.h"
#include "tui/view.h"

typedef struct tui_list {
    size_t count;     /* rows */
    size_t selected;  /* row, < count when count > 0 */
    size_t top;       /* first row shown */
} tui_list;

/* Applies a movement request; false when `req` is not one. */
bool tui_list_request(tui_list *l, tui_request req, int height);
/* Keeps the selection in range and on screen. */
void tui_list_fit(tui_list *l, int height);
/* Scrolls by `delta` rows (mouse wheel), dragging the selection along when it leaves the screen. */
void tui_list_scroll(tui_list *l, long delta, int height);
/* Selects the row shown at `row` of the pane's body; false when there is none. */
bool tui_list_click(tui_list *l, int row);

/* A list pane's row of item `at` (at y, from x, w columns): when `at` is selected, fills the row
 * with the selection's attribute and returns it (for the row's text); else 0. */
attr_t tui_list_draw_row(const tui_list *l, size_t at, int y, int x, int w, bool focused);

/* A list pane's ops (view.h): a click selects a row and a double click activates it; the wheel
 * scrolls. */
tui_reaction tui_list_click_activates(tui_list *l, int row, bool twice);
tui_reaction tui_list_wheel(tui_list *l, long lines, int height);

#endif
