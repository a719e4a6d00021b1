/* The commands' messages on stderr: "svcscope: " + the message, escaped for the terminal. */
#ifndef SVCSCOPE_CLI_ERROR_H
#define SVCSCOPE_CLI_ERROR_H

#include <stdarg.h>

/* "svcscope: " + message on stderr, each line escaped for the terminal (env_vprint_error). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* "svcscope: COMMAND: message"; without a command (NULL: svcscope itself) "svcscope: message". */
void cli_command_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A usage error: cli_command_error's line ending in "(see svcscope COMMAND --help)". */
void cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
