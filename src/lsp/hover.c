/*
 * textDocument/hover: on a finding, its message and the rule's explanation (as `svcscope rules
 * CODE` prints it); on a task or a wrapper (its def or a use), its registered name, its wrappers
 * or task, and how many places trigger it (svc_query_triggers_new, as `svcscope callers`).
 */
#include <stdlib.h>
#include <string.h>

#include "lsp/server.h"
#include "svcscope/report.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"

static bool span_contains(const svc_span *sp, uint32_t row, uint32_t column)
{
    if (row < sp->row || row > sp->end_row) return false;
    if (row == sp->row && column < sp->col) return false;
    if (row == sp->end_row && column > sp->end_col) return false;
    return true;
}

static void describe_findings(lsp_server *s, const lsp_target *t, svc_buf *b)
{
    const svc_diagnostics *diags = s->ws.diags;
    for (size_t i = 0; diags && i < diags->len; i++) {
        const svc_diagnostic *d = &diags->items[i];
        if (d->file != (long)t->file || d->is_folder || !span_contains(&d->span, t->row, t->column)) continue;
        char *explanation = svc_rule_explanation(d->rule);
        svc_buf_printf(b, "%s**%s** %s\n\n```text\n%s```\n", b->len ? "\n---\n\n" : "", d->rule->code, d->message,
                       explanation);
        free(explanation);
    }
}

static void describe_task(lsp_server *s, const lsp_target *t, svc_buf *b)
{
    svc_xref_match match;
    if (!svc_query_task_at(s->ws.query, t->file, t->row, t->column, &match)) return;
    const svc_model *m = s->ws.model;
    svc_query_triggers *triggers = svc_query_triggers_new(s->ws.query, match, false);
    const svc_task *task = &m->tasks[triggers ? triggers->task : match.is_task ? match.index : m->wrappers[match.index].task];
    if (b->len) svc_buf_puts(b, "\n---\n\n");
    if (match.is_task) {
        svc_buf_printf(b, "**task** `%s`\n\nregistered as `%s`\n", task->dotted,
                       task->registered_name ? task->registered_name : "(not importable)");
        for (size_t w = 0; w < task->nwrappers; w++)
            svc_buf_printf(b, "%swrapper `%s`", w == 0 ? "\n" : ", ", m->wrappers[task->wrappers[w]].dotted);
        if (task->nwrappers) svc_buf_puts(b, "\n");
        if (!task->nwrappers) svc_buf_puts(b, "\nno wrapper\n");
    } else {
        svc_buf_printf(b, "**wrapper** `%s`\n\nof task `%s`, registered as `%s`\n", m->wrappers[match.index].dotted,
                       task->dotted, task->registered_name ? task->registered_name : "(not importable)");
    }
    if (triggers)
        svc_buf_printf(b, "\n%zu %s, %zu of them queueing\n", triggers->n, triggers->n == 1 ? "caller" : "callers",
                       triggers->nqueued);
    svc_query_triggers_free(triggers);
}

json_t *lsp_hover(lsp_server *s, json_t *params, lsp_error *err)
{
    lsp_target t;
    if (!lsp_target_of(s, params, true, &t, err)) return NULL;
    svc_buf b = { 0 };
    describe_findings(s, &t, &b);
    describe_task(s, &t, &b);
    lsp_target_free(&t);
    if (!b.len) return json_null();
    json_t *result = json_pack("{s:{s:s, s:s}}", "contents", "kind", "markdown", "value", b.data);
    svc_buf_free(&b);
    return result;
}
