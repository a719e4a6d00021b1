/* A selection in a list of rows and the scroll that keeps it visible: shared by the list panes. */
#ifndef SVCSCOPE_TUI_LIST_H
#define SVCSCOPE_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include "tui/keys.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "tui/view.h"

typedef struct tui_list {
    size_t count;     /* rows */
    size_t selected;  /* row, < count when count > 0 */
    size_t top;       /* first row shown */
    int hscroll;      /* columns scrolled sideways */
    int overflow;     /* how far the widest row of the last drawing went past the pane */
} tui_list;

/* Applies a movement request (sideways too); false when `req` is not one. */
bool tui_list_request(tui_list *l, tui_request req, int height);
/* Keeps the selection in range and on screen. */
void tui_list_fit(tui_list *l, int height);
/* Scrolls by `delta` rows (mouse wheel), dragging the selection along when it leaves the screen. */
void tui_list_scroll(tui_list *l, long delta, int height);
/* Selects the row shown at `row` of the pane's body; false when there is none. */
bool tui_list_click(tui_list *l, int row);

/* Starts drawing the list in a pane `height` rows high: the selection on screen, the width of
 * the rows measured again (tui_list_pen_end). */
void tui_list_draw_begin(tui_list *l, int height);
/* A pen (text.h) for a row of the list: `cols` columns at (y, x), scrolled sideways as the list is. */
tui_pen tui_list_pen(const tui_list *l, int y, int x, int cols);
/* The row is laid out: how wide it was counts for how far the list scrolls right. */
void tui_list_pen_end(tui_list *l, const tui_pen *p);

/* A list pane's row of item `at` (at y, from x, w columns): when `at` is selected, fills the row
 * with the selection's attribute and returns it (for the row's text); else 0. */
attr_t tui_list_draw_row(const tui_list *l, size_t at, int y, int x, int w, bool focused);

/* A row of a list of text rows (tui_list_draw_text): its text, the columns before it, and its
 * attribute when it is not selected. */
typedef struct tui_text_row {
    const char *text;
    int indent;
    attr_t attr;
} tui_text_row;

/*
 * Draws a list of text rows in `r`: each row from `row_at(state, at)`, the selection marked, the
 * rows cut to the pane and scrolled sideways with the list (the overview, the callers).
 */
void tui_list_draw_text(tui_list *l, tui_rect r, bool focused, tui_text_row (*row_at)(const void *state, size_t at),
                        const void *state);

/* A list pane's ops (view.h): a click selects a row and a double click activates it; the wheel
 * scrolls. */
tui_reaction tui_list_click_activates(tui_list *l, int row, bool twice);
tui_reaction tui_list_wheel(tui_list *l, long lines, int height);

#endif
