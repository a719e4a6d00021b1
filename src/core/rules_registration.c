/*
 * Task registration rules: what the worker and celery beat know a task by. A Celery worker finds
 * a task by its registered name, in the modules the app imports; a name nothing is registered
 * under fails only on the worker ("Received unregistered task").
 *   SVC603 task-module-not-registered: a tasks module of the tasks service the worker never imports.
 *   SVC605 task-name-changed: with --diff REV, a task's registered name or required parameters changed.
 *   SVC607 unknown-scheduled-task: a beat schedule entry names a task the repo does not register.
 *
 * Decisions where spec/RULES.md is silent:
 *  - SVC603 runs only when the repo constructs a Celery app (a `Celery(...)` call): without one, how
 *    the worker is configured is not in the repo. The worker imports, and what those import at
 *    module level, transitively: the tasks service's `__init__.py` (as the rule says), the modules
 *    listed as `include`/`imports` (facts' celery_imports: `Celery(include=...)`, `app.conf.imports`,
 *    `app.conf.update(...)`, CELERY_IMPORTS), and those `autodiscover_tasks(packages, related_name)`
 *    finds: `<package>.<related_name>` (default `tasks`; `related_name=None`: the package itself)
 *    for each package of a literal list, or of INSTALLED_APPS (and the Django apps the model
 *    found) when the packages are not a literal (none given, `lambda: settings.INSTALLED_APPS`).
 *    A module is judged when it is named `*_tasks.py`, sits in the tasks service (tests aside) and
 *    defines a task; the finding sits on its first task's name, and the fix (fixes_tasks.c) adds
 *    `from . import <module>` to the tasks service's `__init__.py` for a module directly in it.
 *  - SVC605 compares the tasks of REV's model (svc_check_options.before) with today's. A task of
 *    REV whose registered name no task registers any more is looked for today in its file, followed
 *    through git's rename detection: by the same name, else the same name without leading
 *    underscores (SVC403's rename), else the one task of the file that REV did not have, when the
 *    file lost exactly one; a task that is gone is not a rename and is not reported (its callers
 *    fail on their own). A task registered under the same name as at REV is reported when it has a
 *    required parameter (no default, not `*args`/`**kwargs`, not `self` of bind=True) that it did
 *    not have at REV, or had with a default. The finding sits on today's task name; the fix (fixes_registration.c) reads
 *    the old name back from the message.
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

/* ---- SVC603 -------------------------------------------------------------------- */

typedef SVC_VEC(char *) name_vec; /* owned strings */

static bool constructs_celery_app(const svc_model *m)
{
    for (size_t f = 0; f < m->nfiles; f++) {
        const svc_facts *facts = m->files[f].facts;
        for (size_t c = 0; facts && c < facts->ncalls; c++)
            if (facts->calls[c].attr && strcmp(facts->calls[c].attr, "Celery") == 0) return true;
    }
    return false;
}

/* The string literals inside `text` (a list or tuple as written), unquoted, appended to `out`
 * (malloc'd). False when `text` is not a list or tuple literal. */
static bool literal_strings(const char *text, name_vec *out)
{
    if (!text || (text[0] != '[' && text[0] != '(')) return false;
    for (const char *p = text; *p; p++) {
        if (*p != '"' && *p != '\'') continue;
        const char *end = strchr(p + 1, *p);
        if (!end) break;
        svc_vec_push(out, svc_xstrndup(p + 1, (size_t)(end - p - 1)));
        p = end;
    }
    return true;
}

static const svc_arg *argument(const svc_call *call, const char *keyword, size_t position)
{
    size_t positional = 0;
    for (size_t a = 0; a < call->nargs; a++) {
        const svc_arg *arg = &call->args[a];
        if (arg->keyword && strcmp(arg->keyword, keyword) == 0) return arg;
        if (!arg->keyword && positional++ == position) return arg;
    }
    return NULL;
}

/* The packages autodiscover_tasks is given when they are not a literal: INSTALLED_APPS's strings and
 * the Django apps the model found (malloc'd copies). */
static void installed_apps(const svc_model *m, name_vec *out)
{
    for (size_t i = 0; i < m->napps; i++) svc_vec_push(out, svc_xstrdup(m->apps[i].module));
    for (size_t f = 0; f < m->nfiles; f++) {
        const svc_facts *facts = m->files[f].facts;
        for (size_t a = 0; facts && a < facts->nassigns; a++)
            if (strcmp(facts->assigns[a].name, "INSTALLED_APPS") == 0)
                for (size_t k = 0; k < facts->assigns[a].nstrings; k++)
                    svc_vec_push(out, svc_xstrdup(facts->assigns[a].strings[k]));
    }
}

/* The modules `autodiscover_tasks(...)` at `call` imports, appended to `roots` (malloc'd). */
static void autodiscovered(const svc_model *m, const svc_call *call, name_vec *roots)
{
    name_vec packages = { 0 };
    const svc_arg *given = argument(call, "packages", 0);
    if (!given || !literal_strings(given->text, &packages)) installed_apps(m, &packages);
    const svc_arg *related = argument(call, "related_name", 1);
    char *related_name = NULL;
    bool none = related && strcmp(related->text, "None") == 0;
    size_t n = related ? strlen(related->text) : 0;
    if (related && n >= 2 && (related->text[0] == '"' || related->text[0] == '\'') && related->text[n - 1] == related->text[0])
        related_name = svc_xstrndup(related->text + 1, n - 2);
    else if (!related)
        related_name = svc_xstrdup("tasks");
    for (size_t i = 0; i < packages.len; i++) {
        if (none) svc_vec_push(roots, svc_xstrdup(packages.items[i]));
        else if (related_name) svc_vec_push(roots, svc_xasprintf("%s.%s", packages.items[i], related_name));
        free(packages.items[i]);
    }
    free(related_name);
    svc_vec_free(&packages);
}

static long file_of_module(const svc_model *m, const char *dotted)
{
    const svc_symbol *sym = dotted ? svc_model_symbol(m, dotted) : NULL;
    return sym && sym->kind == SVC_SYM_MODULE ? (long)sym->file : -1;
}

static void reach(const svc_model *m, const char *dotted, bool *reached, size_t *queue, size_t *nqueue)
{
    long f = file_of_module(m, dotted);
    if (f < 0 || reached[f]) return;
    reached[f] = true;
    queue[(*nqueue)++] = (size_t)f;
}

/* The files the worker imports: the roots, then what they import at module level, transitively. */
static bool *imported_by_worker(const svc_model *m, const svc_service *tasks)
{
    bool *reached = svc_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *reached);
    size_t *queue = svc_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *queue);
    size_t nqueue = 0;
    if (tasks->init_file >= 0) {
        reached[tasks->init_file] = true;
        queue[nqueue++] = (size_t)tasks->init_file;
    }
    name_vec roots = { 0 };
    for (size_t f = 0; f < m->nfiles; f++) {
        const svc_facts *facts = m->files[f].facts;
        if (!facts) continue;
        for (size_t k = 0; k < facts->ncelery_imports; k++) svc_vec_push(&roots, svc_xstrdup(facts->celery_imports[k]));
        for (size_t c = 0; c < facts->ncalls; c++)
            if (facts->calls[c].attr && strcmp(facts->calls[c].attr, "autodiscover_tasks") == 0)
                autodiscovered(m, &facts->calls[c], &roots);
    }
    for (size_t i = 0; i < roots.len; i++) {
        reach(m, roots.items[i], reached, queue, &nqueue);
        free(roots.items[i]);
    }
    svc_vec_free(&roots);
    for (size_t q = 0; q < nqueue; q++) {
        const svc_facts *facts = m->files[queue[q]].facts;
        for (size_t k = 0; facts && k < facts->nimports; k++) {
            const svc_import *imp = &facts->imports[k];
            if (imp->scope != -1 || imp->unresolved) continue;
            reach(m, imp->module, reached, queue, &nqueue);
            if (imp->kind == SVC_IMPORT_FROM) reach(m, imp->target, reached, queue, &nqueue);
        }
    }
    free(queue);
    return reached;
}

static bool is_tasks_module_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    return n > 9 && strcmp(base + n - 9, "_tasks.py") == 0;
}

static void check_task_module_registered(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    if (m->tasks_service < 0 || !constructs_celery_app(m)) return;
    const svc_service *tasks = &m->services[m->tasks_service];
    bool *reached = imported_by_worker(m, tasks);
    long last_file = -1;
    for (size_t t = 0; t < m->ntasks; t++) { /* sorted by file: the first task of each file */
        const svc_task *task = &m->tasks[t];
        const svc_file *f = &m->files[task->at.file];
        if ((long)task->at.file == last_file) continue;
        last_file = (long)task->at.file;
        if (!task->in_tasks_service || f->is_test || !f->module || reached[task->at.file] ||
            !is_tasks_module_name(f->path))
            continue;
        svc_report(ctx, "SVC603", task->at.file, task->name_span,
                   "Tasks module `%s` is never imported by the Celery worker: not by `%s/__init__.py`, not in the "
                   "app's `include`/`imports`, not found by `autodiscover_tasks`; its tasks (`%s` first) fail as "
                   "\"Received unregistered task\"",
                   f->module, tasks->path, task->name);
    }
    free(reached);
}

/* ---- SVC605 -------------------------------------------------------------------- */

static const svc_def *task_def(const svc_model *m, const svc_task *t)
{
    return &m->files[t->at.file].facts->defs[t->at.def];
}

/* A parameter a caller must pass: no default, not a star parameter, not the `self` of bind=True. */
static bool required_param(const svc_task *t, const svc_def *def, size_t i)
{
    const svc_param *p = &def->params[i];
    if (p->default_text || (p->kind != SVC_PARAM_NORMAL && p->kind != SVC_PARAM_POSONLY && p->kind != SVC_PARAM_KWONLY))
        return false;
    return !(t->bind && i == 0);
}

/* The first required parameter of `now` that `then` did not have, or had with a default, or NULL. */
static const char *added_required_param(const svc_model *m, const svc_task *now, const svc_model *b,
                                        const svc_task *then)
{
    const svc_def *dn = task_def(m, now), *dt = task_def(b, then);
    for (size_t i = 0; i < dn->nparams; i++) {
        if (!required_param(now, dn, i)) continue;
        bool had = false;
        for (size_t k = 0; k < dt->nparams && !had; k++)
            had = strcmp(dt->params[k].name, dn->params[i].name) == 0 && required_param(then, dt, k);
        if (!had) return dn->params[i].name;
    }
    return NULL;
}

static const char *path_now(const svc_check_options *o, const char *then)
{
    for (size_t i = 0; i < o->nrenamed; i++)
        if (strcmp(o->renamed_from[i], then) == 0) return o->renamed_to[i];
    return then;
}

/* True when file `file` of `m` has a task named `name`, or so named but for leading underscores. */
static bool task_in_file_named(const svc_model *m, size_t file, const char *name)
{
    for (size_t t = 0; t < m->ntasks; t++)
        if (m->tasks[t].at.file == file &&
            strcmp(without_underscores(m->tasks[t].name), without_underscores(name)) == 0)
            return true;
    return false;
}

/* Today's task for REV's task `then` (see the decisions above), or -1. */
static long counterpart(const svc_model *m, const svc_check_options *o, const svc_task *then)
{
    const svc_model *b = o->before;
    long file = svc_model_file(m, path_now(o, b->files[then->at.file].path));
    if (file < 0) return -1;
    long same = -1, bare = -1, new_task = -1;
    size_t nnew = 0;
    for (size_t t = 0; t < m->ntasks; t++) {
        const svc_task *now = &m->tasks[t];
        if ((long)now->at.file != file) continue;
        if (strcmp(now->name, then->name) == 0) same = (long)t;
        else if (strcmp(without_underscores(now->name), without_underscores(then->name)) == 0) bare = (long)t;
        if (!task_in_file_named(b, then->at.file, now->name)) {
            new_task = (long)t;
            nnew++;
        }
    }
    if (same >= 0) return same;
    if (bare >= 0) return bare;
    size_t lost = 0;
    for (size_t t = 0; t < b->ntasks; t++)
        lost += b->tasks[t].at.file == then->at.file && !task_in_file_named(m, (size_t)file, b->tasks[t].name);
    return lost == 1 && nnew == 1 ? new_task : -1;
}

static void check_task_name_changed(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    const svc_check_options *o = ctx->opts;
    if (!o || !o->before) return;
    const svc_model *b = o->before;
    const char *rev = o->before_rev ? o->before_rev : "the compared revision";
    for (size_t i = 0; i < b->ntasks; i++) {
        const svc_task *then = &b->tasks[i];
        const char *old_name = then->registered_name;
        if (!old_name) continue;
        long kept = svc_model_task_registered(m, old_name, strlen(old_name));
        if (kept >= 0) {
            const svc_task *now = &m->tasks[kept];
            const char *param = added_required_param(m, now, b, then);
            if (param)
                svc_report(ctx, "SVC605", now->at.file, now->name_span,
                           "Task `%s` takes a new parameter `%s` without a default since %s: messages queued "
                           "before (and beat entries) carry no value for it and fail on the worker; give it a default",
                           now->name, param, rev);
            continue;
        }
        long t = counterpart(m, o, then);
        if (t < 0) continue;
        const svc_task *now = &m->tasks[t];
        const char *new_name = now->registered_name ? now->registered_name : now->dotted;
        svc_report(ctx, "SVC605", now->at.file, now->name_span,
                   "Task `%s` was registered as `%s` at %s and is now `%s`: queued messages and beat entries that "
                   "name `%s` fail as unregistered; keep the old name with `name=\"%s\"` (as SVC403's fix does "
                   "when it renames a task)",
                   now->name, old_name, rev, new_name, old_name, old_name);
    }
}

void svc_check_registration(svc_check_ctx *ctx)
{
    check_task_name_changed(ctx);
    check_task_module_registered(ctx);
    check_unknown_scheduled_task(ctx);
}
