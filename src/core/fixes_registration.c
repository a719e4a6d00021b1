/*
 * Fixes of the task registration rules (rules_registration.c).
 *
 * Decisions:
 *  - SVC603 (SAFE): a statement `from . import <module>` of its own added to the tasks service's
 *    `__init__.py`, after its last top-level import (else after its docstring), so the worker
 *    imports the module with the package; the fix of a second module meets it there and applies on
 *    the next `svcscope fix`, as any two fixes that edit one place. No fix when the module is not directly in the tasks service, the service has no
 *    `__init__.py`, or the `__init__.py` binds the module's name to something else.
 *  - SVC605 (SAFE): `name="<old registered name>"` added to the task's decorator (as SVC403's fix
 *    adds it), the old name read back from the finding's message (the fixer has today's model
 *    only). No fix for a new required parameter (a default is a person's choice), nor when the
 *    decorator already passes `name=` or `**options`.
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "fixes_internal.h"

/* ---- SVC603 ----------------------------------------------------------------------------------- */

const svc_fix *fx_registration_603(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->file < 0 || m->tasks_service < 0) return NULL;
    const svc_service *tasks = &m->services[m->tasks_service];
    const svc_file *f = &m->files[d->file];
    if (tasks->init_file < 0 || !f->module || !svc_dotted_within(f->module, tasks->module))
        return fx_no_fix(ctx, "the tasks service has no `__init__.py` to import the module from");
    const char *name = f->module + strlen(tasks->module);
    if (*name != '.' || strchr(name + 1, '.'))
        return fx_no_fix(ctx, "the module is not directly in the tasks service: import it from its own package");
    name++;
    size_t init = (size_t)tasks->init_file;
    if (!fx_text_of(ctx, init) || !fx_name_free(ctx, init, name, f->module))
        return fx_no_fix(ctx, "`%s` already binds `%s` to something else", m->files[init].path, name);
    fx_fix fix;
    fx_init(&fix, ctx);
    char *stmt = svc_xasprintf("from . import %s", name);
    fx_add_import(&fix, init, stmt, UINT32_MAX);
    free(stmt);
    return fx_finish(&fix, SVC_FIX_SAFE, "Add `from . import %s` to `%s`", name, m->files[init].path);
}

/* ---- SVC605 ----------------------------------------------------------------------------------- */

/* The old registered name in an SVC605 message ("... was registered as `old` at ..."), malloc'd. */
static char *old_name_of(const char *message)
{
    static const char marker[] = "was registered as `";
    const char *start = strstr(message, marker);
    if (!start) return NULL;
    start += sizeof marker - 1;
    const char *end = strchr(start, '`');
    return end ? svc_xstrndup(start, (size_t)(end - start)) : NULL;
}

const svc_fix *fx_registration_605(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->file < 0) return NULL;
    const svc_task *task = NULL;
    for (size_t t = 0; t < m->ntasks && !task; t++) {
        const svc_task *x = &m->tasks[t];
        if ((long)x->at.file == d->file && x->name_span.byte == d->span.byte && x->name_span.end_byte == d->span.end_byte)
            task = x;
    }
    char *old = old_name_of(d->message);
    if (!task || !old) {
        free(old);
        return fx_no_fix(ctx, "a new parameter without a default: give it a default by hand");
    }
    fx_fix fix;
    fx_init(&fix, ctx);
    if (task->by_call || fx_name_task(&fix, m, task, old) <= 0) {
        free(old);
        fx_finish(&fix, SVC_FIX_SAFE, "%s", "nothing to do"); /* no edit was made: frees the fix */
        return fx_no_fix(ctx, "the task's decorator already passes `name=` or `**options`");
    }
    const svc_fix *out = fx_finish(&fix, SVC_FIX_SAFE, "Keep the registered name: add `name=\"%s\"` to the decorator", old);
    free(old);
    return out;
}
