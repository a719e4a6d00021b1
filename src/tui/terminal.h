/*
 * The terminal: curses on the real terminal, or on a virtual screen of a fixed size for
 * scripted runs; restored on every way out (normal exit, atexit, fatal and terminating signals).
 */
#ifndef SVCSCOPE_TUI_TERMINAL_H
#define SVCSCOPE_TUI_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tui_term_options {
    bool headless;          /* a virtual screen: output to /dev/null, keys come from a script */
    int cols, lines;        /* headless size */
} tui_term_options;

/* Starts curses; false with a reason when the terminal cannot be used. */
bool tui_term_open(const tui_term_options *opts, char *why, size_t size);
/* Gives the terminal back. Safe to call twice, from atexit, or with nothing open. */
void tui_term_close(void);
/* Headless: the virtual screen takes a new size. */
void tui_term_resize(int cols, int lines);
/* Leaves curses for a child program (the editor) and comes back. */
void tui_term_leave(void);
void tui_term_return(void);
/* Ctrl-Z: stops the process like a shell job; curses is back on resume. */
void tui_term_suspend(void);

#endif
