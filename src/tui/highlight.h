/*
 * Syntax highlighting of Python with tree-sitter-python's own highlight query
 * (queries/highlights.scm, embedded at build time in highlights_query.c).
 */
#ifndef SVCSCOPE_TUI_HIGHLIGHT_H
#define SVCSCOPE_TUI_HIGHLIGHT_H

#include <stddef.h>
#include "tui/theme.h"

/* The query text, generated from the grammar's highlights.scm by the build. */
extern const char tui_highlights_query[];
extern const unsigned tui_highlights_query_len;

/*
 * One theme element per byte of `bytes` (TUI_EL_NORMAL where nothing matched); malloc'd.
 * When the query cannot be used, every byte is NORMAL.
 */
unsigned char *tui_highlight(const char *bytes, size_t len);
/* Frees the compiled query (at exit). */
void tui_highlight_cleanup(void);

#endif
