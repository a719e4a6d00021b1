/*
 * The filter prompt (`/`): on the hint line, it edits the filter of the focused pane (or of the
 * tree, from a pane without one) as you type; Enter keeps the filter, Esc clears it.
 */
#ifndef SVCSCOPE_TUI_PROMPT_VIEW_H
#define SVCSCOPE_TUI_PROMPT_VIEW_H

#include <stdbool.h>
#include "tui/layout.h"
#include "tui/view.h"

typedef struct prompt_view {
    bool open;
    tui_pane target;         /* the pane whose filter it edits */
    const char *label;       /* what that filter filters ("tree by name") */
    char text[256];
} prompt_view;

/* Opens on the focused pane's filter, or the tree's; the pane it edits gets the focus. */
void prompt_view_open(prompt_view *p, struct tui_app *app);

/* The prompt as an overlay (view.h): it takes keys as typed. */
extern const tui_view_ops prompt_view_ops;

#endif
