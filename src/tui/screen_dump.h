/* Writes what the screen shows to a file, for scripted tests (docs/tui-tests.md). */
#ifndef SVCSCOPE_TUI_SCREEN_DUMP_H
#define SVCSCOPE_TUI_SCREEN_DUMP_H

#include <stdbool.h>

/*
 * One line per screen row, trailing spaces trimmed. With `attrs`, each cell is a letter for
 * its attributes instead: r reverse, u underline, b bold, d dim, space for none (the first
 * that applies); upper case (C for plain) when a colour pair is set.
 * Returns 0, or -1 with errno set.
 */
int tui_screen_dump(const char *path, bool attrs);

#endif
