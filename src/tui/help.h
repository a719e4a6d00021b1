/* The help overlay, generated from the request table (keys.h) with the keys in effect, so it always tells the truth. */
#ifndef SVCSCOPE_TUI_HELP_H
#define SVCSCOPE_TUI_HELP_H

#include <stdbool.h>
#include "tui/keys.h"
#include "tui/list.h"
#include "tui/theme.h"
#include "tui/view.h"

typedef struct help_line {
    char *keys;          /* key column, or NULL for a heading or plain text */
    char *text;
    tui_element element;
} help_line;

/* A screen row of the help: part of a line, wrapped to the box width, and part of its keys. */
typedef struct help_row {
    size_t line;
    size_t offset, length;
    bool first;
    size_t key_offset, key_length;
} help_row;

typedef struct help_view {
    help_line *lines;
    size_t nlines;
    help_row *rows;      /* laid out for `width` */
    size_t nrows;
    int width;
    size_t top;
} help_view;

void help_view_open(help_view *h);
/* The help as an overlay (view.h): movement scrolls it; cancel, help and quit close it. */
extern const tui_view_ops help_view_ops;
/* Keys as shown to people: "j <Down>" becomes "j, Down". Malloc'd. */
char *tui_keys_display(const char *keys);

#endif
