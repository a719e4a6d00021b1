/*
 * Where the panes go for a terminal size: tree and source on top, problems and callers
 * below; side by side when there is room, else sharing a place as tabs; one pane when zoomed;
 * a "too small" screen below the minimum.
 */
#ifndef SVCSCOPE_TUI_LAYOUT_H
#define SVCSCOPE_TUI_LAYOUT_H

#include <stdbool.h>

#define TUI_MIN_COLS 40
#define TUI_MIN_LINES 10

typedef enum tui_pane {
    TUI_PANE_TREE,
    TUI_PANE_SOURCE,
    TUI_PANE_PROBLEMS,
    TUI_PANE_CALLERS,
    TUI_PANE_COUNT,
} tui_pane;

typedef struct tui_rect {
    int y, x, h, w;
} tui_rect;

typedef struct tui_layout {
    int cols, lines;
    bool too_small;
    bool shown[TUI_PANE_COUNT];
    bool tabbed[TUI_PANE_COUNT];   /* shares its place with its partner (title shows both) */
    tui_rect title[TUI_PANE_COUNT];
    tui_rect body[TUI_PANE_COUNT];
    int separator_x[2];            /* column of the vertical line in the top and bottom rows, -1 */
    int top_h;                     /* rows of the top area, titles included */
    int status_row, hint_row;
} tui_layout;

/* The pane that shares a place with `pane` when space is short. */
tui_pane tui_pane_partner(tui_pane pane);
const char *tui_pane_name(tui_pane pane);

/*
 * `front` names, for each place (0 = top: tree/source, 1 = bottom: problems/callers), the pane
 * shown when the two share it; `zoomed` is the pane shown alone, or TUI_PANE_COUNT.
 */
void tui_layout_compute(tui_layout *l, int cols, int lines, const tui_pane front[2], tui_pane zoomed);
/* The pane whose title or body holds the cell, or TUI_PANE_COUNT. */
tui_pane tui_layout_pane_at(const tui_layout *l, int y, int x, bool *on_title);

#endif
