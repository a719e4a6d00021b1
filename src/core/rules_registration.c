/*
 * Task registration rules: what the worker and celery beat know a task by. A Celery worker finds
 * a task by its registered name, in the modules the app imports; a name nothing is registered
 * under fails only on the worker ("Received unregistered task").
 *   SVC607 unknown-scheduled-task: a beat schedule entry names a task the repo does not register.
 *
 * Decisions where spec/RULES.md is silent:
 *  - SVC607 judges the entries that name their task by a registered-name string (a schedule dict's
 *    `"task": "..."`, `signature("...")`); an entry naming a task object (`t.s()`, `"task": t.name`)
 *    names whatever the object is, and an object that is not a task of the repo is another
 *    package's.
 *  - Known-external names are not reported: a name under `celery.` (Celery's own tasks such as
 *    `celery.backend_cleanup`), and a dotted name whose first part is neither a module or package
 *    of the repo nor the first part of a name some task of the repo is registered under
 *    (`django_celery_results.tasks.cleanup`: an installed package's task). A name without a dot,
 *    under a package of the repo, or in a namespace the repo's `name=`s use (`digest.hourly` when
 *    a task is registered as `digest.daily`) is the repo's to register.
 *  - The message suggests the task of the repo whose registered name or function name ends like
 *    the entry's name (leading underscores aside), when there is exactly one: the usual cause is a task renamed or
 *    moved after its entry was written.
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "rules_internal.h"

/* ---- SVC607 -------------------------------------------------------------------- */

/* True when no task of the repo is expected under `name`: Celery's own, or a name under a first
 * part that is neither a module of the repo nor the first part of a name a task of the repo is
 * registered under (an installed package's task). */
static bool external_task_name(const svc_model *m, const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot) return false;
    size_t n = (size_t)(dot - name) + 1; /* the first part and its dot */
    if (n == 7 && strncmp(name, "celery.", 7) == 0) return true;
    char *first = svc_xstrndup(name, n - 1);
    bool repo = svc_model_is_module(m, first);
    free(first);
    for (size_t t = 0; !repo && t < m->ntasks; t++) {
        const char *reg = m->tasks[t].registered_name;
        repo = reg && strncmp(reg, name, n) == 0;
    }
    return !repo;
}

static const char *without_underscores(const char *s)
{
    while (*s == '_') s++;
    return s;
}

/* The registered name of the one task whose name ends like `name` (underscores aside), or NULL. */
static const char *likely_meant(const svc_model *m, const char *name)
{
    const char *want = without_underscores(svc_dotted_last(name));
    const char *found = NULL;
    for (size_t t = 0; t < m->ntasks; t++) {
        const char *reg = m->tasks[t].registered_name;
        if (!reg) continue;
        if (strcmp(without_underscores(svc_dotted_last(reg)), want) != 0 &&
            strcmp(without_underscores(svc_dotted_last(m->tasks[t].name)), want) != 0)
            continue;
        if (found && strcmp(found, reg) != 0) return NULL;
        found = reg;
    }
    return found;
}

static void check_unknown_scheduled_task(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    for (size_t i = 0; i < m->nbeat; i++) {
        const svc_beat_entry *e = &m->beat[i];
        if (!e->by_name || e->task >= 0 || !e->task_name || external_task_name(m, e->task_name)) continue;
        svc_buf entry = { 0 };
        svc_buf_puts(&entry, e->origin == SVC_BEAT_PERIODIC_TASK ? "Periodic task" : "Beat entry");
        if (e->name) svc_buf_printf(&entry, " `%s`", e->name);
        const char *meant = likely_meant(m, e->task_name);
        svc_report(ctx, "SVC607", e->file, e->span,
                   "%s names task `%s`, which no task of the repo is registered under: celery beat queues it "
                   "and the worker rejects it as an unregistered task%s%s%s",
                   entry.data, e->task_name, meant ? " (did you mean `" : "", meant ? meant : "", meant ? "`?)" : "");
        svc_buf_free(&entry);
    }
}

void svc_check_registration(svc_check_ctx *ctx)
{
    check_unknown_scheduled_task(ctx);
}
