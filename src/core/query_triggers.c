/*
 * Who triggers a task, who calls a wrapper: the cross-reference's sites of a task's wrappers and
 * of its direct uses, as one list with what each site does (queues or runs in-process), and the
 * beat schedule entries that queue the task.
 */
#include <stdlib.h>
#include <string.h>

#include "core/query_internal.h"

size_t svc_query_lookup(svc_query *q, const char *name, svc_xref_match **out)
{
    return svc_xref_lookup(svc_query_xref(q), name, out);
}

typedef SVC_VEC(svc_query_trigger) trigger_vec;

/* True when a site is the signature of an add_periodic_task call: the beat entry shows it. */
static bool is_beat_signature(const svc_query_triggers *out, const svc_xref_site *s)
{
    if (s->kind != SVC_XREF_SIGNATURE) return false;
    for (size_t i = 0; i < out->nbeat; i++) {
        const svc_beat_entry *e = out->beat[i];
        if (e->origin == SVC_BEAT_PERIODIC_TASK && e->file == s->file && e->line == s->line && e->column == s->column)
            return true;
    }
    return false;
}

static void add_sites(svc_query *q, trigger_vec *v, const svc_query_triggers *out, const svc_xref_site *sites,
                      size_t n, long wrapper, bool no_tests)
{
    const svc_model *m = q->model;
    for (size_t i = 0; i < n; i++) {
        const svc_xref_site *s = &sites[i];
        bool in_test = m->files[s->file].is_test;
        if (no_tests && in_test) continue;
        if (wrapper < 0 && is_beat_signature(out, s)) continue;
        svc_query_trigger t;
        memset(&t, 0, sizeof t);
        t.site = *s;
        t.wrapper = wrapper;
        /* a wrapper queues when it is called (or handed over to be called later) */
        t.queues = wrapper >= 0 ? s->kind == SVC_XREF_CALL || s->kind == SVC_XREF_VALUE : svc_xref_kind_queues(s->kind);
        t.outside_tasks_service = wrapper < 0 && svc_xref_site_outside_tasks_service(q->xref, s);
        t.in_test = in_test;
        svc_vec_push(v, t);
    }
}

svc_query_triggers *svc_query_triggers_new(svc_query *q, svc_xref_match target, bool no_tests)
{
    const svc_model *m = q->model;
    const svc_xref *x = svc_query_xref(q);
    svc_query_triggers *out = svc_xcalloc(1, sizeof *out);
    out->arena = svc_arena_new();
    out->target = target;
    trigger_vec v = { 0 };
    if (target.is_task && target.index < m->ntasks) {
        const svc_task *task = &m->tasks[target.index];
        out->task = target.index;
        const svc_beat_entry **beat = NULL;
        size_t nbeat = svc_model_beat_of_task(m, target.index, &beat);
        for (size_t i = 0; i < nbeat; i++)
            if (!(no_tests && m->files[beat[i]->file].is_test)) beat[out->nbeat++] = beat[i];
        out->beat = query_arena_copy(out->arena, beat, out->nbeat, sizeof *beat);
        free(beat);
        for (size_t i = 0; i < task->nwrappers; i++) {
            size_t w = task->wrappers[i];
            add_sites(q, &v, out, x->wrappers[w].sites, x->wrappers[w].nsites, (long)w, no_tests);
        }
        add_sites(q, &v, out, x->tasks[target.index].direct, x->tasks[target.index].ndirect, -1, no_tests);
    } else if (!target.is_task && target.index < m->nwrappers) {
        out->task = m->wrappers[target.index].task;
        add_sites(q, &v, out, x->wrappers[target.index].sites, x->wrappers[target.index].nsites, (long)target.index,
                  no_tests);
    }
    out->n = v.len;
    out->items = query_arena_copy(out->arena, v.items, v.len, sizeof *v.items);
    for (size_t i = 0; i < v.len; i++) out->nqueued += v.items[i].queues;
    svc_vec_free(&v);
    return out;
}

bool svc_query_trigger_flagged(const svc_query *q, const svc_query_trigger *t)
{
    if (t->wrapper >= 0 || !t->outside_tasks_service || q->model->tasks_service < 0) return false;
    svc_xref_kind k = t->site.kind;
    return k == SVC_XREF_DELAY || k == SVC_XREF_APPLY_ASYNC || k == SVC_XREF_SEND_TASK;
}

const char *svc_query_trigger_label(const svc_query *q, const svc_query_trigger *t)
{
    svc_xref_kind k = t->site.kind;
    if (t->wrapper >= 0) return k == SVC_XREF_VALUE ? "passed as a value" : NULL;
    bool outside = svc_query_trigger_flagged(q, t);
    switch (k) {
    case SVC_XREF_DELAY: return outside ? ".delay outside the tasks service" : ".delay";
    case SVC_XREF_APPLY_ASYNC: return outside ? ".apply_async outside the tasks service" : ".apply_async";
    case SVC_XREF_SIGNATURE: return "signature";
    case SVC_XREF_APPLY: return ".apply: runs in-process, not queued";
    case SVC_XREF_SEND_TASK: return outside ? "send_task outside the tasks service" : "send_task";
    case SVC_XREF_VALUE: return "used as a value";
    case SVC_XREF_CALL: return "called in-process, not queued";
    }
    return NULL;
}

const char *svc_query_beat_label(const svc_beat_entry *entry)
{
    return entry->origin == SVC_BEAT_PERIODIC_TASK ? "add_periodic_task" : "beat schedule entry";
}

bool svc_query_callee_repeats(const svc_xref_task *task, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (strcmp(task->callees[k].dotted, task->callees[i].dotted) == 0) return true;
    return false;
}

void svc_query_triggers_free(svc_query_triggers *t)
{
    if (!t) return;
    svc_arena_free(t->arena);
    free(t);
}
