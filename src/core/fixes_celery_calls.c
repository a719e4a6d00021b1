/*
 * Fixes of the Celery safety rules about calls that queue a task (rules_celery_calls.c).
 *
 * SVC602 (unsafe): `t.delay(x)` inside a transaction becomes
 * `transaction.on_commit(lambda: t.delay(x))`, spelled with the file's own name for
 * `django.db.transaction` (or for its `on_commit`), else with `from django.db import transaction`
 * added; the atomic's `using=` is given to `on_commit` too (else it would wait for the default
 * database's commit). Only a call that is a statement of its own is wrapped (a used result would become
 * None), and not inside a loop or comprehension: the lambda would see the loop variable's last
 * value when the transaction commits.
 */
#include <stdlib.h>
#include <string.h>

#include "fixes_internal.h"
#include "rules_internal.h"

#define TRANSACTION "django.db.transaction"

static const svc_call *call_at(const svc_facts *facts, svc_span span)
{
    for (size_t c = 0; c < facts->ncalls; c++)
        if (facts->calls[c].callee_span.byte == span.byte && facts->calls[c].callee_span.end_byte == span.end_byte)
            return &facts->calls[c];
    return NULL;
}

/* The loop or comprehension between a node and its function, or a null node. */
static TSNode enclosing_loop(TSNode n)
{
    static const char *const loops[] = { "for_statement", "while_statement", "list_comprehension",
                                         "set_comprehension", "dictionary_comprehension", "generator_expression",
                                         NULL };
    for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
        const char *type = ts_node_type(p);
        if (strcmp(type, "function_definition") == 0 || strcmp(type, "class_definition") == 0) break;
        for (size_t i = 0; loops[i]; i++)
            if (strcmp(type, loops[i]) == 0) return p;
    }
    return (TSNode){ 0 };
}

const svc_fix *fx_celery_602(fx_ctx *ctx, const svc_diagnostic *d)
{
    if (d->file < 0) return NULL;
    size_t file = (size_t)d->file;
    const svc_facts *facts = ctx->m->files[file].facts;
    const svc_call *call = call_at(facts, d->span);
    if (!call) return NULL;
    const fx_text *t = fx_text_of(ctx, file);
    TSNode node = fx_node_exact(ctx, file, call->span.byte, call->span.end_byte);
    if (!t || ts_node_is_null(node) || strcmp(ts_node_type(node), "call") != 0)
        return fx_no_fix(ctx, "the call is written in a form the fix cannot read");
    TSNode stmt = ts_node_parent(node);
    if (ts_node_is_null(stmt) || strcmp(ts_node_type(stmt), "expression_statement") != 0 ||
        ts_node_named_child_count(stmt) != 1)
        return fx_no_fix(ctx, "the call's result is used: inside `on_commit` it would be None; change it by hand");
    if (!ts_node_is_null(enclosing_loop(node)))
        return fx_no_fix(ctx, "the call is inside a loop: a lambda would see the loop variable's last value at "
                              "commit; wrap it by hand (`functools.partial` binds the arguments now)");

    char *on_commit = NULL;
    bool add_import = false;
    const char *module = fx_existing_binding(ctx, file, TRANSACTION);
    const char *bare = module ? NULL : fx_existing_binding(ctx, file, TRANSACTION ".on_commit");
    if (module) on_commit = svc_xasprintf("%s.on_commit", module);
    else if (bare) on_commit = svc_xstrdup(bare);
    else if (fx_name_free(ctx, file, "transaction", TRANSACTION)) {
        on_commit = svc_xstrdup("transaction.on_commit");
        add_import = true;
    } else {
        return fx_no_fix(ctx, "the name `transaction` means something else in this file: import Django's "
                              "`transaction` under another name and wrap the call by hand");
    }
    fx_fix fix;
    fx_init(&fix, ctx);
    if (add_import)
        fx_add_import(&fix, file, "from django.db import transaction", call->scope >= 0 ? UINT32_MAX : call->span.byte);
    uint32_t row;
    const char *using_db = NULL;
    svc_call_in_atomic(ctx->m, facts, call, &row, &using_db);
    char *open = svc_xasprintf("%s(lambda: ", on_commit);
    char *close = using_db ? svc_xasprintf(", using=%s)", using_db) : svc_xstrdup(")");
    fx_edit(&fix, file, call->span.byte, call->span.byte, open);
    fx_edit(&fix, file, call->span.end_byte, call->span.end_byte, close);
    const svc_fix *out = fx_finish(&fix, SVC_FIX_UNSAFE, "Queue the task in `%s(lambda: ...)`", on_commit);
    free(open);
    free(close);
    free(on_commit);
    return out;
}
