/*
 * Text search in the source pane (`/`, then `n` and `N`): smart case, as in vim and less (a
 * capital letter in the pattern makes it match case; otherwise case does not matter), one line
 * at a time, plain text (no regular expression: a name or a string is what people look for).
 */
#ifndef SVCSCOPE_TUI_SOURCE_SEARCH_H
#define SVCSCOPE_TUI_SOURCE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct source_search {
    char pattern[256];    /* "" when no search is set */
    uint32_t origin;      /* the cursor's line when the search began: typing searches from there */
} source_search;

/* The first match of `pattern` in text[from, len): its byte offset, or -1. */
long source_search_in(const char *text, size_t len, size_t from, const char *pattern);

#endif
