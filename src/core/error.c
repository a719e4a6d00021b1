#include <stdio.h>
#include <string.h>

#include "svcscope/error.h"

int svc_error_vset(svc_error *err, int code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    }
    return code;
}

int svc_error_set(svc_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    svc_error_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

void svc_error_clear(svc_error *err)
{
    if (err) {
        err->code = SVC_OK;
        err->message[0] = '\0';
    }
}
