/*
 * The jump list, as vim's: before a jump (a finding opened, the next violation, a call site, the
 * tree taking the source to another file) the place the explorer was at goes on the list; back
 * and forward walk it, restoring the focused pane, the file, the line and the scroll. A jump
 * made after going back drops the places ahead. Places name files by path, so they outlive a
 * reload. A feature that jumps calls jumps_push(app) first.
 */
#ifndef SVCSCOPE_TUI_JUMPS_H
#define SVCSCOPE_TUI_JUMPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tui/layout.h"

#define TUI_JUMPS_MAX 100

struct tui_app;

/* Where the explorer is: what jumps_back and jumps_forward restore. */
typedef struct tui_jump {
    tui_pane focus;
    char *path;          /* the file the source shows, or NULL */
    uint32_t line;       /* the source cursor, 0-based */
    size_t top;          /* the source's first row shown */
    int hscroll;
    bool overview;       /* the source's place showed the overview of the tree node */
    char *tree_key;      /* the tree node the panes follow (tree_model_key), or NULL */
    size_t tree_top;     /* the tree's first row shown */
} tui_jump;

typedef struct tui_jumps {
    tui_jump items[TUI_JUMPS_MAX];   /* oldest first */
    size_t len;
    size_t at;           /* the place being visited: len when at none (after a jump) */
} tui_jumps;

/* Before a jump: the place now goes on the list (the places ahead of a place gone back to are dropped). */
void jumps_push(struct tui_app *app);
/* Back to the place before, or forward to the one after; false (and a message) at either end. */
bool jumps_back(struct tui_app *app);
bool jumps_forward(struct tui_app *app);
void jumps_free(tui_jumps *j);

#endif
