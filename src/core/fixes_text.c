/*
 * The fixers' view of a file: its bytes, read once per svc_diagnostics_compute_fixes through the
 * model's source (fx_text_of), its syntax tree parsed on demand (fx_root), and questions about
 * lines, blanks and identifiers asked of the bytes. A fix is never computed against a file that
 * is binary, unreadable or already has syntax errors.
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/source.h"
#include "fixes_internal.h"

void fx_text_free(fx_text *t)
{
    if (!t) return;
    if (t->tree) ts_tree_delete(t->tree);
    free(SVC_UNCONST(char *, t->bytes));
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
        if (!ctx->parser) ctx->parser = svc_parser_new(svc_python_language());
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

uint32_t fx_line_of(const fx_text *t, uint32_t pos)
{
    uint32_t lo = 0, hi = t->nlines;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->line_starts[mid] <= pos) lo = mid;
        else hi = mid;
    }
    return lo;
}

uint32_t fx_line_start(const fx_text *t, uint32_t pos)
{
    return t->line_starts[fx_line_of(t, pos)];
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

bool fx_is_identifier(const char *s)
{
    return s && svc_ident_name(s, strlen(s));
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
            if (!svc_ident_byte(c) || (c >= '0' && c <= '9') || n == max) return 0;
            uint32_t s = p;
            while (p < end && svc_ident_byte((unsigned char)t->bytes[p])) p++;
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
