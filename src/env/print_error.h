/*
 * Errors and warnings on stderr, for the command line and the explorer alike: the core never
 * prints (it reports through return values); what it reports may quote the repository, so each
 * line is escaped as text (svc_quote_text_append) before it reaches the terminal.
 */
#ifndef SVCSCOPE_ENV_PRINT_ERROR_H
#define SVCSCOPE_ENV_PRINT_ERROR_H

#include <stdarg.h>

/* "svcscope: " + the message + a newline on stderr, each line escaped as text. */
void env_print_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void env_vprint_error(const char *fmt, va_list ap);

#endif
