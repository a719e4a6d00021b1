/* Input: what keys and mouse events do, in the focused pane, an overlay or the whole explorer. */
#ifndef SVCSCOPE_TUI_DISPATCH_H
#define SVCSCOPE_TUI_DISPATCH_H

#include "tui/app.h"

void dispatch_key(tui_app *app, int key);
/* Reads the pending mouse event and clicks, focuses or scrolls. */
void dispatch_mouse(tui_app *app);

#endif
