/* Text for a program to read back (a patch, a hook script) on stdout, safe on a terminal. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

void cli_print_machine_text(const char *text)
{
    if (!isatty(STDOUT_FILENO)) {
        fputs(text, stdout);
        return;
    }
    svc_buf shown = { 0 };
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        svc_quote_text_append(&shown, line, n);
        if (end) svc_buf_putc(&shown, '\n');
        line += n + (end != NULL);
    }
    fputs(shown.data ? shown.data : "", stdout);
    svc_buf_free(&shown);
}
