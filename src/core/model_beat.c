/*
 * Celery beat schedule entries: what celery beat queues on a schedule, and which task of the
 * repo each entry names. Two shapes: the entries of a schedule dict literal (facts' `schedule`,
 * which name the task by its registered name, or by `t.name`), and `add_periodic_task(schedule,
 * signature, name=...)` calls, usually in an `on_after_configure` handler, whose signature names
 * the task object (`t.s()`, `t.si()`, `t.signature()`) or its registered name (`signature("...")`).
 * Beat queues by the registered name, so a string that no task is registered under is an entry
 * that fails at run time (what SVC607 reports).
 */
#include <stdlib.h>
#include <string.h>

#include "core/model_internal.h"

typedef SVC_VEC(svc_beat_entry) beat_vec;

static bool is_string_literal(const char *text, size_t *n)
{
    *n = text ? strlen(text) : 0;
    return *n >= 2 && (text[0] == '"' || text[0] == '\'') && text[*n - 1] == text[0];
}

/* A literal's text without its quotes (escapes as written), in the model's arena; NULL when the
 * text is not a plain one-part literal. */
static const char *literal_value(svc_model *m, const char *text)
{
    size_t n;
    return is_string_literal(text, &n) ? svc_arena_strndup(m->arena, text + 1, n - 2) : NULL;
}

static void place_entry(const svc_model *m, size_t file, int scope, svc_span span, svc_beat_entry *e)
{
    const svc_facts *facts = m->files[file].facts;
    e->file = file;
    e->path = m->files[file].path;
    e->span = span;
    e->line = span.row + 1;
    e->column = span.col + 1;
    e->scope = scope;
    e->enclosing = scope >= 0 && (size_t)scope < facts->ndefs ? facts->defs[scope].qualname : "<module>";
}

static const char *registered_or_dotted(const svc_model *m, long task)
{
    return m->tasks[task].registered_name ? m->tasks[task].registered_name : m->tasks[task].dotted;
}

/* `"task": t.name`: the task whose `.name` the value reads, or -1. */
static long task_of_name_attribute(const svc_model *m, const svc_facts *facts, const svc_span *value)
{
    for (size_t r = 0; r < facts->nrefs; r++) {
        const svc_ref *ref = &facts->refs[r];
        if (ref->span.byte != value->byte || ref->span.end_byte != value->end_byte || !ref->resolved) continue;
        size_t n = strlen(ref->resolved);
        if (n <= 5 || strcmp(ref->resolved + n - 5, ".name") != 0) return -1;
        char *object = svc_xstrndup(ref->resolved, n - 5);
        long t = svc_model_task_named(m, object);
        free(object);
        return t;
    }
    return -1;
}

static void add_schedule_entries(svc_model *m, size_t file, beat_vec *out)
{
    const svc_facts *facts = m->files[file].facts;
    for (size_t i = 0; i < facts->nschedule; i++) {
        const svc_schedule_entry *se = &facts->schedule[i];
        svc_beat_entry e = { 0 };
        e.origin = SVC_BEAT_SCHEDULE;
        e.name = se->name;
        place_entry(m, file, se->scope, se->span, &e);
        if (se->task) {
            e.by_name = true;
            e.task_name = se->task;
            e.task = svc_model_task_registered(m, se->task, strlen(se->task));
        } else {
            e.task = task_of_name_attribute(m, facts, &se->span);
            e.task_name = e.task >= 0 ? registered_or_dotted(m, e.task) : se->task_text;
        }
        svc_vec_push(out, e);
    }
}

/* The argument add_periodic_task takes the signature from: `sig=`, else the second positional. */
static const svc_arg *signature_arg(const svc_call *call)
{
    size_t positional = 0;
    for (size_t a = 0; a < call->nargs; a++) {
        const svc_arg *arg = &call->args[a];
        if (arg->keyword && strcmp(arg->keyword, "sig") == 0) return arg;
        if (!arg->keyword && positional++ == 1) return arg;
    }
    return NULL;
}

static const char *keyword_text(const svc_call *call, const char *keyword)
{
    for (size_t a = 0; a < call->nargs; a++)
        if (call->args[a].keyword && strcmp(call->args[a].keyword, keyword) == 0) return call->args[a].text;
    return NULL;
}

static bool is_signature_attr(const char *attr)
{
    return attr && (strcmp(attr, "s") == 0 || strcmp(attr, "si") == 0 || strcmp(attr, "signature") == 0);
}

/* Fills the task of an add_periodic_task entry from the first signature inside `arg`; false when
 * there is none (`add_periodic_task(10, some_variable)`). */
static bool read_signature(svc_model *m, const svc_facts *facts, const svc_arg *arg, svc_beat_entry *e)
{
    for (size_t c = 0; c < facts->ncalls; c++) {
        const svc_call *sig = &facts->calls[c];
        if (sig->span.byte < arg->span.byte) continue;
        if (sig->span.byte >= arg->span.end_byte) break;
        const char *attr = sig->attr;
        if (!attr) continue;
        bool named = strcmp(attr, "signature") == 0 || strcmp(attr, "Signature") == 0;
        const char *first = named && sig->nargs && !sig->args[0].keyword ? sig->args[0].text : NULL;
        const char *literal = first ? literal_value(m, first) : NULL;
        if (literal) {
            /* signature("registered.name"), app.signature(...), celery.Signature(...) */
            e->by_name = true;
            e->task_name = literal;
            e->task = svc_model_task_registered(m, literal, strlen(literal));
        } else if (is_signature_attr(attr)) {
            e->task = svc_model_task_of_call(m, facts, sig);
            if (e->task >= 0) {
                e->task_name = registered_or_dotted(m, e->task);
            } else {
                size_t n = strlen(sig->callee_text), cut = strlen(attr) + 1;
                e->task_name = svc_arena_strndup(m->arena, sig->callee_text, n > cut ? n - cut : n);
            }
        } else {
            continue;
        }
        e->span = sig->span;
        return true;
    }
    return false;
}

static void add_periodic_tasks(svc_model *m, size_t file, beat_vec *out)
{
    const svc_facts *facts = m->files[file].facts;
    for (size_t c = 0; c < facts->ncalls; c++) {
        const svc_call *call = &facts->calls[c];
        if (!call->attr || strcmp(call->attr, "add_periodic_task") != 0) continue;
        const svc_arg *arg = signature_arg(call);
        if (!arg) continue;
        svc_beat_entry e = { 0 };
        e.origin = SVC_BEAT_PERIODIC_TASK;
        e.task = -1;
        if (!read_signature(m, facts, arg, &e)) continue;
        place_entry(m, file, call->scope, e.span, &e);
        e.name = literal_value(m, keyword_text(call, "name"));
        svc_vec_push(out, e);
    }
}

static int compare_entries(const void *pa, const void *pb)
{
    const svc_beat_entry *a = pa, *b = pb;
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    return a->span.byte < b->span.byte ? -1 : a->span.byte > b->span.byte;
}

void model_find_beat(svc_model *m)
{
    model_free_beat(m);
    beat_vec v = { 0 };
    for (size_t f = 0; f < m->nfiles; f++) {
        if (!m->files[f].facts) continue;
        add_schedule_entries(m, f, &v);
        add_periodic_tasks(m, f, &v);
    }
    if (v.len > 1) qsort(v.items, v.len, sizeof *v.items, compare_entries);
    m->beat = v.items;
    m->nbeat = v.len;
}

void model_free_beat(svc_model *m)
{
    free(m->beat);
    m->beat = NULL;
    m->nbeat = 0;
}

size_t svc_model_beat_of_task(const svc_model *m, size_t task, const svc_beat_entry ***out)
{
    *out = NULL;
    size_t n = 0;
    for (size_t i = 0; i < m->nbeat; i++) n += m->beat[i].task == (long)task;
    if (!n) return 0;
    *out = svc_xcalloc(n, sizeof **out);
    size_t k = 0;
    for (size_t i = 0; i < m->nbeat; i++)
        if (m->beat[i].task == (long)task) (*out)[k++] = &m->beat[i];
    return n;
}
