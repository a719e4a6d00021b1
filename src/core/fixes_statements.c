/*
 * Edits of statements the fixers share: adding an import at module level (the same edit for every
 * fix that needs it in a file), adding a name to a `from` import, removing an import or a whole
 * statement (`pass` when its block would be empty), and the items of `__all__` literals.
 */
#include <stdlib.h>
#include <string.h>

#include "fixes_internal.h"

static bool is_docstring_node(TSNode n)
{
    if (strcmp(ts_node_type(n), "expression_statement") != 0 || ts_node_named_child_count(n) != 1) return false;
    const char *k = ts_node_type(ts_node_named_child(n, 0));
    return strcmp(k, "string") == 0 || strcmp(k, "concatenated_string") == 0;
}

/* The text of a file the fix edits; the fix fails when it has none (unreadable, binary, broken). */
static const fx_text *text_or_fail(fx_fix *fix, size_t file)
{
    const fx_text *t = fx_text_of(fix->ctx, file);
    if (!t) fx_fail(fix);
    return t;
}

/* True for an import statement of the module's body written at the start of a line (column 0, only
 * blanks before it on its line) that starts before `limit`: where fixes add or extend imports. */
static bool top_level_before(const fx_text *t, const svc_import *imp, uint32_t limit)
{
    return imp->scope == -1 && imp->stmt_span.col == 0 && imp->stmt_span.byte < limit &&
           fx_only_space_before(t, imp->stmt_span.byte);
}

void fx_add_import(fx_fix *fix, size_t file, const char *stmt, uint32_t limit)
{
    fx_ctx *ctx = fix->ctx;
    const fx_text *t = text_or_fail(fix, file);
    if (!t) return;
    const svc_facts *facts = ctx->m->files[file].facts;
    const svc_import *best = NULL;
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (!top_level_before(t, imp, limit)) continue;
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
    const fx_text *t = text_or_fail(fix, file);
    if (!t) return;
    const svc_facts *facts = ctx->m->files[file].facts;
    const svc_import *stmt = NULL;
    for (size_t k = 0; k < facts->nimports && !stmt; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->kind != SVC_IMPORT_FROM || imp->unresolved || !imp->module || strcmp(imp->module, module) != 0)
            continue;
        if (top_level_before(t, imp, limit)) stmt = imp;
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
    const fx_text *t = text_or_fail(fix, file);
    if (!t) return;
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
    const fx_text *t = text_or_fail(fix, file);
    if (!t) return;
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
    bool multiline = fx_line_of(t, fx_node_start(t, lit)) != fx_line_of(t, e);
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
