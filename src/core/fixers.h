/*
 * The fixers: one fix computer per rule code that has a fix, in fixes_<family>.c. The rule
 * catalogue (rules.c) names each rule's fixer; svc_diagnostics_compute_fixes (fixes.c) runs it.
 * Core-private; what the fixers share is in fixes_internal.h.
 */
#ifndef SVCSCOPE_FIXERS_H
#define SVCSCOPE_FIXERS_H

#include "svcscope/diagnostic.h"

/* The fixers' shared context (defined in fixes_internal.h). */
typedef struct svc_fix_ctx fx_ctx;

const svc_fix *fx_layout_101(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_layout_103(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_layout_104(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_imports_201(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_imports_202(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_exceptions_301(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_exceptions_302(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_exceptions_303(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_tasks_402(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_tasks_403(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_tasks_404(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_tasks_405(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_celery_602(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_registration_603(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_registration_605(fx_ctx *ctx, const svc_diagnostic *d);
const svc_fix *fx_hygiene_900(fx_ctx *ctx, const svc_diagnostic *d);

#endif
