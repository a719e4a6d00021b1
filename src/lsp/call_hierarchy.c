/*
 * Call hierarchy on tasks and wrappers: prepareCallHierarchy finds the task or wrapper at the
 * cursor (its def or a use, svc_query_task_at), incomingCalls lists every place that triggers
 * it (svc_query_triggers_new: wrappers called, .delay, .apply_async, signatures, send_task, ...).
 */
#include <stdlib.h>

#include "lsp/server.h"
#include "svcscope/util.h"

/* A CallHierarchyItem of a task or wrapper; `data` says which, for incomingCalls. */
static json_t *item_of(lsp_server *s, svc_xref_match match)
{
    const svc_model *m = s->ws.model;
    const char *dotted = match.is_task ? m->tasks[match.index].dotted : m->wrappers[match.index].dotted;
    svc_query_definition def;
    if (!svc_query_define(s->ws.query, dotted, &def)) return NULL;
    json_t *span = lsp_location_of_place(s, def.span.file, def.span.line, def.span.column, def.span.end_line,
                                         def.span.end_column);
    json_t *name = lsp_location_of_place(s, def.name.file, def.name.line, def.name.column, def.name.end_line,
                                         def.name.end_column);
    json_t *item = json_pack("{s:s, s:i, s:s, s:O, s:O, s:O, s:{s:b, s:I}}", "name", dotted, "kind", 12, "detail",
                             match.is_task ? "task" : "wrapper", "uri", json_object_get(name, "uri"), "range",
                             json_object_get(span, "range"), "selectionRange", json_object_get(name, "range"), "data",
                             "task", match.is_task, "index", (json_int_t)match.index);
    json_decref(span);
    json_decref(name);
    return item;
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
    if (!lsp_workspace_build(&s->ws, &s->docs))
        return lsp_fail(err, LSP_REQUEST_FAILED, "the project could not be read: %s", s->ws.error);
    json_t *data = json_object_get(json_object_get(params, "item"), "data");
    json_t *index = json_object_get(data, "index");
    if (!json_is_integer(index) || json_integer_value(index) < 0)
        return lsp_fail(err, LSP_INVALID_PARAMS, "not an item of prepareCallHierarchy");
    svc_xref_match match = { json_is_true(json_object_get(data, "task")), (size_t)json_integer_value(index) };
    if (match.index >= (match.is_task ? s->ws.model->ntasks : s->ws.model->nwrappers))
        return json_array();  /* the project changed since: no such task any more */
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
