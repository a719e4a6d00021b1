/*
 * Is a name free in a file (fx_name_free)? The question every fix asks before it binds a name:
 * every identifier `name` of the file, attribute names, keyword-argument names and the names of
 * import statements aside, must be a reference whose head is bound by an import of `expected`.
 *
 * The reference answer walks the file's syntax tree (fx_name_free_tree): it needs the file parsed,
 * and a walk of the whole tree for each name. fx_name_free gives the same answer from what is at
 * hand, and falls back to the walk only where that cannot tell:
 *
 *  1. Where the name is written: the maximal runs of identifier characters equal to it (every
 *     identifier node is one). A run next to a non-ASCII byte is not trusted (tree-sitter counts
 *     some Unicode spaces as whitespace; they would hide a boundary): the walk answers.
 *  2. Each place is judged by the facts when it can be: a reference whose head starts there (the
 *     first one, in facts order, as the walk takes it) decides as the walk does; a place inside an
 *     imported name's span (`import a.b as c`, `from m import x as y`) is skipped, as the walk skips
 *     every identifier there.
 *  3. The rest need to know what kind of token stands there. One lexical pass over the file (kept
 *     for the whole svc_diagnostics_compute_fixes call) finds strings, comments, numbers and f-string
 *     interpolations as tree-sitter-python's scanner does, and for each identifier token the token
 *     before it (a `.`), the one after it (a lone `=`) and the brackets around it:
 *       - no identifier token there (a string, a comment, a number): nothing to judge;
 *       - in an import statement outside the imported names: the module of `from m import` is
 *         skipped by the walk, the dotted name of a relative `from .m import` only when the
 *         modules it names on the way are `expected` or inside it (relative_path_names: it binds
 *         nothing else), else not free;
 *       - inside an f-string interpolation: after a `.` it is an attribute name; else the walk;
 *       - after a `.`: an attribute name, skipped (unless the file has a `case` clause, whose
 *         dotted patterns are not attributes: the walk);
 *       - not followed by a lone `=`: a name the walk counts and no reference explains (a
 *         parameter, a local, a def, a `global`, a capture pattern, ...): not free;
 *       - followed by `=` outside brackets: an assignment target or a lambda's parameter: not
 *         free; inside brackets: a keyword argument of a call the facts record (skipped), a
 *         parameter with a default in a def's parameter list (not free), anything else: the walk.
 *     The lexical pass is checked against the facts: every reference's head must be an identifier
 *     token of it, and every `import` keyword inside an import statement of the facts; when that
 *     fails, or the bytes hold something the pass does not follow (backticks, a lone CR, a newline
 *     in a one-line string, a `lambda` or a comment in an f-string, ...), the walk answers for
 *     that file.
 *  4. Names that are keywords or soft keywords of the grammar (`match`, `type`, `print`, ...) or
 *     not plain ASCII identifiers always go to the walk.
 *
 * A bad place found by 2 or 3 makes the answer false (the walk would stop at the first bad one,
 * the answer is the same); only when nothing is bad and something is unsure does the walk run.
 */
#include <stdlib.h>
#include <string.h>

#include "fixes_internal.h"

/* One identifier token of the lexical pass. */
typedef struct fx_ident {
    uint32_t start, end;
    uint32_t open;   /* byte of the innermost bracket open around it in its code, UINT32_MAX when none */
    uint16_t depth;  /* brackets open around it in its code (an f-string interpolation is its own code) */
    uint8_t flags;   /* ID_* */
} fx_ident;

enum {
    ID_PREV_DOT = 1u << 0,   /* the token before is a `.` (not `...`, not part of a number) */
    ID_NEXT_EQ = 1u << 1,    /* the token after is a lone `=` */
    ID_IN_FSTRING = 1u << 2, /* inside an f-string interpolation */
};

struct fx_names {
    uint32_t *ref_order;     /* ref indexes by head byte (stable); NULL when facts->refs already are */
    int lexed;               /* 0 not yet, 1 the tokens can be used, -1 they cannot */
    bool has_case;           /* a `case` starts a logical line: dotted capture patterns are about */
    fx_ident *ids;           /* identifier tokens, in source order */
    size_t nids;
};

void fx_names_free(struct fx_names *names)
{
    if (!names) return;
    free(names->ref_order);
    free(names->ids);
    free(names);
}

/* ---- the facts --------------------------------------------------------------------------------- */

typedef struct head_key {
    uint32_t byte;
    uint32_t index;
} head_key;

static int compare_heads(const void *pa, const void *pb)
{
    const head_key *a = pa, *b = pb;
    if (a->byte != b->byte) return a->byte < b->byte ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static struct fx_names *names_of(fx_ctx *ctx, size_t file)
{
    fx_text *t = ctx->text_state[file] == 1 ? ctx->texts[file] : NULL;
    if (!t) return NULL;
    if (t->names) return t->names;
    struct fx_names *nm = svc_xcalloc(1, sizeof *nm);
    const svc_facts *facts = ctx->m->files[file].facts;
    bool sorted = true;
    for (size_t r = 1; r < facts->nrefs && sorted; r++)
        sorted = facts->refs[r - 1].head_span.byte <= facts->refs[r].head_span.byte;
    if (!sorted) {
        head_key *keys = svc_xcalloc(facts->nrefs, sizeof *keys);
        for (size_t r = 0; r < facts->nrefs; r++) {
            keys[r].byte = facts->refs[r].head_span.byte;
            keys[r].index = (uint32_t)r;
        }
        qsort(keys, facts->nrefs, sizeof *keys, compare_heads);
        nm->ref_order = svc_xcalloc(facts->nrefs, sizeof *nm->ref_order);
        for (size_t r = 0; r < facts->nrefs; r++) nm->ref_order[r] = keys[r].index;
        free(keys);
    }
    t->names = nm;
    return nm;
}

/* The first reference (in facts order) whose head starts at byte `s`, as the walk looks it up. */
static const svc_ref *ref_at(const struct fx_names *nm, const svc_facts *facts, uint32_t s)
{
    size_t lo = 0, hi = facts->nrefs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t r = nm->ref_order ? nm->ref_order[mid] : mid;
        if (facts->refs[r].head_span.byte < s) lo = mid + 1;
        else hi = mid;
    }
    if (lo == facts->nrefs) return NULL;
    const svc_ref *ref = &facts->refs[nm->ref_order ? nm->ref_order[lo] : lo];
    return ref->head_span.byte == s ? ref : NULL;
}

/* True when the walk accepts the reference found at an identifier `name`. */
static bool ref_ok(const svc_model *m, const svc_facts *facts, const svc_ref *found, const char *expected)
{
    return found && expected && found->binding == SVC_BIND_IMPORT && found->import_index >= 0 &&
           fx_same(m, facts->imports[found->import_index].target, expected);
}

/*
 * True when an identifier `name` at byte `s`, in the module path of a relative import
 * (`from ..core.tasks import x`), names no other module than `expected` on the way: such a path
 * binds nothing in the file (in a package's own `__init__.py`, `from .m import x` binds `m`, to
 * that very module), so binding `name` to `expected` changes the meaning of nothing there.
 */
static bool relative_path_names(const svc_facts *facts, uint32_t s, const char *name, const char *expected)
{
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (s < imp->stmt_span.byte || s >= imp->stmt_span.end_byte) continue;
        if (!expected || imp->level == 0 || imp->unresolved || !imp->module) return false;
        size_t n = strlen(expected);
        return strncmp(imp->module, expected, n) == 0 && (imp->module[n] == '\0' || imp->module[n] == '.') &&
               strcmp(svc_dotted_last(expected), name) == 0;
    }
    return false;
}

/* The imports that bind `name`, or may (`from x import *`): false when one forbids the name. */
static bool imports_allow(const svc_model *m, const svc_facts *facts, const char *name, const char *expected)
{
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->kind == SVC_IMPORT_STAR) {
            /* `from x import *` may bind it */
            char *there = svc_xasprintf("%s.%s", imp->module ? imp->module : "", name);
            bool bound = imp->unresolved || !imp->module || svc_model_symbol(m, there) != NULL ||
                         !svc_model_is_module(m, imp->module);
            free(there);
            if (bound) return false;
            continue;
        }
        if (!imp->bound || strcmp(imp->bound, name) != 0) continue;
        if (!expected || imp->unresolved || !fx_same(m, imp->target, expected)) return false;
    }
    return true;
}

/* ---- the reference answer: the syntax tree ------------------------------------------------------- */

static bool inside_import_statement(TSNode n)
{
    for (int up = 0; up < 6; up++) {
        n = ts_node_parent(n);
        if (ts_node_is_null(n)) return false;
        const char *type = ts_node_type(n);
        if (strcmp(type, "import_statement") == 0 || strcmp(type, "import_from_statement") == 0 ||
            strcmp(type, "future_import_statement") == 0)
            return true;
        if (strcmp(type, "dotted_name") != 0 && strcmp(type, "aliased_import") != 0) return false;
    }
    return false;
}

static bool field_is(TSNode parent, const char *field, TSNode n)
{
    TSNode c = ts_node_child_by_field_name(parent, field, (uint32_t)strlen(field));
    return !ts_node_is_null(c) && ts_node_eq(c, n);
}

/* Every identifier spelled `name` in the tree, judged; the imports are already judged. */
static bool walk_free(fx_ctx *ctx, size_t file, const char *name, const char *expected)
{
    const svc_model *m = ctx->m;
    const fx_text *t = fx_text_of(ctx, file);
    TSNode root = fx_root(ctx, file);
    struct fx_names *nm = names_of(ctx, file);
    if (!t || !nm || ts_node_is_null(root)) return false;
    const svc_facts *facts = m->files[file].facts;
    size_t nlen = strlen(name);
    TSTreeCursor cur = ts_tree_cursor_new(root);
    bool free_ok = true;
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&cur);
        uint32_t s = fx_node_start(t, n), e = fx_node_end(t, n);
        if (e - s == nlen && strcmp(ts_node_type(n), "identifier") == 0 && memcmp(t->bytes + s, name, nlen) == 0) {
            TSNode parent = ts_node_parent(n);
            const char *ptype = ts_node_is_null(parent) ? "" : ts_node_type(parent);
            bool skip = (strcmp(ptype, "attribute") == 0 && field_is(parent, "attribute", n)) ||
                        (strcmp(ptype, "keyword_argument") == 0 && field_is(parent, "name", n)) ||
                        inside_import_statement(n) || relative_path_names(facts, s, name, expected);
            if (!skip && !ref_ok(m, facts, ref_at(nm, facts, s), expected)) {
                free_ok = false;
                break;
            }
        }
        if (ts_tree_cursor_goto_first_child(&cur)) continue;
        bool more = false;
        for (;;) {
            if (ts_tree_cursor_goto_next_sibling(&cur)) {
                more = true;
                break;
            }
            if (!ts_tree_cursor_goto_parent(&cur)) break;
        }
        if (!more) break;
    }
    ts_tree_cursor_delete(&cur);
    return free_ok;
}

bool fx_name_free_tree(fx_ctx *ctx, size_t file, const char *name, const char *expected)
{
    const fx_text *t = fx_text_of(ctx, file);
    if (!t || ts_node_is_null(fx_root(ctx, file))) return false;
    if (!imports_allow(ctx->m, ctx->m->files[file].facts, name, expected)) return false;
    return walk_free(ctx, file, name, expected);
}

/* ---- the lexical pass ---------------------------------------------------------------------------- */

enum { T_NONE, T_DOT, T_IDENT, T_OTHER };

typedef struct lexer {
    const char *b;
    uint32_t len;
    SVC_VEC(fx_ident) ids;
    SVC_VEC(uint32_t) opens;   /* bytes of the open brackets, innermost last */
    int last;                  /* kind of the last token (T_*); T_NONE after a logical newline */
    bool line_start;           /* no token yet on this logical line */
    bool has_case;
    bool failed;               /* something this pass does not follow: its tokens are not used */
    int fdepth;                /* f-string interpolations open */
} lexer;

static uint32_t lex_code(lexer *L, uint32_t p, char quote, bool triple);

static void lex_fail(lexer *L)
{
    L->failed = true;
}

static bool at(const lexer *L, uint32_t p, char c)
{
    return p < L->len && L->b[p] == c;
}

/* Length of the operator at p (Python's longest match among the ones that can start there). */
static uint32_t op_len(const lexer *L, uint32_t p)
{
    static const char *const ops[] = { "**=", "//=", ">>=", "<<=", "**", "//", ">>", "<<", "<=", ">=", "==", "!=",
                                       "->",  ":=",  "+=",  "-=",  "*=", "/=", "%=", "&=", "|=", "^=", "@=", "<>",
                                       NULL };
    for (size_t i = 0; ops[i]; i++) {
        size_t n = strlen(ops[i]);
        if (p + n <= L->len && memcmp(L->b + p, ops[i], n) == 0) return (uint32_t)n;
    }
    return 1;
}

/*
 * A string whose opening quote is at p (its prefix already read); returns the byte after it.
 * Backslashes as tree-sitter-python reads them: in a raw string the scanner steps over the
 * backslash, then an escaped quote or backslash, then a line ending; elsewhere the grammar's
 * escape sequences take the next character (`\N{...}` up to its brace), except that a lone
 * backslash in an f-string leaves a brace after it to the f-string (`f"\{x}"` interpolates).
 */
static uint32_t lex_string(lexer *L, uint32_t p, bool format, bool raw)
{
    char q = L->b[p];
    bool triple = at(L, p + 1, q) && at(L, p + 2, q);
    p += triple ? 3 : 1;
    while (!L->failed) {
        if (p >= L->len) break;
        char c = L->b[p];
        if (c == '\\' && raw) {
            p++;
            if (at(L, p, q) || at(L, p, '\\')) p++;
            if (at(L, p, '\r')) {
                p++;
                if (at(L, p, '\n')) p++;
            } else if (at(L, p, '\n')) {
                p++;
            }
            continue;
        }
        if (c == '\\') {
            if (p + 1 >= L->len) break;
            char n = L->b[p + 1];
            if (format && (n == '{' || n == '}')) {
                p++;
                continue;
            }
            if (format && n == 'N') {
                uint32_t e = p + 3;
                while (at(L, p + 2, '{') && e < L->len && L->b[e] != '}') e++;
                if (!at(L, p + 2, '{') || e == p + 3 || e >= L->len) break; /* not followed */
                p = e + 1;
                continue;
            }
            p += (n == '\r' && at(L, p + 2, '\n')) ? 3 : 2;
            continue;
        }
        if (c == q) {
            if (!triple) return p + 1;
            if (at(L, p + 1, q) && at(L, p + 2, q)) return p + 3;
            p++;
            continue;
        }
        if ((c == '\n' || c == '\r') && !triple) break;
        if (format && c == '{') {
            if (at(L, p + 1, '{')) {
                p += 2;
                continue;
            }
            p = lex_code(L, p + 1, q, triple);
            continue;
        }
        if (format && c == '}') {
            if (at(L, p + 1, '}')) {
                p += 2;
                continue;
            }
            break;
        }
        p++;
    }
    lex_fail(L);
    return L->len;
}

/* The format specifier of an interpolation, after its ':'; returns the byte after the closing '}'. */
static uint32_t lex_format_spec(lexer *L, uint32_t p, char quote, bool triple)
{
    while (!L->failed && p < L->len) {
        char c = L->b[p];
        if (c == '{') {
            p = lex_code(L, p + 1, quote, triple);
            continue;
        }
        if (c == '}') return p + 1;
        if (c == '\n' || c == '\r' || c == '\\' || c == quote) break;
        p++;
    }
    lex_fail(L);
    return L->len;
}

/*
 * Code from p: the whole file (quote 0), or an f-string interpolation after its '{' (quote: the
 * string's quote), which returns the byte after its closing '}'.
 */
static uint32_t lex_code(lexer *L, uint32_t p, char quote, bool triple)
{
    bool interp = quote != 0;
    size_t base = L->opens.len;
    if (interp) {
        if (++L->fdepth > 16) {
            lex_fail(L);
            return L->len;
        }
        L->last = T_OTHER;
    }
    while (!L->failed && p < L->len) {
        unsigned char c = (unsigned char)L->b[p];
        size_t depth = L->opens.len - base;
        if (c == ' ' || c == '\t' || c == '\f') {
            p++;
            continue;
        }
        if (c == '\r') {
            if (!at(L, p + 1, '\n')) break; /* a lone CR */
            p++;
            continue;
        }
        if (c == '\n') {
            if (interp && !triple) break;
            if (!interp && depth == 0) {
                L->last = T_NONE;
                L->line_start = true;
            }
            p++;
            continue;
        }
        if (c == '\\') {
            if (at(L, p + 1, '\n')) p += 2;
            else if (at(L, p + 1, '\r') && at(L, p + 2, '\n')) p += 3;
            else break;
            continue;
        }
        if (c == '#') {
            if (interp) break;
            while (p < L->len && L->b[p] != '\n') p++;
            continue;
        }
        bool line_start = L->line_start;
        L->line_start = false;
        if (c == '"' || c == '\'') {
            p = lex_string(L, p, false, false);
            L->last = T_OTHER;
            continue;
        }
        if (svc_ident_start_byte(c)) {
            uint32_t s = p;
            bool prefix = true, format = false, raw = false;
            while (p < L->len && svc_ident_byte((unsigned char)L->b[p])) {
                switch (L->b[p]) {
                case 'f': case 'F': format = true; break;
                case 'r': case 'R': raw = true; break;
                case 'b': case 'B': case 'u': case 'U': break;
                default: prefix = false;
                }
                p++;
            }
            if (prefix && (at(L, p, '"') || at(L, p, '\''))) {
                p = lex_string(L, p, format, raw);
                L->last = T_OTHER;
                continue;
            }
            if (interp && depth == 0 && p - s == 6 && memcmp(L->b + s, "lambda", 6) == 0) break;
            if (!interp && line_start && depth == 0 && p - s == 4 && memcmp(L->b + s, "case", 4) == 0)
                L->has_case = true;
            fx_ident id;
            id.start = s;
            id.end = p;
            id.open = depth ? L->opens.items[L->opens.len - 1] : UINT32_MAX;
            id.depth = depth > 0xffff ? 0xffff : (uint16_t)depth;
            id.flags = (uint8_t)((L->last == T_DOT ? ID_PREV_DOT : 0) | (L->fdepth > 0 ? ID_IN_FSTRING : 0));
            svc_vec_push(&L->ids, id);
            L->last = T_IDENT;
            continue;
        }
        if ((c >= '0' && c <= '9') || (c == '.' && p + 1 < L->len && L->b[p + 1] >= '0' && L->b[p + 1] <= '9')) {
            char x = p + 1 < L->len ? L->b[p + 1] : ' ';
            bool decimal = !(c == '0' && (x == 'x' || x == 'X' || x == 'o' || x == 'O' || x == 'b' || x == 'B'));
            p++;
            while (p < L->len) {
                unsigned char d = (unsigned char)L->b[p];
                if (svc_ident_byte(d) || d == '.') p++;
                else if (decimal && (d == '+' || d == '-') && (L->b[p - 1] == 'e' || L->b[p - 1] == 'E')) p++;
                else break;
            }
            L->last = T_OTHER;
            continue;
        }
        if (c == '.') {
            if (at(L, p + 1, '.') && at(L, p + 2, '.')) {
                p += 3;
                L->last = T_OTHER;
            } else {
                p++;
                L->last = T_DOT;
            }
            continue;
        }
        if (c == '(' || c == '[' || c == '{') {
            svc_vec_push(&L->opens, p);
            p++;
            L->last = T_OTHER;
            continue;
        }
        if (c == ')' || c == ']' || c == '}') {
            if (depth == 0) {
                if (interp && c == '}') {
                    L->fdepth--;
                    return p + 1;
                }
                break;
            }
            L->opens.len--;
            p++;
            L->last = T_OTHER;
            continue;
        }
        if (interp && depth == 0 && c == ':') {
            if (at(L, p + 1, '=')) break; /* `{x:=1}`: a walrus or a format: not followed */
            p = lex_format_spec(L, p + 1, quote, triple);
            L->fdepth--;
            return p;
        }
        if (interp && depth == 0 && c == '!' && !at(L, p + 1, '=')) {
            p++; /* a conversion: !r, !s, !a */
            while (p < L->len && svc_ident_byte((unsigned char)L->b[p])) p++;
            L->last = T_OTHER;
            continue;
        }
        if (c == '=' && !at(L, p + 1, '=')) {
            if (L->last == T_IDENT && L->ids.len) L->ids.items[L->ids.len - 1].flags |= ID_NEXT_EQ;
            p++;
            L->last = T_OTHER;
            continue;
        }
        if (c && strchr("+-*/%&|^~<>@!:=,;", c)) {
            p += op_len(L, p);
            L->last = T_OTHER;
            continue;
        }
        break; /* backticks, `$`, `?`, control characters: not followed */
    }
    if (!L->failed && (interp || L->opens.len != base || p < L->len)) lex_fail(L);
    return L->len;
}

static const fx_ident *ident_at(const struct fx_names *nm, uint32_t s)
{
    size_t lo = 0, hi = nm->nids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nm->ids[mid].start < s) lo = mid + 1;
        else hi = mid;
    }
    return lo < nm->nids && nm->ids[lo].start == s ? &nm->ids[lo] : NULL;
}

/* Lexes the file once; false when its tokens cannot be used. */
static bool lexed(fx_ctx *ctx, const fx_text *t, struct fx_names *nm, const svc_facts *facts)
{
    if (nm->lexed) return nm->lexed > 0;
    lexer L;
    memset(&L, 0, sizeof L);
    L.b = t->bytes;
    L.len = t->len;
    L.line_start = true;
    lex_code(&L, t->base, 0, false);
    svc_vec_free(&L.opens);
    nm->ids = L.ids.items;
    nm->nids = L.ids.len;
    nm->has_case = L.has_case;
    bool ok = !L.failed;
    /* every reference's head must be one of its identifier tokens, and every `import` keyword in
     * an import statement of the facts (the judging relies on their spans) */
    for (size_t r = 0; r < facts->nrefs && ok; r++) {
        const fx_ident *id = ident_at(nm, facts->refs[r].head_span.byte);
        ok = id && id->end == facts->refs[r].head_span.end_byte;
    }
    for (size_t i = 0; i < nm->nids && ok; i++) {
        const fx_ident *id = &nm->ids[i];
        if (id->end - id->start != 6 || memcmp(t->bytes + id->start, "import", 6) != 0) continue;
        ok = false;
        for (size_t k = 0; k < facts->nimports && !ok; k++)
            ok = id->start >= facts->imports[k].stmt_span.byte && id->end <= facts->imports[k].stmt_span.end_byte;
    }
    nm->lexed = ok ? 1 : -1;
    ctx->live_bytes += nm->nids * sizeof *nm->ids;
    return ok;
}

/* ---- judging a place ------------------------------------------------------------------------------ */

typedef enum { V_SKIP, V_BAD, V_UNSURE } verdict;

static bool is_keyword_argument(const svc_arg *args, size_t nargs, uint32_t s, const char *name)
{
    for (size_t a = 0; a < nargs; a++)
        if (args[a].span.byte == s && args[a].keyword && strcmp(args[a].keyword, name) == 0) return true;
    return false;
}

/* True when the token is directly inside the parameter list of a function def: a parameter. */
static bool in_parameters(const fx_text *t, const svc_facts *facts, const fx_ident *id)
{
    if (id->depth != 1) return false;
    for (size_t k = 0; k < facts->ndefs; k++) {
        const svc_def *d = &facts->defs[k];
        if (d->kind != SVC_DEF_FUNCTION || id->start < d->name_span.end_byte || id->start >= d->body_span.byte)
            continue;
        uint32_t q = d->name_span.end_byte;
        while (q < t->len && (t->bytes[q] == ' ' || t->bytes[q] == '\t')) q++;
        return q < t->len && t->bytes[q] == '(' && id->open == q;
    }
    return false;
}

/* A place that no reference explains and that is not in an imported name's span. */
static verdict judge(const fx_text *t, const struct fx_names *nm, const svc_facts *facts, uint32_t s, uint32_t e,
                     const char *name, const char *expected)
{
    const fx_ident *id = ident_at(nm, s);
    if (!id) return V_SKIP; /* in a string, a comment, a number */
    if (id->end != e) return V_UNSURE;
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (s >= imp->stmt_span.byte && s < imp->stmt_span.end_byte)
            return imp->level == 0 || relative_path_names(facts, s, name, expected) ? V_SKIP : V_BAD;
    }
    if (id->flags & ID_IN_FSTRING) return (id->flags & ID_PREV_DOT) ? V_SKIP : V_UNSURE;
    if (id->flags & ID_PREV_DOT) return nm->has_case ? V_UNSURE : V_SKIP;
    if (!(id->flags & ID_NEXT_EQ) || id->depth == 0) return V_BAD;
    for (size_t c = 0; c < facts->ncalls; c++)
        if (is_keyword_argument(facts->calls[c].args, facts->calls[c].nargs, s, name)) return V_SKIP;
    for (size_t k = 0; k < facts->ndefs; k++)
        for (size_t i = 0; i < facts->defs[k].ndecorators; i++) {
            const svc_decorator *dec = &facts->defs[k].decorators[i];
            if (is_keyword_argument(dec->args, dec->nargs, s, name)) return V_SKIP;
        }
    return in_parameters(t, facts, id) ? V_BAD : V_UNSURE;
}

/* True when the fast way may answer for this name: a plain ASCII identifier the grammar never
 * reads as a keyword. */
static bool plain_name(const char *name)
{
    static const char *const keywords[] = {
        "False", "None",  "True",   "_",     "__future__", "and",   "as",    "assert",   "async",  "await",
        "break", "case",  "class",  "continue", "def",     "del",   "elif",  "else",     "except", "exec",
        "finally", "for", "from",   "global", "if",        "import", "in",   "is",       "lambda", "match",
        "nonlocal", "not", "or",    "pass",  "print",      "raise", "return", "try",     "type",   "while",
        "with",  "yield", NULL,
    };
    if (!fx_is_identifier(name)) return false;
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p >= 0x80) return false;
    for (size_t i = 0; keywords[i]; i++)
        if (strcmp(keywords[i], name) == 0) return false;
    return true;
}

bool fx_name_free(fx_ctx *ctx, size_t file, const char *name, const char *expected)
{
    const svc_model *m = ctx->m;
    const fx_text *t = fx_text_of(ctx, file);
    if (!t) return false;
    const svc_facts *facts = m->files[file].facts;
    if (!imports_allow(m, facts, name, expected)) return false;
    struct fx_names *nm = names_of(ctx, file);
    bool fast = nm && plain_name(name), unsure = !fast;
    size_t n = strlen(name);
    const char *b = t->bytes;
    for (uint32_t p = t->base; fast && p + n <= t->len;) {
        const char *hit = memchr(b + p, name[0], t->len - n + 1 - p);
        if (!hit) break;
        uint32_t s = (uint32_t)(hit - b), e = s + (uint32_t)n;
        p = s + 1;
        if (memcmp(hit, name, n) != 0) continue;
        unsigned char before = s > t->base ? (unsigned char)b[s - 1] : ' ';
        unsigned char after = e < t->len ? (unsigned char)b[e] : ' ';
        if ((before < 0x80 && svc_ident_byte(before)) || (after < 0x80 && svc_ident_byte(after)))
            continue; /* inside a longer name */
        p = e;
        const svc_ref *ref = ref_at(nm, facts, s);
        if (ref && ref->head_span.end_byte == e) {
            if (!ref_ok(m, facts, ref, expected)) return false;
            continue;
        }
        if (ref) continue; /* a longer identifier starts here (non-ASCII letters after) */
        if (before >= 0x80 || after >= 0x80) {
            unsure = true; /* a Unicode space or part of a longer name: the walk tells */
            continue;
        }
        bool imported = false;
        for (size_t k = 0; k < facts->nimports && !imported; k++)
            imported = s >= facts->imports[k].span.byte && s < facts->imports[k].span.end_byte;
        if (imported) continue;
        verdict v = lexed(ctx, t, nm, facts) ? judge(t, nm, facts, s, e, name, expected) : V_UNSURE;
        if (v == V_BAD) return false;
        if (v == V_UNSURE) unsure = true;
    }
    if (!unsure) return true;
    ctx->name_walks++;
    return walk_free(ctx, file, name, expected);
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
