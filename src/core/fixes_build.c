/*
 * Building a fix: edits and file operations collected by a fixer, then checked and copied into the
 * diagnostics' arena by fx_finish (sorted by path then start; identical edits kept once, inserts
 * at one place merged in the order they were made; overlapping edits make no fix).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixes_internal.h"

void fx_init(fx_fix *fix, fx_ctx *ctx)
{
    memset(fix, 0, sizeof *fix);
    fix->ctx = ctx;
}

void fx_fail(fx_fix *fix)
{
    fix->failed = true;
}

void fx_edit(fx_fix *fix, size_t file, uint32_t start, uint32_t end, const char *text)
{
    if (fix->failed) return;
    const fx_text *t = fx_text_of(fix->ctx, file);
    if (!t || end < start || end > t->len || start < t->base) {
        fix->failed = true;
        return;
    }
    svc_edit e;
    memset(&e, 0, sizeof e);
    e.path = fix->ctx->m->files[file].path;
    e.start = start;
    e.end = end;
    e.text = svc_arena_strdup(fix->ctx->arena, text);
    svc_vec_push(&fix->edits, e);
}

void fx_create(fx_fix *fix, const char *path, const char *content)
{
    svc_file_op op = { SVC_FILE_CREATE, svc_arena_strdup(fix->ctx->arena, path), NULL,
                       svc_arena_strdup(fix->ctx->arena, content) };
    svc_vec_push(&fix->ops, op);
}

void fx_move(fx_fix *fix, const char *from, const char *to)
{
    svc_file_op op = { SVC_FILE_MOVE, svc_arena_strdup(fix->ctx->arena, from), svc_arena_strdup(fix->ctx->arena, to),
                       NULL };
    svc_vec_push(&fix->ops, op);
}

/* Edits in the order they were made, for a stable sort. */
typedef struct indexed_edit {
    svc_edit e;
    size_t order;
} indexed_edit;

static int compare_edits(const void *pa, const void *pb)
{
    const indexed_edit *a = pa, *b = pb;
    int c = strcmp(a->e.path, b->e.path);
    if (c) return c;
    if (a->e.start != b->e.start) return a->e.start < b->e.start ? -1 : 1;
    if (a->e.end != b->e.end) return a->e.end < b->e.end ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Row and code-point column of a byte of a file. */
static void position_of(const fx_text *t, uint32_t pos, uint32_t *row, uint32_t *col)
{
    uint32_t line = fx_line_of(t, pos);
    uint32_t s = t->line_starts[line];
    *row = line;
    *col = pos > s ? (uint32_t)svc_utf8_codepoints(t->bytes + s, pos - s) : 0;
}

static void release(fx_fix *fix)
{
    svc_vec_free(&fix->edits);
    svc_vec_free(&fix->ops);
}

const svc_fix *fx_finish(fx_fix *fix, svc_applicability applicability, const char *fmt, ...)
{
    fx_ctx *ctx = fix->ctx;
    if (fix->failed || (fix->edits.len == 0 && fix->ops.len == 0)) {
        release(fix);
        return NULL;
    }
    size_t n = fix->edits.len;
    indexed_edit *sorted = svc_xcalloc(n ? n : 1, sizeof *sorted);
    for (size_t i = 0; i < n; i++) {
        sorted[i].e = fix->edits.items[i];
        sorted[i].order = i;
    }
    qsort(sorted, n, sizeof *sorted, compare_edits);
    /* drop exact duplicates, merge inserts at one place, refuse overlaps */
    svc_edit *out = svc_arena_alloc(ctx->arena, (n ? n : 1) * sizeof *out);
    size_t kept = 0;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        svc_edit e = sorted[i].e;
        if (kept && strcmp(out[kept - 1].path, e.path) == 0) {
            svc_edit *prev = &out[kept - 1];
            if (prev->start == e.start && prev->end == e.end && strcmp(prev->text, e.text) == 0) continue;
            if (prev->start == prev->end && e.start == e.end && prev->start == e.start) {
                prev->text = svc_arena_printf(ctx->arena, "%s%s", prev->text, e.text);
                continue;
            }
            if (prev->end > e.start) ok = false;
        }
        out[kept++] = e;
    }
    free(sorted);
    if (!ok) {
        release(fix);
        return NULL;
    }
    for (size_t i = 0; i < kept; i++) {
        long file = svc_model_file(ctx->m, out[i].path);
        const fx_text *t = file >= 0 ? fx_text_of(ctx, (size_t)file) : NULL;
        if (!t) continue;
        svc_span *s = &out[i].span;
        s->byte = out[i].start;
        s->end_byte = out[i].end;
        position_of(t, out[i].start, &s->row, &s->col);
        position_of(t, out[i].end, &s->end_row, &s->end_col);
    }
    svc_fix *f = svc_arena_alloc(ctx->arena, sizeof *f);
    memset(f, 0, sizeof *f);
    f->applicability = applicability;
    va_list ap;
    va_start(ap, fmt);
    char *msg = svc_arena_vprintf(ctx->arena, fmt, ap);
    va_end(ap);
    f->message = msg;
    f->edits = kept ? out : NULL;
    f->nedits = kept;
    if (fix->ops.len) {
        svc_file_op *ops = svc_arena_alloc(ctx->arena, fix->ops.len * sizeof *ops);
        memcpy(ops, fix->ops.items, fix->ops.len * sizeof *ops);
        f->ops = ops;
        f->nops = fix->ops.len;
    }
    release(fix);
    return f;
}
