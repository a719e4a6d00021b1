/*
 * Where the lines of a text start, and which line holds a byte: what the fix preview's hunks
 * (fix_diff.c) and the staging line map (stage.c) count in. Internal to the core.
 */
#ifndef SVCSCOPE_LINE_STARTS_H
#define SVCSCOPE_LINE_STARTS_H

#include <stddef.h>

/* The start of every line of `text` (a line ends after its '\n'; a last line without one is a
 * line too): *n lines, and starts[*n] = len. malloc'd. */
size_t *svc_line_starts(const char *text, size_t len, size_t *n);

/* The line holding `byte`: the last of the `n` lines whose start is not after it (0 when n is 0). */
size_t svc_line_at(const size_t *starts, size_t n, size_t byte);

#endif
