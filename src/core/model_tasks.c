/*
 * Celery tasks (a def decorated by a task factory, or a function made a task by a call) and
 * their wrappers (the functions of the task's module that queue it), and the lookups of tasks
 * (svc_model_task_*).
 */
#include <stdlib.h>
#include <string.h>

#include "core/model_internal.h"
#include "svcscope/celery.h"

/* True when a callee makes tasks: `shared_task`, `<x>.task` as written (`@app.task`), Celery's own
 * `task`, or a configured decorator. A bare `task` imported from another library (invoke, fabric)
 * is not a Celery task unless configured. */
static bool is_task_factory(const svc_model *m, const char *raw, const char *callee)
{
    const char *last = svc_dotted_last(callee);
    if (strcmp(last, "shared_task") == 0) return true;
    if (strcmp(last, "task") == 0 && (strchr(raw, '.') || svc_str_starts_with(callee, "celery."))) return true;
    if (m->config)
        for (size_t k = 0; k < m->config->ntask_decorators; k++) {
            const char *want = m->config->task_decorators[k];
            if (strcmp(callee, want) == 0 || strcmp(raw, want) == 0 || (!strchr(want, '.') && strcmp(last, want) == 0))
                return true;
        }
    return false;
}

/* A decorator bound by assignment: `retrying = shared_task(bind=True)`, `task = app.task(...)`,
 * `job = shared_task`. Its call (NULL for a plain alias) carries options such as bind= and name=. */
typedef struct task_alias {
    const svc_facts *facts;
    const svc_call *call;
} task_alias;

static size_t positional_args(const svc_call *call)
{
    size_t n = 0;
    for (size_t a = 0; a < call->nargs; a++) n += call->args[a].keyword == NULL;
    return n;
}

/* The callee of a call as written and resolved, when it is a plain chain. */
static bool call_callee(const svc_facts *facts, const svc_call *call, const char **raw, const char **callee)
{
    if (call->ref < 0) return false;
    const svc_ref *ref = &facts->refs[call->ref];
    *raw = ref->raw;
    *callee = ref->resolved ? ref->resolved : ref->raw;
    return true;
}

/* True when a module-level assignment binds a task decorator (see task_alias). */
bool model_is_task_alias(const svc_model *m, const svc_facts *facts, const svc_assign *as)
{
    const svc_call *call = as->value_call >= 0 ? &facts->calls[as->value_call] : NULL;
    const char *raw, *callee;
    if (call) {
        if (!call_callee(facts, call, &raw, &callee) || positional_args(call) > 0) return false;
    } else if (as->value_chain) {
        raw = callee = as->value_chain;
    } else {
        return false;
    }
    return is_task_factory(m, raw, callee);
}

/* dotted name of every module-level task decorator alias -> task_alias (malloc'd) */
static svc_map *find_task_aliases(const svc_model *m)
{
    svc_map *aliases = svc_map_new();
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        const svc_facts *facts = f->facts;
        if (!f->module) continue;
        for (size_t k = 0; k < facts->nassigns; k++) {
            const svc_assign *as = &facts->assigns[k];
            if (!model_is_task_alias(m, facts, as)) continue;
            const svc_call *call = as->value_call >= 0 ? &facts->calls[as->value_call] : NULL;
            task_alias *alias = svc_xcalloc(1, sizeof *alias);
            alias->facts = facts;
            alias->call = call;
            char *key = svc_xasprintf("%s.%s", f->module, as->name);
            free(svc_map_put(aliases, key, alias));
            free(key);
        }
    }
    return aliases;
}

/* The alias a decorator's callee names, through imports and re-exports, or NULL. */
static const task_alias *alias_of(const svc_model *m, svc_map *aliases, const char *callee)
{
    const task_alias *alias = svc_map_get(aliases, callee);
    if (alias) return alias;
    const char *resolved = svc_model_resolve(m, callee);
    return resolved ? svc_map_get(aliases, resolved) : NULL;
}

/* The decorator that makes a def a task, and the alias it goes through (or NULL); -1 when none. */
static long task_decorator(const svc_model *m, svc_map *aliases, const svc_def *d, const task_alias **via)
{
    *via = NULL;
    for (size_t i = 0; i < d->ndecorators; i++) {
        const svc_decorator *dec = &d->decorators[i];
        const char *callee = dec->callee ? dec->callee : dec->raw;
        if (is_task_factory(m, dec->raw, callee)) return (long)i;
        if ((*via = alias_of(m, aliases, callee)) != NULL) return (long)i;
    }
    return -1;
}

static const char *args_keyword(const svc_arg *args, size_t nargs, const char *keyword)
{
    for (size_t k = 0; k < nargs; k++)
        if (args[k].keyword && strcmp(args[k].keyword, keyword) == 0) return args[k].text;
    return NULL;
}

/* A keyword option of a task: from its decorators, else from the alias's call. */
static const char *keyword_arg(const svc_def *d, const task_alias *via, const char *keyword)
{
    for (size_t i = 0; i < d->ndecorators; i++) {
        const char *v = args_keyword(d->decorators[i].args, d->decorators[i].nargs, keyword);
        if (v) return v;
    }
    return via && via->call ? args_keyword(via->call->args, via->call->nargs, keyword) : NULL;
}

static char *unquote(svc_arena *a, const char *text)
{
    size_t n = strlen(text);
    if (n >= 2 && (text[0] == '"' || text[0] == '\'') && text[n - 1] == text[0])
        return svc_arena_strndup(a, text + 1, n - 2);
    return NULL;
}

static bool span_within(svc_span in, svc_span out)
{
    return in.byte >= out.byte && in.end_byte <= out.end_byte;
}

/*
 * True when function `fn` does nothing but queue: its body, docstring aside, is `call` as a
 * statement or `return call`, or a `transaction.on_commit(...)` statement around it (the
 * lambda or partial that queues after the commit). In the tasks service every function that
 * queues the task is a wrapper (the convention lets `delay_` functions run code first, and
 * SVC404/SVC405 judge them), so this is asked for tasks outside it only.
 */
static bool queues_only(const svc_facts *facts, size_t fn, const svc_call *call)
{
    const svc_def *d = &facts->defs[fn];
    if (!d->body_is_call) return false;
    /* the statement's call is the widest call of the body: every other one lies inside it */
    const svc_call *outer = NULL;
    for (size_t c = 0; c < facts->ncalls; c++) {
        const svc_call *k = &facts->calls[c];
        if (!span_within(k->span, d->body_span)) continue;
        if (!outer || span_within(outer->span, k->span)) outer = k;
    }
    if (outer == call) return true;
    return outer && outer->attr && strcmp(outer->attr, "on_commit") == 0 && span_within(call->span, outer->span);
}

static int compare_tasks(const void *pa, const void *pb)
{
    const svc_task *a = pa, *b = pb;
    if (a->at.file != b->at.file) return a->at.file < b->at.file ? -1 : 1;
    return a->at.def < b->at.def ? -1 : a->at.def > b->at.def;
}

static void finish_task(svc_model *m, const svc_file *f, const svc_def *d, const char *bind, const char *name,
                        svc_task *t)
{
    t->dotted = f->module ? svc_arena_printf(m->arena, "%s.%s", f->module, t->name) : svc_arena_strdup(m->arena, t->name);
    t->service = f->service;
    t->in_tasks_service = f->service >= 0 && f->service == m->tasks_service;
    t->bind = bind && strcmp(bind, "True") == 0;
    t->celery_name = name ? unquote(m->arena, name) : NULL;
    t->registered_name = t->celery_name ? t->celery_name
                         : f->module ? svc_arena_printf(m->arena, "%s.%s", f->module, d->name) : NULL;
}

/* `purge_task = shared_task(purge)`, `job = app.task(run, name="x")` at module level: a task made
 * by a call on a function of the same file (a decorated one is a task already). */
static void find_tasks_by_call(svc_model *m, size_t i, void *vec)
{
    SVC_VEC(svc_task) *tasks = vec;
    const svc_file *f = &m->files[i];
    const svc_facts *facts = f->facts;
    for (size_t k = 0; k < facts->nassigns; k++) {
        const svc_assign *as = &facts->assigns[k];
        if (as->value_call < 0) continue;
        const svc_call *call = &facts->calls[as->value_call];
        const char *raw, *callee;
        if (!call_callee(facts, call, &raw, &callee) || !is_task_factory(m, raw, callee)) continue;
        const svc_arg *fn = call->nargs && !call->args[0].keyword ? &call->args[0] : NULL;
        svc_defref at;
        if (!fn || !fn->chain || !svc_model_find_def(m, fn->chain, &at) || at.file != i) continue;
        const svc_def *d = &facts->defs[at.def];
        if (d->kind != SVC_DEF_FUNCTION) continue;
        bool taken = false;
        for (size_t t = 0; t < tasks->len && !taken; t++)
            taken = tasks->items[t].at.file == i && tasks->items[t].at.def == at.def;
        if (taken) continue;
        svc_task t = { 0 };
        t.at = at;
        t.name = as->name;
        t.name_span = as->span;
        t.by_call = true;
        t.decorator = callee;
        finish_task(m, f, d, args_keyword(call->args, call->nargs, "bind"), args_keyword(call->args, call->nargs, "name"),
                    &t);
        svc_vec_push(tasks, t);
    }
}

void model_find_tasks(svc_model *m)
{
    SVC_VEC(svc_task) tasks = { 0 };
    svc_map *aliases = find_task_aliases(m);
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        size_t first = tasks.len;
        for (size_t k = 0; k < f->facts->ndefs; k++) {
            const svc_def *d = &f->facts->defs[k];
            if (d->kind != SVC_DEF_FUNCTION) continue;
            const task_alias *via;
            long dec = task_decorator(m, aliases, d, &via);
            if (dec < 0) continue;
            svc_task t = { 0 };
            t.at.file = i;
            t.at.def = k;
            t.name = d->qualname;
            t.name_span = d->name_span;
            t.decorator = d->decorators[dec].callee ? d->decorators[dec].callee : d->decorators[dec].raw;
            finish_task(m, f, d, keyword_arg(d, via, "bind"), keyword_arg(d, via, "name"), &t);
            svc_vec_push(&tasks, t);
        }
        size_t decorated = tasks.len;
        if (f->module) find_tasks_by_call(m, i, &tasks);
        if (tasks.len > decorated && tasks.len - first > 1)
            qsort(tasks.items + first, tasks.len - first, sizeof *tasks.items, compare_tasks);
    }
    const char *key;
    void *value;
    for (size_t it = 0; svc_map_next(aliases, &it, &key, &value);) free(value);
    svc_map_free(aliases);
    m->tasks = tasks.items;
    m->ntasks = tasks.len;

    /* Wrappers: a function of the task's module, not itself a task, that calls the task's
     * .delay or .apply_async. Its name is free (migration mode); rules judge the name. Outside the
     * tasks service only a function that does nothing but queue the task counts (see
     * queues_only): a wrapper moves with its task (SVC402 is silent in it), and a larger function
     * holds logic that stays where it is. */
    SVC_VEC(svc_wrapper) wrappers = { 0 };
    SVC_VEC(size_t) *per_task = svc_xcalloc(m->ntasks ? m->ntasks : 1, sizeof *per_task);
    for (size_t t = 0; t < m->ntasks; t++) {
        const svc_task *task = &m->tasks[t];
        const svc_facts *facts = m->files[task->at.file].facts;
        for (size_t c = 0; c < facts->ncalls; c++) {
            const svc_call *call = &facts->calls[c];
            if (!svc_attr_queues_task(call->attr)) continue;
            if (call->ref < 0) continue;
            const svc_ref *ref = &facts->refs[call->ref];
            /* callee is `<task>.delay` where <task> is this module's task (bound at module level) */
            char *want = svc_arena_printf(m->arena, "%s.%s", task->name, call->attr);
            bool same = strcmp(ref->raw, want) == 0 && ref->binding == SVC_BIND_MODULE;
            if (!same) continue;
            int fn = svc_facts_outermost_function(facts, call->scope);
            if (fn < 0 || (size_t)fn == task->at.def) continue;
            if (svc_model_task_at(m, task->at.file, (size_t)fn) >= 0) continue;
            if (!task->in_tasks_service && !queues_only(facts, (size_t)fn, call)) continue;
            bool dup = false;
            for (size_t w = 0; w < per_task[t].len; w++)
                dup |= wrappers.items[per_task[t].items[w]].at.def == (size_t)fn;
            if (dup) continue;
            svc_wrapper w = { 0 };
            w.at.file = task->at.file;
            w.at.def = (size_t)fn;
            const svc_file *f = &m->files[task->at.file];
            w.dotted = f->module ? svc_arena_printf(m->arena, "%s.%s", f->module, facts->defs[fn].qualname)
                                 : svc_arena_strdup(m->arena, facts->defs[fn].qualname);
            w.task = t;
            w.call = c;
            w.named_delay = svc_str_starts_with(facts->defs[fn].name, "delay_");
            svc_vec_push(&per_task[t], wrappers.len);
            svc_vec_push(&wrappers, w);
        }
    }
    for (size_t t = 0; t < m->ntasks; t++) {
        m->tasks[t].wrappers = per_task[t].items;
        m->tasks[t].nwrappers = per_task[t].len;
    }
    free(per_task);
    m->wrappers = wrappers.items;
    m->nwrappers = wrappers.len;
}

long svc_model_task_at(const svc_model *m, size_t file, size_t def)
{
    /* tasks are sorted by file, then def */
    size_t lo = 0, hi = m->ntasks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const svc_defref *at = &m->tasks[mid].at;
        if (at->file < file || (at->file == file && at->def < def)) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->ntasks && m->tasks[lo].at.file == file && m->tasks[lo].at.def == def ? (long)lo : -1;
}

long svc_model_task_named(const svc_model *m, const char *dotted)
{
    const char *name = svc_model_resolve(m, dotted);
    if (!name) return -1;
    const svc_symbol *sym = svc_map_get(m->symbols, name);
    if (sym && sym->kind == SVC_SYM_DEF) {
        long t = svc_model_task_at(m, sym->file, (size_t)sym->def);
        return t >= 0 && !m->tasks[t].by_call ? t : -1;
    }
    for (size_t t = 0; t < m->ntasks; t++)
        if (m->tasks[t].by_call && strcmp(m->tasks[t].dotted, name) == 0) return (long)t;
    return -1;
}

long svc_model_task_sent(const svc_model *m, const svc_facts *facts, const svc_call *call)
{
    (void)facts;
    if (!call->attr || strcmp(call->attr, "send_task") != 0 || call->ref < 0 || call->nargs == 0) return -1;
    const svc_arg *first = &call->args[0];
    if (first->keyword) return -1;
    const char *text = first->text;
    size_t n = strlen(text);
    if (n < 2 || (text[0] != '"' && text[0] != '\'') || text[n - 1] != text[0]) return -1;
    return svc_model_task_registered(m, text + 1, n - 2);
}

long svc_model_task_registered(const svc_model *m, const char *name, size_t n)
{
    for (size_t t = 0; t < m->ntasks; t++) {
        const char *reg = m->tasks[t].registered_name;
        if (reg && strlen(reg) == n && strncmp(reg, name, n) == 0) return (long)t;
    }
    return -1;
}

static bool is_dispatch_function(const svc_model *m, const char *dotted)
{
    if (!m->config || !dotted) return false;
    for (size_t k = 0; k < m->config->ndispatch_functions; k++)
        if (strcmp(m->config->dispatch_functions[k], dotted) == 0) return true;
    return false;
}

long svc_model_task_dispatched(const svc_model *m, const svc_facts *facts, const svc_call *call)
{
    if (!m->config || !m->config->ndispatch_functions || call->ref < 0 || call->nargs == 0) return -1;
    const svc_ref *ref = &facts->refs[call->ref];
    if (!ref->resolved || (ref->binding != SVC_BIND_IMPORT && ref->binding != SVC_BIND_MODULE)) return -1;
    if (!is_dispatch_function(m, ref->resolved) && !is_dispatch_function(m, svc_model_resolve(m, ref->resolved)))
        return -1;
    const svc_arg *first = &call->args[0];
    return !first->keyword && first->chain ? svc_model_task_named(m, first->chain) : -1;
}

bool svc_model_in_dispatch_function(const svc_model *m, size_t file, int scope)
{
    const svc_file *f = &m->files[file];
    if (!m->config || !m->config->ndispatch_functions || !f->module) return false;
    int fn = svc_facts_outermost_function(f->facts, scope);
    if (fn < 0) return false;
    char *dotted = svc_xasprintf("%s.%s", f->module, f->facts->defs[fn].qualname);
    bool found = is_dispatch_function(m, dotted);
    free(dotted);
    return found;
}

long svc_model_task_of_call(const svc_model *m, const svc_facts *facts, const svc_call *call)
{
    if (call->ref < 0) return -1;
    const svc_ref *ref = &facts->refs[call->ref];
    if (!ref->resolved) return -1;
    const char *dot = strrchr(ref->resolved, '.');
    if (!dot) return -1;
    char *obj = svc_xstrndup(ref->resolved, (size_t)(dot - ref->resolved));
    long t = svc_model_task_named(m, obj);
    free(obj);
    return t;
}

bool svc_model_is_misplaced_wrapper(const svc_model *m, size_t file, size_t def)
{
    for (size_t w = 0; w < m->nwrappers; w++) {
        const svc_wrapper *wr = &m->wrappers[w];
        if (wr->at.file == file && wr->at.def == def && !m->tasks[wr->task].in_tasks_service) return true;
    }
    return false;
}

bool svc_model_in_misplaced_task(const svc_model *m, size_t file, int scope)
{
    const svc_facts *facts = m->files[file].facts;
    for (int s = scope; s >= 0; s = facts->defs[s].parent) {
        long t = svc_model_task_at(m, file, (size_t)s);
        if (t >= 0 && !m->tasks[t].in_tasks_service) return true;
    }
    int fn = svc_facts_outermost_function(facts, scope);
    return fn >= 0 && svc_model_is_misplaced_wrapper(m, file, (size_t)fn);
}

void model_free_tasks(svc_model *m)
{
    for (size_t i = 0; i < m->ntasks; i++) free(m->tasks[i].wrappers);
    free(m->tasks);
    free(m->wrappers);
    m->tasks = NULL;
    m->wrappers = NULL;
    m->ntasks = m->nwrappers = 0;
}
