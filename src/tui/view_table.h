/*
 * The table of views (view_table.c): which state of the app each pane and each overlay is, with
 * its ops. A new view is a file with its state and ops (view.h), its member in tui_app, its name
 * (tui_pane in layout.h, tui_overlay in app.h) and a row in the table.
 */
#ifndef SVCSCOPE_TUI_VIEW_TABLE_H
#define SVCSCOPE_TUI_VIEW_TABLE_H

#include "tui/app.h"

/* Binds every view to its state and initialises it (before the first load). */
void tui_views_init(tui_app *app);
void tui_views_free(tui_app *app);

#endif
