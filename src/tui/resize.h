/*
 * Resizing the panes: keys move the line between the focused pane and its neighbour (H, L) or
 * between the top and the bottom panes (K, J); the mouse drags those lines; `=` goes back to the
 * automatic sizes. Sizes are shares of the screen (percentages), kept in the user settings'
 * [layout] table so the next start has them.
 */
#ifndef SVCSCOPE_TUI_RESIZE_H
#define SVCSCOPE_TUI_RESIZE_H

#include "tui/app.h"

/* Moves a line: dx columns (the focused row's vertical line), dy rows (the line between the rows). */
void app_resize(tui_app *app, int dx, int dy);
/* The automatic sizes again. */
void app_resize_reset(tui_app *app);
/* A press of the mouse's first button at (y, x): true when it is on a line, which a drag moves. */
bool app_drag_start(tui_app *app, int y, int x);
/* The button released at (y, x): the line dragged goes there. */
void app_drag_end(tui_app *app, int y, int x);

#endif
