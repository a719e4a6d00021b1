/* Runs the rule families over a model and filters what they found:
 * select/ignore, per-file-ignores, `# noqa`, and the paths asked about. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "svcscope/fix.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"

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

static char *vformat(svc_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = svc_arena_alloc(a, (size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
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
    d->message = vformat(ctx->out->arena, fmt, ap);
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
    d->message = vformat(ctx->out->arena, fmt, ap);
    va_end(ap);
    return d;
}

/* Length of the longest selector in the list matching the code; -1 when none does. */
static int best_match(const char *code, const char *const *selectors, size_t n)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!svc_rule_matches(code, selectors[i])) continue;
        int len = strcasecmp(selectors[i], "ALL") == 0 ? 0 : (int)strlen(selectors[i]);
        if (len > best) best = len;
    }
    return best;
}

/* The more specific of select and ignore wins, as in ruff: select SVC2 + ignore SVC201. */
static bool selected(const char *code, const svc_check_options *opts, const svc_config *cfg)
{
    int sel;
    if (opts && opts->nselect) sel = best_match(code, opts->select, opts->nselect);
    else if (cfg && cfg->nselect) sel = best_match(code, (const char *const *)cfg->select, cfg->nselect);
    else sel = 0;
    if (sel < 0) return false;
    int ign = -1;
    if (cfg) ign = best_match(code, (const char *const *)cfg->ignore, cfg->nignore);
    if (opts) {
        int cli = best_match(code, opts->ignore, opts->nignore);
        if (cli > ign) ign = cli;
    }
    return sel > ign;
}

static bool noqa_suppresses(const svc_model *m, const svc_diagnostic *d)
{
    if (d->file < 0 || d->is_folder) return false;
    const svc_noqa *q = svc_facts_noqa_at(m->files[d->file].facts, d->span.row);
    if (!q) return false;
    if (q->all) return true;
    for (size_t i = 0; i < q->ncodes; i++)
        if (svc_str_starts_with(q->codes[i], "SVC") && svc_rule_matches(d->rule->code, q->codes[i])) return true;
    return false;
}

static bool per_file_ignored(const svc_config *cfg, const svc_diagnostic *d)
{
    if (!cfg) return false;
    for (size_t i = 0; i < cfg->nper_file_ignores; i++) {
        const svc_per_file_ignore *p = &cfg->per_file_ignores[i];
        if (!svc_glob_match(p->glob, d->path)) continue;
        if (best_match(d->rule->code, (const char *const *)p->codes, p->ncodes) >= 0) return true;
    }
    return false;
}

static bool in_paths(const svc_check_options *opts, const char *path)
{
    if (!opts || !opts->only_paths_set) return true;
    for (size_t i = 0; i < opts->nonly_paths; i++) {
        const char *want = opts->only_paths[i];
        if (!*want || strcmp(want, ".") == 0) return true;
        size_t n = strlen(want);
        while (n > 0 && want[n - 1] == '/') n--;
        if (strncmp(path, want, n) == 0 && (path[n] == '\0' || path[n] == '/')) return true;
    }
    return false;
}

svc_diagnostics *svc_check(const svc_model *model, const svc_check_options *opts)
{
    svc_diagnostics *all = svc_diagnostics_new();
    svc_check_ctx ctx = { model, all };
    svc_check_layout(&ctx);
    svc_check_imports(&ctx);
    svc_check_exceptions(&ctx);
    svc_check_tasks(&ctx);
    svc_check_logic(&ctx);
    svc_check_hygiene(&ctx);

    size_t kept = 0;
    for (size_t i = 0; i < all->len; i++) {
        const svc_diagnostic *d = &all->items[i];
        if (!selected(d->rule->code, opts, model->config)) continue;
        if (!in_paths(opts, d->path)) continue;
        if (per_file_ignored(model->config, d)) continue;
        if (noqa_suppresses(model, d)) continue;
        all->items[kept++] = *d;
    }
    all->len = kept;
    svc_diagnostics_sort(all);
    svc_fixes_compute(model, all);
    return all;
}
