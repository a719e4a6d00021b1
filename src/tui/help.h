/* The help overlay, generated from the request table (keys.h) with the keys in effect, so it always tells the truth. */
#ifndef SVCSCOPE_TUI_HELP_H
#define SVCSCOPE_TUI_HELP_H

#include <stdbool.h>
#include "tui/keys.h"
#include "tui/list.h"
#include "tui/theme.h"

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
void help_view_close(help_view *h);
bool help_view_is_open(const help_view *h);
void help_view_draw(help_view *h, int cols, int lines);
/* Scrolls on movement requests; true when the request closes the help. */
bool help_view_request(help_view *h, tui_request req, int cols, int lines);
/* Keys as shown to people: "j <Down>" becomes "j, Down". Malloc'd. */
char *tui_keys_display(const char *keys);

#endif
