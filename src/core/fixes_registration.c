/*
 * Fixes of the task registration rules (rules_registration.c).
 *
 * Decisions:
 *  - SVC603 (SAFE): a statement `from . import <module>` of its own added to the tasks service's
 *    `__init__.py`, after its last top-level import (else after its docstring), so the worker
 *    imports the module with the package; the fix of a second module meets it there and applies on
 *    the next `svcscope fix`, as any two fixes that edit one place. No fix when the module is not directly in the tasks service, the service has no
 *    `__init__.py`, or the `__init__.py` binds the module's name to something else.
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
