/* Resizing the panes by keys and by dragging their separators (resize.h). */
#include <stdio.h>

#include "env/environment.h"
#include "tui/resize.h"

#define SHARE_MIN 10
#define SHARE_MAX 90

static int clamp_share(int share)
{
    return share < SHARE_MIN ? SHARE_MIN : share > SHARE_MAX ? SHARE_MAX : share;
}

/* The share (percent) a size is of a whole, rounded; moved at least one percent from `before`
 * in the direction of the change, so that a small screen still responds to every key. */
static int share_of(int size, int whole, int before, int direction)
{
    int share = whole > 0 ? (size * 100 + whole / 2) / whole : before;
    if (direction > 0 && share <= before) share = before + 1;
    if (direction < 0 && before > 0 && share >= before) share = before - 1;
    return clamp_share(share);
}

/* Lays the panes out again and keeps the sizes in the settings (saying so when they cannot be). */
static void apply(tui_app *app, const char *what)
{
    app_relayout(app);
    svc_error err = SVC_ERROR_INIT;
    if (svc_user_config_save_layout(env_user_dirs(), &app->sizes, &err) != SVC_OK)
        app_message(app, true, "%s; not kept for the next start: %s", what, err.message);
    else
        app_message(app, false, "%s", what);
}

/* The row (0 top, 1 bottom) the focused pane is in. */
static int focused_band(const tui_app *app)
{
    return app->focus == TUI_PANE_PROBLEMS || app->focus == TUI_PANE_CALLERS ? 1 : 0;
}

static int *band_share(tui_app *app, int band)
{
    return band == 0 ? &app->sizes.tree_width : &app->sizes.problems_width;
}

/* The vertical line of a row moves to column x. */
static void move_vertical(tui_app *app, int band, int x, int direction)
{
    int *share = band_share(app, band);
    int before = app->layout.separator_x[band] * 100 / (COLS > 0 ? COLS : 1);
    *share = share_of(x, COLS, *share ? *share : before, direction);
    char what[96];
    snprintf(what, sizeof what, "%s %d%% of the width", band == 0 ? "the tree takes" : "the problems take", *share);
    apply(app, what);
}

/* The line between the rows moves so that the bottom row has `rows` rows (its title included). */
static void move_horizontal(tui_app *app, int rows, int direction)
{
    int body = app->layout.status_row;
    int before = (body - app->layout.top_h) * 100 / (body > 0 ? body : 1);
    app->sizes.bottom_height = share_of(rows, body, app->sizes.bottom_height ? app->sizes.bottom_height : before, direction);
    char what[96];
    snprintf(what, sizeof what, "the bottom panes take %d%% of the height", app->sizes.bottom_height);
    apply(app, what);
}

void app_resize(tui_app *app, int dx, int dy)
{
    if (app->layout.too_small || app->zoomed != TUI_PANE_COUNT) {
        app_message(app, false, "nothing to resize while a pane is zoomed");
        return;
    }
    if (dy) {
        move_horizontal(app, app->layout.status_row - app->layout.top_h - dy, -dy);
        return;
    }
    int band = focused_band(app);
    if (app->layout.separator_x[band] < 0) {
        app_message(app, false, "the panes of this row are tabs at this width: there is no line to move");
        return;
    }
    move_vertical(app, band, app->layout.separator_x[band] + dx, dx);
}

void app_resize_reset(tui_app *app)
{
    app->sizes = (svc_layout_sizes){ 0 };
    apply(app, "the panes have their automatic sizes");
}

bool app_drag_start(tui_app *app, int y, int x)
{
    const tui_layout *l = &app->layout;
    app->drag.band = -1;
    if (l->too_small || app->zoomed != TUI_PANE_COUNT) return false;
    if (l->separator_x[0] == x && y < l->top_h) app->drag.band = 0;
    else if (l->separator_x[1] == x && y >= l->top_h && y < l->status_row) app->drag.band = 1;
    else if (y == l->top_h) app->drag.band = 2;   /* the bottom row's titles are the line between the rows */
    app->drag.from = app->drag.band == 2 ? y : x;
    return app->drag.band >= 0 && app->drag.band < 2;
}

void app_drag_end(tui_app *app, int y, int x)
{
    int band = app->drag.band;
    app->drag.band = -1;
    if (band < 0) return;
    if (band == 2) {
        if (y != app->drag.from) move_horizontal(app, app->layout.status_row - y, app->drag.from - y);
        return;
    }
    if (x != app->drag.from) move_vertical(app, band, x, x - app->drag.from);
}
