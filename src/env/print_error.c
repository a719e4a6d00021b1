/* Errors and warnings on stderr, escaped for the terminal (print_error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "env/print_error.h"
#include "svcscope/quote.h"
#include "svcscope/util.h"

void env_vprint_error(const char *fmt, va_list ap)
{
    svc_buf message = { 0 }, line = { 0 };
    svc_buf_vprintf(&message, fmt, ap);
    /* A message of several lines (every file an undo refuses, say) keeps its lines; each is
     * escaped on its own and says where it comes from. */
    const char *text = message.data ? message.data : "";
    do {
        size_t n = strcspn(text, "\n");
        svc_buf_puts(&line, "svcscope: ");
        svc_quote_text_append(&line, text, n);
        svc_buf_putc(&line, '\n');
        text += n + (text[n] == '\n');
    } while (*text);
    fputs(line.data, stderr);
    svc_buf_free(&message);
    svc_buf_free(&line);
}

void env_print_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    env_vprint_error(fmt, ap);
    va_end(ap);
}
