/*
 * Celery safety rules about the calls that queue a task, SVC601, SVC602, SVC604 and SVC606: the
 * failures a `delay_` wrapper exists to prevent, which otherwise show only on the worker. Read
 * from the model (tasks, wrappers, config dispatch functions) and the files' facts.
 *
 * Decisions where spec/RULES.md is silent:
 *  - SVC601 binds a call's arguments as Python does, and says nothing when it cannot know them: a
 *    `*args`/`**kwargs` at the call, `.apply_async`'s `args`/`kwargs` given as anything but a list,
 *    tuple or dict literal (a dict's keys string literals), a text the facts cut short. Signatures
 *    (`.s`, `.si`, `.signature`) may be partial (a chain prepends the previous result; a caller
 *    may add more): only too many positional arguments and unknown or duplicate keywords are
 *    reported for them, never a missing argument. A dispatch function's call binds the arguments
 *    after the task the way the helper passes them: when the helper takes `*args`/`**kwargs`, as
 *    the task's own; else as `.apply_async`'s (`args`, `kwargs`). A task (or wrapper) with a
 *    decorator besides the task's is left alone: the decorator may change what the function takes
 *    (inject a keyword-only argument, take `*args`).
 *  - SVC602 knows `django.db.transaction.atomic` by its resolved name (any import spelling), as
 *    the context manager of a `with` (with or without `using=`) in the same function as the call
 *    (or a `@contextmanager` function of the repo that opens it: `with traced_atomic():`),
 *    or as a decorator (bare or called) of the innermost function around it; a def nested in the
 *    block runs when called, not inside it. A call inside the arguments of an `on_commit(...)`
 *    call (`transaction.on_commit(lambda: t.delay(x))`) is safe. A `delay_` wrapper or dispatch
 *    function that itself calls `on_commit` is safe to call inside a transaction; signatures are
 *    not queued until called.
 *  - SVC604 follows names within the function that makes the call: the last plain assignment of
 *    the name before the call decides (`order = order.pk` makes it a key again), else a
 *    parameter's annotation. A model query is a call through a manager (`.objects.` in the
 *    callee: `Order.objects.filter(...).first()` too, not through `.values(...)`/`.values_list(...)`,
 *    which give plain values); `request.user`, `self.request.user` and
 *    `self.object` count written as they are or through a name. It looks at every value the call
 *    passes: arguments, signatures' too, and the items of `.apply_async`'s literal `args` and
 *    `kwargs` (reported at that argument).
 *  - SVC606 looks at `.get()`/`.wait()`/`.join()` in a task's body (defs nested in it included) on
 *    a call that sends work to the workers, written in place or through a name the function last
 *    bound to one: `.delay(...)`/`.apply_async(...)` of anything (inside a task that is Celery's),
 *    and a canvas (`group`/`chain`/`chord` of celery, called, delayed or applied).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/celery.h"
#include "svcscope/util.h"
#include "core/app_evidence.h"
#include "rules_internal.h"

/* ---- what a call passes ------------------------------------------------------------ */

/* The arguments a call gives the task: positional count and keyword names; `known` false when
 * they cannot be read (a star argument, a non-literal `args=`). */
typedef struct passed_args {
    bool known;
    size_t npositional;
    SVC_VEC(char *) keywords; /* malloc'd */
} passed_args;

static void passed_args_free(passed_args *p)
{
    for (size_t i = 0; i < p->keywords.len; i++) free(p->keywords.items[i]);
    svc_vec_free(&p->keywords);
}

/* Skips a string literal starting at s[i] (prefix letters already passed); returns the index after
 * it, or 0 when it does not close. */
static size_t skip_string(const char *s, size_t i)
{
    char q = s[i];
    bool triple = s[i + 1] == q && s[i + 2] == q;
    i += triple ? 3 : 1;
    while (s[i]) {
        if (s[i] == '\\' && s[i + 1]) {
            i += 2;
            continue;
        }
        if (s[i] == q && (!triple || (s[i + 1] == q && s[i + 2] == q))) return i + (triple ? 3 : 1);
        if (!triple && s[i] == '\n') return 0;
        i++;
    }
    return 0;
}

/*
 * Splits the text of a list/tuple/dict literal into its top-level items: each item's [start, end)
 * into `starts`/`ends` (whitespace trimmed). Returns false when the text is not such a literal or
 * cannot be read (unbalanced, cut short). A parenthesized value without a comma is not a tuple.
 */
typedef SVC_VEC(size_t) offset_vec;

static bool literal_items(const char *s, char open, offset_vec *starts, offset_vec *ends)
{
    char close = open == '[' ? ']' : open == '(' ? ')' : '}';
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    size_t i = 0;
    while (s[i] == ' ' || s[i] == '\n' || s[i] == '\t') i++;
    if (s[i] != open || n == 0 || s[n - 1] != close) return false;
    int depth = 0;
    size_t item = i + 1;
    bool comma = false;
    for (i = i + 1; i < n - 1; i++) {
        char c = s[i];
        if (c == '"' || c == '\'') {
            size_t after = skip_string(s, i);
            if (!after || after > n - 1) return false;
            i = after - 1;
        } else if (c == '#') {
            while (i < n - 1 && s[i] != '\n') i++;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if (c == ')' || c == ']' || c == '}') {
            if (--depth < 0) return false;
        } else if (c == ',' && depth == 0) {
            svc_vec_push(starts, item);
            svc_vec_push(ends, i);
            item = i + 1;
            comma = true;
        }
    }
    if (depth != 0) return false;
    svc_vec_push(starts, item);
    svc_vec_push(ends, n - 1);
    /* trim, drop empty items (a trailing comma, an empty literal) and comments */
    size_t kept = 0;
    for (size_t k = 0; k < starts->len; k++) {
        size_t a = starts->items[k], b = ends->items[k];
        for (;;) {
            while (a < b && (s[a] == ' ' || s[a] == '\n' || s[a] == '\t' || s[a] == '\r')) a++;
            if (a < b && s[a] == '#') {
                while (a < b && s[a] != '\n') a++;
                continue;
            }
            break;
        }
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\n' || s[b - 1] == '\t' || s[b - 1] == '\r')) b--;
        if (a == b) continue;
        starts->items[kept] = a;
        ends->items[kept++] = b;
    }
    starts->len = ends->len = kept;
    return open != '(' || comma || kept == 0;
}

/* Reads `.apply_async`'s `args` value (a list or tuple literal, or None) into p. */
static bool read_args_literal(const char *text, passed_args *p)
{
    if (strcmp(text, "None") == 0) return true;
    offset_vec starts = { 0 }, ends = { 0 };
    bool ok = literal_items(text, '[', &starts, &ends) || literal_items(text, '(', &starts, &ends);
    for (size_t k = 0; ok && k < starts.len; k++)
        if (text[starts.items[k]] == '*') ok = false;
    if (ok) p->npositional += starts.len;
    svc_vec_free(&starts);
    svc_vec_free(&ends);
    return ok;
}

/* Reads `.apply_async`'s `kwargs` value (a dict literal with string keys, or None) into p. */
static bool read_kwargs_literal(const char *text, passed_args *p)
{
    if (strcmp(text, "None") == 0) return true;
    offset_vec starts = { 0 }, ends = { 0 };
    bool ok = literal_items(text, '{', &starts, &ends);
    for (size_t k = 0; ok && k < starts.len; k++) {
        size_t a = starts.items[k], b = ends.items[k];
        char q = text[a];
        if (q != '"' && q != '\'') {
            ok = false;
            break;
        }
        size_t after = skip_string(text, a);
        if (!after || after > b || (after - a >= 6 && text[a + 1] == q && text[a + 2] == q)) {
            ok = false;
            break;
        }
        size_t rest = after;
        while (rest < b && (text[rest] == ' ' || text[rest] == '\n' || text[rest] == '\t')) rest++;
        if (rest >= b || text[rest] != ':') {
            ok = false;
            break;
        }
        char *key = svc_xstrndup(text + a + 1, after - a - 2);
        if (strchr(key, '\\')) {
            free(key);
            ok = false;
            break;
        }
        svc_vec_push(&p->keywords, key);
    }
    svc_vec_free(&starts);
    svc_vec_free(&ends);
    return ok;
}

/* The arguments args[from..] of a call pass to the function they bind to directly. */
static void read_direct(const svc_call *call, size_t from, passed_args *p)
{
    p->known = true;
    for (size_t a = from; a < call->nargs; a++) {
        const char *kw = call->args[a].keyword;
        if (!kw) p->npositional++;
        else if (strcmp(kw, "*") == 0 || strcmp(kw, "**") == 0) p->known = false;
        else svc_vec_push(&p->keywords, svc_xstrdup(kw));
    }
}

/* The arguments args[from..] of a call pass as `.apply_async(args, kwargs, **options)` does. */
static void read_apply_async(const svc_call *call, size_t from, passed_args *p)
{
    p->known = true;
    const char *args = NULL, *kwargs = NULL;
    size_t positional = 0;
    for (size_t a = from; a < call->nargs; a++) {
        const svc_arg *arg = &call->args[a];
        if (!arg->keyword) {
            if (positional == 0) args = arg->text;
            else if (positional == 1) kwargs = arg->text;
            positional++;
        } else if (strcmp(arg->keyword, "*") == 0 || strcmp(arg->keyword, "**") == 0) {
            p->known = false;
        } else if (strcmp(arg->keyword, "args") == 0) {
            args = arg->text;
        } else if (strcmp(arg->keyword, "kwargs") == 0) {
            kwargs = arg->text;
        }
    }
    if (!p->known) return;
    if (args && !read_args_literal(args, p)) p->known = false;
    if (p->known && kwargs && !read_kwargs_literal(kwargs, p)) p->known = false;
}

/* ---- binding (SVC601) -------------------------------------------------------------- */

static bool positional_param(svc_param_kind k) { return k == SVC_PARAM_NORMAL || k == SVC_PARAM_POSONLY; }

/*
 * Binds `p` to the parameters of `d` (the first dropped when `skip_self`) as Python would; on
 * failure writes why into *why (malloc'd) and returns false. `partial`: a signature, which may
 * leave parameters out.
 */
static bool bind_args(const svc_def *d, bool skip_self, const passed_args *p, bool partial, char **why)
{
    size_t start = skip_self && d->nparams && positional_param(d->params[0].kind) ? 1 : 0;
    size_t npos = 0;
    bool varargs = false, varkw = false;
    for (size_t i = start; i < d->nparams; i++) {
        if (positional_param(d->params[i].kind)) npos++;
        if (d->params[i].kind == SVC_PARAM_VARARGS) varargs = true;
        if (d->params[i].kind == SVC_PARAM_KWARGS) varkw = true;
    }
    if (p->npositional > npos && !varargs) {
        *why = svc_xasprintf("%zu positional argument%s where it takes %s%zu", p->npositional,
                             p->npositional == 1 ? "" : "s", npos ? "at most " : "", npos);
        return false;
    }
    bool *bound = calloc(d->nparams + 1, sizeof *bound);
    size_t given = p->npositional;
    for (size_t i = start; i < d->nparams && given; i++)
        if (positional_param(d->params[i].kind)) {
            bound[i] = true;
            given--;
        }
    bool ok = true;
    for (size_t k = 0; k < p->keywords.len && ok; k++) {
        const char *kw = p->keywords.items[k];
        for (size_t j = 0; j < k && ok; j++)
            if (strcmp(p->keywords.items[j], kw) == 0) {
                *why = svc_xasprintf("keyword `%s` given twice", kw);
                ok = false;
            }
        if (!ok) break;
        size_t i = start;
        while (i < d->nparams && !((d->params[i].kind == SVC_PARAM_NORMAL || d->params[i].kind == SVC_PARAM_KWONLY) &&
                                   strcmp(d->params[i].name, kw) == 0))
            i++;
        if (i < d->nparams) {
            if (bound[i]) {
                *why = svc_xasprintf("`%s` given both by position and by keyword", kw);
                ok = false;
            }
            bound[i] = true;
        } else if (!varkw) {
            *why = svc_xasprintf("no parameter `%s`", kw);
            ok = false;
        }
    }
    for (size_t i = start; ok && !partial && i < d->nparams; i++) {
        const svc_param *pm = &d->params[i];
        if (bound[i] || pm->default_text || pm->kind == SVC_PARAM_VARARGS || pm->kind == SVC_PARAM_KWARGS) continue;
        *why = svc_xasprintf("required argument `%s` missing", pm->name);
        ok = false;
    }
    free(bound);
    return ok;
}

/* ---- what a call queues ------------------------------------------------------------ */

/* Dotted wrapper name -> index + 1 into model wrappers. */
static svc_map *wrapper_map(const svc_model *m)
{
    svc_map *map = svc_map_new();
    for (size_t w = 0; w < m->nwrappers; w++) svc_map_put(map, m->wrappers[w].dotted, (void *)(w + 1));
    return map;
}

/* The wrapper a plain call calls (`delay_x(...)`, `email_tasks.delay_x(...)`), or -1. */
static long wrapper_of_call(const svc_model *m, svc_map *wrappers, const svc_facts *facts, const svc_call *call)
{
    if (call->ref < 0) return -1;
    const svc_ref *ref = &facts->refs[call->ref];
    if (!ref->resolved || ref->binding == SVC_BIND_LOCAL) return -1;
    void *hit = svc_map_get(wrappers, ref->resolved);
    if (!hit) {
        const char *final = svc_model_resolve(m, ref->resolved);
        if (final) hit = svc_map_get(wrappers, final);
    }
    return hit ? (long)(uintptr_t)hit - 1 : -1;
}

/* What a call that queues a task is. */
typedef enum queue_kind { Q_NONE, Q_DELAY, Q_APPLY_ASYNC, Q_SIGNATURE, Q_WRAPPER, Q_DISPATCH } queue_kind;

typedef struct queued {
    queue_kind kind;
    long task;    /* index into model tasks */
    long wrapper; /* Q_WRAPPER: index into model wrappers */
} queued;

static queued queued_by(const svc_model *m, svc_map *wrappers, const svc_facts *facts, const svc_call *call)
{
    queued q = { Q_NONE, -1, -1 };
    const char *attr = call->attr ? call->attr : "";
    if (strcmp(attr, "delay") == 0 || strcmp(attr, "apply_async") == 0 || strcmp(attr, "s") == 0 ||
        strcmp(attr, "si") == 0 || strcmp(attr, "signature") == 0) {
        q.task = svc_model_task_of_call(m, facts, call);
        if (q.task >= 0)
            q.kind = attr[0] == 'd' ? Q_DELAY : attr[0] == 'a' ? Q_APPLY_ASYNC : Q_SIGNATURE;
        return q;
    }
    q.wrapper = wrapper_of_call(m, wrappers, facts, call);
    if (q.wrapper >= 0) {
        q.kind = Q_WRAPPER;
        q.task = (long)m->wrappers[q.wrapper].task;
        return q;
    }
    q.task = svc_model_task_dispatched(m, facts, call);
    if (q.task >= 0) q.kind = Q_DISPATCH;
    return q;
}

static const svc_def *def_at(const svc_model *m, svc_defref at)
{
    return &m->files[at.file].facts->defs[at.def];
}

/* The name findings give a task: its def's, or the assigned name of a task made by a call. */
static const char *task_label(const svc_model *m, const svc_task *t)
{
    return t->by_call ? t->name : def_at(m, t->at)->name;
}

/* ---- SVC601 ------------------------------------------------------------------------ */

/* True when the dispatch helper a call calls takes the task's arguments as `*args`/`**kwargs`. */
static bool dispatch_takes_varargs(const svc_model *m, const svc_facts *facts, const svc_call *call)
{
    svc_defref at;
    const svc_ref *ref = &facts->refs[call->ref];
    if (!svc_model_find_def(m, ref->resolved, &at)) return false;
    const svc_def *d = def_at(m, at);
    for (size_t i = 0; i < d->nparams; i++)
        if (d->params[i].kind == SVC_PARAM_VARARGS || d->params[i].kind == SVC_PARAM_KWARGS) return true;
    return false;
}

static void check_call_mismatch(svc_check_ctx *ctx, svc_map *wrappers, size_t file, const svc_call *call)
{
    const svc_model *m = ctx->model;
    const svc_facts *facts = m->files[file].facts;
    queued q = queued_by(m, wrappers, facts, call);
    if (q.kind == Q_NONE) return;
    const svc_task *task = &m->tasks[q.task];
    if (task->by_call) return; /* `t = app.task(f)`: the def may take what the task machinery adds */
    const svc_def *target = q.kind == Q_WRAPPER ? def_at(m, m->wrappers[q.wrapper].at) : def_at(m, task->at);
    /* another decorator than the task's may change the signature (inject an argument, take *args) */
    if (target->ndecorators > (q.kind == Q_WRAPPER ? 0u : 1u)) return;
    passed_args p = { 0 };
    switch (q.kind) {
    case Q_APPLY_ASYNC: read_apply_async(call, 0, &p); break;
    case Q_DISPATCH:
        if (dispatch_takes_varargs(m, facts, call)) read_direct(call, 1, &p);
        else read_apply_async(call, 1, &p);
        break;
    default: read_direct(call, 0, &p); break;
    }
    char *why = NULL;
    if (p.known) {
        bool skip_self = q.kind != Q_WRAPPER && task->bind;
        if (!bind_args(target, skip_self, &p, q.kind == Q_SIGNATURE, &why)) {
            if (q.kind == Q_WRAPPER)
                svc_report(ctx, "SVC601", file, call->callee_span,
                           "`%s` cannot take these arguments: %s; the call fails at run time", target->name, why);
            else
                svc_report(ctx, "SVC601", file, call->callee_span,
                           "Task `%s` cannot take the arguments of this `%s%s` call: %s; it fails on the worker, "
                           "not here",
                           task_label(m, task), q.kind == Q_DISPATCH ? "" : ".",
                           q.kind == Q_DISPATCH ? facts->refs[call->ref].raw : call->attr, why);
        }
    }
    free(why);
    passed_args_free(&p);
}

/* ---- SVC602 ------------------------------------------------------------------------ */

#define ON_COMMIT "django.db.transaction.on_commit"

static bool span_within(svc_span inner, svc_span outer)
{
    return inner.byte >= outer.byte && inner.end_byte <= outer.end_byte;
}

/* The resolved name of a call's callee, or NULL. */
static const char *callee_resolved(const svc_facts *facts, const svc_call *call)
{
    return call->ref >= 0 ? facts->refs[call->ref].resolved : NULL;
}

static bool is_on_commit(const svc_facts *facts, const svc_call *call)
{
    const char *r = callee_resolved(facts, call);
    return (r && strcmp(r, ON_COMMIT) == 0) || (call->attr && strcmp(call->attr, "on_commit") == 0);
}

/* True when the call is inside the arguments of an `on_commit(...)` call. */
static bool inside_on_commit(const svc_facts *facts, const svc_call *call)
{
    for (size_t c = 0; c < facts->ncalls; c++)
        if (is_on_commit(facts, &facts->calls[c]) && span_within(call->span, facts->calls[c].args_span)) return true;
    return false;
}

/* True when the body of def (file, def) calls `on_commit` (then what it queues waits for the commit). */
static bool def_calls_on_commit(const svc_model *m, svc_defref at)
{
    const svc_facts *facts = m->files[at.file].facts;
    const svc_def *d = &facts->defs[at.def];
    for (size_t c = 0; c < facts->ncalls; c++)
        if (is_on_commit(facts, &facts->calls[c]) && span_within(facts->calls[c].span, d->body_span)) return true;
    return false;
}

static void check_delay_in_transaction(svc_check_ctx *ctx, svc_map *wrappers, size_t file, const svc_call *call)
{
    const svc_model *m = ctx->model;
    const svc_facts *facts = m->files[file].facts;
    queued q = queued_by(m, wrappers, facts, call);
    if (q.kind == Q_NONE || q.kind == Q_SIGNATURE) return;
    uint32_t row;
    const char *using_db;
    if (!svc_call_in_atomic(m, facts, call, &row, &using_db) || inside_on_commit(facts, call)) return;
    if (q.kind == Q_WRAPPER && def_calls_on_commit(m, m->wrappers[q.wrapper].at)) return;
    if (q.kind == Q_DISPATCH) {
        svc_defref at;
        if (svc_model_find_def(m, facts->refs[call->ref].resolved, &at) && def_calls_on_commit(m, at)) return;
    }
    const char *label = task_label(m, &m->tasks[q.task]);
    svc_report(ctx, "SVC602", file, call->callee_span,
               "Task `%s` is queued inside the transaction opened on line %u: the worker can run before the "
               "commit, or for a row that is rolled back; queue it in `transaction.on_commit(lambda: ...)`",
               label, row + 1);
}

/* The last plain assignment that function `scope` makes to name[0..len) before `byte`, or NULL. */
static const svc_local_assign *last_assignment(const svc_facts *facts, int scope, const char *name, size_t len,
                                               uint32_t byte)
{
    const svc_local_assign *last = NULL;
    for (size_t i = 0; i < facts->nlocal_assigns; i++) {
        const svc_local_assign *a = &facts->local_assigns[i];
        if (a->scope == scope && a->span.byte < byte && strlen(a->name) == len && strncmp(a->name, name, len) == 0)
            last = a;
    }
    return last;
}

/* ---- SVC604 ------------------------------------------------------------------------ */

static bool identifier(const char *s)
{
    if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) return false;
    for (; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

static bool instance_expression(const char *text)
{
    return strcmp(text, "request.user") == 0 || strcmp(text, "self.request.user") == 0 ||
           strcmp(text, "self.object") == 0;
}

/* What a call returns a model instance of, as written for the message ("Order.objects.get"), or
 * NULL: a model query (`first_item`: its first item, as `get_or_create` returns a pair), or
 * `get_object_or_404`. */
static const char *instance_source(const svc_facts *facts, const svc_call *call, bool first_item)
{
    static const char *const single[] = { "get", "create", "first", "last", "latest", "earliest", NULL };
    const char *attr = call->attr ? call->attr : "";
    const char *callee = call->callee_text ? call->callee_text : "";
    /* `.values(...)`, `.values_list(...)`, `.dates(...)`: rows as plain values, not instances */
    bool plain_values = strstr(callee, ".values(") || strstr(callee, ".values_list(") || strstr(callee, ".dates(") ||
                        strstr(callee, ".datetimes(");
    if (strstr(callee, ".objects.") && !plain_values) {
        if (strcmp(attr, "get_or_create") == 0) return first_item ? callee : NULL;
        for (size_t i = 0; single[i]; i++)
            if (strcmp(attr, single[i]) == 0) return first_item ? NULL : callee;
    }
    const char *r = callee_resolved(facts, call);
    if (!first_item && r && strcmp(svc_dotted_last(r), "get_object_or_404") == 0) return callee;
    return NULL;
}

/* The resolved name of an annotation written as a plain chain in the file, or NULL. */
static const char *annotation_resolved(const svc_facts *facts, const char *annotation)
{
    for (size_t r = 0; r < facts->nrefs; r++) {
        const svc_ref *ref = &facts->refs[r];
        if (ref->resolved && ref->binding != SVC_BIND_LOCAL && strcmp(ref->raw, annotation) == 0) return ref->resolved;
    }
    return NULL;
}

/* Where the name `text` in function `scope` got a model instance before `byte`, said for the
 * message ("from `Order.objects.get(...)`", "annotated `Order`"; in `arena`), or NULL. */
static const char *name_holds_instance(const svc_model *m, const svc_facts *facts, svc_arena *arena, int scope,
                                       const char *text, uint32_t byte)
{
    if (scope < 0 || !identifier(text)) return NULL;
    const svc_local_assign *last = last_assignment(facts, scope, text, strlen(text), byte);
    if (last) {
        if (!last->first_item && instance_expression(last->value_text))
            return svc_arena_printf(arena, "from `%s`", last->value_text);
        const char *source =
            last->value_call >= 0 ? instance_source(facts, &facts->calls[last->value_call], last->first_item) : NULL;
        return source ? svc_arena_printf(arena, "from `%s(...)`", source) : NULL;
    }
    const svc_def *d = &facts->defs[scope];
    for (size_t p = 0; p < d->nparams; p++) {
        if (strcmp(d->params[p].name, text) != 0 || !d->params[p].annotation) continue;
        const char *resolved = annotation_resolved(facts, d->params[p].annotation);
        if (resolved && svc_app_evidence_names_model(m, resolved))
            return svc_arena_printf(arena, "annotated `%s`", d->params[p].annotation);
    }
    return NULL;
}

static void report_instance(svc_check_ctx *ctx, size_t file, const svc_call *call, const queued *q, const char *text,
                            svc_span at)
{
    const svc_model *m = ctx->model;
    const svc_facts *facts = m->files[file].facts;
    const char *source =
        instance_expression(text) ? NULL : name_holds_instance(m, facts, ctx->out->arena, call->scope, text, call->span.byte);
    if (!instance_expression(text) && !source) return;
    const char *target = q->kind == Q_WRAPPER ? def_at(m, m->wrappers[q->wrapper].at)->name
                                              : task_label(m, &m->tasks[q->task]);
    if (source)
        svc_report(ctx, "SVC604", file, at,
                   "`%s` is a model instance (%s) passed to `%s`: it may not serialize, and the worker gets "
                   "the row as it was when queued; pass `%s.pk` and fetch it in the task",
                   text, source, target, text);
    else
        svc_report(ctx, "SVC604", file, at,
                   "`%s` is a model instance passed to `%s`: it may not serialize, and the worker gets the row as "
                   "it was when queued; pass `%s.pk` and fetch it in the task",
                   text, target, text);
}

/* Each value of a list/tuple literal's items, or of a dict literal's pairs, reported at `at`. */
static void check_literal_values(svc_check_ctx *ctx, size_t file, const svc_call *call, const queued *q,
                                 const char *text, svc_span at)
{
    offset_vec starts = { 0 }, ends = { 0 };
    bool dict = literal_items(text, '{', &starts, &ends);
    if (!dict) {
        starts.len = ends.len = 0;
        if (!literal_items(text, '[', &starts, &ends)) {
            starts.len = ends.len = 0;
            literal_items(text, '(', &starts, &ends);
        }
    }
    for (size_t k = 0; k < starts.len; k++) {
        size_t a = starts.items[k], b = ends.items[k];
        if (dict) {
            size_t after = (text[a] == '"' || text[a] == '\'') ? skip_string(text, a) : 0;
            if (!after || after >= b) continue;
            a = after;
            while (a < b && (text[a] == ' ' || text[a] == ':' || text[a] == '\n')) a++;
        }
        char *value = svc_xstrndup(text + a, b - a);
        report_instance(ctx, file, call, q, value, at);
        free(value);
    }
    svc_vec_free(&starts);
    svc_vec_free(&ends);
}

static void check_model_instances(svc_check_ctx *ctx, svc_map *wrappers, size_t file, const svc_call *call)
{
    const svc_model *m = ctx->model;
    const svc_facts *facts = m->files[file].facts;
    queued q = queued_by(m, wrappers, facts, call);
    if (q.kind == Q_NONE) return;
    size_t from = q.kind == Q_DISPATCH ? 1 : 0;
    size_t positional = 0;
    for (size_t a = from; a < call->nargs; a++) {
        const svc_arg *arg = &call->args[a];
        const char *kw = arg->keyword;
        if (kw && (strcmp(kw, "*") == 0 || strcmp(kw, "**") == 0)) continue;
        bool literal = q.kind == Q_APPLY_ASYNC &&
                       (kw ? strcmp(kw, "args") == 0 || strcmp(kw, "kwargs") == 0 : positional < 2);
        if (!kw) positional++;
        if (literal) check_literal_values(ctx, file, call, &q, arg->text, arg->span);
        else if (q.kind != Q_APPLY_ASYNC) report_instance(ctx, file, call, &q, arg->text, arg->span);
    }
}

/* ---- SVC606 ------------------------------------------------------------------------ */

static bool is_canvas(const svc_facts *facts, const svc_call *call)
{
    static const char *const canvases[] = { "celery.group", "celery.chain", "celery.chord", "celery.canvas.group",
                                            "celery.canvas.chain", "celery.canvas.chord", NULL };
    const char *r = callee_resolved(facts, call);
    for (size_t i = 0; r && canvases[i]; i++)
        if (strcmp(r, canvases[i]) == 0) return true;
    return false;
}

/* The call whose span starts at `byte` and ends at or before `end`, the outermost one, or NULL. */
static const svc_call *call_spanning(const svc_facts *facts, uint32_t byte, uint32_t end)
{
    const svc_call *best = NULL;
    for (size_t c = 0; c < facts->ncalls; c++) {
        const svc_call *x = &facts->calls[c];
        if (x->span.byte == byte && x->span.end_byte <= end && (!best || x->span.end_byte > best->span.end_byte))
            best = x;
    }
    return best;
}

/* True when the call sends work to the workers and gives a result to wait for: `.delay(...)`,
 * `.apply_async(...)`, or a canvas called (`group(...)()`) or queued. */
static bool sends_work(const svc_facts *facts, const svc_call *call)
{
    const char *attr = call->attr ? call->attr : "";
    if (strcmp(attr, "delay") == 0 || strcmp(attr, "apply_async") == 0) return true;
    const svc_call *callee = call_spanning(facts, call->callee_span.byte, call->callee_span.end_byte);
    return callee && callee->span.end_byte == call->callee_span.end_byte && is_canvas(facts, callee);
}

/* The task whose body (or a def nested in it) holds code at (file, scope), or -1. */
static long task_around(const svc_model *m, size_t file, int scope)
{
    const svc_facts *facts = m->files[file].facts;
    for (int s = scope; s >= 0; s = facts->defs[s].parent) {
        long t = svc_model_task_at(m, file, (size_t)s);
        if (t >= 0) return t;
    }
    return -1;
}

static void check_blocking_result(svc_check_ctx *ctx, size_t file, const svc_call *call)
{
    const svc_model *m = ctx->model;
    const svc_facts *facts = m->files[file].facts;
    const char *attr = call->attr ? call->attr : "";
    if (strcmp(attr, "get") != 0 && strcmp(attr, "wait") != 0 && strcmp(attr, "join") != 0) return;
    if (call->scope < 0) return;
    long t = task_around(m, file, call->scope);
    if (t < 0) return;
    const svc_call *object = call_spanning(facts, call->callee_span.byte, call->callee_span.end_byte - 1);
    bool waits = object && sends_work(facts, object);
    if (!waits && call->ref >= 0) {
        /* `result.get()` where the function last bound `result` to such a call */
        const svc_ref *ref = &facts->refs[call->ref];
        size_t head = strcspn(ref->raw, ".");
        const char *tail = ref->raw + head; /* `.get`: the name itself is the result, not one of its attributes */
        if (ref->binding == SVC_BIND_LOCAL && tail[0] == '.' && strcmp(tail + 1, attr) == 0) {
            const svc_local_assign *last = last_assignment(facts, call->scope, ref->raw, head, call->span.byte);
            waits = last && !last->first_item && last->value_call >= 0 &&
                    sends_work(facts, &facts->calls[last->value_call]);
        }
    }
    if (!waits) return;
    svc_report(ctx, "SVC606", file, call->callee_span,
               "Task `%s` waits with `.%s()` for work it queued: a worker that blocks on another task can "
               "deadlock when every pool slot waits (Celery: never launch synchronous subtasks); chain the tasks "
               "or pass a callback with `link=`",
               task_label(m, &m->tasks[t]), attr);
}

/* ---- the family ---------------------------------------------------------------------- */

void svc_check_celery_calls(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    if (!m->ntasks) return;
    svc_map *wrappers = wrapper_map(m);
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_facts *facts = m->files[i].facts;
        if (!facts) continue;
        for (size_t c = 0; c < facts->ncalls; c++) {
            check_call_mismatch(ctx, wrappers, i, &facts->calls[c]);
            check_delay_in_transaction(ctx, wrappers, i, &facts->calls[c]);
            check_model_instances(ctx, wrappers, i, &facts->calls[c]);
            check_blocking_result(ctx, i, &facts->calls[c]);
        }
    }
    svc_map_free(wrappers);
}
