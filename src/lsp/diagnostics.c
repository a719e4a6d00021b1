/*
 * textDocument/publishDiagnostics: the findings of `svcscope check` (same core, the unsaved
 * buffers included), per file. Every file with findings is published, so cross-file rules show
 * wherever they land; a file that had findings and has none any more is cleared, and a list
 * that did not change is not sent again. Findings about folders have no place in a file and
 * are left out (docs/lsp.md).
 */
#include <stdlib.h>
#include <string.h>

#include "lsp/diagnostics.h"
#include "svcscope/report.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"

static int lsp_severity(svc_severity severity)
{
    switch (severity) {
    case SVC_SEVERITY_ERROR: return 1;
    case SVC_SEVERITY_WARNING: return 2;
    case SVC_SEVERITY_INFO: return 3;
    }
    return 3;
}

/* The definition of the name a finding sits on (svc_query_at, the explorer's `d`) when it is
 * somewhere else: "`services.billing.errors.PaymentError` is defined here". NULL otherwise. */
static json_t *related_definition(lsp_server *s, const svc_diagnostic *d)
{
    if (d->file < 0 || d->is_folder || !s->ws.query) return NULL;
    svc_query_names *names = svc_query_at(s->ws.query, (size_t)d->file, d->span.row, d->span.col);
    json_t *related = NULL;
    if (names && names->n > 0 && names->items[0].defined) {
        const svc_query_definition *def = &names->items[0].definition;
        const svc_query_place *p = &def->name;
        bool elsewhere = p->file != (size_t)d->file || p->line != d->span.row + 1;
        if (elsewhere && p->file != (size_t)-1) {
            char *message = svc_xasprintf("`%s` is defined here", def->dotted);
            related = json_pack("[{s:o, s:s}]", "location",
                                lsp_location_of_place(s, p->file, p->line, p->column, p->end_line, p->end_column),
                                "message", message);
            free(message);
        }
    }
    svc_query_names_free(names);
    return related;
}

json_t *lsp_diagnostic_json(lsp_server *s, const svc_diagnostic *d, const char *text, size_t len)
{
    json_t *diagnostic = json_pack("{s:o, s:i, s:s, s:{s:s}, s:s, s:s}", "range",
                                   lsp_range_of_span(s, text, len, d->span.row, d->span.col, d->span.end_row,
                                                     d->span.end_col),
                                   "severity", lsp_severity(d->severity), "code", d->rule->code, "codeDescription",
                                   "href", svc_rule_url(d->rule), "source", "svcscope", "message", d->message);
    json_t *related = related_definition(s, d);
    if (related) json_object_set_new(diagnostic, "relatedInformation", related);
    return diagnostic;
}

/* uri -> [Diagnostic] for every file with findings, and every open document (maybe []). */
static json_t *current_diagnostics(lsp_server *s)
{
    json_t *by_uri = json_object();
    for (size_t i = 0; i < s->docs.len; i++) json_object_set_new(by_uri, s->docs.items[i].uri, json_array());
    const svc_diagnostics *diags = s->ws.diags;
    for (size_t i = 0; diags && i < diags->len;) {
        const svc_diagnostic *d = &diags->items[i];
        size_t end = i + 1;
        while (end < diags->len && strcmp(diags->items[end].path, d->path) == 0) end++;
        if (d->file >= 0) {
            size_t len;
            char *text = lsp_workspace_text(&s->ws, (size_t)d->file, &len);
            char *uri = lsp_workspace_uri(&s->ws, d->path);
            json_t *list = json_array();
            for (size_t k = i; k < end; k++)
                if (!diags->items[k].is_folder)
                    json_array_append_new(list, lsp_diagnostic_json(s, &diags->items[k], text, len));
            json_object_set_new(by_uri, uri, list);
            free(uri);
            free(text);
        }
        i = end;
    }
    return by_uri;
}

static void publish(lsp_server *s, const char *uri, json_t *list)
{
    lsp_notify(s, "textDocument/publishDiagnostics", json_pack("{s:s, s:O}", "uri", uri, "diagnostics", list));
}

void lsp_publish_diagnostics(lsp_server *s)
{
    if (!lsp_workspace_build(&s->ws, &s->docs)) {
        lsp_log(s, LSP_LOG_ERROR, "the project could not be checked: %s", s->ws.error ? s->ws.error : "unknown error");
        return;
    }
    json_t *now = current_diagnostics(s);
    const char *uri;
    json_t *list;
    json_t *none = json_array();
    json_object_foreach(s->published, uri, list)
        if (!json_object_get(now, uri) && json_array_size(list) > 0) publish(s, uri, none);
    json_decref(none);
    json_object_foreach(now, uri, list) {
        json_t *before = json_object_get(s->published, uri);
        if (!before || !json_equal(before, list)) publish(s, uri, list);
    }
    json_decref(s->published);
    s->published = now;
}
