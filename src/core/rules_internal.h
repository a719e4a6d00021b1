/*
 * What the rule families (rules_*.c) share; not a public interface. The checker (check.c) calls
 * the families' entry points; the families report through diagnostics.c and read the model and
 * its facts, never the disk; what several families ask of a call is in rules_calls.c.
 */
#ifndef SVCSCOPE_RULES_INTERNAL_H
#define SVCSCOPE_RULES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "svcscope/diagnostic.h"
#include "svcscope/model.h"
#include "svcscope/rules.h"

/* What a family's check function gets: the model, where to report, and the run's options. */
typedef struct svc_check_ctx {
    const svc_model *model;
    svc_diagnostics *out;
    const svc_check_options *opts; /* may be NULL */
} svc_check_ctx;

/* ---- reporting (diagnostics.c) ------------------------------------------------------------ */

/* Reports a finding in a file at a span (message is printf-style). Returns it. */
svc_diagnostic *svc_report(svc_check_ctx *ctx, const char *code, size_t file, svc_span span, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Reports a finding about a folder (or a file as a whole: row 1, col 1). */
svc_diagnostic *svc_report_path(svc_check_ctx *ctx, const char *code, const char *path, bool is_folder,
                                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- the families, run in this order by svc_check ------------------------------------------ */

/* Each reports every finding of its codes (filtering happens after). */
void svc_check_layout(svc_check_ctx *ctx);      /* SVC100-SVC106 */
void svc_check_imports(svc_check_ctx *ctx);     /* SVC201-SVC203 */
void svc_check_exceptions(svc_check_ctx *ctx);  /* SVC301-SVC303 */
void svc_check_tasks(svc_check_ctx *ctx);       /* SVC401-SVC407 */
void svc_check_logic(svc_check_ctx *ctx);       /* SVC501 */
void svc_check_celery_calls(svc_check_ctx *ctx); /* SVC601, SVC602, SVC604, SVC606 */
void svc_check_registration(svc_check_ctx *ctx); /* SVC603, SVC605, SVC607 */
void svc_check_hygiene(svc_check_ctx *ctx);     /* SVC900: reads what the others found, so runs last */

/* ---- calls (rules_calls.c) ----------------------------------------------------------------- */

/* For `<object>.<attr>(...)`: the object as written ("_send.delay" -> "_send"), malloc'd; NULL when
 * the callee is not an attribute (a bare `delay(...)`). */
char *svc_callee_object(const svc_facts *facts, const svc_call *call);
/* The callee on one line ("qs.filter(x=1).update"), malloc'd. */
char *svc_callee_one_line(const svc_call *call);
/* True when the call writes through the Django ORM (SVC407 and SVC501 share the notion). */
bool svc_orm_write_call(const svc_model *m, const svc_facts *facts, const svc_call *call);
/* True when the call runs inside Django's `transaction.atomic` (any import spelling): the block of
 * a `with` in the same function (a def nested in the block runs when called, not inside it), of
 * atomic itself or of a `@contextmanager` function of the repo that opens it, or a decorator of the
 * innermost function around it: atomic bare or called, or such a function called. *row is the atomic's 0-based row; *using_db the
 * text of its `using=` argument, or NULL. (SVC602 and its fix.) */
bool svc_call_in_atomic(const svc_model *m, const svc_facts *facts, const svc_call *call, uint32_t *row,
                        const char **using_db);

#endif
