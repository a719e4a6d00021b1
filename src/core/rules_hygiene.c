/*
 * Hygiene — SVC900 unused-noqa: an svcscope code (or family prefix) in a `# noqa: ...` comment
 * that suppresses no finding on its line. Bare `# noqa` and other linters' codes are left alone.
 *
 * Decisions:
 *  - "a finding" is one of any rule, before select/ignore and per-file-ignores: narrowing the rules
 *    a run reports must not make the comments that keep other rules quiet look unused.
 *  - A code that names SVC900 itself (`SVC900`, `SVC9`) is used when the comment has other unused
 *    codes, whose finding it suppresses.
 *  - One finding per comment, at its directive, naming the unused codes in backticks: the fix
 *    (fixes_hygiene.c) removes exactly those.
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "rules_internal.h"

typedef struct line_finding {
    long file;
    uint32_t row;
    const char *code;
} line_finding;

static int compare_findings(const void *pa, const void *pb)
{
    const line_finding *a = pa, *b = pb;
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    if (a->row != b->row) return a->row < b->row ? -1 : 1;
    return 0;
}

/* First finding at or after (file, row). */
static size_t lower_bound(const line_finding *v, size_t n, long file, uint32_t row)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].file < file || (v[mid].file == file && v[mid].row < row)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static bool suppresses_something(const line_finding *v, size_t n, long file, uint32_t row, const char *code)
{
    for (size_t i = lower_bound(v, n, file, row); i < n && v[i].file == file && v[i].row == row; i++)
        if (svc_rule_matches(v[i].code, code)) return true;
    return false;
}

static void check_comment(svc_check_ctx *ctx, size_t file, const svc_noqa *q, const line_finding *v, size_t n)
{
    SVC_VEC(const char *) unused = { 0 };
    SVC_VEC(const char *) self = { 0 }; /* codes that would suppress SVC900 itself */
    for (size_t c = 0; c < q->ncodes; c++) {
        const char *code = q->codes[c];
        if (!svc_str_starts_with(code, "SVC")) continue;
        if (suppresses_something(v, n, (long)file, q->row, code)) continue;
        if (svc_rule_matches("SVC900", code)) svc_vec_push(&self, code);
        else svc_vec_push(&unused, code);
    }
    if (!unused.len) {
        for (size_t i = 0; i < self.len; i++) svc_vec_push(&unused, self.items[i]);
    }
    if (unused.len) {
        svc_buf names = { 0 };
        for (size_t i = 0; i < unused.len; i++) svc_buf_printf(&names, "%s`%s`", i ? ", " : "", unused.items[i]);
        svc_report(ctx, "SVC900", file, q->span, "`# noqa` code%s %s suppress%s no svcscope finding on this line",
                   unused.len > 1 ? "s" : "", names.data, unused.len > 1 ? "" : "es");
        svc_buf_free(&names);
    }
    svc_vec_free(&unused);
    svc_vec_free(&self);
}

void svc_check_hygiene(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    const svc_diagnostics *found = ctx->out;
    line_finding *v = svc_xmalloc((found->len ? found->len : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < found->len; i++) {
        const svc_diagnostic *d = &found->items[i];
        if (d->file < 0 || d->is_folder) continue;
        v[n++] = (line_finding){ d->file, d->span.row, d->rule->code };
    }
    if (n > 1) qsort(v, n, sizeof *v, compare_findings);
    for (size_t f = 0; f < m->nfiles; f++) {
        const svc_facts *facts = m->files[f].facts;
        for (size_t k = 0; facts && k < facts->nnoqa; k++)
            if (!facts->noqa[k].all && facts->noqa[k].ncodes) check_comment(ctx, f, &facts->noqa[k], v, n);
    }
    free(v);
}
