/* The two bottom lines: the status line (repo, branch, counts, loading) and the key hints. */
#ifndef SVCSCOPE_TUI_STATUS_H
#define SVCSCOPE_TUI_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include "tui/keys.h"
#include "tui/loader.h"

typedef struct tui_status {
    const char *repo;            /* root folder name */
    const char *branch, *head;   /* NULL outside git */
    const size_t *counts;        /* findings by severity; NULL before the first load */
    bool loading;
    tui_load_status load;
    const char *message;         /* the last thing that happened, or NULL */
    bool message_is_error;
} tui_status;

void tui_status_draw(int y, int cols, const tui_status *status);
/*
 * Hints from the request table, each with the first key that does it in `scope`: the pane's own
 * keys first, then `now` (the keys that apply to what is selected: fix, why, back, ...), then the
 * global ones; on a short line the least important are left out.
 */
void tui_hints_draw(int y, int cols, tui_scope scope, const tui_request *now, size_t nnow);
/* Hints for these requests only, in this order: an overlay's keys (in `scope`) that apply now. */
void tui_hints_draw_only(int y, int cols, tui_scope scope, const tui_request *only, size_t n);
/* A prompt in place of the hints: "Filter tree: text". */
void tui_prompt_draw(int y, int cols, const char *label, const char *text);

#endif
