/*
 * Call hierarchy on tasks and wrappers: prepareCallHierarchy finds the task or wrapper at the
 * cursor (its def or a use, svc_query_task_at), incomingCalls lists every place that triggers
 * it (svc_query_triggers_new: wrappers called, .delay, .apply_async, signatures, send_task, ...),
 * outgoingCalls what it runs: a task, the functions of the repository its body calls (the
 * cross-reference's callees); a wrapper, the task it queues.
 */
#include <stdlib.h>

#include "lsp/server.h"
#include "svcscope/util.h"

/* A CallHierarchyItem of what a dotted name defines; `data` says which task or wrapper it is (a
 * function's has index -1), for the calls asked of it next. */
static json_t *item_named(lsp_server *s, const char *dotted, const char *detail, bool is_task, long index)
{
    svc_query_definition def;
    if (!svc_query_define(s->ws.query, dotted, &def) || def.name.file == (size_t)-1) return NULL;
    json_t *span = lsp_location_of_place(s, def.span.file, def.span.line, def.span.column, def.span.end_line,
                                         def.span.end_column);
    json_t *name = lsp_location_of_place(s, def.name.file, def.name.line, def.name.column, def.name.end_line,
                                         def.name.end_column);
    json_t *item = json_pack("{s:s, s:i, s:s, s:O, s:O, s:O, s:{s:b, s:I}}", "name", dotted, "kind", 12, "detail",
                             detail, "uri", json_object_get(name, "uri"), "range", json_object_get(span, "range"),
                             "selectionRange", json_object_get(name, "range"), "data", "task", is_task, "index",
                             (json_int_t)index);
    json_decref(span);
    json_decref(name);
    return item;
}

static json_t *item_of(lsp_server *s, svc_xref_match match)
{
    const svc_model *m = s->ws.model;
    const char *dotted = match.is_task ? m->tasks[match.index].dotted : m->wrappers[match.index].dotted;
    return item_named(s, dotted, match.is_task ? "task" : "wrapper", match.is_task, (long)match.index);
}

/* The task or wrapper an item of ours names, false (and *err) when it is not one, or when the
 * project changed since and has no such one any more (*err code 0: an empty answer). */
static bool match_of_item(lsp_server *s, json_t *params, svc_xref_match *out, lsp_error *err)
{
    err->code = 0;
    if (!lsp_workspace_build(&s->ws, &s->docs)) {
        lsp_fail(err, LSP_REQUEST_FAILED, "the project could not be read: %s", s->ws.error);
        return false;
    }
    json_t *data = json_object_get(json_object_get(params, "item"), "data");
    json_t *index = json_object_get(data, "index");
    if (!json_is_integer(index)) {
        lsp_fail(err, LSP_INVALID_PARAMS, "not an item of prepareCallHierarchy");
        return false;
    }
    out->is_task = json_is_true(json_object_get(data, "task"));
    out->index = (size_t)json_integer_value(index);
    return json_integer_value(index) >= 0 && out->index < (out->is_task ? s->ws.model->ntasks : s->ws.model->nwrappers);
}

json_t *lsp_prepare_call_hierarchy(lsp_server *s, json_t *params, lsp_error *err)
{
    lsp_target t;
    if (!lsp_target_of(s, params, true, &t, err)) return NULL;
    svc_xref_match match;
    json_t *item = svc_query_task_at(s->ws.query, t.file, t.row, t.column, &match) ? item_of(s, match) : NULL;
    lsp_target_free(&t);
    return item ? json_pack("[o]", item) : json_null();
}

json_t *lsp_incoming_calls(lsp_server *s, json_t *params, lsp_error *err)
{
    svc_xref_match match;
    if (!match_of_item(s, params, &match, err)) return err->code ? NULL : json_array();
    svc_query_triggers *triggers = svc_query_triggers_new(s->ws.query, match, false);
    json_t *calls = json_array();
    for (size_t i = 0; triggers && i < triggers->n; i++) {
        const svc_xref_site *site = &triggers->items[i].site;
        json_t *at = lsp_location_of_place(s, site->file, site->line, site->column, site->line, site->column);
        char *detail = svc_xasprintf("%s:%u %s", site->path, site->line, svc_xref_kind_name(site->kind));
        json_t *from = json_pack("{s:s, s:i, s:s, s:O, s:O, s:O}", "name", site->enclosing, "kind",
                                 site->scope < 0 ? 2 : 12, "detail", detail, "uri", json_object_get(at, "uri"), "range",
                                 json_object_get(at, "range"), "selectionRange", json_object_get(at, "range"));
        json_array_append_new(calls, json_pack("{s:o, s:[O]}", "from", from, "fromRanges", json_object_get(at, "range")));
        free(detail);
        json_decref(at);
    }
    svc_query_triggers_free(triggers);
    return calls;
}

/* An outgoing call to `to` (taken) from a span of a file. */
static json_t *outgoing_call(lsp_server *s, json_t *to, size_t file, const svc_span *at)
{
    json_t *loc = lsp_location_of_place(s, file, at->row + 1, at->col + 1, at->end_row + 1, at->end_col + 1);
    json_t *call = json_pack("{s:o, s:[O]}", "to", to, "fromRanges", json_object_get(loc, "range"));
    json_decref(loc);
    return call;
}

json_t *lsp_outgoing_calls(lsp_server *s, json_t *params, lsp_error *err)
{
    svc_xref_match match;
    if (!match_of_item(s, params, &match, err)) return err->code ? NULL : json_array();
    const svc_model *m = s->ws.model;
    json_t *calls = json_array();
    if (!match.is_task) {
        const svc_wrapper *w = &m->wrappers[match.index];
        json_t *to = item_of(s, (svc_xref_match){ true, w->task });
        const svc_facts *facts = m->files[w->at.file].facts;
        if (to && w->call < facts->ncalls) json_array_append_new(calls, outgoing_call(s, to, w->at.file, &facts->calls[w->call].span));
        else json_decref(to);
        return calls;
    }
    const svc_xref_task *t = &svc_query_xref(s->ws.query)->tasks[match.index];
    for (size_t i = 0; i < t->ncallees; i++) {
        const svc_xref_callee *c = &t->callees[i];
        json_t *to = item_named(s, c->dotted, "function", false, -1);
        if (!to) continue;
        const svc_xref_site *site = &c->site;
        svc_span at = { site->line - 1, site->column - 1, site->line - 1, site->column - 1, 0, 0 };
        json_array_append_new(calls, outgoing_call(s, to, site->file, &at));
    }
    return calls;
}
