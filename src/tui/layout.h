/*
 * Where the panes go for a terminal size. Each pane has a place, a quarter of the screen: the
 * tree and the source on top, the problems and the callers below. A band's two places are side
 * by side when there is room, else the band is one place whose panes are tabs; panes that share
 * a place are tabs too, and the one focused last is shown. One pane when zoomed; a "too small"
 * screen below the minimum.
 */
#ifndef SVCSCOPE_TUI_LAYOUT_H
#define SVCSCOPE_TUI_LAYOUT_H

#include <stdbool.h>

#include "svcscope/user_config.h"

#define TUI_MIN_COLS 40
#define TUI_MIN_LINES 10

/* The panes, in Tab order (their views: view_table.c). */
typedef enum tui_pane {
    TUI_PANE_TREE,
    TUI_PANE_SOURCE,
    TUI_PANE_PROBLEMS,
    TUI_PANE_CALLERS,
    TUI_PANE_COUNT,
} tui_pane;

typedef enum tui_place {
    TUI_PLACE_TOP_LEFT,
    TUI_PLACE_TOP_RIGHT,
    TUI_PLACE_BOTTOM_LEFT,
    TUI_PLACE_BOTTOM_RIGHT,
    TUI_PLACE_COUNT,
} tui_place;

typedef struct tui_rect {
    int y, x, h, w;
} tui_rect;

typedef struct tui_layout {
    int cols, lines;
    bool too_small;
    bool shown[TUI_PANE_COUNT];
    bool tabbed[TUI_PANE_COUNT];   /* shares its place with other panes (the title names them all) */
    int group[TUI_PANE_COUNT];     /* panes with the same group share a place on the screen */
    tui_rect title[TUI_PANE_COUNT];
    tui_rect body[TUI_PANE_COUNT];
    tui_rect detail[TUI_PANE_COUNT]; /* under a list pane's body: its selected item whole (h 0: none) */
    int separator_x[2];            /* column of the vertical line in the top and bottom rows, -1 */
    int top_h;                     /* rows of the top area, titles included */
    int status_row, hint_row;
} tui_layout;

/* What sizes the panes: the user's (percentages; 0 is auto) and what the tree's names need. */
typedef struct tui_sizes {
    svc_layout_sizes user;
    int tree_need;                 /* columns the tree's widest node takes; 0 before a load */
} tui_sizes;

/*
 * `place` is each pane's place; `focused_at` when each pane last had the focus (larger is
 * later): of the panes that share a place, the one focused last is shown, the first in Tab
 * order when none was. `zoomed` is the pane shown alone, or TUI_PANE_COUNT. Auto sizes: the
 * tree 36% of the columns (28 to 56), and from 120 columns as wide as its names need up to two
 * fifths of them; the bottom two fifths of the rows (3 to 20); the problems 58% of the bottom row.
 */
void tui_layout_compute(tui_layout *l, int cols, int lines, const tui_place place[TUI_PANE_COUNT],
                        const unsigned focused_at[TUI_PANE_COUNT], tui_pane zoomed, const tui_sizes *sizes);
/* The pane whose title or body holds the cell, or TUI_PANE_COUNT. */
tui_pane tui_layout_pane_at(const tui_layout *l, int y, int x, bool *on_title);
/* The next pane (in Tab order) of the place `pane` shares, or `pane` itself. */
tui_pane tui_layout_next_tab(const tui_layout *l, tui_pane pane);

#endif
