/*
 * Task rules, SVC401-SVC407: Celery tasks live in the tasks service, are private, and are
 * called through public `delay_` functions of their module. Read from the model (tasks,
 * wrappers, services) and the files' facts.
 *
 * Decisions where spec/RULES.md is silent:
 *  - SVC401/SVC402 run with or without a services root (migration mode). The others are silent
 *    without one: SVC404-SVC406 need the tasks service, and SVC403/SVC407 (which look at every
 *    task, in the tasks service or not) wait until there is somewhere to move tasks to; SVC401
 *    is the finding to act on first.
 *  - One finding per root cause, as ruff does: a task outside the tasks service gets SVC401 only.
 *    SVC403 and SVC404 judge tasks of the tasks service (SVC401's message carries the rename and
 *    the wrapper), and a `.delay`/`.apply_async` inside such a task's body or inside one of its
 *    wrappers is not an SVC402 (it moves with the task). Such a task's wrappers are only the
 *    functions that do nothing but queue it (model_tasks.c, queues_only): a larger one stays put.
 *  - SVC401 and SVC403 apply to tasks in test modules too (a test double defined outside the
 *    tasks service takes a `# noqa`); SVC404 and SVC407 do not (a test's task needs no wrapper
 *    and may do what the test needs), nor does SVC405 (a test function calling `.delay` is not
 *    an interface).
 *  - SVC402 flags every `<object>.delay(...)`/`.apply_async(...)` outside the tasks service,
 *    except when the object resolves to a definition of the repo that cannot be a task: a class,
 *    or a function with no decorator at all, and `super().delay`/`super().apply_async` (a `Task`
 *    subclass overriding Celery's own). The message names the task when it is one of the repo's
 *    and points at its `delay_` wrapper when it has one. Also flagged: a task's `.delay` or
 *    `.apply_async` passed as a value (`on_commit(partial(t.delay, x))`; not when handed to a mock
 *    as `wraps=`/`side_effect=`/..., a test double), and
 *    `send_task("<registered name>")` naming a task of the repo (other names may be another
 *    project's tasks, and are left alone). A call of a config `dispatch-functions` helper counts as
 *    `.apply_async` of the task given as its first argument, and the helper's own `.delay`/
 *    `.apply_async` is not reported (its callers are).
 *  - SVC405 looks at a function of the tasks service (outermost function around the call; any
 *    enclosing def starting with `_` makes it private) that calls `.delay`/`.apply_async` on a
 *    task of the repo, from any module of the tasks service. Tasks themselves are not wrappers.
 *  - SVC406 is a finding about the file as a whole (row 1, col 1). `__init__.py` files at any
 *    depth, test modules and `conftest.py` (SVC103's business when misplaced) are excepted;
 *    `tasks.py` itself is reported (it does not end in `_tasks.py`).
 *  - SVC407 counts the body of the task and of defs nested in it (an inner function is still code
 *    of the task). ORM writes (svc_orm_write_call in rules_calls.c, shared with SVC501):
 *      `bulk_create`, `bulk_update`, `get_or_create`, `update_or_create`: always;
 *      `create`, `update`: only through a manager (`objects` or a `*_set` in the chain), so
 *        `dict.update()` and `set.update()` are not writes;
 *      `save`, `delete`: also without a manager, when called with no positional argument on an
 *        object that is not bound by an import (`cache.delete()`), not `super()`, not a form or
 *        serializer (`form.save()` is Django's API) and not a session, cache or storage;
 *      never a call that resolves to a function of the repo (`invoices.create(order)`).
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/celery.h"
#include "svcscope/task_destination.h"
#include "svcscope/util.h"
#include "rules_internal.h"

/* ---- helpers ------------------------------------------------------------------- */

/* The def the object of `<object>.delay` resolves to, when it is a def of the repo. */
static bool delay_object_def(const svc_model *m, const svc_facts *facts, const svc_call *call, svc_defref *out)
{
    if (call->ref < 0) return false;
    const svc_ref *ref = &facts->refs[call->ref];
    if (!ref->resolved) return false;
    const char *dot = strrchr(ref->resolved, '.');
    if (!dot) return false;
    char *obj = svc_xstrndup(ref->resolved, (size_t)(dot - ref->resolved));
    bool found = svc_model_find_def(m, obj, out);
    free(obj);
    return found;
}

/* True when `def` is `scope` or an ancestor of it. */
static bool scope_within(const svc_facts *facts, int scope, size_t def)
{
    for (int s = scope; s >= 0; s = facts->defs[s].parent)
        if ((size_t)s == def) return true;
    return false;
}

/* True when neither the def nor anything around it starts with `_`. */
static bool is_public(const svc_facts *facts, int def)
{
    for (int s = def; s >= 0; s = facts->defs[s].parent)
        if (facts->defs[s].name[0] == '_') return false;
    return true;
}

static bool in_tasks_service(const svc_model *m, const svc_file *f)
{
    return m->tasks_service >= 0 && f->service == m->tasks_service;
}

/* The task's name without its leading underscores. */
static const char *bare_name(const char *name)
{
    while (*name == '_') name++;
    return name;
}

static const svc_def *task_def(const svc_model *m, const svc_task *t)
{
    return &m->files[t->at.file].facts->defs[t->at.def];
}

/* The name findings give a task: its def's, or the assigned name of a task made by a call. */
static const char *task_label(const svc_model *m, const svc_task *t)
{
    return t->by_call ? t->name : task_def(m, t)->name;
}

/* Where tasks should go: the tasks service folder, or where it would be. */
static const char *tasks_service_path(const svc_model *m, svc_arena *a)
{
    if (m->tasks_service >= 0) return m->services[m->tasks_service].path;
    const char *name = m->config && m->config->tasks_service ? m->config->tasks_service : "tasks";
    if (m->services_root) return svc_arena_printf(a, "%s/%s", m->services_root, name);
    return svc_arena_printf(a, "services/%s", name);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The first public, `delay_`-named wrapper of a task, or NULL. */
static const svc_wrapper *delay_wrapper(const svc_model *m, const svc_task *t)
{
    for (size_t w = 0; w < t->nwrappers; w++) {
        const svc_wrapper *wr = &m->wrappers[t->wrappers[w]];
        if (wr->named_delay) return wr;
    }
    return NULL;
}

/* ---- SVC401 ---------------------------------------------------------------------- */

static void check_task_outside(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    const char *dest = tasks_service_path(m, ctx->out->arena);
    const char **paths = svc_xcalloc(m->ntasks + 1, sizeof *paths);
    const char **names = svc_xcalloc(m->ntasks + 1, sizeof *names);
    size_t n = 0;
    for (size_t t = 0; t < m->ntasks; t++) {
        if (m->tasks[t].in_tasks_service) continue;
        paths[n] = m->files[m->tasks[t].at.file].path;
        names[n++] = task_label(m, &m->tasks[t]);
    }
    /* destinations are chosen together, so that no two tasks meet under one name */
    char **idents = svc_task_destinations(paths, names, n);
    size_t k = 0;
    for (size_t t = 0; t < m->ntasks; t++) {
        const svc_task *task = &m->tasks[t];
        if (task->in_tasks_service) continue;
        const char *label = names[k];
        svc_report(ctx, "SVC401", task->at.file, task->name_span,
                   "Celery task `%s` is defined outside the tasks service: move it to `%s/%s_tasks.py` as `_%s` "
                   "with a `delay_%s` function that calls its `.delay`",
                   label, dest, idents[k], bare_name(label), bare_name(label));
        free(idents[k++]);
    }
    free(idents);
    free(paths);
    free(names);
}

/* ---- SVC402 ---------------------------------------------------------------------- */

/* A def of the repo that cannot be a Celery task: a class, or a function without decorators. */
static bool surely_not_a_task(const svc_model *m, svc_defref at)
{
    if (svc_model_task_at(m, at.file, at.def) >= 0) return false;
    const svc_def *d = &m->files[at.file].facts->defs[at.def];
    return d->kind == SVC_DEF_CLASS || d->ndecorators == 0;
}

/* `pool.apply_async(func, args)` of multiprocessing takes the function to run first, where
 * Celery's `task.apply_async(args, kwargs, ...)` takes argument tuples: a first positional
 * argument that names a function of the repo or a builtin marks a process or thread pool. */
static bool pool_apply_async(const svc_model *m, const svc_call *call)
{
    if (strcmp(call->attr, "apply_async") != 0 || call->nargs == 0) return false;
    const svc_arg *first = &call->args[0];
    if (first->keyword || !first->chain) return false;
    static const char *const builtins[] = { "len", "print", "str", "int", "float", "sorted", "sum", "max",
                                            "min", "abs", "repr", "list", "dict", "set", "tuple", NULL };
    for (size_t i = 0; builtins[i]; i++)
        if (strcmp(first->chain, builtins[i]) == 0) return true;
    svc_defref at;
    return svc_model_find_def(m, first->chain, &at) && svc_model_task_at(m, at.file, at.def) < 0;
}

/* SVC402 for uses of a task of the repo that are not `<task>.delay(...)` calls: its `.delay` or
 * `.apply_async` passed as a value, and `send_task` by its registered name. */
static void check_queued_otherwise(svc_check_ctx *ctx, size_t i)
{
    const svc_model *m = ctx->model;
    const svc_facts *facts = m->files[i].facts;
    for (size_t r = 0; r < facts->nrefs; r++) {
        const svc_ref *ref = &facts->refs[r];
        if ((ref->flags & (SVC_REF_CALLED | SVC_REF_STORE)) || !ref->resolved) continue;
        const char *dot = strrchr(ref->resolved, '.');
        if (!dot || !svc_attr_queues_task(dot + 1) || svc_model_in_misplaced_task(m, i, ref->scope)) continue;
        char *obj = svc_xstrndup(ref->resolved, (size_t)(dot - ref->resolved));
        long t = svc_model_task_named(m, obj);
        free(obj);
        if (t < 0 || svc_facts_given_to_mock(facts, ref)) continue;
        const char *label = task_label(m, &m->tasks[t]);
        svc_report(ctx, "SVC402", i, ref->span,
                   "Task `%s`'s `.%s` is passed as a value outside the tasks service: pass its `delay_%s` "
                   "function instead",
                   label, dot + 1, bare_name(label));
    }
    for (size_t c = 0; c < facts->ncalls; c++) {
        const svc_call *call = &facts->calls[c];
        long sent = svc_model_task_sent(m, facts, call);
        long dispatched = sent < 0 ? svc_model_task_dispatched(m, facts, call) : -1;
        if ((sent < 0 && dispatched < 0) || svc_model_in_misplaced_task(m, i, call->scope)) continue;
        const char *label = task_label(m, &m->tasks[sent >= 0 ? sent : dispatched]);
        if (sent >= 0)
            svc_report(ctx, "SVC402", i, call->callee_span,
                       "Task `%s` is queued by name with `send_task` outside the tasks service: call its `delay_%s` "
                       "function instead",
                       label, bare_name(label));
        else
            svc_report(ctx, "SVC402", i, call->callee_span,
                       "Task `%s` is queued through dispatch function `%s` outside the tasks service: call its "
                       "`delay_%s` function instead",
                       label, facts->refs[call->ref].raw, bare_name(label));
    }
}

static void check_delay_outside(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    const char *dest = tasks_service_path(m, ctx->out->arena);
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        if (in_tasks_service(m, f)) continue;
        check_queued_otherwise(ctx, i);
        const svc_facts *facts = f->facts;
        for (size_t c = 0; c < facts->ncalls; c++) {
            const svc_call *call = &facts->calls[c];
            if (!svc_attr_queues_task(call->attr)) continue;
            if (svc_model_in_misplaced_task(m, i, call->scope)) continue; /* SVC401's finding */
            if (svc_model_in_dispatch_function(m, i, call->scope)) continue; /* its callers are reported */
            char *obj = svc_callee_object(facts, call);
            if (!obj) continue;
            if (svc_str_starts_with(obj, "super(")) { /* a Task subclass extending Celery's own */
                free(obj);
                continue;
            }
            svc_defref at;
            long t = svc_model_task_of_call(m, facts, call);
            if (t < 0 && delay_object_def(m, facts, call, &at) && surely_not_a_task(m, at)) {
                free(obj);
                continue;
            }
            if (t >= 0) {
                const svc_task *task = &m->tasks[t];
                const char *label = task_label(m, task);
                const svc_wrapper *w = delay_wrapper(m, task);
                if (w && task->in_tasks_service)
                    svc_report(ctx, "SVC402", i, call->callee_span,
                               "Task `%s` is called with `.%s` outside the tasks service: call `%s` instead",
                               label, call->attr, w->dotted);
                else if (task->in_tasks_service)
                    svc_report(ctx, "SVC402", i, call->callee_span,
                               "Task `%s` is called with `.%s` outside the tasks service: add a `delay_%s` function "
                               "next to it in %s and call that instead",
                               label, call->attr, bare_name(label), m->files[task->at.file].path);
                else
                    svc_report(ctx, "SVC402", i, call->callee_span,
                               "Task `%s` is called with `.%s` outside the tasks service: once the task is in `%s/`, "
                               "call its `delay_%s` function instead",
                               label, call->attr, dest, bare_name(label));
            } else if (!pool_apply_async(m, call)) {
                svc_report(ctx, "SVC402", i, call->callee_span,
                           "`.%s` is called on `%s` outside the tasks service: only the `delay_` functions of "
                           "`%s/` should call `.delay`/`.apply_async`",
                           call->attr, obj, dest);
            }
            free(obj);
        }
    }
}

/* ---- SVC403 ---------------------------------------------------------------------- */

static void check_public_task(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    for (size_t t = 0; t < m->ntasks; t++) {
        const svc_task *task = &m->tasks[t];
        const char *label = task_label(m, task);
        if (label[0] == '_' || !task->in_tasks_service) continue; /* outside: SVC401 says it */
        if (task->celery_name)
            svc_report(ctx, "SVC403", task->at.file, task->name_span,
                       "Celery task `%s` is public: rename it `_%s` and call it through a public `delay_%s` function",
                       label, label, label);
        else
            svc_report(ctx, "SVC403", task->at.file, task->name_span,
                       "Celery task `%s` is public: rename it `_%s` (keep its Celery name with `name=\"%s\"`) and "
                       "call it through a public `delay_%s` function",
                       label, label, task->dotted, label);
    }
}

/* ---- SVC404 ---------------------------------------------------------------------- */

/* "order_id, *args, flag=flag, **kwargs": how a wrapper passes the task's parameters on. */
static char *forward_args(const svc_def *d, bool bind, bool with_defaults)
{
    svc_buf b = { 0 };
    svc_buf_puts(&b, "");
    bool first = true;
    for (size_t p = 0; p < d->nparams; p++) {
        const svc_param *prm = &d->params[p];
        if (p == 0 && bind) continue;
        if (!first) svc_buf_puts(&b, ", ");
        first = false;
        switch (prm->kind) {
        case SVC_PARAM_VARARGS: svc_buf_printf(&b, "*%s", prm->name); break;
        case SVC_PARAM_KWARGS: svc_buf_printf(&b, "**%s", prm->name); break;
        case SVC_PARAM_KWONLY:
            if (with_defaults) svc_buf_printf(&b, "%s", prm->name);
            else svc_buf_printf(&b, "%s=%s", prm->name, prm->name);
            break;
        default: svc_buf_puts(&b, prm->name); break;
        }
        if (with_defaults && prm->default_text) svc_buf_printf(&b, "=%s", prm->default_text);
    }
    return svc_buf_detach(&b);
}

static void check_task_without_wrapper(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    for (size_t t = 0; t < m->ntasks; t++) {
        const svc_task *task = &m->tasks[t];
        if (!task->in_tasks_service || m->files[task->at.file].is_test) continue;
        const svc_facts *facts = m->files[task->at.file].facts;
        bool has_public = false;
        for (size_t w = 0; w < task->nwrappers && !has_public; w++)
            has_public = is_public(facts, (int)m->wrappers[task->wrappers[w]].at.def);
        if (has_public) continue;
        const svc_def *d = task_def(m, task);
        const char *label = task_label(m, task);
        /* keyword-only parameters need a `*` in the wrapper's signature */
        bool kwonly = false, varargs = false;
        for (size_t p = 0; p < d->nparams; p++) {
            kwonly |= d->params[p].kind == SVC_PARAM_KWONLY;
            varargs |= d->params[p].kind == SVC_PARAM_VARARGS;
        }
        char *params = forward_args(d, task->bind, true);
        char *call = forward_args(d, task->bind, false);
        if (kwonly && !varargs) {
            /* put the bare `*` before the first keyword-only parameter */
            svc_buf b = { 0 };
            bool first = true, star = false;
            for (size_t p = 0; p < d->nparams; p++) {
                const svc_param *prm = &d->params[p];
                if (p == 0 && task->bind) continue;
                if (!first) svc_buf_puts(&b, ", ");
                first = false;
                if (prm->kind == SVC_PARAM_KWONLY && !star) {
                    svc_buf_puts(&b, "*, ");
                    star = true;
                }
                if (prm->kind == SVC_PARAM_KWARGS) svc_buf_printf(&b, "**%s", prm->name);
                else svc_buf_puts(&b, prm->name);
                if (prm->default_text) svc_buf_printf(&b, "=%s", prm->default_text);
            }
            free(params);
            params = svc_buf_detach(&b);
        }
        const char *why = task->nwrappers ? " (the functions that call its `.delay` are private)" : "";
        svc_report(ctx, "SVC404", task->at.file, task->name_span,
                   "Task `%s` has no public function in its module that calls its `.delay`%s: add "
                   "`def delay_%s(%s): return %s.delay(%s)`",
                   label, why, bare_name(label), params, label, call);
        free(params);
        free(call);
    }
}

/* ---- SVC405 ---------------------------------------------------------------------- */

static bool module_defines(const svc_facts *facts, const char *name)
{
    for (size_t k = 0; k < facts->ndefs; k++)
        if (facts->defs[k].parent == -1 && strcmp(facts->defs[k].name, name) == 0) return true;
    return false;
}

static void check_wrapper_name(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    if (m->tasks_service < 0) return;
    const svc_service *s = &m->services[m->tasks_service];
    for (size_t k = 0; k < s->nfiles; k++) {
        size_t i = s->files[k];
        const svc_file *f = &m->files[i];
        if (f->is_test) continue;
        const svc_facts *facts = f->facts;
        unsigned char *seen = svc_xcalloc(facts->ndefs ? facts->ndefs : 1, 1);
        for (size_t c = 0; c < facts->ncalls; c++) {
            const svc_call *call = &facts->calls[c];
            if (!svc_attr_queues_task(call->attr)) continue;
            long t = svc_model_task_of_call(m, facts, call);
            if (t < 0) {
                /* a wrapper the model found (same-module task) counts even if resolving failed */
                for (size_t w = 0; w < m->nwrappers && t < 0; w++)
                    if (m->wrappers[w].at.file == i && m->wrappers[w].call == c) t = (long)m->wrappers[w].task;
            }
            if (t < 0) continue;
            int fn = svc_facts_outermost_function(facts, call->scope);
            if (fn < 0 || seen[fn]) continue;
            seen[fn] = 1;
            const svc_def *d = &facts->defs[fn];
            if (svc_model_task_at(m, i, (size_t)fn) >= 0) continue;
            if (!is_public(facts, fn) || svc_str_starts_with(d->name, "delay_")) continue;
            const svc_task *task = &m->tasks[t];
            const char *td_name = task_label(m, task);
            /* delay_<task> for the task of this module, else delay_<its own name> */
            char *want = task->at.file == i ? svc_xasprintf("delay_%s", bare_name(td_name))
                                            : svc_xasprintf("delay_%s", d->name);
            if (task->at.file == i && module_defines(facts, want)) {
                free(want);
                want = svc_xasprintf("delay_%s", d->name);
            }
            svc_report(ctx, "SVC405", i, d->name_span,
                       "`%s` calls `%s.%s` but its name does not start with `delay_`: rename it `%s` "
                       "(and its call sites)",
                       d->name, td_name, call->attr, want);
            free(want);
        }
        free(seen);
    }
}

/* ---- SVC406 ---------------------------------------------------------------------- */

static void check_tasks_module_name(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    if (m->tasks_service < 0) return;
    const svc_service *s = &m->services[m->tasks_service];
    for (size_t k = 0; k < s->nfiles; k++) {
        const svc_file *f = &m->files[s->files[k]];
        if (f->is_init || f->is_test) continue;
        const char *base = base_name(f->path);
        if (svc_str_ends_with(base, "_tasks.py") || strcmp(base, "conftest.py") == 0) continue;
        size_t n = strlen(base) - 3; /* model files end in .py */
        if (n == 5 && strncmp(base, "tasks", 5) == 0)
            svc_report_path(ctx, "SVC406", f->path, false,
                            "Module `%s` of the tasks service is not named `*_tasks.py`: rename it "
                            "`<identifier>_tasks.py`",
                            base);
        else
            svc_report_path(ctx, "SVC406", f->path, false,
                            "Module `%s` of the tasks service is not named `*_tasks.py`: rename it `%.*s_tasks.py`",
                            base, (int)n, base);
    }
}

/* ---- SVC407 ---------------------------------------------------------------------- */

static void check_logic_in_task(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    int max = m->config ? m->config->max_task_statements : 3;
    for (size_t t = 0; t < m->ntasks; t++) {
        const svc_task *task = &m->tasks[t];
        const svc_file *f = &m->files[task->at.file];
        if (f->is_test) continue;
        const svc_facts *facts = f->facts;
        const svc_def *d = task_def(m, task);
        const char *label = task_label(m, task);
        bool loop = d->has_loop;
        /* a loop in a nested def counts too */
        for (size_t k = task->at.def + 1; k < facts->ndefs && !loop; k++)
            if (facts->defs[k].has_loop && scope_within(facts, (int)k, task->at.def)) loop = true;
        size_t writes = 0;
        const svc_call *first = NULL;
        for (size_t c = 0; c < facts->ncalls; c++) {
            const svc_call *call = &facts->calls[c];
            if (!scope_within(facts, call->scope, task->at.def)) continue;
            if (!svc_orm_write_call(m, facts, call)) continue;
            if (!first) first = call;
            writes++;
        }
        bool too_long = max >= 0 && d->body_statements > (uint32_t)max;
        if (!loop && !writes && !too_long) continue;
        svc_buf why = { 0 };
        svc_buf_puts(&why, "");
        if (loop) svc_buf_puts(&why, "a loop");
        if (writes) {
            if (why.len) svc_buf_puts(&why, ", ");
            char *callee = svc_callee_one_line(first);
            if (writes == 1)
                svc_buf_printf(&why, "an ORM write `%s()` on line %u", callee, first->span.row + 1);
            else
                svc_buf_printf(&why, "%zu ORM writes, the first `%s()` on line %u", writes, callee,
                               first->span.row + 1);
            free(callee);
        }
        if (too_long) {
            if (why.len) svc_buf_puts(&why, ", ");
            svc_buf_printf(&why, "%u statements where at most %d are expected", d->body_statements, max);
        }
        svc_report(ctx, "SVC407", task->at.file, task->name_span,
                   "Task `%s` does more than hand off to a service: %s; move that logic into a service function "
                   "and call it from the task",
                   label, why.data);
        svc_buf_free(&why);
    }
}

void svc_check_tasks(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    check_task_outside(ctx);
    check_delay_outside(ctx);
    if (!m->services_root) return; /* migration mode: SVC401 and SVC402 only */
    check_public_task(ctx);
    check_task_without_wrapper(ctx);
    check_wrapper_name(ctx);
    check_tasks_module_name(ctx);
    check_logic_in_task(ctx);
}
