/* Opening $EDITOR at a line of a file, with the terminal handed over meanwhile. */
#ifndef SVCSCOPE_TUI_EDITOR_H
#define SVCSCOPE_TUI_EDITOR_H

#include <stddef.h>
#include <stdint.h>

/*
 * Runs `$EDITOR +LINE FILE` (default vi) for a repo-relative path under root, 1-based line.
 * Returns 0 when the editor ran and exited 0; else -1 with a message.
 */
int tui_editor_run(const char *root, const char *path, uint32_t line, char *message, size_t size);

#endif
