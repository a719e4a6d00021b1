/* Finding the search pattern in a line of the source (source_search.h). */
#include <ctype.h>
#include <string.h>

#include "tui/source_search.h"

static bool has_capital(const char *pattern)
{
    for (const char *p = pattern; *p; p++)
        if (isupper((unsigned char)*p)) return true;
    return false;
}

long source_search_in(const char *text, size_t len, size_t from, const char *pattern)
{
    size_t n = strlen(pattern);
    if (n == 0 || n > len) return -1;
    bool exact = has_capital(pattern);
    for (size_t at = from; at + n <= len; at++) {
        size_t i = 0;
        /* ASCII case folding only: bytes of UTF-8 sequences compare as they are. */
        while (i < n && (exact ? text[at + i] == pattern[i]
                               : tolower((unsigned char)text[at + i]) == tolower((unsigned char)pattern[i])))
            i++;
        if (i == n) return (long)at;
    }
    return -1;
}
