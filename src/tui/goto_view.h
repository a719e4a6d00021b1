/*
 * Go to (`:`, `<C-p>`): a prompt over the panes that ranks every symbol a user can go to
 * (services, apps, packages, modules, tasks, wrappers, exceptions, files) as a fuzzy finder
 * does, as you type. Enter on a match selects it in the tree and shows it; `path:line` (or
 * `path`, `path:line:col`) opens that line of the file in the source. Both are jumps.
 */
#ifndef SVCSCOPE_TUI_GOTO_VIEW_H
#define SVCSCOPE_TUI_GOTO_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include "svcscope/query.h"
#include "tui/view.h"

/* The matches ranked: at most this many, of which as many as fit are shown. */
#define GOTO_MAX_MATCHES 200

typedef struct goto_view {
    bool open;
    char text[256];
    struct tui_app *app;                 /* what it ranks (app->project) and where it jumps */
    const svc_query_symbols *ranked_on;  /* the symbols `matches` index, NULL: rank again */
    svc_query_match matches[GOTO_MAX_MATCHES];
    size_t nmatches;
    size_t selected, top;
    int cursor_y, cursor_x;              /* where the text ends on screen, for the terminal cursor */
} goto_view;

/* Opens on an empty text. */
void goto_view_open(goto_view *g, struct tui_app *app);

/*
 * A typed `path[:line[:col]]`: the path and the 1-based line (0 when none is given). False when
 * the text does not end in `:line` or `:line:col` (a bare path is then the whole text).
 */
bool goto_parse_place(const char *text, char *path, size_t size, unsigned long *line);

/* The overlay as a view (view.h): it takes keys as typed. */
extern const tui_view_ops goto_view_ops;

#endif
