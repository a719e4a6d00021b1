/* The diagnostics list: severities, the list itself, and svc_report/svc_report_path, through
 * which the rule families (rules_*.c) add what they find. It knows the catalogue (rules.c) to
 * attach each finding's rule, and nothing of the checker that runs the families (check.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "svcscope/util.h"
#include "rules_internal.h"

const char *svc_severity_name(svc_severity s)
{
    switch (s) {
    case SVC_SEVERITY_INFO: return "info";
    case SVC_SEVERITY_WARNING: return "warning";
    case SVC_SEVERITY_ERROR: return "error";
    }
    return "error";
}

bool svc_severity_parse(const char *text, svc_severity *out)
{
    for (int s = SVC_SEVERITY_INFO; s <= SVC_SEVERITY_ERROR; s++)
        if (strcasecmp(text, svc_severity_name((svc_severity)s)) == 0) {
            *out = (svc_severity)s;
            return true;
        }
    return false;
}

svc_diagnostics *svc_diagnostics_new(void)
{
    svc_diagnostics *d = svc_xcalloc(1, sizeof *d);
    d->arena = svc_arena_new();
    return d;
}

void svc_diagnostics_free(svc_diagnostics *d)
{
    if (!d) return;
    free(d->items);
    svc_arena_free(d->arena);
    free(d);
}

static int compare_diagnostics(const void *pa, const void *pb)
{
    const svc_diagnostic *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);
    if (c) return c;
    if (a->span.row != b->span.row) return a->span.row < b->span.row ? -1 : 1;
    if (a->span.col != b->span.col) return a->span.col < b->span.col ? -1 : 1;
    c = strcmp(a->rule->code, b->rule->code);
    if (c) return c;
    return strcmp(a->message, b->message);
}

void svc_diagnostics_sort(svc_diagnostics *d)
{
    if (d->len > 1) qsort(d->items, d->len, sizeof *d->items, compare_diagnostics);
}

static svc_diagnostic *push(svc_diagnostics *d)
{
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->items = svc_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    svc_diagnostic *diag = &d->items[d->len++];
    memset(diag, 0, sizeof *diag);
    return diag;
}

static const svc_rule *rule_or_die(const char *code)
{
    const svc_rule *rule = svc_rule_by_code(code);
    if (!rule) abort(); /* a rule reporting a code missing from the catalogue is a programming error */
    return rule;
}

svc_diagnostic *svc_report(svc_check_ctx *ctx, const char *code, size_t file, svc_span span, const char *fmt, ...)
{
    svc_diagnostic *d = push(ctx->out);
    d->rule = rule_or_die(code);
    d->severity = d->rule->severity;
    d->path = ctx->model->files[file].path;
    d->file = (long)file;
    d->span = span;
    int def = svc_facts_def_at(ctx->model->files[file].facts, span.byte);
    d->context = def >= 0 ? ctx->model->files[file].facts->defs[def].qualname : NULL;
    va_list ap;
    va_start(ap, fmt);
    d->message = svc_arena_vprintf(ctx->out->arena, fmt, ap);
    va_end(ap);
    return d;
}

svc_diagnostic *svc_report_path(svc_check_ctx *ctx, const char *code, const char *path, bool is_folder,
                                const char *fmt, ...)
{
    svc_diagnostic *d = push(ctx->out);
    d->rule = rule_or_die(code);
    d->severity = d->rule->severity;
    d->path = svc_arena_strdup(ctx->out->arena, path);
    d->is_folder = is_folder;
    d->file = is_folder ? -1 : svc_model_file(ctx->model, path);
    va_list ap;
    va_start(ap, fmt);
    d->message = svc_arena_vprintf(ctx->out->arena, fmt, ap);
    va_end(ap);
    return d;
}
