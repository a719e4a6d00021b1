/* Pane geometry. */
#include "tui/layout.h"

/* Per band (top, bottom): from how many columns its two places go side by side. */
static const int min_split[2] = { 70, 120 };

/* From this width the tree may take more than its usual share when its names need it. */
#define WIDE_COLS 120

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Columns of a band's left place when the two are side by side: the user's share, else auto. */
static int left_width(int band, int cols, const tui_sizes *sizes)
{
    int user = band == 0 ? sizes->user.tree_width : sizes->user.problems_width;
    if (user > 0) return clamp((cols * user + 50) / 100, 20, cols - 21);
    if (band == 1) return cols * 58 / 100;
    int base = clamp(cols * 36 / 100, 28, 56);
    /* A wide screen gives the tree what its names need, up to two fifths of it. */
    if (cols < WIDE_COLS || sizes->tree_need <= base) return base;
    return clamp(sizes->tree_need, base, cols * 2 / 5);
}

/* The panes whose rows are cut to the width: the problems and the callers. */
static const bool has_detail[TUI_PANE_COUNT] = { [TUI_PANE_PROBLEMS] = true, [TUI_PANE_CALLERS] = true };

/* Rows under a list pane for its selected item whole: 2, 3 in a taller pane, none in a short one. */
static int detail_rows(tui_pane pane, int body_h)
{
    if (!has_detail[pane] || body_h < 6) return 0;
    return body_h >= 7 ? 3 : 2;
}

static void place_pane(tui_layout *l, tui_pane pane, int y, int x, int h, int w)
{
    l->shown[pane] = true;
    l->title[pane] = (tui_rect){ y, x, 1, w };
    int detail = detail_rows(pane, h - 1);
    l->body[pane] = (tui_rect){ y + 1, x, h - 1 - detail, w };
    l->detail[pane] = (tui_rect){ y + h - detail, x, detail, w };
}

/* The pane of a group to show: the one focused last, the first in Tab order when none was. */
static tui_pane front_of(const tui_layout *l, int group, const unsigned focused_at[TUI_PANE_COUNT])
{
    tui_pane front = TUI_PANE_COUNT;
    for (int p = 0; p < TUI_PANE_COUNT; p++)
        if (l->group[p] == group && (front == TUI_PANE_COUNT || focused_at[p] > focused_at[front])) front = (tui_pane)p;
    return front;
}

/* The panes of a band: each place a group side by side when there is room, else the band one group. */
static void band(tui_layout *l, int b, const tui_place place[TUI_PANE_COUNT], const unsigned focused_at[TUI_PANE_COUNT],
                 int y, int h, const tui_sizes *sizes)
{
    bool used[2] = { false, false };
    for (int p = 0; p < TUI_PANE_COUNT; p++)
        if ((int)place[p] / 2 == b) used[place[p] % 2] = true;
    bool split = l->cols >= min_split[b] && used[0] && used[1];
    for (int p = 0; p < TUI_PANE_COUNT; p++)
        if ((int)place[p] / 2 == b) l->group[p] = split ? (int)place[p] : TUI_PLACE_COUNT + b;
    if (!split) {
        tui_pane front = front_of(l, TUI_PLACE_COUNT + b, focused_at);
        if (front != TUI_PANE_COUNT) place_pane(l, front, y, 0, h, l->cols);
        return;
    }
    int left_w = left_width(b, l->cols, sizes);
    place_pane(l, front_of(l, 2 * b, focused_at), y, 0, h, left_w);
    place_pane(l, front_of(l, 2 * b + 1, focused_at), y, left_w + 1, h, l->cols - left_w - 1);
    l->separator_x[b] = left_w;
}

void tui_layout_compute(tui_layout *l, int cols, int lines, const tui_place place[TUI_PANE_COUNT],
                        const unsigned focused_at[TUI_PANE_COUNT], tui_pane zoomed, const tui_sizes *sizes)
{
    *l = (tui_layout){ .cols = cols, .lines = lines };
    l->separator_x[0] = l->separator_x[1] = -1;
    l->too_small = cols < TUI_MIN_COLS || lines < TUI_MIN_LINES;
    l->status_row = lines - 2;
    l->hint_row = lines - 1;
    if (l->too_small) return;
    int body_h = lines - 2;
    for (int p = 0; p < TUI_PANE_COUNT; p++) l->group[p] = zoomed != TUI_PANE_COUNT ? p : -1;
    if (zoomed != TUI_PANE_COUNT) {
        place_pane(l, zoomed, 0, 0, body_h, cols);
        l->top_h = body_h;
    } else {
        int share = sizes->user.bottom_height;
        int bottom_h = share > 0 ? clamp((body_h * share + 50) / 100, 3, body_h - 3) : clamp(body_h * 2 / 5, 3, 20);
        l->top_h = body_h - bottom_h;
        band(l, 0, place, focused_at, 0, l->top_h, sizes);
        band(l, 1, place, focused_at, l->top_h, bottom_h, sizes);
    }
    /* A hidden pane keeps the size it would have in front, so it can scroll to a line meanwhile. */
    for (int p = 0; p < TUI_PANE_COUNT; p++) {
        if (l->shown[p]) continue;
        tui_pane stand_in = zoomed != TUI_PANE_COUNT ? zoomed : front_of(l, l->group[p], focused_at);
        l->title[p] = l->title[stand_in];
        l->body[p] = l->body[stand_in];
        l->detail[p] = l->detail[stand_in];
    }
    for (int p = 0; p < TUI_PANE_COUNT; p++)
        for (int q = 0; q < TUI_PANE_COUNT && zoomed == TUI_PANE_COUNT; q++)
            if (q != p && l->group[q] == l->group[p]) l->tabbed[p] = true;
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

tui_pane tui_layout_next_tab(const tui_layout *l, tui_pane pane)
{
    for (int step = 1; step < TUI_PANE_COUNT; step++) {
        tui_pane next = (tui_pane)((pane + step) % TUI_PANE_COUNT);
        if (l->group[next] == l->group[pane]) return next;
    }
    return pane;
}
