/* The core's one error type: a status code plus a message for the user. */
#ifndef SVCSCOPE_ERROR_H
#define SVCSCOPE_ERROR_H

#include <stdarg.h>

enum {
    SVC_OK = 0,
    SVC_EUSAGE = -1,    /* bad arguments or config: exit status 2 */
    SVC_EIO = -2,       /* a file could not be read or written */
    SVC_EGIT = -3,      /* libgit2 refused; message carries its reason */
    SVC_ENOTFOUND = -4, /* a named thing does not exist */
    SVC_ECONFIG = -5,   /* a bad key or value in pyproject.toml */
    SVC_EUNSAFE = -6,   /* refused because it cannot be done safely */
};

typedef struct svc_error {
    int code;
    char message[1024];
} svc_error;

#define SVC_ERROR_INIT { SVC_OK, { 0 } }

/* Records code and message; returns code so callers can `return svc_error_set(...)`. */
int svc_error_set(svc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int svc_error_vset(svc_error *err, int code, const char *fmt, va_list ap);
void svc_error_clear(svc_error *err);

#endif
