/* Pane geometry. */
#include "tui/layout.h"

tui_pane tui_pane_partner(tui_pane pane)
{
    switch (pane) {
    case TUI_PANE_TREE: return TUI_PANE_SOURCE;
    case TUI_PANE_SOURCE: return TUI_PANE_TREE;
    case TUI_PANE_PROBLEMS: return TUI_PANE_CALLERS;
    case TUI_PANE_CALLERS: return TUI_PANE_PROBLEMS;
    case TUI_PANE_COUNT: break;
    }
    return TUI_PANE_COUNT;
}

const char *tui_pane_name(tui_pane pane)
{
    switch (pane) {
    case TUI_PANE_TREE: return "Tree";
    case TUI_PANE_SOURCE: return "Source";
    case TUI_PANE_PROBLEMS: return "Problems";
    case TUI_PANE_CALLERS: return "Callers";
    case TUI_PANE_COUNT: break;
    }
    return "";
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void place(tui_layout *l, tui_pane pane, int y, int x, int h, int w)
{
    l->shown[pane] = true;
    l->title[pane] = (tui_rect){ y, x, 1, w };
    l->body[pane] = (tui_rect){ y + 1, x, h - 1, w };
}

/* Two panes in one band: side by side from `min_split` columns, else the front one alone. */
static void band(tui_layout *l, int row, tui_pane left, tui_pane right, tui_pane front, int y, int h,
                 int min_split, int left_w)
{
    if (l->cols >= min_split) {
        place(l, left, y, 0, h, left_w);
        place(l, right, y, left_w + 1, h, l->cols - left_w - 1);
        l->separator_x[row] = left_w;
    } else {
        place(l, front, y, 0, h, l->cols);
        l->tabbed[left] = l->tabbed[right] = true;
    }
}

void tui_layout_compute(tui_layout *l, int cols, int lines, const tui_pane front[2], tui_pane zoomed)
{
    *l = (tui_layout){ .cols = cols, .lines = lines };
    l->separator_x[0] = l->separator_x[1] = -1;
    l->too_small = cols < TUI_MIN_COLS || lines < TUI_MIN_LINES;
    l->status_row = lines - 2;
    l->hint_row = lines - 1;
    if (l->too_small) return;
    int body_h = lines - 2;
    if (zoomed != TUI_PANE_COUNT) {
        place(l, zoomed, 0, 0, body_h, cols);
        l->top_h = body_h;
    } else {
        int bottom_h = clamp(body_h * 2 / 5, 3, 20);
        l->top_h = body_h - bottom_h;
        band(l, 0, TUI_PANE_TREE, TUI_PANE_SOURCE, front[0], 0, l->top_h, 70, clamp(cols * 36 / 100, 28, 56));
        band(l, 1, TUI_PANE_PROBLEMS, TUI_PANE_CALLERS, front[1], l->top_h, bottom_h, 120, cols * 58 / 100);
    }
    /* A hidden pane keeps the size it would have in front, so it can scroll to a line meanwhile. */
    for (int p = 0; p < TUI_PANE_COUNT; p++) {
        if (l->shown[p]) continue;
        tui_pane stand_in = zoomed != TUI_PANE_COUNT ? zoomed : tui_pane_partner((tui_pane)p);
        l->title[p] = l->title[stand_in];
        l->body[p] = l->body[stand_in];
    }
}

static bool inside(const tui_rect *r, int y, int x)
{
    return y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

tui_pane tui_layout_pane_at(const tui_layout *l, int y, int x, bool *on_title)
{
    for (int p = 0; p < TUI_PANE_COUNT; p++) {
        if (!l->shown[p]) continue;
        if (inside(&l->title[p], y, x)) {
            if (on_title) *on_title = true;
            return (tui_pane)p;
        }
        if (inside(&l->body[p], y, x)) {
            if (on_title) *on_title = false;
            return (tui_pane)p;
        }
    }
    return TUI_PANE_COUNT;
}
