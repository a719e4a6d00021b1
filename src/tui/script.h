/*
 * Key scripts for headless runs (SVCSCOPE_SCRIPT=FILE; format in docs/tui-tests.md): keys and
 * key sequences, one line at a time, and commands (:save-display FILE, :wait-loaded, ...).
 */
#ifndef SVCSCOPE_TUI_SCRIPT_H
#define SVCSCOPE_TUI_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum tui_step_kind {
    TUI_STEP_KEY,
    TUI_STEP_SAVE_DISPLAY,   /* arg: file */
    TUI_STEP_SAVE_ATTRS,     /* arg: file */
    TUI_STEP_WAIT_LOADED,
    TUI_STEP_WAIT_LIVE,      /* the changes the watcher saw, reloaded (fails after 5 s without any) */
    TUI_STEP_RESIZE,         /* cols, lines */
    TUI_STEP_EXEC,           /* arg: a shell command, run to its end (tests change files with it) */
    TUI_STEP_END,
} tui_step_kind;

typedef struct tui_step {
    tui_step_kind kind;
    int key;
    const char *arg;         /* owned by the script, valid until the next step */
    int cols, lines;
} tui_step;

typedef struct tui_script tui_script;

tui_script *tui_script_open(const char *path, char *why, size_t size);
/* The next step; false (and why, with the line number) on a line that makes no sense. */
bool tui_script_next(tui_script *s, tui_step *step, char *why, size_t size);
void tui_script_free(tui_script *s);
/* "FILE:LINE" of the step last read, for messages. */
const char *tui_script_where(tui_script *s);

/* Parses "COLSxLINES" (as in SVCSCOPE_SCREEN); false when it is not that. */
bool tui_parse_size(const char *text, int *cols, int *lines);

#endif
