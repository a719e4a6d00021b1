/*
 * Task fixes: SVC402 (call the wrapper instead of `.delay`), SVC403 (private task), SVC404 (add the
 * `delay_` wrapper), SVC405 (name the wrapper `delay_...`).
 *
 * Decisions:
 *  - SVC404 (SAFE): `def delay_<name>(<params>):` + `return <task>.delay(<args>)` right after the
 *    task, `<name>` being the task's name without its leading underscores. The parameters are the
 *    task's (annotations and defaults kept, `/` and `*` kept, `self` dropped for bind=True); the
 *    call passes them on the same way (keyword-only ones as `k=k`). Indentation comes from the
 *    task (its `def` line and its body's first line: tabs stay tabs); two blank lines around it at
 *    module level, one inside a block; the file's line ending. The edit replaces the line ending
 *    after the task's last line (see fixes.c about conflicts). No fix when the module already binds
 *    the wrapper's name, for a nested task, or when a parameter cannot be forwarded (a Python 2
 *    tuple parameter, bind=True without parameters).
 *  - SVC403 (UNSAFE): rename to `_<name>` with fx_rename_def (the def, its module, every reference
 *    and `from m import name` in the repo, re-exports, `__all__`); `name="<module>.<name>"` is added to
 *    the task decorator when it has no `name=` (`@app.task` -> `@app.task(name="...")`,
 *    `@app.task(bind=True)` -> `@app.task(bind=True, name="...")`), so the registered Celery name, and
 *    so queued messages and beat schedules, stay valid; no fix when the decorator passes `**options`
 *    (a name may hide in it) or the file has no module name. The wrapper is added as SVC404 does when
 *    SVC404 would ask for it (a task of the tasks service, outside tests, with no public wrapper).
 *  - SVC402 (UNSAFE): only for a task of the tasks service that has a public `delay_` wrapper at
 *    module level whose parameters are the task's (same names and kinds, `self` aside; optional
 *    parameters named after Celery execution options, `countdown=None`, may follow), or none at
 *    all and SVC404 would add one (then this fix adds the same wrapper, byte for byte). `.delay(args)`
 *    keeps its arguments; `.apply_async` only with `args=`/`kwargs=` (or the first two positional
 *    arguments) given as literals (or None): `apply_async((a, b), {"k": v})` becomes
 *    `wrapper(a, b, k=v)`. Its other keywords are execution options: passed on by name when the
 *    wrapper takes every one of them (`wrapper(a, countdown=10)`), else no fix.
 *    The wrapper is reached through the module the call already goes through (`email_tasks._x.delay`
 *    -> `email_tasks.delay_x`), else through a module-level import of the tasks module that exists
 *    (under any alias), else a new `from services.tasks import email_tasks` (only for a depth-3
 *    tasks module whose name is free in the file, and not when the tasks module's own imports
 *    reach the file while the file does not import it yet: that would add an import cycle). An
 *    import of the task that only this call used is removed. A task's `.delay` passed as a value
 *    (`on_commit(partial(t.delay, x))`) becomes the wrapper the same way (it takes the same
 *    arguments); `.apply_async` passed as a value does not (its callers give argument tuples).
 *    Every call left without a fix says why (fx_no_fix): a task outside the tasks service (SVC401
 *    moves it first), `send_task`, a dispatch function, `.apply_async` passed as a value, options
 *    no wrapper takes, arguments that are not literals, a cycle, a name taken.
 *  - SVC405 (UNSAFE): the new name is the one the diagnostic gives: `delay_<task>` (task name without
 *    leading underscores) when the function delays a task of its own module and no top-level def
 *    has that name, else `delay_<function name>`. The rename goes through fx_rename_def, so call
 *    sites and `from m import old` across the repo follow; no fix when the module already uses the
 *    new name in any way.
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/celery.h"
#include "fixes_internal.h"

/* ---- helpers ---------------------------------------------------------------------------------- */

static const svc_def *def_of(const svc_model *m, svc_defref at)
{
    return &m->files[at.file].facts->defs[at.def];
}

static const char *bare_name(const char *name)
{
    while (*name == '_') name++;
    return name;
}

/* The def of the diagnostic's file whose name is at the diagnostic's span, or -1. */
static long def_at_name(const svc_facts *facts, svc_span span)
{
    for (size_t k = 0; k < facts->ndefs; k++)
        if (facts->defs[k].name_span.byte == span.byte && facts->defs[k].name_span.end_byte == span.end_byte)
            return (long)k;
    return -1;
}

static bool is_public(const svc_facts *facts, int def)
{
    for (int s = def; s >= 0; s = facts->defs[s].parent)
        if (facts->defs[s].name[0] == '_') return false;
    return true;
}

/* True when the module of `file` binds or uses `name` already. */
static bool module_uses(fx_ctx *ctx, size_t file, const char *name)
{
    const svc_file *f = &ctx->m->files[file];
    if (f->module) {
        char *dotted = svc_xasprintf("%s.%s", f->module, name);
        bool bound = svc_model_symbol(ctx->m, dotted) != NULL;
        free(dotted);
        if (bound) return true;
    }
    return !fx_name_free(ctx, file, name, NULL);
}

/* True when SVC404 asks for a wrapper for this task (see rules_tasks.c). */
static bool wants_wrapper(const svc_model *m, const svc_task *task)
{
    if (!task->in_tasks_service || m->files[task->at.file].is_test) return false;
    const svc_facts *facts = m->files[task->at.file].facts;
    for (size_t w = 0; w < task->nwrappers; w++)
        if (is_public(facts, (int)m->wrappers[task->wrappers[w]].at.def)) return false;
    return true;
}

/* ---- the wrapper ------------------------------------------------------------------------------- */

static void param_decl(svc_buf *b, const svc_param *p, const char *prefix)
{
    svc_buf_printf(b, "%s%s", prefix, p->name);
    if (p->annotation) svc_buf_printf(b, ": %s", p->annotation);
    if (p->default_text) svc_buf_printf(b, p->annotation ? " = %s" : "=%s", p->default_text);
}

/* The wrapper's parameter list and the call's arguments; false when they cannot be written. */
static bool wrapper_params(const svc_def *d, bool bind, char **sig_out, char **call_out)
{
    size_t start = bind ? 1 : 0;
    if (bind && (d->nparams == 0 || d->params[0].kind == SVC_PARAM_VARARGS || d->params[0].kind == SVC_PARAM_KWARGS))
        return false;
    long last_posonly = -1;
    for (size_t p = 0; p < d->nparams; p++)
        if (d->params[p].kind == SVC_PARAM_POSONLY) last_posonly = (long)p;
    svc_buf sig = { 0 }, call = { 0 };
    svc_buf_puts(&sig, "");
    svc_buf_puts(&call, "");
    bool star = false, ok = true;
    for (size_t p = start; p < d->nparams && ok; p++) {
        const svc_param *prm = &d->params[p];
        if (!fx_is_identifier(prm->name)) {
            ok = false;
            break;
        }
        const char *sep = p > start ? ", " : "";
        switch (prm->kind) {
        case SVC_PARAM_POSONLY:
        case SVC_PARAM_NORMAL:
            svc_buf_puts(&sig, sep);
            param_decl(&sig, prm, "");
            svc_buf_printf(&call, "%s%s", sep, prm->name);
            break;
        case SVC_PARAM_VARARGS:
            star = true;
            svc_buf_puts(&sig, sep);
            param_decl(&sig, prm, "*");
            svc_buf_printf(&call, "%s*%s", sep, prm->name);
            break;
        case SVC_PARAM_KWONLY:
            svc_buf_puts(&sig, sep);
            if (!star) svc_buf_puts(&sig, "*, ");
            star = true;
            param_decl(&sig, prm, "");
            svc_buf_printf(&call, "%s%s=%s", sep, prm->name, prm->name);
            break;
        case SVC_PARAM_KWARGS:
            svc_buf_puts(&sig, sep);
            param_decl(&sig, prm, "**");
            svc_buf_printf(&call, "%s**%s", sep, prm->name);
            break;
        }
        if ((long)p == last_posonly) svc_buf_puts(&sig, ", /");
    }
    if (!ok) {
        svc_buf_free(&sig);
        svc_buf_free(&call);
        return false;
    }
    *sig_out = svc_buf_detach(&sig);
    *call_out = svc_buf_detach(&call);
    return true;
}

static bool blank_line(const fx_text *t, uint32_t start, uint32_t *next)
{
    uint32_t p = start;
    while (p < t->len && (t->bytes[p] == ' ' || t->bytes[p] == '\t' || t->bytes[p] == '\r' || t->bytes[p] == '\f'))
        p++;
    if (p < t->len && t->bytes[p] != '\n') return false;
    *next = p < t->len ? p + 1 : t->len;
    return true;
}

/*
 * Adds `def <wname>(<params>):` / `return <callee>.delay(<args>)` after the task. The edit
 * replaces the line ending after the task's last line (the last byte at the end of a file with
 * none), so two fixes adding a wrapper to one task conflict.
 */
static bool add_wrapper(fx_fix *fix, const svc_task *task, const char *wname, const char *callee)
{
    fx_ctx *ctx = fix->ctx;
    size_t file = task->at.file;
    const svc_def *d = def_of(ctx->m, task->at);
    const fx_text *t = fx_text_of(ctx, file);
    char *sig = NULL, *call = NULL;
    if (!t || d->parent != -1 || !wrapper_params(d, task->bind, &sig, &call)) return false;
    char *indent = fx_line_indent(t, d->span.byte);
    char *body_indent;
    if (d->body_span.row != d->name_span.row) body_indent = fx_line_indent(t, d->body_span.byte);
    else body_indent = svc_xasprintf("%s%s", indent, strchr(indent, '\t') ? "\t" : "    ");
    int blanks = d->indent == 0 ? 2 : 1;
    const char *nl = t->nl;

    svc_buf text = { 0 };
    uint32_t last = d->span.end_byte;
    if (last > d->span.byte && t->bytes[last - 1] == '\n') last--; /* a block that ends after its newline */
    uint32_t le = fx_line_end(t, last);
    uint32_t start, end;
    if (le < t->len) {
        uint32_t nl_len = t->bytes[le] == '\r' ? 2 : 1;
        start = le;
        end = le + nl_len;
        svc_buf_append(&text, t->bytes + le, nl_len);
    } else {
        if (t->len <= t->base) {
            free(sig);
            free(call);
            free(indent);
            free(body_indent);
            return false;
        }
        start = t->len - 1;
        end = t->len;
        svc_buf_append(&text, t->bytes + start, 1);
        svc_buf_puts(&text, nl);
    }
    for (int i = 0; i < blanks; i++) svc_buf_puts(&text, nl);
    svc_buf_printf(&text, "%sdef %s(%s):%s%sreturn %s.delay(%s)%s", indent, wname, sig, nl, body_indent, callee, call,
                   nl);
    /* blank lines before what follows */
    int after = 0;
    uint32_t p = end, next;
    while (p < t->len && blank_line(t, p, &next)) {
        after++;
        p = next;
    }
    if (p < t->len)
        for (int i = after; i < blanks; i++) svc_buf_puts(&text, nl);
    fx_edit(fix, file, start, end, text.data);
    svc_buf_free(&text);
    free(sig);
    free(call);
    free(indent);
    free(body_indent);
    return true;
}

/* The task whose def name is at the diagnostic's span, or -1. */
static long task_at_diag(const svc_model *m, const svc_diagnostic *d)
{
    if (d->file < 0) return -1;
    long def = def_at_name(m->files[d->file].facts, d->span);
    return def < 0 ? -1 : svc_model_task_at(m, (size_t)d->file, (size_t)def);
}

/* ---- SVC404 --------------------------------------------------------------------------------------- */

const svc_fix *fx_tasks_404(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    long t = task_at_diag(m, d);
    if (t < 0) return NULL;
    const svc_task *task = &m->tasks[t];
    const svc_def *def = def_of(m, task->at);
    char *wname = svc_xasprintf("delay_%s", bare_name(def->name));
    const svc_fix *out = NULL;
    fx_fix fix;
    fx_init(&fix, ctx);
    if (!fx_text_of(ctx, task->at.file) || module_uses(ctx, task->at.file, wname) ||
        !add_wrapper(&fix, task, wname, def->name))
        fx_fail(&fix);
    out = fx_finish(&fix, SVC_FIX_SAFE, "Add `%s` after `%s`: a public function that calls `%s.delay`", wname,
                    def->name, def->name);
    free(wname);
    return out;
}

/* Adds `name="<name>"` to the decorator that makes `task` a task: 1 when added, 0 when it already
 * passes a `name=` (not a literal, or the model would know it), -1 when it passes `**options` (a
 * name may hide in it) or no decorator made it. Shared with SVC605's fix. */
int fx_name_task(fx_fix *fix, const svc_model *m, const svc_task *task, const char *name)
{
    const svc_def *def = def_of(m, task->at);
    const svc_decorator *dec = NULL;
    for (size_t i = 0; i < def->ndecorators && !dec; i++)
        if (def->decorators[i].callee && strcmp(def->decorators[i].callee, task->decorator) == 0)
            dec = &def->decorators[i];
    if (!dec) return -1;
    bool has_name = false;
    for (size_t a = 0; a < dec->nargs; a++) {
        const char *kw = dec->args[a].keyword;
        if (kw && strcmp(kw, "**") == 0) return -1;
        if (kw && strcmp(kw, "name") == 0) has_name = true;
    }
    if (has_name) return 0;
    char *arg = svc_xasprintf("name=\"%s\"", name);
    char *text;
    uint32_t at;
    if (!dec->is_call) {
        text = svc_xasprintf("(%s)", arg);
        at = dec->span.end_byte;
    } else if (dec->nargs) {
        text = svc_xasprintf(", %s", arg);
        at = dec->args[dec->nargs - 1].span.end_byte;
    } else {
        text = svc_xstrdup(arg);
        at = dec->args_span.byte + 1;
    }
    fx_edit(fix, task->at.file, at, at, text);
    free(text);
    free(arg);
    return 1;
}

/* ---- SVC403 --------------------------------------------------------------------------------------- */

const svc_fix *fx_tasks_403(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    long t = task_at_diag(m, d);
    if (t < 0) return NULL;
    const svc_task *task = &m->tasks[t];
    const svc_file *f = &m->files[task->at.file];
    const svc_def *def = def_of(m, task->at);
    if (!f->module || def->name[0] == '_' || !fx_text_of(ctx, task->at.file)) return NULL;
    char *new_name = svc_xasprintf("_%s", def->name);
    fx_fix fix;
    fx_init(&fix, ctx);
    fx_rename_def(&fix, task->at.file, task->at.def, new_name);

    /* keep the Celery name */
    bool named = false;
    if (!task->celery_name) {
        int added = fx_name_task(&fix, m, task, task->dotted);
        if (added < 0) fx_fail(&fix);
        named = added > 0;
    }
    /* the wrapper, when SVC404 asks for one */
    char *wname = svc_xasprintf("delay_%s", bare_name(def->name));
    bool wrapped = false;
    if (wants_wrapper(m, task) && !module_uses(ctx, task->at.file, wname))
        wrapped = add_wrapper(&fix, task, wname, new_name);
    const svc_fix *out =
        fx_finish(&fix, SVC_FIX_UNSAFE, "Rename `%s` to `%s` and update its references%s%s%s%s%s%s", def->name,
                  new_name, named ? "; keep its Celery name `" : "", named ? task->dotted : "", named ? "`" : "",
                  wrapped ? "; add `" : "", wrapped ? wname : "", wrapped ? "`" : "");
    free(wname);
    free(new_name);
    return out;
}

/* ---- SVC405 --------------------------------------------------------------------------------------- */

const svc_fix *fx_tasks_405(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->file < 0) return NULL;
    size_t file = (size_t)d->file;
    const svc_facts *facts = m->files[file].facts;
    long fn = def_at_name(facts, d->span);
    if (fn < 0 || facts->defs[fn].parent != -1 || facts->defs[fn].kind != SVC_DEF_FUNCTION) return NULL;
    const svc_def *def = &facts->defs[fn];
    long t = -1;
    for (size_t c = 0; c < facts->ncalls && t < 0; c++) {
        const svc_call *call = &facts->calls[c];
        if (!svc_attr_queues_task(call->attr) || svc_facts_outermost_function(facts, call->scope) != fn) continue;
        t = svc_model_task_of_call(m, facts, call);
        for (size_t w = 0; w < m->nwrappers && t < 0; w++)
            if (m->wrappers[w].at.file == file && m->wrappers[w].call == c) t = (long)m->wrappers[w].task;
    }
    if (t < 0) return NULL;
    const svc_task *task = &m->tasks[t];
    const svc_def *td = def_of(m, task->at);
    char *want = task->at.file == file ? svc_xasprintf("delay_%s", bare_name(td->name))
                                       : svc_xasprintf("delay_%s", def->name);
    bool defined = false; /* as the rule decides (rules_tasks.c): a top-level def of that name */
    for (size_t k = 0; k < facts->ndefs && !defined; k++)
        defined = facts->defs[k].parent == -1 && strcmp(facts->defs[k].name, want) == 0;
    if (task->at.file == file && defined) {
        free(want);
        want = svc_xasprintf("delay_%s", def->name);
    }
    fx_fix fix;
    fx_init(&fix, ctx);
    fx_rename_def(&fix, file, (size_t)fn, want);
    const svc_fix *out =
        fx_finish(&fix, SVC_FIX_UNSAFE, "Rename `%s` to `%s` and update its call sites", def->name, want);
    free(want);
    return out;
}

/* ---- SVC402 --------------------------------------------------------------------------------------- */

/* Keyword arguments of Celery's `apply_async` that are not the task's arguments: where, when and
 * how the message is sent. A wrapper that has a parameter of one of these names (with a default)
 * takes that option. */
static bool execution_option(const char *name)
{
    static const char *const options[] = { "countdown", "eta", "expires", "queue", "routing_key", "exchange",
                                           "priority", "retry", "retry_policy", "link", "link_error", "headers",
                                           "serializer", "compression", "task_id", "shadow", "connection",
                                           "producer", "add_to_parent", "publisher", "time_limit",
                                           "soft_time_limit", "ignore_result", "reply_to", "chord", "group_id",
                                           "root_id", "parent_id", "declare", "exchange_type", "delivery_mode",
                                           "mandatory", "immediate", NULL };
    for (size_t i = 0; options[i]; i++)
        if (strcmp(options[i], name) == 0) return true;
    return false;
}

static bool positional_kind(svc_param_kind k) { return k == SVC_PARAM_NORMAL || k == SVC_PARAM_POSONLY; }

/*
 * True when `wrapper` forwards the task's parameters: the same names and kinds in the same order
 * (`self` of bind=True aside; optional where the task's are), plus optional parameters named after
 * execution options (`def delay_x(order_id, countdown=None)`) that no argument meant for the task
 * can reach: keyword-only or after every positional parameter and `*args` of the task, and only
 * when the task has no `**kwargs`.
 */
static bool forwards_params(const svc_def *wrapper, const svc_def *task, bool bind)
{
    size_t start = bind ? 1 : 0;
    if (task->nparams < start) return false;
    size_t tp = start;
    for (size_t p = 0; p < wrapper->nparams; p++) {
        const svc_param *a = &wrapper->params[p];
        if (tp < task->nparams && a->kind == task->params[tp].kind && strcmp(a->name, task->params[tp].name) == 0) {
            if (task->params[tp].default_text && !a->default_text) return false; /* a call may leave it out */
            tp++;
            continue;
        }
        if (!a->default_text || !execution_option(a->name) || !(positional_kind(a->kind) || a->kind == SVC_PARAM_KWONLY))
            return false;
        for (size_t q = start; q < task->nparams; q++) {
            /* the task's own parameter of that name, or its **kwargs, would take the keyword */
            if (strcmp(task->params[q].name, a->name) == 0 || task->params[q].kind == SVC_PARAM_KWARGS) return false;
            if (q >= tp && a->kind != SVC_PARAM_KWONLY &&
                (positional_kind(task->params[q].kind) || task->params[q].kind == SVC_PARAM_VARARGS))
                return false;
        }
    }
    return tp == task->nparams;
}

/* True when the wrapper has a parameter `name` (forwards_params: then it is an execution option). */
static bool takes_param(const svc_def *wrapper, const char *name)
{
    for (size_t p = 0; p < wrapper->nparams; p++)
        if ((positional_kind(wrapper->params[p].kind) || wrapper->params[p].kind == SVC_PARAM_KWONLY) &&
            strcmp(wrapper->params[p].name, name) == 0)
            return true;
    return false;
}

static bool python_keyword(const char *s)
{
    static const char *const words[] = { "False", "None", "True", "and", "as", "assert", "async", "await", "break",
                                         "class", "continue", "def", "del", "elif", "else", "except", "finally",
                                         "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
                                         "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
                                         NULL };
    for (size_t i = 0; words[i]; i++)
        if (strcmp(words[i], s) == 0) return true;
    return false;
}

static void add_arg(svc_buf *b, const char *text)
{
    if (b->len) svc_buf_puts(b, ", ");
    svc_buf_puts(b, text);
}

static bool sequence_items(const fx_text *t, TSNode seq, svc_buf *out)
{
    const char *type = ts_node_type(seq);
    if (strcmp(type, "none") == 0) return true;
    if (strcmp(type, "tuple") != 0 && strcmp(type, "list") != 0) return false;
    uint32_t n = ts_node_named_child_count(seq);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(seq, i);
        if (strcmp(ts_node_type(c), "comment") == 0) continue;
        char *text = fx_node_text(t, c);
        add_arg(out, text);
        free(text);
    }
    return true;
}

static bool dict_items(const fx_text *t, TSNode dict, svc_buf *out)
{
    if (strcmp(ts_node_type(dict), "none") == 0) return true;
    if (strcmp(ts_node_type(dict), "dictionary") != 0) return false;
    uint32_t n = ts_node_named_child_count(dict);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(dict, i);
        const char *type = ts_node_type(c);
        if (strcmp(type, "comment") == 0) continue;
        if (strcmp(type, "dictionary_splat") == 0) {
            char *text = fx_node_text(t, c);
            add_arg(out, text);
            free(text);
            continue;
        }
        if (strcmp(type, "pair") != 0) return false;
        TSNode key = ts_node_child_by_field_name(c, "key", 3);
        TSNode value = ts_node_child_by_field_name(c, "value", 5);
        if (ts_node_is_null(key) || ts_node_is_null(value) || strcmp(ts_node_type(key), "string") != 0) return false;
        char *k = fx_node_text(t, key);
        size_t kl = strlen(k);
        bool ok = kl >= 3 && (k[0] == '"' || k[0] == '\'') && k[kl - 1] == k[0];
        char *name = ok ? svc_xstrndup(k + 1, kl - 2) : NULL;
        ok = ok && fx_is_identifier(name) && !python_keyword(name);
        if (ok) {
            char *v = fx_node_text(t, value);
            char *arg = svc_xasprintf("%s=%s", name, v);
            add_arg(out, arg);
            free(arg);
            free(v);
        }
        free(name);
        free(k);
        if (!ok) return false;
    }
    return true;
}

/* What a `.apply_async(...)` call passes: the task's arguments as a wrapper call would take them,
 * and the execution options it gives. */
typedef struct queued_args {
    svc_buf args;            /* "a, b, k=v" */
    SVC_VEC(char *) options; /* "countdown", ... (names) */
    SVC_VEC(char *) option_args; /* "countdown=10", ... */
} queued_args;

static void queued_args_free(queued_args *q)
{
    svc_buf_free(&q->args);
    for (size_t i = 0; i < q->options.len; i++) free(q->options.items[i]);
    for (size_t i = 0; i < q->option_args.len; i++) free(q->option_args.items[i]);
    svc_vec_free(&q->options);
    svc_vec_free(&q->option_args);
}

/* Shortened source text of a node, for a reason (malloc'd). */
static char *short_text(const fx_text *t, TSNode n)
{
    char *text = fx_node_text(t, n);
    for (char *c = text; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t') *c = ' ';
    if (strlen(text) > 40) strcpy(text + 37, "...");
    return text;
}

/* Says that `.apply_async`'s `what` (args, kwargs) is not the literal the wrapper call needs. */
static bool not_literal(fx_ctx *ctx, const fx_text *t, TSNode value, const char *what, const char *want)
{
    char *text = short_text(t, value);
    fx_no_fix(ctx, "`.apply_async`'s %s are `%s`, not %s: the wrapper call cannot be written", what, text, want);
    free(text);
    return false;
}

/* Reads the arguments of a `.apply_async(...)` call into `q`; false (and the reason given) when
 * they are not literals a wrapper call can spell: a variable, `*args`, a third positional one. */
static bool read_apply_async(fx_ctx *ctx, size_t file, const svc_call *call, queued_args *q)
{
    const fx_text *t = fx_text_of(ctx, file);
    TSNode node = fx_node_exact(ctx, file, call->span.byte, call->span.end_byte);
    if (!t || ts_node_is_null(node) || strcmp(ts_node_type(node), "call") != 0)
        return fx_no_fix(ctx, "the `.apply_async` call is written in a form the fix cannot read"), false;
    TSNode args = ts_node_child_by_field_name(node, "arguments", 9);
    if (ts_node_is_null(args) || strcmp(ts_node_type(args), "argument_list") != 0)
        return fx_no_fix(ctx, "the `.apply_async` call is written in a form the fix cannot read"), false;
    TSNode positional = { 0 }, keywords = { 0 };
    bool have_pos = false, have_kw = false;
    uint32_t n = ts_node_named_child_count(args), npos = 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(args, i);
        const char *type = ts_node_type(c);
        if (strcmp(type, "comment") == 0) continue;
        if (strcmp(type, "keyword_argument") == 0) {
            TSNode name = ts_node_child_by_field_name(c, "name", 4);
            TSNode value = ts_node_child_by_field_name(c, "value", 5);
            if (ts_node_is_null(name) || ts_node_is_null(value))
                return fx_no_fix(ctx, "the `.apply_async` call is written in a form the fix cannot read"), false;
            char *k = fx_node_text(t, name);
            if (strcmp(k, "args") == 0 && !have_pos) {
                positional = value;
                have_pos = true;
            } else if (strcmp(k, "kwargs") == 0 && !have_kw) {
                keywords = value;
                have_kw = true;
            } else {
                char *v = fx_node_text(t, value);
                svc_vec_push(&q->options, svc_xstrdup(k));
                svc_vec_push(&q->option_args, svc_xasprintf("%s=%s", k, v));
                free(v);
            }
            free(k);
        } else if (strcmp(type, "list_splat") == 0 || strcmp(type, "dictionary_splat") == 0) {
            char *text = short_text(t, c);
            fx_no_fix(ctx, "`.apply_async` is given `%s`: what it passes is not known here", text);
            free(text);
            return false;
        } else if (npos == 0 && !have_pos) {
            positional = c;
            have_pos = true;
            npos++;
        } else if (npos == 1 && !have_kw) {
            keywords = c;
            have_kw = true;
            npos++;
        } else {
            return fx_no_fix(ctx, "`.apply_async` is given execution options by position"), false;
        }
    }
    svc_buf_puts(&q->args, "");
    if (have_pos && !sequence_items(t, positional, &q->args))
        return not_literal(ctx, t, positional, "args", "a literal list or tuple");
    if (have_kw && !dict_items(t, keywords, &q->args))
        return not_literal(ctx, t, keywords, "kwargs", "a literal dict with string keys");
    return true;
}

/* True when the module-level imports of `from` reach `target` (a file), through the packages each
 * import runs too: `from services.tasks import x_tasks` runs services/__init__.py,
 * services/tasks/__init__.py and x_tasks.py. `start` are the modules the new import would run. */
static bool imports_reach(const svc_model *m, const char *const *start, size_t nstart, size_t target)
{
    unsigned char *seen = svc_xcalloc(m->nfiles ? m->nfiles : 1, 1);
    SVC_VEC(size_t) todo = { 0 };
    bool found = false;
    /* every package on the way to a dotted name, then the name itself when it is a module */
    SVC_VEC(const char *) names = { 0 };
    for (size_t i = 0; i < nstart; i++) svc_vec_push(&names, start[i]);
    for (;;) {
        for (size_t i = 0; i < names.len; i++) {
            const char *dotted = names.items[i];
            size_t parts = fx_dotted_count(dotted);
            for (size_t k = 1; k <= parts; k++) {
                char *head = svc_dotted_head(dotted, k);
                const svc_symbol *sym = svc_model_symbol(m, head);
                free(head);
                if (sym && sym->kind == SVC_SYM_MODULE && !seen[sym->file]) {
                    seen[sym->file] = 1;
                    svc_vec_push(&todo, sym->file);
                }
            }
        }
        names.len = 0;
        if (!todo.len || found) break;
        size_t f = todo.items[--todo.len];
        if (f == target) {
            found = true;
            break;
        }
        const svc_facts *facts = m->files[f].facts;
        for (size_t k = 0; facts && k < facts->nimports; k++) {
            const svc_import *imp = &facts->imports[k];
            if (imp->scope != -1 || imp->unresolved) continue;
            if (imp->module) svc_vec_push(&names, imp->module);
            if (imp->target) svc_vec_push(&names, imp->target);
        }
    }
    svc_vec_free(&names);
    svc_vec_free(&todo);
    free(seen);
    return found;
}

/* True when the file already imports `module` (or a name of it) at module level: importing the
 * module once more adds no import cycle that is not there already. */
static bool imports_module(const svc_facts *facts, const char *module)
{
    size_t n = strlen(module);
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->scope != -1 || imp->unresolved) continue;
        const char *names[] = { imp->module, imp->target };
        for (size_t i = 0; i < 2; i++)
            if (names[i] && strncmp(names[i], module, n) == 0 && (names[i][n] == '\0' || names[i][n] == '.'))
                return true;
    }
    return false;
}

/* The reference a finding about a task's `.delay`/`.apply_async` passed as a value is at, or NULL. */
static const svc_ref *queuing_value_at(const svc_facts *facts, const svc_diagnostic *d)
{
    for (size_t r = 0; r < facts->nrefs; r++) {
        const svc_ref *ref = &facts->refs[r];
        if (ref->span.byte != d->span.byte || ref->span.end_byte != d->span.end_byte || !ref->resolved ||
            (ref->flags & (SVC_REF_CALLED | SVC_REF_STORE)))
            continue;
        const char *dot = strrchr(ref->resolved, '.');
        if (dot && svc_attr_queues_task(dot + 1)) return ref;
    }
    return NULL;
}

/* Why a call that queues a task by name or through a helper gets no fix. */
static const svc_fix *queued_otherwise(fx_ctx *ctx, const svc_facts *facts, const svc_diagnostic *d)
{
    for (size_t c = 0; c < facts->ncalls; c++) {
        const svc_call *call = &facts->calls[c];
        if (call->callee_span.byte != d->span.byte || call->callee_span.end_byte != d->span.end_byte) continue;
        if (svc_model_task_sent(ctx->m, facts, call) >= 0)
            return fx_no_fix(ctx, "`send_task` queues the task by its name: call its `delay_` wrapper by hand");
        return fx_no_fix(ctx, "the task is queued through a dispatch function: call its `delay_` wrapper by hand");
    }
    return NULL;
}

/* The wrapper to call: a public `delay_` function at module level that forwards the task's
 * parameters and takes every execution option the call gives; NULL (and the reason) when none. */
static const svc_wrapper *choose_wrapper(fx_ctx *ctx, const svc_task *task, const queued_args *q, bool *any)
{
    const svc_model *m = ctx->m;
    const svc_def *td = def_of(m, task->at);
    const svc_wrapper *forwarding = NULL;
    *any = false;
    for (size_t w = 0; w < task->nwrappers; w++) {
        const svc_wrapper *wr = &m->wrappers[task->wrappers[w]];
        const svc_def *wd = def_of(m, wr->at);
        if (!wr->named_delay || wd->parent != -1 || !is_public(m->files[wr->at.file].facts, (int)wr->at.def) ||
            !m->files[wr->at.file].module)
            continue;
        *any = true;
        if (!forwards_params(wd, td, task->bind)) continue;
        if (!forwarding) forwarding = wr;
        bool takes_all = true;
        for (size_t o = 0; o < q->options.len && takes_all; o++) takes_all = takes_param(wd, q->options.items[o]);
        if (takes_all) return wr;
    }
    if (forwarding) {
        svc_buf names = { 0 };
        for (size_t o = 0; o < q->options.len; o++)
            if (!takes_param(def_of(m, forwarding->at), q->options.items[o]))
                svc_buf_printf(&names, "%s`%s`", names.len ? ", " : "", q->options.items[o]);
        fx_no_fix(ctx, "`.apply_async` passes %s, which `%s` does not take: leave the call, or give the wrapper "
                       "that parameter",
                  names.data, def_of(m, forwarding->at)->name);
        svc_buf_free(&names);
    }
    return NULL;
}

const svc_fix *fx_tasks_402(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->file < 0) return NULL;
    size_t file = (size_t)d->file;
    const svc_facts *facts = m->files[file].facts;
    const svc_call *call = NULL;
    for (size_t c = 0; c < facts->ncalls && !call; c++)
        if (facts->calls[c].callee_span.byte == d->span.byte && facts->calls[c].callee_span.end_byte == d->span.end_byte &&
            svc_attr_queues_task(facts->calls[c].attr))
            call = &facts->calls[c];
    /* the queueing reference: the callee of `<task>.delay(...)`, or `<task>.delay` passed as a value */
    const svc_ref *ref = NULL;
    const char *attr;
    long ti = -1;
    if (call) {
        attr = call->attr;
        if (call->ref >= 0) {
            ref = &facts->refs[call->ref];
            ti = svc_model_task_of_call(m, facts, call);
        }
    } else {
        ref = queuing_value_at(facts, d);
        if (!ref) return queued_otherwise(ctx, facts, d);
        attr = svc_dotted_last(ref->resolved);
        if (strcmp(attr, "delay") != 0)
            return fx_no_fix(ctx, "`.%s` is passed as a value: what calls it gives argument tuples, which a wrapper "
                                  "does not take; change it by hand",
                             attr);
        char *object = svc_xstrndup(ref->resolved, (size_t)(attr - 1 - ref->resolved));
        ti = svc_model_task_named(m, object);
        free(object);
    }
    if (ti < 0)
        return fx_no_fix(ctx, "`.%s` is called on something that is not known to be a task of the repo", attr);
    const svc_task *task = &m->tasks[ti];
    const svc_def *td = def_of(m, task->at);
    const char *tmod = m->files[task->at.file].module;
    if (!task->in_tasks_service)
        return fx_no_fix(ctx, "task `%s` is not in the tasks service yet: move it there first (SVC401), then its "
                              "callers can call its `delay_` wrapper",
                         task->name);
    if (!tmod) return fx_no_fix(ctx, "the module of task `%s` cannot be imported by name", task->name);
    const fx_text *t = fx_text_of(ctx, file);
    if (!t) return fx_no_fix(ctx, "the file cannot be read or does not parse");

    /* what the call passes */
    queued_args q = { 0 };
    const svc_fix *out = NULL;
    bool apply_async = call && strcmp(attr, "apply_async") == 0;
    if (apply_async && !read_apply_async(ctx, file, call, &q)) {
        queued_args_free(&q);
        return NULL;
    }

    /* the wrapper: an existing one that forwards (and takes the options given), or the one SVC404 adds */
    const char *wname = NULL, *wmod = tmod;
    char *owned_wname = NULL;
    bool pending = false, any_wrapper = false;
    const svc_wrapper *chosen = choose_wrapper(ctx, task, &q, &any_wrapper);
    if (chosen) {
        wname = def_of(m, chosen->at)->name;
        wmod = m->files[chosen->at.file].module;
    } else if (ctx->no_fix) {
        queued_args_free(&q);
        return NULL;
    } else if (q.options.len) {
        svc_buf names = { 0 };
        for (size_t o = 0; o < q.options.len; o++)
            svc_buf_printf(&names, "%s`%s`", names.len ? ", " : "", q.options.items[o]);
        fx_no_fix(ctx, any_wrapper ? "`.apply_async` passes %s, and no `delay_` wrapper of task `%s` takes %s: leave "
                                     "the call, or give the wrapper that parameter"
                                   : "`.apply_async` passes %s, and task `%s` has no `delay_` wrapper to take %s: "
                                     "leave the call, or add a wrapper with that parameter",
                  names.data, task->name, q.options.len == 1 ? "it" : "them");
        svc_buf_free(&names);
        queued_args_free(&q);
        return NULL;
    } else {
        if (any_wrapper) {
            queued_args_free(&q);
            return fx_no_fix(ctx, "the `delay_` wrapper of task `%s` does not take the task's parameters", task->name);
        }
        if (!wants_wrapper(m, task)) {
            queued_args_free(&q);
            return fx_no_fix(ctx, m->files[task->at.file].is_test
                                      ? "task `%s` is in a test module: no wrapper is added to it"
                                      : "task `%s` has a public wrapper not named `delay_...`: rename it first (SVC405)",
                             task->name);
        }
        owned_wname = svc_xasprintf("delay_%s", bare_name(td->name));
        if (module_uses(ctx, task->at.file, owned_wname)) {
            fx_no_fix(ctx, "`%s` already names something else in %s", owned_wname, m->files[task->at.file].path);
            free(owned_wname);
            queued_args_free(&q);
            return NULL;
        }
        wname = owned_wname;
        pending = true;
    }
    char *wdotted = svc_xasprintf("%s.%s", wmod, wname);
    char *args = NULL;
    if (apply_async) {
        for (size_t o = 0; o < q.option_args.len; o++) add_arg(&q.args, q.option_args.items[o]);
        args = svc_xasprintf("(%s)", q.args.data ? q.args.data : "");
    }

    fx_fix fix;
    fx_init(&fix, ctx);
    size_t nr = fx_dotted_count(ref->raw), ns = fx_dotted_count(ref->resolved);
    uint32_t parts[64][2];
    size_t np = fx_chain_parts(t, ref->span.byte, ref->span.end_byte, parts, 64);
    char *import_stmt = NULL;
    const char *shown = NULL;
    char *shown_owned = NULL;
    if (np != nr || nr < 2 || ns < nr) {
        fx_no_fix(ctx, "`%s` is written in a form the fix cannot rewrite", ref->raw);
        fx_fail(&fix);
    }
    if (!fix.failed) {
        size_t jt = nr - 2; /* the task's part of the chain */
        uint32_t end = args ? call->span.end_byte : parts[nr - 1][1];
        bool through_module = false;
        if (jt >= 1) {
            char *object = svc_dotted_head(ref->resolved, ns - nr + jt);
            const char *r = svc_model_resolve(m, object);
            if (pending) {
                through_module = r && strcmp(r, tmod) == 0;
            } else {
                char *candidate = svc_xasprintf("%s.%s", object, wname);
                through_module = fx_same(m, candidate, wdotted) && svc_model_resolve(m, candidate);
                free(candidate);
            }
            free(object);
        }
        if (through_module) {
            char *text = svc_xasprintf("%s%s", wname, args ? args : "");
            fx_edit(&fix, file, parts[jt][0], end, text);
            free(text);
            shown = shown_owned = svc_xasprintf("%.*s%s", (int)(parts[jt][0] - parts[0][0]), t->bytes + parts[0][0], wname);
        } else {
            const char *binding = fx_existing_binding(ctx, file, wmod);
            if (!binding) {
                const char *last = svc_dotted_last(wmod);
                char *package = last == wmod ? NULL : svc_xstrndup(wmod, (size_t)(last - wmod - 1));
                if (svc_service_depth(m, wmod) != 3 || !package) {
                    fx_no_fix(ctx, "`%s` is not a module of the tasks service that may be imported here", wmod);
                    fx_fail(&fix);
                } else if (!fx_name_free(ctx, file, last, wmod)) {
                    fx_no_fix(ctx, "`%s` already names something else in this file: import `%s` by hand", last, wmod);
                    fx_fail(&fix);
                } else {
                    const char *const start[] = { wmod };
                    if (!imports_module(facts, wmod) && imports_reach(m, start, 1, file)) {
                        fx_no_fix(ctx, "`%s` imports this module (directly or through others): importing it here "
                                       "would make an import cycle",
                                  wmod);
                        fx_fail(&fix);
                    } else {
                        import_stmt = svc_xasprintf("from %s import %s", package, last);
                        binding = last;
                    }
                }
                free(package);
            }
            if (binding && !fix.failed) {
                char *text = svc_xasprintf("%s.%s%s", binding, wname, args ? args : "");
                fx_edit(&fix, file, parts[0][0], end, text);
                free(text);
                shown = shown_owned = svc_xasprintf("%s.%s", binding, wname);
            }
            /* the task's import, when this call was its only use */
            if (!fix.failed && ref->binding == SVC_BIND_IMPORT && ref->import_index >= 0) {
                const svc_import *imp = &facts->imports[ref->import_index];
                size_t uses = 0;
                for (size_t r = 0; r < facts->nrefs; r++)
                    uses += facts->refs[r].binding == SVC_BIND_IMPORT && facts->refs[r].import_index == ref->import_index;
                if (uses == 1 && imp->bound && !fx_name_exported(ctx, file, imp->bound) &&
                    fx_name_free(ctx, file, imp->bound, imp->target))
                    fx_remove_import(&fix, file, (size_t)ref->import_index);
            }
            if (!fix.failed && import_stmt)
                fx_add_import(&fix, file, import_stmt, ref->scope == -1 ? ref->span.byte : UINT32_MAX);
        }
    }
    if (!fix.failed && pending && !add_wrapper(&fix, task, wname, td->name)) {
        fx_no_fix(ctx, "a `%s` wrapper cannot be written for task `%s` (nested, or a parameter it cannot forward)",
                  wname, task->name);
        fx_fail(&fix);
    }
    if (call)
        out = fx_finish(&fix, SVC_FIX_UNSAFE, "Call `%s` instead of `.%s` on the task%s", shown ? shown : wname, attr,
                        pending ? " (and add it next to the task)" : "");
    else
        out = fx_finish(&fix, SVC_FIX_UNSAFE, "Pass `%s` instead of the task's `.delay`%s", shown ? shown : wname,
                        pending ? " (and add it next to the task)" : "");
    if (!out) fx_no_fix(ctx, "the fix's edits would overlap");
    free(args);
    free(import_stmt);
    free(shown_owned);
    free(wdotted);
    free(owned_wname);
    queued_args_free(&q);
    return out;
}
