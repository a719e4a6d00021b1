/* The one way the commands say what went wrong: every message on stderr goes through here. */
#include <stdarg.h>
#include <stdlib.h>

#include "cli/error.h"
#include "env/print_error.h"
#include "svcscope/quote.h"
#include "svcscope/util.h"

void cli_verror(const char *fmt, va_list ap)
{
    env_vprint_error(fmt, ap);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_verror(fmt, ap);
    va_end(ap);
}

/* "COMMAND: message" (or the message alone), then `tail`. */
static void command_verror(const char *command, const char *tail, const char *fmt, va_list ap)
{
    svc_buf message = { 0 };
    if (command) svc_buf_printf(&message, "%s: ", command);
    svc_buf_vprintf(&message, fmt, ap);
    svc_buf_puts(&message, tail);
    cli_error("%s", message.data);
    svc_buf_free(&message);
}

void cli_command_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    command_verror(command, "", fmt, ap);
    va_end(ap);
}

void cli_usage_error(const char *command, const char *fmt, ...)
{
    char *tail = command ? svc_xasprintf(" (see svcscope %s --help)", command) : svc_xstrdup(" (see svcscope --help)");
    va_list ap;
    va_start(ap, fmt);
    command_verror(command, tail, fmt, ap);
    va_end(ap);
    free(tail);
}
