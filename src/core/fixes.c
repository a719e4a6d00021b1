/*
 * Fixes: computing them. svc_fixes_compute attaches to each diagnostic whose rule has a fix
 * (spec/RULES.md, "fix" column) a svc_fix made of byte-range edits and file operations, when a
 * correct one exists. This file holds the dispatch and the shared helpers (reading files, the
 * syntax tree, lines and indentation, names, imports, renames); fixes_names.c answers whether a
 * name is free in a file; fixes_layout.c, fixes_imports.c, fixes_exceptions.c and fixes_tasks.c
 * hold one computer per code.
 *
 * Cost: this runs on every `check`, warm runs included, so it works from the facts and reads a
 * file's bytes once per call; a file is parsed (at most once per call) only for an edit that needs
 * its nodes (an `__all__` literal, an import in a nested block, a relative import to rewrite,
 * `.apply_async` arguments, where to put an import in a file without any).
 *
 * Applicability (as in ruff: SAFE fixes keep behaviour and are applied by `svcscope fix`; UNSAFE
 * ones need --unsafe):
 *   SVC101 create `__init__.py`                       SAFE
 *   SVC103 move a test module into `<service>/tests/`   UNSAFE (a module moves: its name changes)
 *   SVC104 create `tests/__init__.py`                   SAFE
 *   SVC201 import the depth-3 module, qualify the uses  SAFE   (one file, same objects)
 *   SVC202 drop the module hop of a re-exported member  SAFE   (one file, same object)
 *   SVC301 export the exception from the service root   SAFE   (adds an export)
 *   SVC302 import the exceptions by name from the root  SAFE   (one file, same objects)
 *   SVC303 import the exception, use it bare            SAFE   (one file, same object)
 *   SVC402 call the task's `delay_` wrapper instead     UNSAFE (another function runs: the wrapper)
 *   SVC403 rename the task `_name` across the repo      UNSAFE (a rename other code may observe:
 *                                                              strings, mock.patch targets, pickles)
 *   SVC404 add the `delay_` wrapper after the task      SAFE   (adds a function)
 *   SVC405 rename the wrapper `delay_...` across repo   UNSAFE (a rename, as SVC403)
 *
 * Contract with the applier (fix_apply.c, stage.c):
 *  - every fix's edits are sorted by path then start and never overlap; several zero-width
 *    inserts at one place are merged into one edit, in the order they were made;
 *  - the edits of a fix refer to the files as they are before its file operations (SVC103 edits
 *    the relative imports of the module it moves, under its old path: edit, then move);
 *  - the same import needed by several fixes in one file is the same edit (same place, same text),
 *    so an applier that applies identical edits once (as ruff does) adds it once;
 *  - a fix that adds a `delay_` wrapper replaces the line ending after the task (a non-empty range),
 *    so the SVC402/SVC403/SVC404 fixes of one task conflict (the applier keeps the first and skips
 *    the others whole) instead of adding two wrappers; SVC402 and SVC404 add the same bytes.
 *
 * Never computed: fixes that would edit a file that is binary, unreadable or already has syntax
 * errors. Decisions for each code are at the top of its family file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/fix.h"
#include "svcscope/rules.h"
#include "svcscope/source.h"
#include "fixes_internal.h"

/* ---- texts ---------------------------------------------------------------------------- */

static void text_free(fx_text *t)
{
    if (!t) return;
    if (t->tree) ts_tree_delete(t->tree);
    fx_names_free(t->names);
    free((char *)t->bytes);
    free(t->line_starts);
    free(t);
}

const fx_text *fx_text_of(fx_ctx *ctx, size_t file)
{
    if (file >= ctx->m->nfiles) return NULL;
    if (ctx->text_state[file] == 1) return ctx->texts[file];
    if (ctx->text_state[file] == 2) return NULL;
    ctx->text_state[file] = 2;
    const svc_file *f = &ctx->m->files[file];
    if (!f->facts || f->facts->binary || f->facts->nerrors || f->read_error) return NULL;
    long si = svc_source_find(ctx->m->source, f->path);
    if (si < 0) return NULL;
    char *bytes = NULL;
    size_t len = 0;
    svc_error err = SVC_ERROR_INIT;
    if (svc_source_read(ctx->m->source, (size_t)si, &bytes, &len, &err) < 0 || len >= UINT32_MAX) {
        free(bytes);
        return NULL;
    }
    fx_text *t = svc_xcalloc(1, sizeof *t);
    t->bytes = bytes;
    t->len = (uint32_t)len;
    t->base = len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    t->nl = f->facts->crlf ? "\r\n" : "\n";
    SVC_VEC(uint32_t) starts = { 0 };
    svc_vec_push(&starts, t->base);
    for (uint32_t i = t->base; i < t->len; i++)
        if (bytes[i] == '\n') svc_vec_push(&starts, i + 1);
    t->line_starts = starts.items;
    t->nlines = (uint32_t)starts.len;
    ctx->texts[file] = t;
    ctx->text_state[file] = 1;
    ctx->live_bytes += len;
    return t;
}

TSNode fx_root(fx_ctx *ctx, size_t file)
{
    fx_text *t = ctx->text_state[file] == 1 ? ctx->texts[file] : NULL;
    if (!t) return (TSNode){ 0 };
    if (!t->tree) {
        if (!ctx->parser) {
            ctx->parser = svc_parser_new(svc_python_language());
        }
        t->tree = ts_parser_parse_string(ctx->parser, NULL, t->bytes + t->base, t->len - t->base);
        if (!t->tree) return (TSNode){ 0 };
        ctx->live_trees++;
    }
    return ts_tree_root_node(t->tree);
}

uint32_t fx_node_start(const fx_text *t, TSNode n)
{
    return ts_node_start_byte(n) + t->base;
}

uint32_t fx_node_end(const fx_text *t, TSNode n)
{
    return ts_node_end_byte(n) + t->base;
}

char *fx_node_text(const fx_text *t, TSNode n)
{
    uint32_t s = fx_node_start(t, n), e = fx_node_end(t, n);
    if (e > t->len) e = t->len;
    if (s > e) s = e;
    return svc_xstrndup(t->bytes + s, e - s);
}

TSNode fx_node_exact(fx_ctx *ctx, size_t file, uint32_t start, uint32_t end)
{
    const fx_text *t = fx_text_of(ctx, file);
    TSNode root = fx_root(ctx, file);
    if (!t || ts_node_is_null(root) || start < t->base || end < start) return (TSNode){ 0 };
    TSNode n = ts_node_named_descendant_for_byte_range(root, start - t->base, end - t->base);
    if (ts_node_is_null(n) || fx_node_start(t, n) != start || fx_node_end(t, n) != end) return (TSNode){ 0 };
    return n;
}

uint32_t fx_line_start(const fx_text *t, uint32_t pos)
{
    uint32_t lo = 0, hi = t->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->line_starts[mid] <= pos) lo = mid;
        else hi = mid;
    }
    return t->line_starts[lo];
}

static uint32_t line_of(const fx_text *t, uint32_t pos)
{
    uint32_t lo = 0, hi = t->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->line_starts[mid] <= pos) lo = mid;
        else hi = mid;
    }
    return lo;
}

uint32_t fx_line_end(const fx_text *t, uint32_t pos)
{
    uint32_t p = pos;
    while (p < t->len && t->bytes[p] != '\n') p++;
    if (p < t->len && p > pos && t->bytes[p - 1] == '\r') return p - 1;
    return p;
}

uint32_t fx_next_line(const fx_text *t, uint32_t pos)
{
    uint32_t p = pos;
    while (p < t->len && t->bytes[p] != '\n') p++;
    return p < t->len ? p + 1 : t->len;
}

char *fx_line_indent(const fx_text *t, uint32_t pos)
{
    uint32_t s = fx_line_start(t, pos), e = s;
    while (e < t->len && (t->bytes[e] == ' ' || t->bytes[e] == '\t')) e++;
    return svc_xstrndup(t->bytes + s, e - s);
}

bool fx_only_space_before(const fx_text *t, uint32_t pos)
{
    for (uint32_t p = fx_line_start(t, pos); p < pos; p++)
        if (t->bytes[p] != ' ' && t->bytes[p] != '\t' && t->bytes[p] != '\f') return false;
    return true;
}

bool fx_only_space_after(const fx_text *t, uint32_t pos)
{
    for (uint32_t p = pos; p < t->len; p++) {
        char c = t->bytes[p];
        if (c == '\n' || c == '#') return true;
        if (c == '\r' && p + 1 < t->len && t->bytes[p + 1] == '\n') return true;
        if (c != ' ' && c != '\t' && c != '\f') return false;
    }
    return true;
}

uint32_t fx_comment_after(const fx_text *t, uint32_t pos)
{
    for (uint32_t p = pos; p < t->len; p++) {
        char c = t->bytes[p];
        if (c == '#') return p;
        if (c != ' ' && c != '\t' && c != '\f') return 0;
    }
    return 0;
}

bool fx_is_ident_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

bool fx_is_identifier(const char *s)
{
    if (!s || !*s || (*s >= '0' && *s <= '9')) return false;
    for (const char *p = s; *p; p++)
        if (!fx_is_ident_char((unsigned char)*p)) return false;
    return true;
}

size_t fx_chain_parts(const fx_text *t, uint32_t start, uint32_t end, uint32_t (*out)[2], size_t max)
{
    size_t n = 0;
    bool want_ident = true;
    uint32_t p = start;
    if (end > t->len) return 0;
    while (p < end) {
        unsigned char c = (unsigned char)t->bytes[p];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\\') {
            p++;
            continue;
        }
        if (c == '#') {
            while (p < end && t->bytes[p] != '\n') p++;
            continue;
        }
        if (want_ident) {
            if (!fx_is_ident_char(c) || (c >= '0' && c <= '9') || n == max) return 0;
            uint32_t s = p;
            while (p < end && fx_is_ident_char((unsigned char)t->bytes[p])) p++;
            out[n][0] = s;
            out[n][1] = p;
            n++;
            want_ident = false;
        } else {
            if (c != '.') return 0;
            p++;
            want_ident = true;
        }
    }
    return want_ident ? 0 : n;
}

/* ---- building a fix ------------------------------------------------------------------------ */

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
    uint32_t line = line_of(t, pos);
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
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    char *msg = svc_arena_alloc(ctx->arena, (size_t)len + 1);
    vsnprintf(msg, (size_t)len + 1, fmt, ap2);
    va_end(ap2);
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

/* ---- names ------------------------------------------------------------------------------------ */

/* The part of `dotted` after the services module (see rules_imports.c); NULL outside it. */
static const char *services_rest(const svc_model *m, const char *dotted, size_t *mod_len)
{
    if (!m->services_module || !dotted) return NULL;
    const char *mod = m->services_module;
    if (!svc_dotted_within(dotted, mod)) {
        const char *bare = svc_dotted_last(m->services_module);
        if (bare == m->services_module || svc_model_is_module(m, bare) || !svc_dotted_within(dotted, bare))
            return NULL;
        mod = bare;
    }
    size_t n = strlen(mod);
    if (mod_len) *mod_len = n;
    return dotted[n] == '.' ? dotted + n + 1 : dotted + n;
}

int fx_service_depth(const svc_model *m, const char *dotted)
{
    const char *rest = services_rest(m, dotted, NULL);
    if (!rest) return -1;
    return 1 + svc_dotted_depth(rest);
}

char *fx_service_prefix(const svc_model *m, const char *dotted, int depth)
{
    size_t mod_len = 0;
    const char *rest = services_rest(m, dotted, &mod_len);
    if (!rest || depth < 1 || fx_service_depth(m, dotted) < depth) return NULL;
    if (depth == 1) return svc_xstrndup(dotted, mod_len);
    const char *p = rest;
    for (int i = 1; i < depth - 1; i++) p = strchr(p, '.') + 1;
    size_t n = strcspn(p, ".");
    return svc_xstrndup(dotted, (size_t)(p - dotted) + n);
}

const char *fx_resolve(const svc_model *m, const char *dotted)
{
    if (!dotted) return NULL;
    const char *r = svc_model_resolve(m, dotted);
    return r ? r : dotted;
}

bool fx_same(const svc_model *m, const char *a, const char *b)
{
    if (!a || !b) return false;
    if (strcmp(a, b) == 0) return true;
    return strcmp(fx_resolve(m, a), fx_resolve(m, b)) == 0;
}

size_t fx_dotted_count(const char *dotted)
{
    if (!dotted || !*dotted) return 0;
    size_t n = 1;
    for (const char *p = dotted; *p; p++) n += *p == '.';
    return n;
}

char *fx_dotted_head(const char *dotted, size_t n)
{
    const char *p = dotted;
    for (size_t i = 0; i < n; i++) {
        const char *dot = strchr(p, '.');
        if (!dot || i + 1 == n) {
            size_t len = dot && i + 1 == n ? (size_t)(dot - dotted) : strlen(dotted);
            return svc_xstrndup(dotted, len);
        }
        p = dot + 1;
    }
    return svc_xstrdup("");
}

char *fx_dotted_part(const char *dotted, size_t i)
{
    const char *p = dotted;
    for (size_t k = 0; k < i && p; k++) {
        p = strchr(p, '.');
        if (p) p++;
    }
    if (!p) return svc_xstrdup("");
    return svc_xstrndup(p, strcspn(p, "."));
}

long fx_import_at(const svc_facts *facts, svc_span span)
{
    for (size_t k = 0; k < facts->nimports; k++)
        if (facts->imports[k].span.byte == span.byte && facts->imports[k].span.end_byte == span.end_byte)
            return (long)k;
    return -1;
}

const char *fx_existing_binding(fx_ctx *ctx, size_t file, const char *dotted)
{
    const svc_model *m = ctx->m;
    const svc_facts *facts = m->files[file].facts;
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->scope != -1 || imp->kind == SVC_IMPORT_STAR || imp->unresolved || !imp->bound || !imp->target)
            continue;
        /* `import a.b.c` binds `a`: only when that is the name itself */
        if (imp->kind == SVC_IMPORT_MODULE && !imp->alias && strcmp(imp->module, imp->target) != 0) continue;
        if (!fx_same(m, imp->target, dotted)) continue;
        if (fx_name_free(ctx, file, imp->bound, dotted)) return imp->bound;
    }
    return NULL;
}

typedef SVC_VEC(uint64_t) site_list;
static const site_list *sites_with_part(fx_ctx *ctx, const char *ident);

bool fx_name_exported(fx_ctx *ctx, size_t file, const char *name)
{
    const svc_model *m = ctx->m;
    const svc_file *f = &m->files[file];
    for (size_t i = 0; i < f->facts->nall; i++)
        if (strcmp(f->facts->all[i], name) == 0) return true;
    if (!f->module) return false;
    if (!ctx->imported) {
        /* what every file imports by name, and the modules star-imported */
        ctx->imported = svc_map_new();
        for (size_t i = 0; i < m->nfiles; i++) {
            const svc_facts *facts = m->files[i].facts;
            for (size_t k = 0; facts && k < facts->nimports; k++) {
                const svc_import *imp = &facts->imports[k];
                if (imp->kind == SVC_IMPORT_STAR && imp->module) {
                    char *key = svc_xasprintf("*%s", imp->module);
                    svc_map_put(ctx->imported, key, (void *)(uintptr_t)(i + 1));
                    free(key);
                } else if (imp->kind == SVC_IMPORT_FROM && imp->target) {
                    /* the importing file, or SIZE_MAX when several do */
                    uintptr_t prev = (uintptr_t)svc_map_get(ctx->imported, imp->target);
                    uintptr_t mine = (uintptr_t)(i + 1);
                    svc_map_put(ctx->imported, imp->target, (void *)(prev && prev != mine ? UINTPTR_MAX : mine));
                }
            }
        }
    }
    char *there = svc_xasprintf("%s.%s", f->module, name);
    char *star = svc_xasprintf("*%s", f->module);
    uintptr_t by = (uintptr_t)svc_map_get(ctx->imported, there);
    bool yes = (by && by != (uintptr_t)(file + 1)) || svc_map_get(ctx->imported, star) != NULL;
    /* used through the module elsewhere: `views.helper(...)` */
    const site_list *sites = yes ? NULL : sites_with_part(ctx, name);
    for (size_t s = 0; sites && s < sites->len && !yes; s++) {
        size_t fi = (size_t)(sites->items[s] >> 32), r = (size_t)(sites->items[s] & 0xffffffffu);
        const svc_ref *ref = &m->files[fi].facts->refs[r];
        if (fi != file && ref->resolved && svc_dotted_within(ref->resolved, there)) yes = true;
    }
    free(there);
    free(star);
    return yes;
}

/* ---- imports and statements ------------------------------------------------------------------ */

static bool is_docstring_node(TSNode n)
{
    if (strcmp(ts_node_type(n), "expression_statement") != 0 || ts_node_named_child_count(n) != 1) return false;
    const char *k = ts_node_type(ts_node_named_child(n, 0));
    return strcmp(k, "string") == 0 || strcmp(k, "concatenated_string") == 0;
}

void fx_add_import(fx_fix *fix, size_t file, const char *stmt, uint32_t limit)
{
    fx_ctx *ctx = fix->ctx;
    const fx_text *t = fx_text_of(ctx, file);
    if (!t) {
        fx_fail(fix);
        return;
    }
    const svc_facts *facts = ctx->m->files[file].facts;
    const svc_import *best = NULL;
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->scope != -1 || imp->stmt_span.col != 0 || imp->stmt_span.byte >= limit) continue;
        if (!fx_only_space_before(t, imp->stmt_span.byte)) continue;
        if (!best || imp->stmt_span.end_byte > best->stmt_span.end_byte) best = imp;
    }
    if (best) {
        uint32_t end = fx_line_end(t, best->stmt_span.end_byte);
        if (end >= t->len) {
            char *text = svc_xasprintf("%s%s", t->nl, stmt);
            fx_edit(fix, file, t->len, t->len, text);
            free(text);
        } else {
            char *text = svc_xasprintf("%s%s", stmt, t->nl);
            fx_edit(fix, file, fx_next_line(t, end), fx_next_line(t, end), text);
            free(text);
        }
        return;
    }
    TSNode root = fx_root(ctx, file);
    if (ts_node_is_null(root)) {
        fx_fail(fix);
        return;
    }
    bool docstring = false, seen = false;
    uint32_t n = ts_node_named_child_count(root);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(root, i);
        if (strcmp(ts_node_type(c), "comment") == 0) continue;
        if (!seen && is_docstring_node(c)) {
            seen = docstring = true;
            continue;
        }
        uint32_t pos = fx_line_start(t, fx_node_start(t, c));
        char *text = svc_xasprintf("%s%s%s", stmt, t->nl, t->nl);
        fx_edit(fix, file, pos, pos, text);
        free(text);
        return;
    }
    bool ends_nl = t->len > t->base && t->bytes[t->len - 1] == '\n';
    char *text = svc_xasprintf("%s%s%s%s", t->len > t->base && !ends_nl ? t->nl : "", docstring ? t->nl : "", stmt,
                               t->nl);
    fx_edit(fix, file, t->len, t->len, text);
    free(text);
}

void fx_import_name(fx_fix *fix, size_t file, const char *module, const char *spelling, const char *name,
                    uint32_t limit)
{
    fx_ctx *ctx = fix->ctx;
    const fx_text *t = fx_text_of(ctx, file);
    if (!t) {
        fx_fail(fix);
        return;
    }
    const svc_facts *facts = ctx->m->files[file].facts;
    const svc_import *stmt = NULL;
    for (size_t k = 0; k < facts->nimports && !stmt; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->scope != -1 || imp->kind != SVC_IMPORT_FROM || imp->unresolved || !imp->module) continue;
        if (strcmp(imp->module, module) != 0 || imp->stmt_span.col != 0 || imp->stmt_span.byte >= limit) continue;
        if (!fx_only_space_before(t, imp->stmt_span.byte)) continue;
        stmt = imp;
    }
    if (stmt) {
        uint32_t end = 0;
        for (size_t k = 0; k < facts->nimports; k++)
            if (facts->imports[k].stmt_span.byte == stmt->stmt_span.byte && facts->imports[k].span.end_byte > end)
                end = facts->imports[k].span.end_byte;
        char *text = svc_xasprintf(", %s", name);
        fx_edit(fix, file, end, end, text);
        free(text);
        return;
    }
    char *text = svc_xasprintf("from %s import %s", spelling, name);
    fx_add_import(fix, file, text, limit);
    free(text);
}

/* True when the line starting at `line_start` continues the one before (which ends with a backslash). */
static bool continues_line(const fx_text *t, uint32_t line_start)
{
    if (line_start <= t->base) return false;
    uint32_t p = line_start - 1; /* its '\n' */
    if (p > t->base && t->bytes[p - 1] == '\r') p--;
    return p > t->base && t->bytes[p - 1] == '\\';
}

/*
 * For an import statement at [start, end), what alone_in_block says of its node, from the facts:
 * 1 alone, 0 not, -1 when only the tree can tell. A statement written at the start of a line that
 * does not continue the one before is a statement of the module when at column 0, and a statement
 * of the innermost def's own block when indented exactly as that block's first statement (written
 * at the start of its line): a nested block is indented deeper. That block has the def's
 * body_statements, and its docstring, as statements.
 */
static int import_alone(const fx_text *t, const svc_facts *facts, uint32_t start, uint32_t end)
{
    bool is_import = false;
    for (size_t k = 0; k < facts->nimports && !is_import; k++)
        is_import = facts->imports[k].stmt_span.byte == start && facts->imports[k].stmt_span.end_byte == end;
    if (!is_import || start >= t->len) return -1;
    uint32_t ls = fx_line_start(t, start);
    if (!fx_only_space_before(t, start) || continues_line(t, ls)) return -1;
    if (ls == start) return 0;
    int d = svc_facts_def_at(facts, start);
    if (d < 0) return -1;
    const svc_def *def = &facts->defs[d];
    uint32_t first = def->body_span.byte;
    if (start < first || start >= def->body_span.end_byte || first >= t->len || t->bytes[first] == '#') return -1;
    uint32_t fls = fx_line_start(t, first);
    if (!fx_only_space_before(t, first) || continues_line(t, fls)) return -1;
    if (first - fls != start - ls || memcmp(t->bytes + fls, t->bytes + ls, start - ls) != 0) return -1;
    return def->body_statements + (def->has_docstring ? 1u : 0u) <= 1 ? 1 : 0;
}

/* True when the statement node is the only statement of a block (removing it needs `pass`). */
static bool alone_in_block(TSNode stmt)
{
    TSNode parent = ts_node_parent(stmt);
    if (ts_node_is_null(parent) || strcmp(ts_node_type(parent), "block") != 0) return false;
    uint32_t n = ts_node_named_child_count(parent), stmts = 0;
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(ts_node_type(ts_node_named_child(parent, i)), "comment") != 0) stmts++;
    return stmts <= 1;
}

void fx_delete_statement(fx_fix *fix, size_t file, uint32_t start, uint32_t end)
{
    fx_ctx *ctx = fix->ctx;
    const fx_text *t = fx_text_of(ctx, file);
    if (!t) {
        fx_fail(fix);
        return;
    }
    int alone = import_alone(t, ctx->m->files[file].facts, start, end);
    TSNode node = alone >= 0 ? (TSNode){ 0 } : fx_node_exact(ctx, file, start, end);
    if (alone > 0 || (!ts_node_is_null(node) && alone_in_block(node))) {
        fx_edit(fix, file, start, end, "pass");
        return;
    }
    if (fx_only_space_before(t, start) && fx_only_space_after(t, end)) {
        uint32_t comment = fx_comment_after(t, end);
        if (comment) fx_edit(fix, file, start, comment, ""); /* the comment stays, on its own line */
        else fx_edit(fix, file, fx_line_start(t, start), fx_next_line(t, end), "");
        return;
    }
    uint32_t p = end;
    while (p < t->len && (t->bytes[p] == ' ' || t->bytes[p] == '\t')) p++;
    if (p < t->len && t->bytes[p] == ';') {
        p++;
        while (p < t->len && (t->bytes[p] == ' ' || t->bytes[p] == '\t')) p++;
        fx_edit(fix, file, start, p, "");
        return;
    }
    uint32_t q = start;
    while (q > t->base && (t->bytes[q - 1] == ' ' || t->bytes[q - 1] == '\t')) q--;
    if (q > t->base && t->bytes[q - 1] == ';') {
        fx_edit(fix, file, q - 1, end, "");
        return;
    }
    fx_fail(fix);
}

void fx_remove_import(fx_fix *fix, size_t file, size_t k)
{
    fx_ctx *ctx = fix->ctx;
    const fx_text *t = fx_text_of(ctx, file);
    if (!t) {
        fx_fail(fix);
        return;
    }
    const svc_import *imp = &ctx->m->files[file].facts->imports[k];
    if (imp->stmt_names <= 1) {
        fx_delete_statement(fix, file, imp->stmt_span.byte, imp->stmt_span.end_byte);
        return;
    }
    uint32_t s = imp->span.byte, e = imp->span.end_byte;
    uint32_t p = e;
    while (p < t->len && (t->bytes[p] == ' ' || t->bytes[p] == '\t')) p++;
    if (p < t->len && t->bytes[p] == ',') {
        p++;
        while (p < t->len && (t->bytes[p] == ' ' || t->bytes[p] == '\t')) p++;
        if (fx_only_space_before(t, s) && fx_only_space_after(t, p) && !fx_comment_after(t, p) &&
            fx_line_start(t, s) > imp->stmt_span.byte)
            fx_edit(fix, file, fx_line_start(t, s), fx_next_line(t, p), "");
        else
            fx_edit(fix, file, s, p, "");
        return;
    }
    /* the last name: remove from the comma before it */
    uint32_t q = s;
    while (q > imp->stmt_span.byte) {
        char c = t->bytes[q - 1];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\\') q--;
        else break;
    }
    if (q > imp->stmt_span.byte && t->bytes[q - 1] == ',') fx_edit(fix, file, q - 1, e, "");
    else fx_fail(fix);
}

/* True when the bytes of the file contain `word` (anywhere). */
static bool mentions(const fx_text *t, const char *word)
{
    size_t n = strlen(word);
    for (uint32_t p = t->base; n && p + n <= t->len;) {
        const char *hit = memchr(t->bytes + p, word[0], t->len - n + 1 - p);
        if (!hit) return false;
        if (memcmp(hit, word, n) == 0) return true;
        p = (uint32_t)(hit - t->bytes) + 1;
    }
    return false;
}

/* Module-level `__all__ = [...]`, `__all__: T = (...)`, `__all__ += [...]` literals, in order. */
static size_t all_literals(fx_ctx *ctx, size_t file, TSNode *out, size_t max)
{
    const fx_text *t = fx_text_of(ctx, file);
    if (!t || !mentions(t, "__all__")) return 0; /* no need to parse */
    TSNode root = fx_root(ctx, file);
    if (ts_node_is_null(root)) return 0;
    size_t n = 0;
    uint32_t count = ts_node_named_child_count(root);
    for (uint32_t i = 0; i < count && n < max; i++) {
        TSNode st = ts_node_named_child(root, i);
        if (strcmp(ts_node_type(st), "expression_statement") != 0 || ts_node_named_child_count(st) != 1) continue;
        TSNode as = ts_node_named_child(st, 0);
        const char *type = ts_node_type(as);
        if (strcmp(type, "assignment") != 0 && strcmp(type, "augmented_assignment") != 0) continue;
        TSNode left = ts_node_child_by_field_name(as, "left", 4);
        TSNode right = ts_node_child_by_field_name(as, "right", 5);
        if (ts_node_is_null(left) || ts_node_is_null(right)) continue;
        char *name = fx_node_text(t, left);
        bool is_all = strcmp(name, "__all__") == 0;
        free(name);
        if (!is_all) continue;
        const char *rt = ts_node_type(right);
        if (strcmp(rt, "list") == 0 || strcmp(rt, "tuple") == 0 || strcmp(rt, "expression_list") == 0)
            out[n++] = right;
    }
    return n;
}

bool fx_all_append(fx_fix *fix, size_t file, const char *name)
{
    fx_ctx *ctx = fix->ctx;
    const fx_text *t = fx_text_of(ctx, file);
    TSNode lits[16];
    size_t n = t ? all_literals(ctx, file, lits, 16) : 0;
    if (!n) return false;
    const svc_facts *facts = ctx->m->files[file].facts;
    for (size_t i = 0; i < facts->nall; i++)
        if (strcmp(facts->all[i], name) == 0) return true; /* already listed */
    TSNode lit = lits[n - 1];
    /* elements, quote style */
    TSNode last = { 0 };
    char quote = '"';
    bool have_quote = false;
    uint32_t count = ts_node_named_child_count(lit);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_named_child(lit, i);
        if (strcmp(ts_node_type(c), "comment") == 0) continue;
        last = c;
        if (!have_quote && strcmp(ts_node_type(c), "string") == 0) {
            char q = t->bytes[fx_node_start(t, c)];
            if (q == '\'' || q == '"') quote = q;
            have_quote = true;
        }
    }
    char *item = svc_xasprintf("%c%s%c", quote, name, quote);
    if (ts_node_is_null(last)) {
        /* empty: [] or () */
        uint32_t s = fx_node_start(t, lit);
        bool tuple = strcmp(ts_node_type(lit), "tuple") == 0;
        char *text = svc_xasprintf("%s%s", item, tuple ? "," : "");
        fx_edit(fix, file, s + 1, s + 1, text);
        free(text);
        free(item);
        return true;
    }
    uint32_t e = fx_node_end(t, last);
    uint32_t p = e;
    while (p < t->len && (t->bytes[p] == ' ' || t->bytes[p] == '\t')) p++;
    bool trailing_comma = p < t->len && t->bytes[p] == ',';
    bool multiline = line_of(t, fx_node_start(t, lit)) != line_of(t, e);
    if (trailing_comma && multiline && fx_only_space_before(t, fx_node_start(t, last))) {
        /* one item per line: a new line like the last one */
        char *indent = fx_line_indent(t, fx_node_start(t, last));
        char *text = svc_xasprintf("%s%s%s,", t->nl, indent, item);
        fx_edit(fix, file, p + 1, p + 1, text);
        free(text);
        free(indent);
    } else {
        char *text = svc_xasprintf(", %s", item);
        fx_edit(fix, file, e, e, text);
        free(text);
    }
    free(item);
    return true;
}

size_t fx_all_rename(fx_fix *fix, size_t file, const char *old_name, const char *new_name)
{
    fx_ctx *ctx = fix->ctx;
    const fx_text *t = fx_text_of(ctx, file);
    TSNode lits[16];
    size_t n = t ? all_literals(ctx, file, lits, 16) : 0;
    size_t done = 0;
    size_t olen = strlen(old_name);
    for (size_t i = 0; i < n; i++) {
        uint32_t count = ts_node_named_child_count(lits[i]);
        for (uint32_t k = 0; k < count; k++) {
            TSNode c = ts_node_named_child(lits[i], k);
            if (strcmp(ts_node_type(c), "string") != 0) continue;
            uint32_t s = fx_node_start(t, c), e = fx_node_end(t, c);
            if (e - s != olen + 2) continue;
            char q = t->bytes[s];
            if ((q != '"' && q != '\'') || t->bytes[e - 1] != q || memcmp(t->bytes + s + 1, old_name, olen) != 0)
                continue;
            fx_edit(fix, file, s + 1, e - 1, new_name);
            done++;
        }
    }
    return done;
}

/* ---- renames ------------------------------------------------------------------------------------ */

/*
 * identifier -> every (file, ref) whose chain has it as a part, in (file, ref) order: an open
 * addressing table whose keys point into the refs' raw names (parts of 256 bytes or more are left
 * out). Built once per svc_fixes_compute, on the first question.
 */
typedef struct part_slot {
    const char *key;         /* NULL: empty */
    uint32_t len;
    uint32_t hash;
    site_list sites;
} part_slot;

struct fx_parts {
    part_slot *slots;
    size_t cap;              /* a power of two */
    size_t count;
};

static uint32_t part_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static part_slot *part_find(const struct fx_parts *pt, const char *key, size_t len, uint32_t hash)
{
    size_t mask = pt->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        part_slot *slot = &pt->slots[i];
        if (!slot->key || (slot->hash == hash && slot->len == len && memcmp(slot->key, key, len) == 0)) return slot;
    }
}

static void parts_grow(struct fx_parts *pt)
{
    part_slot *old = pt->slots;
    size_t old_cap = pt->cap;
    pt->cap = old_cap ? old_cap * 2 : 4096;
    pt->slots = svc_xcalloc(pt->cap, sizeof *pt->slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key) *part_find(pt, old[i].key, old[i].len, old[i].hash) = old[i];
    free(old);
}

static void parts_free(struct fx_parts *pt)
{
    if (!pt) return;
    for (size_t i = 0; i < pt->cap; i++) svc_vec_free(&pt->slots[i].sites);
    free(pt->slots);
    free(pt);
}

static const site_list *sites_with_part(fx_ctx *ctx, const char *ident)
{
    const svc_model *m = ctx->m;
    if (!ctx->parts) {
        struct fx_parts *pt = svc_xcalloc(1, sizeof *pt);
        parts_grow(pt);
        for (size_t i = 0; i < m->nfiles; i++) {
            const svc_facts *facts = m->files[i].facts;
            if (!facts) continue;
            for (size_t r = 0; r < facts->nrefs; r++) {
                const svc_ref *ref = &facts->refs[r];
                if (!ref->resolved || !ref->raw) continue;
                const char *p = ref->raw;
                uint64_t site = ((uint64_t)i << 32) | (uint64_t)r;
                while (*p) {
                    /* the part's length and its part_hash in one pass */
                    uint32_t hash = 2166136261u;
                    size_t n = 0;
                    for (; p[n] && p[n] != '.'; n++) hash = (hash ^ (unsigned char)p[n]) * 16777619u;
                    if (n < 256) {
                        part_slot *slot = part_find(pt, p, n, hash);
                        if (!slot->key) {
                            if ((pt->count + 1) * 2 > pt->cap) {
                                parts_grow(pt);
                                slot = part_find(pt, p, n, hash);
                            }
                            slot->key = p;
                            slot->len = (uint32_t)n;
                            slot->hash = hash;
                            pt->count++;
                        }
                        if (!slot->sites.len || slot->sites.items[slot->sites.len - 1] != site)
                            svc_vec_push(&slot->sites, site);
                    }
                    p += n;
                    if (*p == '.') p++;
                }
            }
        }
        ctx->parts = pt;
    }
    size_t len = strlen(ident);
    if (len >= 256) return NULL;
    const part_slot *slot = part_find(ctx->parts, ident, len, part_hash(ident, len));
    return slot->key ? &slot->sites : NULL;
}

typedef struct rename_import {
    size_t file;
    size_t imp;
    bool done;
    bool rebinds;      /* the file's name changes too (no alias, no clash) */
} rename_import;

void fx_rename_def(fx_fix *fix, size_t file, size_t def, const char *new_name)
{
    fx_ctx *ctx = fix->ctx;
    const svc_model *m = ctx->m;
    const svc_file *f = &m->files[file];
    const svc_def *d = &f->facts->defs[def];
    if (fix->failed) return;
    if (!f->module || d->parent != -1 || !fx_is_identifier(new_name)) {
        fx_fail(fix);
        return;
    }
    const char *old = d->name;
    size_t olen = strlen(old);
    char *dotted = svc_xasprintf("%s.%s", f->module, old);
    char *new_dotted = svc_xasprintf("%s.%s", f->module, new_name);
    const svc_symbol *sym = svc_model_symbol(m, dotted);
    if (!sym || sym->kind != SVC_SYM_DEF || sym->def != (long)def || sym->file != file ||
        svc_model_symbol(m, new_dotted) || !fx_name_free(ctx, file, new_name, NULL)) {
        free(dotted);
        free(new_dotted);
        fx_fail(fix);
        return;
    }
    free(new_dotted);
    fx_edit(fix, file, d->name_span.byte, d->name_span.end_byte, new_name);

    /* modules that will export the new name: the def's module, and re-exporters that rename */
    svc_map *exporters = svc_map_new();
    svc_map_put(exporters, f->module, (void *)1);
    SVC_VEC(rename_import) imports = { 0 };
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_facts *facts = m->files[i].facts;
        for (size_t k = 0; k < facts->nimports; k++) {
            const svc_import *imp = &facts->imports[k];
            if (imp->kind != SVC_IMPORT_FROM || imp->unresolved || !imp->name || strcmp(imp->name, old) != 0) continue;
            const char *r = svc_model_resolve(m, imp->target);
            if (!r || strcmp(r, dotted) != 0) continue;
            rename_import ri = { i, k, false, false };
            svc_vec_push(&imports, ri);
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t x = 0; x < imports.len; x++) {
            rename_import *ri = &imports.items[x];
            const svc_file *fi = &m->files[ri->file];
            const svc_import *imp = &fi->facts->imports[ri->imp];
            if (ri->done || !svc_map_get(exporters, fx_resolve(m, imp->module))) continue;
            ri->done = true;
            changed = true;
            ri->rebinds = !imp->alias && fx_text_of(ctx, ri->file) && fx_name_free(ctx, ri->file, new_name, NULL);
            if (ri->rebinds && imp->scope == -1 && fi->module) svc_map_put(exporters, fi->module, (void *)1);
        }
    }
    /* the imports */
    for (size_t x = 0; x < imports.len && !fix->failed; x++) {
        const rename_import *ri = &imports.items[x];
        if (!ri->done) continue; /* through a module that keeps exporting the old name */
        const fx_text *t = fx_text_of(ctx, ri->file);
        const svc_import *imp = &m->files[ri->file].facts->imports[ri->imp];
        if (!t || imp->span.byte + olen > t->len || memcmp(t->bytes + imp->span.byte, old, olen) != 0) {
            fx_fail(fix);
            break;
        }
        if (imp->alias || ri->rebinds) {
            fx_edit(fix, ri->file, imp->span.byte, imp->span.byte + (uint32_t)olen, new_name);
        } else {
            char *text = svc_xasprintf("%s as %s", new_name, old);
            fx_edit(fix, ri->file, imp->span.byte, imp->span.byte + (uint32_t)olen, text);
            free(text);
        }
        if (ri->rebinds && imp->scope == -1 && m->files[ri->file].module) fx_all_rename(fix, ri->file, old, new_name);
    }
    /* the def's module's own __all__ */
    fx_all_rename(fix, file, old, new_name);

    /* the references */
    const site_list *sites = sites_with_part(ctx, old);
    for (size_t s = 0; sites && s < sites->len && !fix->failed; s++) {
        size_t fi = (size_t)(sites->items[s] >> 32), r = (size_t)(sites->items[s] & 0xffffffffu);
        const svc_facts *facts = m->files[fi].facts;
        const svc_ref *ref = &facts->refs[r];
        size_t nr = fx_dotted_count(ref->raw), ns = fx_dotted_count(ref->resolved);
        if (nr == 0 || ns < nr) continue;
        const fx_text *t = fx_text_of(ctx, fi);
        if (!t) {
            fx_fail(fix);
            break;
        }
        uint32_t parts[64][2];
        size_t np = fx_chain_parts(t, ref->span.byte, ref->span.end_byte, parts, 64);
        if (np != nr) {
            fx_fail(fix);
            break;
        }
        for (size_t j = 0; j < nr; j++) {
            if (parts[j][1] - parts[j][0] != olen || memcmp(t->bytes + parts[j][0], old, olen) != 0) continue;
            bool rename = false;
            if (j == 0) {
                if (ref->binding == SVC_BIND_IMPORT) {
                    for (size_t x = 0; x < imports.len; x++)
                        if (imports.items[x].file == fi && imports.items[x].imp == (size_t)ref->import_index &&
                            imports.items[x].rebinds)
                            rename = true;
                } else if (ref->binding == SVC_BIND_MODULE && fi == file) {
                    rename = true;
                }
            } else {
                char *object = fx_dotted_head(ref->resolved, ns - nr + j);
                const char *r2 = svc_model_resolve(m, object);
                rename = r2 && svc_map_get(exporters, r2) && svc_model_is_module(m, r2);
                free(object);
            }
            if (rename) fx_edit(fix, fi, parts[j][0], parts[j][1], new_name);
        }
    }
    svc_vec_free(&imports);
    svc_map_free(exporters);
    free(dotted);
}

/* ---- dispatch ------------------------------------------------------------------------------------- */

typedef const svc_fix *(*fix_fn)(fx_ctx *ctx, const svc_diagnostic *d);

static fix_fn fixer_for(const char *code)
{
    static const struct {
        const char *code;
        fix_fn fn;
    } table[] = {
        { "SVC101", fx_layout_101 },     { "SVC103", fx_layout_103 },     { "SVC104", fx_layout_104 },
        { "SVC201", fx_imports_201 },    { "SVC202", fx_imports_202 },    { "SVC301", fx_exceptions_301 },
        { "SVC302", fx_exceptions_302 }, { "SVC303", fx_exceptions_303 }, { "SVC402", fx_tasks_402 },
        { "SVC403", fx_tasks_403 },      { "SVC404", fx_tasks_404 },      { "SVC405", fx_tasks_405 },
        { "SVC900", fx_hygiene_900 },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].code, code) == 0) return table[i].fn;
    return NULL;
}

void svc_fixes_compute(const svc_model *model, svc_diagnostics *diags)
{
    if (!model || !diags || !diags->len) return;
    fx_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.m = model;
    ctx.diags = diags;
    ctx.arena = diags->arena;
    size_t n = model->nfiles ? model->nfiles : 1;
    ctx.texts = svc_xcalloc(n, sizeof *ctx.texts);
    ctx.text_state = svc_xcalloc(n, 1);
    for (size_t i = 0; i < diags->len; i++) {
        svc_diagnostic *d = &diags->items[i];
        if (d->fix || !d->rule) continue;
        /* memory stays bounded: nothing holds a node or a byte of them between two diagnostics.
         * Texts (and what fx_name_free learnt of them) go past 64 MiB, trees past 64 of them;
         * until then a file is read, lexed and parsed at most once per call. */
        if (ctx.live_bytes > (64u << 20)) {
            for (size_t k = 0; k < model->nfiles; k++) {
                text_free(ctx.texts[k]);
                ctx.texts[k] = NULL;
                ctx.text_state[k] = 0;
            }
            ctx.live_trees = ctx.live_bytes = 0;
        } else if (ctx.live_trees > 64) {
            for (size_t k = 0; k < model->nfiles; k++)
                if (ctx.texts[k] && ctx.texts[k]->tree) {
                    ts_tree_delete(ctx.texts[k]->tree);
                    ctx.texts[k]->tree = NULL;
                }
            ctx.live_trees = 0;
        }
        fix_fn fn = fixer_for(d->rule->code);
        if (fn) d->fix = fn(&ctx, d);
    }
    for (size_t i = 0; i < model->nfiles; i++) text_free(ctx.texts[i]);
    free(ctx.texts);
    free(ctx.text_state);
    if (ctx.parser) ts_parser_delete(ctx.parser);
    if (ctx.imported) svc_map_free(ctx.imported);
    parts_free(ctx.parts);
}
