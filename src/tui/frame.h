/* Drawing the frame: the panes, their titles, the separators, the overlays and the bottom lines. */
#ifndef SVCSCOPE_TUI_FRAME_H
#define SVCSCOPE_TUI_FRAME_H

#include "tui/app.h"

void frame_draw(tui_app *app);

#endif
