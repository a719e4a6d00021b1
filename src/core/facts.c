/*
 * Facts extraction: one walk over a tree-sitter-python tree with an explicit frame stack
 * (a TSTreeCursor plus our own per-node frames), so nesting depth costs heap, not C stack.
 *
 * Each frame says how its node is read ("mode"): as a load, an assignment target, a call's
 * argument list, a def's parts... A node's mode is chosen by its parent (child_frame) and may
 * be refined when the node is entered (enter_*). Names cannot be resolved during the walk
 * because Python makes a name local to a function if it is bound anywhere in it, so the walk
 * only records bindings per scope and unresolved refs; facts_resolve_all() (facts_resolve.c)
 * finishes afterwards.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "core/facts_internal.h"
#include "svcscope/facts.h"
#include "svcscope/util.h"

/* ---- node kinds and fields, looked up once per process ------------------------ */

enum node_kind {
    K_OTHER = 0,
    K_ERROR,
    K_IDENTIFIER,
    K_ATTRIBUTE,
    K_DOTTED_NAME,
    K_CALL,
    K_ARGUMENT_LIST,
    K_KEYWORD_ARGUMENT,
    K_LIST_SPLAT,
    K_DICTIONARY_SPLAT,
    K_PARENTHESIZED_EXPRESSION,
    K_TUPLE,
    K_LIST,
    K_EXPRESSION_LIST,
    K_PATTERN_LIST,
    K_TUPLE_PATTERN,
    K_LIST_PATTERN,
    K_LIST_SPLAT_PATTERN,
    K_DICTIONARY_SPLAT_PATTERN,
    K_AS_PATTERN_TARGET,
    K_SUBSCRIPT,
    K_STRING,
    K_STRING_CONTENT,
    K_CONCATENATED_STRING,
    K_INTERPOLATION,
    K_COMMENT,
    K_IMPORT_STATEMENT,
    K_IMPORT_FROM_STATEMENT,
    K_FUTURE_IMPORT_STATEMENT,
    K_ALIASED_IMPORT,
    K_RELATIVE_IMPORT,
    K_IMPORT_PREFIX,
    K_WILDCARD_IMPORT,
    K_FUNCTION_DEFINITION,
    K_CLASS_DEFINITION,
    K_DECORATED_DEFINITION,
    K_DECORATOR,
    K_BLOCK,
    K_EXPRESSION_STATEMENT,
    K_DEFAULT_PARAMETER,
    K_TYPED_PARAMETER,
    K_TYPED_DEFAULT_PARAMETER,
    K_KEYWORD_SEPARATOR,
    K_POSITIONAL_SEPARATOR,
    K_LAMBDA,
    K_LIST_COMPREHENSION,
    K_SET_COMPREHENSION,
    K_DICTIONARY_COMPREHENSION,
    K_GENERATOR_EXPRESSION,
    K_FOR_IN_CLAUSE,
    K_ASSIGNMENT,
    K_AUGMENTED_ASSIGNMENT,
    K_NAMED_EXPRESSION,
    K_FOR_STATEMENT,
    K_WHILE_STATEMENT,
    K_EXCEPT_CLAUSE,
    K_EXCEPT_GROUP_CLAUSE,
    K_AS_PATTERN,
    K_RAISE_STATEMENT,
    K_GLOBAL_STATEMENT,
    K_NONLOCAL_STATEMENT,
    K_CASE_PATTERN,
    K_CLASS_PATTERN,
    K_KEYWORD_PATTERN,
    K_BINARY_OPERATOR,
    K_TYPE,
    K_TYPE_ALIAS_STATEMENT,
    K_DICTIONARY,
    K_PAIR,
    K_WITH_STATEMENT,
};

static const struct {
    const char *name;
    uint8_t kind;
} kind_names[] = {
    { "identifier", K_IDENTIFIER },
    { "attribute", K_ATTRIBUTE },
    { "dotted_name", K_DOTTED_NAME },
    { "call", K_CALL },
    { "argument_list", K_ARGUMENT_LIST },
    { "keyword_argument", K_KEYWORD_ARGUMENT },
    { "list_splat", K_LIST_SPLAT },
    { "dictionary_splat", K_DICTIONARY_SPLAT },
    { "parenthesized_expression", K_PARENTHESIZED_EXPRESSION },
    { "tuple", K_TUPLE },
    { "list", K_LIST },
    { "expression_list", K_EXPRESSION_LIST },
    { "pattern_list", K_PATTERN_LIST },
    { "tuple_pattern", K_TUPLE_PATTERN },
    { "list_pattern", K_LIST_PATTERN },
    { "list_splat_pattern", K_LIST_SPLAT_PATTERN },
    { "dictionary_splat_pattern", K_DICTIONARY_SPLAT_PATTERN },
    { "as_pattern_target", K_AS_PATTERN_TARGET },
    { "subscript", K_SUBSCRIPT },
    { "string", K_STRING },
    { "string_content", K_STRING_CONTENT },
    { "concatenated_string", K_CONCATENATED_STRING },
    { "interpolation", K_INTERPOLATION },
    { "comment", K_COMMENT },
    { "import_statement", K_IMPORT_STATEMENT },
    { "import_from_statement", K_IMPORT_FROM_STATEMENT },
    { "future_import_statement", K_FUTURE_IMPORT_STATEMENT },
    { "aliased_import", K_ALIASED_IMPORT },
    { "relative_import", K_RELATIVE_IMPORT },
    { "import_prefix", K_IMPORT_PREFIX },
    { "wildcard_import", K_WILDCARD_IMPORT },
    { "function_definition", K_FUNCTION_DEFINITION },
    { "class_definition", K_CLASS_DEFINITION },
    { "decorated_definition", K_DECORATED_DEFINITION },
    { "decorator", K_DECORATOR },
    { "block", K_BLOCK },
    { "expression_statement", K_EXPRESSION_STATEMENT },
    { "default_parameter", K_DEFAULT_PARAMETER },
    { "typed_parameter", K_TYPED_PARAMETER },
    { "typed_default_parameter", K_TYPED_DEFAULT_PARAMETER },
    { "keyword_separator", K_KEYWORD_SEPARATOR },
    { "positional_separator", K_POSITIONAL_SEPARATOR },
    { "lambda", K_LAMBDA },
    { "list_comprehension", K_LIST_COMPREHENSION },
    { "set_comprehension", K_SET_COMPREHENSION },
    { "dictionary_comprehension", K_DICTIONARY_COMPREHENSION },
    { "generator_expression", K_GENERATOR_EXPRESSION },
    { "for_in_clause", K_FOR_IN_CLAUSE },
    { "assignment", K_ASSIGNMENT },
    { "augmented_assignment", K_AUGMENTED_ASSIGNMENT },
    { "named_expression", K_NAMED_EXPRESSION },
    { "for_statement", K_FOR_STATEMENT },
    { "while_statement", K_WHILE_STATEMENT },
    { "except_clause", K_EXCEPT_CLAUSE },
    { "except_group_clause", K_EXCEPT_GROUP_CLAUSE },
    { "as_pattern", K_AS_PATTERN },
    { "raise_statement", K_RAISE_STATEMENT },
    { "global_statement", K_GLOBAL_STATEMENT },
    { "nonlocal_statement", K_NONLOCAL_STATEMENT },
    { "case_pattern", K_CASE_PATTERN },
    { "class_pattern", K_CLASS_PATTERN },
    { "keyword_pattern", K_KEYWORD_PATTERN },
    { "binary_operator", K_BINARY_OPERATOR },
    { "type", K_TYPE },
    { "type_alias_statement", K_TYPE_ALIAS_STATEMENT },
    { "dictionary", K_DICTIONARY },
    { "pair", K_PAIR },
    { "with_statement", K_WITH_STATEMENT },
};

enum field {
    F_NAME,
    F_ALIAS,
    F_VALUE,
    F_OBJECT,
    F_ATTRIBUTE,
    F_FUNCTION,
    F_ARGUMENTS,
    F_LEFT,
    F_RIGHT,
    F_TYPE,
    F_BODY,
    F_PARAMETERS,
    F_RETURN_TYPE,
    F_TYPE_PARAMETERS,
    F_SUPERCLASSES,
    F_DEFINITION,
    F_MODULE_NAME,
    F_CAUSE,
    F_OPERATOR,
    F_KEY,
    F_SUBSCRIPT,
    F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "name", "alias", "value", "object", "attribute", "function", "arguments", "left", "right",
    "type", "body", "parameters", "return_type", "type_parameters", "superclasses", "definition",
    "module_name", "cause", "operator", "key", "subscript",
};

#define MAX_SYMBOLS 2048
static uint8_t symbol_kinds[MAX_SYMBOLS];
static TSFieldId field_ids[F_COUNT];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void init_tables(void)
{
    const TSLanguage *lang = tree_sitter_python();
    uint32_t count = ts_language_symbol_count(lang);
    for (uint32_t s = 0; s < count && s < MAX_SYMBOLS; s++) {
        if (ts_language_symbol_type(lang, (TSSymbol)s) != TSSymbolTypeRegular) continue;
        const char *name = ts_language_symbol_name(lang, (TSSymbol)s);
        if (!name) continue;
        for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
            if (strcmp(name, kind_names[i].name) == 0) symbol_kinds[s] = kind_names[i].kind;
    }
    for (int f = 0; f < F_COUNT; f++)
        field_ids[f] = ts_language_field_id_for_name(lang, field_names[f], (uint32_t)strlen(field_names[f]));
}

static uint8_t kind_of(TSNode n)
{
    TSSymbol s = ts_node_symbol(n);
    if (s == (TSSymbol)-1) return K_ERROR;
    return s < MAX_SYMBOLS ? symbol_kinds[s] : K_OTHER;
}

static TSNode field_child(TSNode n, enum field f)
{
    return ts_node_child_by_field_id(n, field_ids[f]);
}

/* ---- frames ------------------------------------------------------------------------ */

enum mode {
    /* set by the parent */
    M_LOAD,
    M_TARGET,
    M_PATTERN,
    M_IGNORE,
    M_CLASSNAME,
    M_DEF,
    M_DECORATED,
    M_DECORATOR,
    M_PARAMS,
    M_PARAM,
    M_ARGLIST,
    M_BASES,
    M_FOR_IN,
    M_KWARG,
    M_SPLAT,
    /* set on entry */
    M_SKIP,
    M_ERROR,
    M_PROPAGATE,
    M_TARGETS,
    M_ATTR_NONCHAIN,
    M_CALL,
    M_STRING,
    M_LAMBDA,
    M_COMP,
    M_AS_PATTERN,
    M_ASSIGNMENT,
    M_AUGASSIGN,
    M_FOR,
    M_EXCEPT,
    M_EXCEPT_GROUP,
    M_RAISE,
    M_NAMED_EXPR,
    M_CLASS_PATTERN,
    M_KEYWORD_PATTERN,
};

enum frame_bits {
    FB_IN_ERROR = 1u << 0,       /* inside an ERROR node already reported */
    FB_CHAINED = 1u << 1,        /* an assignment that is the value of another (a = b = v) */
    FB_KNOWN_NONCHAIN = 1u << 2, /* an attribute whose object is known not to be a chain */
    FB_ISINSTANCE = 1u << 3,     /* call of isinstance/issubclass */
    FB_LINK_CALLEE = 1u << 4,    /* a call whose callee chain fills this frame's target */
    FB_IN_PATTERN = 1u << 5,     /* as_pattern of a case pattern */
    FB_DESCEND = 1u << 6,        /* visit the children */
};

typedef struct frame {
    uint8_t mode;
    uint8_t kind;
    uint8_t bits;
    uint8_t target_kind;
    uint16_t flags;       /* SVC_REF_* for a chain at this node */
    uint16_t child_flags; /* flags handed to children by propagating modes */
    int scope;            /* scope this node is evaluated in */
    int aux;              /* mode data: def index, call index, scope id */
    int aux2;
    int call_of;          /* this node is the callee of that call, or -1 */
    uint32_t counter;     /* children seen so far, for positional bookkeeping */
    uint32_t counter2;
    void *target;
} frame;

typedef SVC_VEC(frame) frame_vec;

/* ---- small helpers ------------------------------------------------------------ */

static bool node_ok(TSNode n)
{
    return !ts_node_is_null(n) && !ts_node_is_missing(n);
}

/* The named children of `node`, comments left out (ERROR and MISSING ones kept). */
static void gather(extractor *ex, TSNode node, node_vec *out)
{
    out->len = 0;
    TSTreeCursor *c = &ex->gather_cursor;
    ts_tree_cursor_reset(c, node);
    for (bool more = ts_tree_cursor_goto_first_child(c); more; more = ts_tree_cursor_goto_next_sibling(c)) {
        TSNode child = ts_tree_cursor_current_node(c);
        if (!ts_node_is_named(child) || kind_of(child) == K_COMMENT) continue;
        svc_vec_push(out, child);
    }
}

static const char *src_at(const extractor *ex, TSNode n, uint32_t *len)
{
    uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
    if (e > ex->src_len) e = ex->src_len;
    if (s > e) s = e;
    *len = e - s;
    return ex->src + s;
}

static bool node_text_is(const extractor *ex, TSNode n, const char *word)
{
    uint32_t len;
    const char *s = src_at(ex, n, &len);
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* A byte count that does not cut a UTF-8 sequence in two. */
static uint32_t utf8_cut(const char *s, uint32_t len, uint32_t max)
{
    return len <= max ? len : (uint32_t)svc_utf8_floor(s, max);
}

/*
 * Source text of a node. Nested calls copy their arguments' text at every level, which is
 * quadratic in the nesting depth; the budget keeps pathological files bounded (texts are
 * cut to 200 bytes once a file has copied several times its size).
 */
static const char *text_of(extractor *ex, TSNode n)
{
    uint32_t len;
    const char *s = src_at(ex, n, &len);
    if (len > ex->text_budget) len = utf8_cut(s, len, 200);
    else ex->text_budget -= len;
    return svc_arena_strndup(ex->arena, s, len);
}

static const char *text_trunc(extractor *ex, TSNode n, uint32_t max)
{
    uint32_t len;
    const char *s = src_at(ex, n, &len);
    return svc_arena_strndup(ex->arena, s, utf8_cut(s, len, max));
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* ---- positions ------------------------------------------------------------------ */

static void build_lines(extractor *ex)
{
    SVC_VEC(uint32_t) starts = { 0 };
    SVC_VEC(uint8_t) ascii = { 0 };
    svc_vec_push(&starts, ex->base);
    uint8_t is_ascii = 1;
    for (size_t i = ex->base; i < ex->len; i++) {
        unsigned char c = (unsigned char)ex->bytes[i];
        if (c >= 0x80) is_ascii = 0;
        if (c == '\n') {
            svc_vec_push(&ascii, is_ascii);
            svc_vec_push(&starts, (uint32_t)(i + 1));
            is_ascii = 1;
        }
    }
    svc_vec_push(&ascii, is_ascii);
    ex->line_start = starts.items;
    ex->line_ascii = ascii.items;
    ex->nline = (uint32_t)starts.len;
}

static uint32_t row_of(const extractor *ex, uint32_t hint, uint32_t byte)
{
    if (hint < ex->nline && ex->line_start[hint] <= byte &&
        (hint + 1 == ex->nline || byte < ex->line_start[hint + 1]))
        return hint;
    uint32_t lo = 0, hi = ex->nline; /* last start <= byte */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ex->line_start[mid] <= byte) lo = mid;
        else hi = mid;
    }
    return lo;
}

static uint32_t col_of(extractor *ex, uint32_t row, uint32_t byte)
{
    uint32_t start = ex->line_start[row];
    if (byte < start) byte = start;
    if (ex->line_ascii[row]) return byte - start;
    /* Spans mostly come in source order: count on from the last position on this line. */
    uint32_t col;
    if (ex->memo_valid && ex->memo_row == row && ex->memo_byte <= byte)
        col = ex->memo_col + (uint32_t)svc_utf8_codepoints(ex->bytes + ex->memo_byte, byte - ex->memo_byte);
    else
        col = (uint32_t)svc_utf8_codepoints(ex->bytes + start, byte - start);
    ex->memo_valid = true;
    ex->memo_row = row;
    ex->memo_byte = byte;
    ex->memo_col = col;
    return col;
}

static svc_span span_of(extractor *ex, TSNode n)
{
    svc_span s;
    s.byte = ts_node_start_byte(n) + ex->base;
    s.end_byte = ts_node_end_byte(n) + ex->base;
    if (s.end_byte > ex->len) s.end_byte = (uint32_t)ex->len;
    /* A comment token runs to the end of the line, \r of a CRLF included; a span
     * ending with that comment (a block, a def) must not count the \r. */
    if (s.end_byte > s.byte && ex->bytes[s.end_byte - 1] == '\r' &&
        (s.end_byte == ex->len || ex->bytes[s.end_byte] == '\n'))
        s.end_byte--;
    if (s.byte > s.end_byte) s.byte = s.end_byte;
    s.row = row_of(ex, ts_node_start_point(n).row, s.byte);
    s.col = col_of(ex, s.row, s.byte);
    s.end_row = row_of(ex, ts_node_end_point(n).row, s.end_byte);
    s.end_col = col_of(ex, s.end_row, s.end_byte);
    return s;
}

static svc_span span_of_part(extractor *ex, part p, uint32_t row_hint)
{
    svc_span s;
    s.byte = p.start + ex->base;
    s.end_byte = p.end + ex->base;
    s.row = row_of(ex, row_hint, s.byte);
    s.col = col_of(ex, s.row, s.byte);
    s.end_row = row_of(ex, s.row, s.end_byte);
    s.end_col = col_of(ex, s.end_row, s.end_byte);
    return s;
}

/* ---- bindings ------------------------------------------------------------------ */

static void bind_node(extractor *ex, int scope, TSNode name, enum binding_kind kind, int import_index)
{
    if (!node_ok(name)) return;
    uint32_t len;
    const char *s = src_at(ex, name, &len);
    facts_bind(ex, scope, s, len, kind, import_index);
}

/* ---- chains ------------------------------------------------------------------- */

/* Fills ex->parts with the identifiers of a plain name/attribute chain; false when not one. */
static bool collect_chain(extractor *ex, TSNode node)
{
    ex->parts.len = 0;
    uint8_t k = kind_of(node);
    if (k == K_DOTTED_NAME) {
        gather(ex, node, &ex->v_dotted);
        if (!ex->v_dotted.len) return false;
        for (size_t i = 0; i < ex->v_dotted.len; i++) {
            TSNode id = ex->v_dotted.items[i];
            if (kind_of(id) != K_IDENTIFIER || !node_ok(id)) return false;
            part p = { ts_node_start_byte(id), ts_node_end_byte(id) };
            svc_vec_push(&ex->parts, p);
        }
        return true;
    }
    for (;;) {
        if (k == K_IDENTIFIER) {
            if (!node_ok(node) || ts_node_end_byte(node) == ts_node_start_byte(node)) return false;
            part p = { ts_node_start_byte(node), ts_node_end_byte(node) };
            svc_vec_push(&ex->parts, p);
            break;
        }
        if (k != K_ATTRIBUTE) return false;
        TSNode attr = field_child(node, F_ATTRIBUTE);
        if (!node_ok(attr) || kind_of(attr) != K_IDENTIFIER) return false;
        part p = { ts_node_start_byte(attr), ts_node_end_byte(attr) };
        if (p.end == p.start) return false;
        svc_vec_push(&ex->parts, p);
        node = field_child(node, F_OBJECT);
        if (ts_node_is_null(node)) return false;
        k = kind_of(node);
    }
    for (size_t i = 0, j = ex->parts.len - 1; i < j; i++, j--) {
        part t = ex->parts.items[i];
        ex->parts.items[i] = ex->parts.items[j];
        ex->parts.items[j] = t;
    }
    return true;
}

/* The dotted text of ex->parts: "a.b.c", whitespace and comments dropped. */
static const char *parts_text(extractor *ex)
{
    size_t total = 0;
    for (size_t i = 0; i < ex->parts.len; i++) total += ex->parts.items[i].end - ex->parts.items[i].start + 1;
    char *p = svc_arena_alloc(ex->arena, total ? total : 1);
    size_t at = 0;
    for (size_t i = 0; i < ex->parts.len; i++) {
        if (i) p[at++] = '.';
        uint32_t n = ex->parts.items[i].end - ex->parts.items[i].start;
        memcpy(p + at, ex->src + ex->parts.items[i].start, n);
        at += n;
    }
    p[at] = '\0';
    return p;
}

static const char *chain_text(extractor *ex, TSNode node)
{
    return collect_chain(ex, node) ? parts_text(ex) : NULL;
}

/* ---- string literals ------------------------------------------------------------ */

/* The value of a plain string literal (escapes left as written), or NULL for f-strings. */
static const char *string_value(extractor *ex, TSNode node)
{
    uint8_t k = kind_of(node);
    const TSNode *strings = &node;
    size_t nstrings = 1;
    if (k == K_CONCATENATED_STRING) {
        gather(ex, node, &ex->v_concat);
        strings = ex->v_concat.items;
        nstrings = ex->v_concat.len;
    } else if (k != K_STRING) {
        return NULL;
    }
    ex->strbuf.len = 0;
    for (size_t i = 0; i < nstrings; i++) {
        if (kind_of(strings[i]) != K_STRING) return NULL;
        gather(ex, strings[i], &ex->v_string);
        for (size_t j = 0; j < ex->v_string.len; j++) {
            uint8_t pk = kind_of(ex->v_string.items[j]);
            if (pk == K_INTERPOLATION) return NULL;
            if (pk != K_STRING_CONTENT) continue;
            uint32_t len;
            const char *s = src_at(ex, ex->v_string.items[j], &len);
            svc_buf_append(&ex->strbuf, s, len);
        }
    }
    return svc_arena_strndup(ex->arena, ex->strbuf.data ? ex->strbuf.data : "", ex->strbuf.len);
}

/*
 * String items of a list/tuple value, also through `+` ([...] + [...]). Fills
 * ex->tmp_strings; false when the value is not such a sequence.
 */
static bool sequence_strings(extractor *ex, TSNode value)
{
    ex->tmp_strings.len = 0;
    node_vec *spine = &ex->v_spine;
    spine->len = 0;
    /* `a + b + c` nests to the left: walk down the left spine, keeping right operands. */
    TSNode cur = value;
    while (kind_of(cur) == K_BINARY_OPERATOR) {
        TSNode op = field_child(cur, F_OPERATOR);
        if (ts_node_is_null(op) || !node_text_is(ex, op, "+")) return false;
        TSNode right = field_child(cur, F_RIGHT);
        if (ts_node_is_null(right)) return false;
        svc_vec_push(spine, right);
        cur = field_child(cur, F_LEFT);
        if (ts_node_is_null(cur)) return false;
    }
    svc_vec_push(spine, cur);
    bool any_sequence = false;
    for (size_t i = spine->len; i-- > 0;) {
        TSNode operand = spine->items[i];
        uint8_t k = kind_of(operand);
        if (k != K_LIST && k != K_TUPLE) continue;
        any_sequence = true;
        gather(ex, operand, &ex->v_items);
        for (size_t j = 0; j < ex->v_items.len; j++) {
            const char *s = string_value(ex, ex->v_items.items[j]);
            if (s) svc_vec_push(&ex->tmp_strings, s);
        }
    }
    return any_sequence;
}

static const char *const *arena_strings(extractor *ex, const str_vec *v)
{
    if (!v->len) return NULL;
    const char **out = svc_arena_alloc(ex->arena, v->len * sizeof *out);
    memcpy(out, v->items, v->len * sizeof *out);
    return out;
}

/* ---- noqa ---------------------------------------------------------------------- */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool ieq_noqa(const char *s)
{
    static const char word[] = "noqa";
    for (int i = 0; i < 4; i++)
        if ((s[i] | 0x20) != word[i]) return false;
    return true;
}

/*
 * `# noqa`, `# noqa: A1, B2`, `#NOQA:svc2`: any `#`, optional blanks, `noqa` in any case.
 * Without a colon it counts only when nothing but blanks or another comment follows,
 * so prose such as "# noqa is mentioned here" is not a suppression. A colon with no
 * code after it suppresses everything, as flake8 reads it.
 */
static void add_noqa(extractor *ex, TSNode comment)
{
    uint32_t n;
    const char *s = src_at(ex, comment, &n);
    bool found = false, all = false;
    uint32_t first = 0, last = 0; /* the directives: from the first '#' to the end of the last one */
    ex->tmp_codes.len = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (s[i] != '#') continue;
        uint32_t j = i + 1;
        while (j < n && is_space(s[j])) j++;
        if (n - j < 4 || !ieq_noqa(s + j)) continue;
        j += 4;
        if (j < n && (is_alpha(s[j]) || is_digit(s[j]) || s[j] == '_')) continue; /* "noqas" */
        uint32_t k = j;
        while (k < n && is_space(s[k])) k++;
        if (k < n && s[k] == ':') {
            size_t before = ex->tmp_codes.len;
            k++;
            uint32_t end = k;
            for (;;) {
                while (k < n && (is_space(s[k]) || s[k] == ',')) k++;
                uint32_t start = k;
                while (k < n && is_alpha(s[k])) k++;
                uint32_t letters_end = k;
                while (k < n && is_digit(s[k])) k++;
                if (letters_end == start || k == letters_end) break;       /* not LETTERS DIGITS */
                if (k < n && (is_alpha(s[k]) || s[k] == '_')) break;       /* E501x */
                char *code = svc_arena_strndup(ex->arena, s + start, k - start);
                for (char *c = code; *c; c++)
                    if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
                svc_vec_push(&ex->tmp_codes, code);
                end = k;
            }
            if (!found) first = i;
            last = end;
            found = true;
            if (ex->tmp_codes.len == before) all = true;
            i = k ? k - 1 : 0;
        } else if (k == n || s[k] == '#') {
            if (!found) first = i;
            last = j;
            found = all = true;
        }
    }
    if (!found) return;
    svc_noqa q = { 0 };
    q.row = row_of(ex, ts_node_start_point(comment).row, ts_node_start_byte(comment) + ex->base);
    part directives = { ts_node_start_byte(comment) + first, ts_node_start_byte(comment) + last };
    q.span = span_of_part(ex, directives, q.row);
    q.all = all;
    q.codes = arena_strings(ex, &ex->tmp_codes);
    q.ncodes = ex->tmp_codes.len;
    svc_vec_push(&ex->noqa, q);
}

/* ---- imports -------------------------------------------------------------------- */

/* Text of a dotted_name as "a.b.c". */
static const char *dotted_text(extractor *ex, TSNode n)
{
    const char *t = chain_text(ex, n);
    return t ? t : text_trunc(ex, n, 1000);
}

/* The package a relative import of `level` dots starts from, or NULL above the top. */
static const char *relative_base(extractor *ex, int level)
{
    const char *module = ex->facts->module;
    if (!module || !*module) return NULL;
    /* components of the package: the module itself for __init__.py, else its parent */
    size_t len = strlen(module);
    if (!ex->facts->is_package) {
        const char *dot = strrchr(module, '.');
        if (!dot) return NULL;
        len = (size_t)(dot - module);
    }
    for (int up = 1; up < level; up++) {
        size_t i = len;
        while (i > 0 && module[i - 1] != '.') i--;
        if (i == 0) return NULL;
        len = i - 1;
    }
    return svc_arena_strndup(ex->arena, module, len);
}

static void add_import(extractor *ex, svc_import imp, TSNode bound_node, int scope)
{
    int index = (int)ex->imports.len;
    svc_vec_push(&ex->imports, imp);
    if (imp.bound && !ts_node_is_null(bound_node)) {
        if (kind_of(bound_node) == K_IDENTIFIER) {
            bind_node(ex, scope, bound_node, B_IMPORT, index);
        } else {
            facts_bind(ex, scope, imp.bound, (uint32_t)strlen(imp.bound), B_IMPORT, index);
        }
    }
}

static void record_imports(extractor *ex, TSNode stmt, uint8_t kind, int scope)
{
    svc_import common = { 0 };
    common.scope = facts_scope_def(ex, scope);
    common.stmt_span = span_of(ex, stmt);
    TSNode module_node = { 0 };
    const char *from_module = NULL;  /* FROM/STAR: the module text used for targets */
    bool relative_unresolved = false;
    if (kind == K_IMPORT_FROM_STATEMENT) {
        module_node = field_child(stmt, F_MODULE_NAME);
        if (ts_node_is_null(module_node)) return;
        if (kind_of(module_node) == K_RELATIVE_IMPORT) {
            gather(ex, module_node, &ex->v_stack);
            TSNode dotted = { 0 };
            int level = 0;
            for (size_t i = 0; i < ex->v_stack.len; i++) {
                TSNode c = ex->v_stack.items[i];
                if (kind_of(c) == K_IMPORT_PREFIX) {
                    uint32_t len;
                    const char *p = src_at(ex, c, &len);
                    for (uint32_t j = 0; j < len; j++) level += p[j] == '.';
                } else if (kind_of(c) == K_DOTTED_NAME) {
                    dotted = c;
                }
            }
            common.level = level;
            const char *rest = ts_node_is_null(dotted) ? NULL : dotted_text(ex, dotted);
            const char *base = relative_base(ex, level);
            if (base) {
                from_module = rest ? (*base ? facts_concat3(ex, base, ".", rest) : rest) : base;
                if (!*from_module) base = NULL; /* `from . import x` at the top: no package */
            }
            if (!base) {
                relative_unresolved = true;
                char *dots = svc_arena_alloc(ex->arena, (size_t)level + 1);
                memset(dots, '.', (size_t)level);
                from_module = rest ? facts_concat3(ex, dots, "", rest) : dots;
            }
        } else {
            from_module = dotted_text(ex, module_node);
        }
    } else if (kind == K_FUTURE_IMPORT_STATEMENT) {
        from_module = "__future__";
    }
    common.unresolved = relative_unresolved;

    gather(ex, stmt, &ex->v_imports);
    uint32_t names = 0;
    for (size_t i = 0; i < ex->v_imports.len; i++) {
        TSNode c = ex->v_imports.items[i];
        uint8_t k = kind_of(c);
        if (!ts_node_is_null(module_node) && ts_node_eq(c, module_node)) continue;
        if (k == K_DOTTED_NAME || k == K_ALIASED_IMPORT || k == K_WILDCARD_IMPORT) names++;
    }
    for (size_t i = 0; i < ex->v_imports.len; i++) {
        TSNode c = ex->v_imports.items[i];
        uint8_t k = kind_of(c);
        if (!ts_node_is_null(module_node) && ts_node_eq(c, module_node)) continue;
        if (k != K_DOTTED_NAME && k != K_ALIASED_IMPORT && k != K_WILDCARD_IMPORT) continue;
        svc_import imp = common;
        imp.stmt_names = names;
        imp.span = span_of(ex, c);
        TSNode name_node = c, alias_node = { 0 };
        if (k == K_ALIASED_IMPORT) {
            name_node = field_child(c, F_NAME);
            alias_node = field_child(c, F_ALIAS);
            if (ts_node_is_null(name_node)) continue;
            if (node_ok(alias_node)) imp.alias = text_trunc(ex, alias_node, 1000);
        }
        if (k == K_WILDCARD_IMPORT) {
            if (!from_module) continue; /* `import *` is not Python */
            imp.kind = SVC_IMPORT_STAR;
            imp.module = from_module;
            imp.target = from_module;
            add_import(ex, imp, (TSNode){ 0 }, scope);
            continue;
        }
        const char *name = dotted_text(ex, name_node);
        TSNode bound_node;
        if (kind == K_IMPORT_STATEMENT) {
            imp.kind = SVC_IMPORT_MODULE;
            imp.module = name;
            if (imp.alias) {
                imp.bound = imp.alias;
                imp.target = name;
                bound_node = alias_node;
            } else {
                /* `import a.b.c` binds `a` */
                const char *dot = strchr(name, '.');
                imp.bound = dot ? svc_arena_strndup(ex->arena, name, (size_t)(dot - name)) : name;
                imp.target = imp.bound;
                bound_node = ts_node_named_child(name_node, 0);
                if (kind_of(bound_node) != K_IDENTIFIER) bound_node = name_node;
            }
        } else {
            imp.kind = SVC_IMPORT_FROM;
            imp.module = from_module;
            imp.name = name;
            imp.bound = imp.alias ? imp.alias : name;
            bound_node = imp.alias ? alias_node : name_node;
            if (!imp.alias && kind_of(name_node) == K_DOTTED_NAME && ts_node_named_child_count(name_node) == 1)
                bound_node = ts_node_named_child(name_node, 0);
            size_t ml = strlen(from_module);
            imp.target = (ml && from_module[ml - 1] == '.') ? facts_concat3(ex, from_module, "", name)
                                                          : facts_concat3(ex, from_module, ".", name);
        }
        add_import(ex, imp, bound_node, scope);
    }
}

/* ---- refs and calls --------------------------------------------------------------- */

/* Records the chain in ex->parts (filled by collect_chain) at `node` as a ref. */
static void add_ref(extractor *ex, TSNode node, const frame *f, unsigned flags)
{
    svc_ref r = { 0 };
    r.raw = parts_text(ex);
    r.import_index = -1;
    r.scope = facts_scope_def(ex, f->scope);
    r.flags = flags;
    r.span = span_of(ex, node);
    r.head_span = span_of_part(ex, ex->parts.items[0], r.span.row);
    size_t index = ex->refs.len;
    svc_vec_push(&ex->refs, r);
    svc_vec_push(&ex->ref_scope, f->scope);
    if (f->call_of >= 0) ex->calls.items[f->call_of].ref = (int)index;
    if (f->target_kind != T_NONE) {
        link l = { f->target_kind, f->target, index };
        svc_vec_push(&ex->links, l);
    }
}

static bool is_arg_node(TSNode n)
{
    uint8_t k = kind_of(n);
    return ts_node_is_named(n) && k != K_COMMENT && k != K_ERROR && !ts_node_is_missing(n);
}

static bool is_positional(uint8_t k)
{
    return k != K_KEYWORD_ARGUMENT && k != K_LIST_SPLAT && k != K_DICTIONARY_SPLAT;
}

static void build_args(extractor *ex, TSNode args, const svc_arg **out, size_t *nout)
{
    ex->tmp_args.len = 0;
    if (kind_of(args) == K_GENERATOR_EXPRESSION) {
        svc_arg a = { 0 };
        a.text = text_of(ex, args);
        a.span = span_of(ex, args);
        svc_vec_push(&ex->tmp_args, a);
    } else {
        gather(ex, args, &ex->v_args);
        for (size_t i = 0; i < ex->v_args.len; i++) {
            TSNode c = ex->v_args.items[i];
            if (!is_arg_node(c)) continue;
            svc_arg a = { 0 };
            a.span = span_of(ex, c);
            TSNode value = c;
            switch (kind_of(c)) {
            case K_KEYWORD_ARGUMENT: {
                TSNode name = field_child(c, F_NAME);
                a.keyword = node_ok(name) ? text_trunc(ex, name, 1000) : "";
                value = field_child(c, F_VALUE);
                break;
            }
            case K_LIST_SPLAT:
                a.keyword = "*";
                value = ts_node_named_child(c, 0);
                break;
            case K_DICTIONARY_SPLAT:
                a.keyword = "**";
                value = ts_node_named_child(c, 0);
                break;
            default:
                break;
            }
            a.text = ts_node_is_null(value) ? "" : text_of(ex, value);
            svc_vec_push(&ex->tmp_args, a);
        }
    }
    *nout = ex->tmp_args.len;
    *out = NULL;
    if (ex->tmp_args.len) {
        svc_arg *copy = svc_arena_alloc(ex->arena, ex->tmp_args.len * sizeof *copy);
        memcpy(copy, ex->tmp_args.items, ex->tmp_args.len * sizeof *copy);
        *out = copy;
    }
}

static void append_all(extractor *ex)
{
    for (size_t i = 0; i < ex->tmp_strings.len; i++) svc_vec_push(&ex->all, ex->tmp_strings.items[i]);
}

/* `__all__.extend([...])`, `__all__.append("x")` at module level. */
static void all_mutation(extractor *ex, TSNode fn, TSNode arglist, const svc_call *c)
{
    if (kind_of(fn) != K_ATTRIBUTE || c->nargs != 1 || c->args[0].keyword) return;
    TSNode object = field_child(fn, F_OBJECT);
    if (ts_node_is_null(object) || kind_of(object) != K_IDENTIFIER || !node_text_is(ex, object, "__all__")) return;
    gather(ex, arglist, &ex->v_items);
    TSNode value = { 0 };
    for (size_t i = 0; i < ex->v_items.len; i++)
        if (is_arg_node(ex->v_items.items[i])) value = ex->v_items.items[i];
    if (ts_node_is_null(value)) return;
    if (strcmp(c->attr, "extend") == 0) {
        if (sequence_strings(ex, value)) append_all(ex);
    } else if (strcmp(c->attr, "append") == 0) {
        const char *s = string_value(ex, value);
        if (s) svc_vec_push(&ex->all, s);
    }
}

static void record_schedule_call(extractor *ex, TSNode fn, TSNode args, const svc_call *c, int scope);
static void record_celery_imports_call(extractor *ex, TSNode args, const svc_call *c);

static void begin_call(extractor *ex, TSNode node, frame *f)
{
    svc_call c = { 0 };
    c.ref = -1;
    c.scope = facts_scope_def(ex, f->scope);
    c.span = span_of(ex, node);
    TSNode fn = field_child(node, F_FUNCTION);
    TSNode args = field_child(node, F_ARGUMENTS);
    uint8_t fk = ts_node_is_null(fn) ? K_OTHER : kind_of(fn);
    if (!ts_node_is_null(fn)) {
        c.callee_span = span_of(ex, fn);
        c.callee_text = text_trunc(ex, fn, 200);
        if (fk == K_IDENTIFIER) {
            c.attr = text_trunc(ex, fn, 1000);
        } else if (fk == K_ATTRIBUTE) {
            TSNode attr = field_child(fn, F_ATTRIBUTE);
            if (node_ok(attr)) c.attr = text_trunc(ex, attr, 1000);
        }
    }
    if (!ts_node_is_null(args)) {
        c.args_span = span_of(ex, args);
        build_args(ex, args, &c.args, &c.nargs);
    }
    if (fk == K_IDENTIFIER && (node_text_is(ex, fn, "isinstance") || node_text_is(ex, fn, "issubclass")))
        f->bits |= FB_ISINSTANCE;
    if (f->target_kind == T_DECORATOR && (f->bits & FB_LINK_CALLEE)) {
        svc_decorator *dec = f->target;
        /* A call inside an unparsable decorator (an ERROR node) is not the decorator's call. */
        if (dec->is_call) {
            dec->args = c.args;
            dec->nargs = c.nargs;
        }
        /* only a plain chain callee names the decorator */
        if (fk != K_IDENTIFIER && fk != K_ATTRIBUTE) f->bits &= (uint8_t)~FB_LINK_CALLEE;
    } else {
        f->bits &= (uint8_t)~FB_LINK_CALLEE;
    }
    if (f->scope == 0 && c.attr && !ts_node_is_null(fn) && !ts_node_is_null(args) &&
        kind_of(args) == K_ARGUMENT_LIST)
        all_mutation(ex, fn, args, &c);
    if (!ts_node_is_null(fn) && !ts_node_is_null(args)) record_schedule_call(ex, fn, args, &c, f->scope);
    if (!ts_node_is_null(args)) record_celery_imports_call(ex, args, &c);
    f->aux = (int)ex->calls.len;
    svc_vec_push(&ex->calls, c);
}

/* ---- module-level assignments -------------------------------------------------- */

static void add_assign(extractor *ex, TSNode name, const char *chain, const char *const *strings, size_t nstrings)
{
    svc_assign a = { 0 };
    a.name = text_trunc(ex, name, 1000);
    a.value_chain = chain;
    a.strings = strings;
    a.nstrings = nstrings;
    a.span = span_of(ex, name);
    a.value_call = -1;
    svc_vec_push(&ex->assigns, a);
    svc_vec_push(&ex->assign_has_chain, (uint8_t)(chain != NULL));
    svc_vec_push(&ex->assign_call_byte, UINT32_MAX);
}

static bool is_target_sequence(uint8_t k)
{
    return k == K_PATTERN_LIST || k == K_TUPLE_PATTERN || k == K_LIST_PATTERN || k == K_TUPLE || k == K_LIST ||
           k == K_EXPRESSION_LIST;
}

/* Every name bound by a target pattern, without values (nested tuples, starred names). */
static void add_pattern_names(extractor *ex, TSNode target)
{
    node_vec *stack = &ex->v_stack;
    stack->len = 0;
    svc_vec_push(stack, target);
    while (stack->len) {
        TSNode n = stack->items[--stack->len];
        uint8_t k = kind_of(n);
        if (k == K_IDENTIFIER) {
            if (node_ok(n)) add_assign(ex, n, NULL, NULL, 0);
        } else if (is_target_sequence(k) || k == K_LIST_SPLAT_PATTERN || k == K_LIST_SPLAT ||
                   k == K_PARENTHESIZED_EXPRESSION) {
            gather(ex, n, &ex->v_items);
            for (size_t i = ex->v_items.len; i-- > 0;) svc_vec_push(stack, ex->v_items.items[i]);
        }
    }
}

static void set_all(extractor *ex, bool append)
{
    if (!append) ex->all.len = 0;
    append_all(ex);
    ex->facts->has_all = true;
}

/* `__all__ = __all__ + [...]` keeps what was there. */
static bool starts_with_name(const extractor *ex, TSNode value, const char *name)
{
    while (kind_of(value) == K_BINARY_OPERATOR) {
        value = field_child(value, F_LEFT);
        if (ts_node_is_null(value)) return false;
    }
    return kind_of(value) == K_IDENTIFIER && node_text_is(ex, value, name);
}

static void record_assignment(extractor *ex, TSNode node)
{
    node_vec *targets = &ex->v_targets;
    targets->len = 0;
    TSNode cur = node, value = { 0 };
    for (;;) {
        TSNode left = field_child(cur, F_LEFT);
        if (!ts_node_is_null(left)) svc_vec_push(targets, left);
        TSNode right = field_child(cur, F_RIGHT);
        if (ts_node_is_null(right)) break;
        if (kind_of(right) == K_ASSIGNMENT) {
            cur = right;
            continue;
        }
        value = right;
        break;
    }
    if (ts_node_is_null(value)) return; /* `x: int` binds nothing at module level */
    /* `x = (a.b)` is as much an alias as `x = a.b` */
    TSNode inner = value;
    while (kind_of(inner) == K_PARENTHESIZED_EXPRESSION && ts_node_named_child_count(inner) == 1)
        inner = ts_node_named_child(inner, 0);
    const char *chain = chain_text(ex, inner);
    bool is_sequence = sequence_strings(ex, value);
    const char *const *strings = arena_strings(ex, &ex->tmp_strings);
    size_t nstrings = ex->tmp_strings.len;
    for (size_t t = 0; t < targets->len; t++) {
        TSNode target = targets->items[t];
        uint8_t k = kind_of(target);
        if (k == K_IDENTIFIER) {
            if (!node_ok(target)) continue;
            add_assign(ex, target, chain, strings, nstrings);
            /* the call is met later in the walk: linked to its index by position in finish */
            if (kind_of(inner) == K_CALL)
                ex->assign_call_byte.items[ex->assign_call_byte.len - 1] = ts_node_start_byte(inner) + ex->base;
            if (node_text_is(ex, target, "__all__") && is_sequence) set_all(ex, starts_with_name(ex, value, "__all__"));
            continue;
        }
        if (!is_target_sequence(k)) continue;
        /* `a, b = x.A, x.B`: pair names with values when the shapes match */
        uint8_t vk = kind_of(value);
        gather(ex, target, &ex->v_pair_t);
        bool paired = false;
        if (vk == K_EXPRESSION_LIST || vk == K_TUPLE || vk == K_LIST) {
            gather(ex, value, &ex->v_pair_v);
            paired = ex->v_pair_v.len == ex->v_pair_t.len;
        }
        for (size_t i = 0; i < ex->v_pair_t.len; i++) {
            TSNode tn = ex->v_pair_t.items[i];
            if (kind_of(tn) == K_IDENTIFIER) {
                if (node_ok(tn)) add_assign(ex, tn, paired ? chain_text(ex, ex->v_pair_v.items[i]) : NULL, NULL, 0);
            } else {
                add_pattern_names(ex, tn);
            }
        }
    }
}

/* A settings class (django-configurations): `INSTALLED_APPS = [...]` or `+= [...]` in its body,
 * or a method named so that returns a list (a property). Only names ending in `APPS`. */
static bool names_apps(extractor *ex, TSNode name)
{
    uint32_t n;
    const char *s = src_at(ex, name, &n);
    return kind_of(name) == K_IDENTIFIER && n >= 4 && memcmp(s + n - 4, "APPS", 4) == 0;
}

static void add_class_apps(extractor *ex, TSNode value)
{
    if (ts_node_is_null(value) || !sequence_strings(ex, value)) return;
    for (size_t i = 0; i < ex->tmp_strings.len; i++) svc_vec_push(&ex->class_apps, ex->tmp_strings.items[i]);
}

static void record_class_apps(extractor *ex, TSNode node)
{
    TSNode left = field_child(node, F_LEFT);
    if (node_ok(left) && names_apps(ex, left)) add_class_apps(ex, field_child(node, F_RIGHT));
}

static void record_augmented(extractor *ex, TSNode node)
{
    TSNode left = field_child(node, F_LEFT);
    TSNode right = field_child(node, F_RIGHT);
    if (!node_ok(left) || kind_of(left) != K_IDENTIFIER || ts_node_is_null(right)) return;
    bool is_sequence = sequence_strings(ex, right);
    add_assign(ex, left, NULL, arena_strings(ex, &ex->tmp_strings), ex->tmp_strings.len);
    if (is_sequence && node_text_is(ex, left, "__all__")) {
        TSNode op = field_child(node, F_OPERATOR);
        if (!ts_node_is_null(op) && node_text_is(ex, op, "+=")) set_all(ex, true);
    }
}

/* ---- defs ---------------------------------------------------------------------- */

/* Parameters of a def or lambda: bound in `scope`; described in ex->tmp_params when `describe`. */
static void read_params(extractor *ex, TSNode params, int scope, bool describe)
{
    ex->tmp_params.len = 0;
    if (ts_node_is_null(params)) return;
    gather(ex, params, &ex->v_def);
    bool keyword_only = false;
    for (size_t i = 0; i < ex->v_def.len; i++) {
        TSNode c = ex->v_def.items[i];
        if (!is_arg_node(c)) continue;
        uint8_t k = kind_of(c);
        svc_param p = { 0 };
        p.kind = keyword_only ? SVC_PARAM_KWONLY : SVC_PARAM_NORMAL;
        TSNode name = { 0 };
        switch (k) {
        case K_POSITIONAL_SEPARATOR:
            for (size_t j = 0; j < ex->tmp_params.len; j++)
                if (ex->tmp_params.items[j].kind == SVC_PARAM_NORMAL) ex->tmp_params.items[j].kind = SVC_PARAM_POSONLY;
            continue;
        case K_KEYWORD_SEPARATOR:
            keyword_only = true;
            continue;
        case K_IDENTIFIER:
            name = c;
            break;
        case K_DEFAULT_PARAMETER:
        case K_TYPED_DEFAULT_PARAMETER: {
            name = field_child(c, F_NAME);
            TSNode value = field_child(c, F_VALUE);
            TSNode type = field_child(c, F_TYPE);
            if (describe && !ts_node_is_null(value)) p.default_text = text_of(ex, value);
            if (describe && !ts_node_is_null(type)) p.annotation = text_of(ex, type);
            break;
        }
        case K_TYPED_PARAMETER: {
            TSNode type = field_child(c, F_TYPE);
            if (describe && !ts_node_is_null(type)) p.annotation = text_of(ex, type);
            TSNode inner = ts_node_named_child(c, 0);
            uint8_t ik = ts_node_is_null(inner) ? K_OTHER : kind_of(inner);
            if (ik == K_LIST_SPLAT_PATTERN) {
                p.kind = SVC_PARAM_VARARGS;
                keyword_only = true;
                name = ts_node_named_child(inner, 0);
            } else if (ik == K_DICTIONARY_SPLAT_PATTERN) {
                p.kind = SVC_PARAM_KWARGS;
                name = ts_node_named_child(inner, 0);
            } else {
                name = inner;
            }
            break;
        }
        case K_LIST_SPLAT_PATTERN:
            p.kind = SVC_PARAM_VARARGS;
            keyword_only = true;
            name = ts_node_named_child(c, 0);
            break;
        case K_DICTIONARY_SPLAT_PATTERN:
            p.kind = SVC_PARAM_KWARGS;
            name = ts_node_named_child(c, 0);
            break;
        default: /* tuple_pattern (Python 2) and the like: keep the text */
            name = c;
            break;
        }
        if (ts_node_is_null(name)) continue;
        if (kind_of(name) == K_IDENTIFIER) bind_node(ex, scope, name, B_ASSIGN, -1);
        if (describe) {
            p.name = text_trunc(ex, name, 1000);
            svc_vec_push(&ex->tmp_params, p);
        }
    }
}

static bool is_docstring(TSNode stmt)
{
    if (kind_of(stmt) != K_EXPRESSION_STATEMENT || ts_node_named_child_count(stmt) != 1) return false;
    uint8_t k = kind_of(ts_node_named_child(stmt, 0));
    return k == K_STRING || k == K_CONCATENATED_STRING;
}

/* The value of a statement `word = value` in a block, or a null node. */
static TSNode assigned_value(const extractor *ex, TSNode stmt, const char *word)
{
    TSNode none = { 0 };
    if (kind_of(stmt) != K_EXPRESSION_STATEMENT || ts_node_named_child_count(stmt) != 1) return none;
    TSNode a = ts_node_named_child(stmt, 0);
    if (kind_of(a) != K_ASSIGNMENT) return none;
    TSNode left = field_child(a, F_LEFT);
    if (!node_ok(left) || kind_of(left) != K_IDENTIFIER || !node_text_is(ex, left, word)) return none;
    return field_child(a, F_RIGHT);
}

/* `class Meta: abstract = True` (Django's abstract model); read here, as the class is entered. */
static bool is_abstract_meta(const extractor *ex, TSNode stmt)
{
    if (kind_of(stmt) != K_CLASS_DEFINITION) return false;
    TSNode name = field_child(stmt, F_NAME);
    TSNode body = field_child(stmt, F_BODY);
    if (!node_ok(name) || !node_text_is(ex, name, "Meta") || ts_node_is_null(body)) return false;
    for (uint32_t i = 0, n = ts_node_named_child_count(body); i < n; i++) {
        TSNode value = assigned_value(ex, ts_node_named_child(body, i), "abstract");
        if (node_ok(value) && strcmp(ts_node_type(value), "true") == 0) return true;
    }
    return false;
}

/* `f(...)` or `return f(...)`: what a function that only queues a task consists of. */
static bool is_call_statement(TSNode stmt)
{
    uint8_t k = kind_of(stmt);
    if (k != K_EXPRESSION_STATEMENT && strcmp(ts_node_type(stmt), "return_statement") != 0) return false;
    return ts_node_named_child_count(stmt) == 1 && kind_of(ts_node_named_child(stmt, 0)) == K_CALL;
}

static int begin_def(extractor *ex, TSNode def_node, TSNode decorated, int enclosing)
{
    uint8_t kind = kind_of(def_node);
    int index = (int)ex->defs.len;
    svc_def d = { 0 };
    d.kind = kind == K_CLASS_DEFINITION ? SVC_DEF_CLASS : SVC_DEF_FUNCTION;
    d.parent = facts_scope_def(ex, enclosing);
    TSNode name = field_child(def_node, F_NAME);
    if (node_ok(name)) {
        d.name = text_trunc(ex, name, 1000);
        d.name_span = span_of(ex, name);
        bind_node(ex, enclosing, name, B_DEF, -1);
    } else {
        d.name = "";
        d.name_span = span_of(ex, def_node);
        d.name_span.end_row = d.name_span.row;
        d.name_span.end_col = d.name_span.col;
        d.name_span.end_byte = d.name_span.byte;
    }
    d.qualname = d.parent >= 0 ? facts_concat3(ex, ex->defs.items[d.parent].qualname, ".", d.name) : d.name;
    int scope = facts_new_scope(ex, kind == K_CLASS_DEFINITION ? S_CLASS : S_FUNCTION, enclosing, index);
    if (kind == K_FUNCTION_DEFINITION && ts_node_child_count(def_node) > 0) {
        TSNode first = ts_node_child(def_node, 0);
        d.is_async = !ts_node_is_named(first) && strcmp(ts_node_type(first), "async") == 0;
    }
    TSNode outer = ts_node_is_null(decorated) ? def_node : decorated;
    d.span = span_of(ex, outer);
    d.indent = d.span.byte - ex->line_start[d.span.row];

    if (!ts_node_is_null(decorated)) {
        gather(ex, decorated, &ex->v_def);
        size_t n = 0;
        for (size_t i = 0; i < ex->v_def.len; i++) n += kind_of(ex->v_def.items[i]) == K_DECORATOR;
        svc_decorator *decs = n ? svc_arena_alloc(ex->arena, n * sizeof *decs) : NULL;
        size_t j = 0;
        for (size_t i = 0; i < ex->v_def.len; i++) {
            TSNode dn = ex->v_def.items[i];
            if (kind_of(dn) != K_DECORATOR) continue;
            svc_decorator *dec = &decs[j++];
            TSNode expr = { 0 };
            uint32_t nc = ts_node_named_child_count(dn);
            for (uint32_t c = 0; c < nc; c++) {
                TSNode child = ts_node_named_child(dn, c);
                if (kind_of(child) != K_COMMENT) {
                    expr = child;
                    break;
                }
            }
            if (ts_node_is_null(expr)) {
                dec->raw = dec->callee = "";
                dec->span = span_of(ex, dn);
                continue;
            }
            dec->span = span_of(ex, expr);
            TSNode callee = expr;
            if (kind_of(expr) == K_CALL) {
                dec->is_call = true;
                callee = field_child(expr, F_FUNCTION);
                TSNode args = field_child(expr, F_ARGUMENTS);
                if (!ts_node_is_null(args)) dec->args_span = span_of(ex, args);
            }
            dec->raw = dec->callee = ts_node_is_null(callee) ? "" : text_trunc(ex, callee, 200);
        }
        d.decorators = decs;
        d.ndecorators = n;
    }

    if (kind == K_CLASS_DEFINITION) {
        TSNode supers = field_child(def_node, F_SUPERCLASSES);
        if (!ts_node_is_null(supers)) {
            gather(ex, supers, &ex->v_def);
            ex->tmp_strings.len = 0;
            for (size_t i = 0; i < ex->v_def.len; i++) {
                TSNode c = ex->v_def.items[i];
                if (is_arg_node(c) && is_positional(kind_of(c))) svc_vec_push(&ex->tmp_strings, text_trunc(ex, c, 1000));
            }
            d.bases = arena_strings(ex, &ex->tmp_strings);
            d.nbases = ex->tmp_strings.len;
        }
    } else {
        read_params(ex, field_child(def_node, F_PARAMETERS), scope, true);
        if (ex->tmp_params.len) {
            svc_param *ps = svc_arena_alloc(ex->arena, ex->tmp_params.len * sizeof *ps);
            memcpy(ps, ex->tmp_params.items, ex->tmp_params.len * sizeof *ps);
            d.params = ps;
            d.nparams = ex->tmp_params.len;
        }
    }

    TSNode body = field_child(def_node, F_BODY);
    if (!ts_node_is_null(body)) {
        d.body_span = span_of(ex, body);
        gather(ex, body, &ex->v_def);
        bool first = true;
        for (size_t i = 0; i < ex->v_def.len; i++) {
            TSNode stmt = ex->v_def.items[i];
            if (kind_of(stmt) == K_ERROR || ts_node_is_missing(stmt)) continue;
            if (first && is_docstring(stmt)) d.has_docstring = true;
            else if (d.body_statements++ == 0) d.body_is_call = is_call_statement(stmt);
            first = false;
            if (kind == K_CLASS_DEFINITION) {
                TSNode value = assigned_value(ex, stmt, "name");
                if (node_ok(value)) {
                    const char *s = string_value(ex, value);
                    if (s) d.name_value = s;
                }
                if (is_abstract_meta(ex, stmt)) d.meta_abstract = true;
            }
            if (kind == K_FUNCTION_DEFINITION && ex->scopes.items[enclosing].kind == S_CLASS && node_ok(name) &&
                names_apps(ex, name) && strcmp(ts_node_type(stmt), "return_statement") == 0 &&
                ts_node_named_child_count(stmt) > 0)
                add_class_apps(ex, ts_node_named_child(stmt, 0));
        }
        d.body_is_call &= d.body_statements == 1;
    }
    svc_vec_push(&ex->defs, d);
    svc_vec_push(&ex->def_scope, scope);
    return index;
}

/* ---- the walk ---------------------------------------------------------------------- */

static void add_error(extractor *ex, TSNode n)
{
    svc_vec_push(&ex->errors, span_of(ex, n));
}

static void mark_loop(extractor *ex, int scope)
{
    int def = facts_scope_def(ex, scope);
    if (def >= 0) ex->defs.items[def].has_loop = true;
}

/* A subtree we do not read may still hold comments (noqa) or parse errors. */
static bool may_hide_something(TSNode n)
{
    if (ts_node_child_count(n) == 0) return false;
    return ts_node_has_error(n) || ts_node_start_point(n).row != ts_node_end_point(n).row;
}

static void enter_load(extractor *ex, frame *f, TSNode node);

/*
 * An attribute is a ref when it is a plain chain; otherwise only its object is read.
 * aux2 keeps how many levels below were fine, so the objects inside are not re-checked
 * (long `f().a.b.c...` chains would be quadratic otherwise).
 */
static void enter_attribute(extractor *ex, frame *f, TSNode node, unsigned flags)
{
    f->mode = M_ATTR_NONCHAIN;
    if (f->bits & FB_KNOWN_NONCHAIN) return;
    if (collect_chain(ex, node)) {
        add_ref(ex, node, f, flags);
        f->mode = M_SKIP;
        return;
    }
    f->aux2 = (int)ex->parts.len;
}

static void enter_target(extractor *ex, frame *f, TSNode node)
{
    switch (f->kind) {
    case K_IDENTIFIER:
        bind_node(ex, f->scope, node, B_ASSIGN, -1);
        f->mode = M_SKIP;
        return;
    case K_ATTRIBUTE:
        enter_attribute(ex, f, node, SVC_REF_STORE);
        return;
    case K_SUBSCRIPT:
        f->mode = M_LOAD;
        return;
    case K_PATTERN_LIST:
    case K_TUPLE_PATTERN:
    case K_LIST_PATTERN:
    case K_TUPLE:
    case K_LIST:
    case K_PARENTHESIZED_EXPRESSION:
    case K_EXPRESSION_LIST:
    case K_LIST_SPLAT_PATTERN:
    case K_LIST_SPLAT:
    case K_AS_PATTERN_TARGET:
    case K_TYPE: /* `type X = ...` names its alias inside a type node */
        f->mode = M_TARGETS;
        return;
    default:
        f->flags = 0;
        enter_load(ex, f, node);
        return;
    }
}

static void enter_pattern(extractor *ex, frame *f, TSNode node)
{
    switch (f->kind) {
    case K_DOTTED_NAME:
        /* a bare name captures; a dotted one is a value (Color.RED) */
        if (ts_node_named_child_count(node) == 1) {
            bind_node(ex, f->scope, ts_node_named_child(node, 0), B_ASSIGN, -1);
        } else if (collect_chain(ex, node)) {
            add_ref(ex, node, f, 0);
        }
        f->mode = M_SKIP;
        return;
    case K_IDENTIFIER:
        bind_node(ex, f->scope, node, B_ASSIGN, -1);
        f->mode = M_SKIP;
        return;
    case K_CLASS_PATTERN:
        f->mode = M_CLASS_PATTERN;
        return;
    case K_KEYWORD_PATTERN:
        f->mode = M_KEYWORD_PATTERN;
        return;
    case K_AS_PATTERN:
        f->mode = M_AS_PATTERN;
        f->bits |= FB_IN_PATTERN;
        return;
    case K_STRING:
    case K_CONCATENATED_STRING:
        f->mode = M_SKIP;
        return;
    default:
        f->mode = M_PATTERN;
        return;
    }
}

/* ---- Celery beat schedules ---------------------------------------------------------- */

/* A name a beat schedule is set under: `beat_schedule` (app.conf's), or one ending in
 * `BEAT_SCHEDULE` (Django settings: CELERY_BEAT_SCHEDULE, the older CELERYBEAT_SCHEDULE). */
static bool is_beat_word(const char *s, uint32_t n)
{
    return (n == 13 && memcmp(s, "beat_schedule", 13) == 0) ||
           (n >= 13 && memcmp(s + n - 13, "BEAT_SCHEDULE", 13) == 0);
}

/* `x`, `a.b.x` or the string `"x"` (a subscript's key) where `is_word(x)`: how a setting is named
 * (a beat schedule, the modules the Celery app imports). */
static bool names_setting(const extractor *ex, TSNode n, bool (*is_word)(const char *, uint32_t))
{
    if (!node_ok(n)) return false;
    uint8_t k = kind_of(n);
    if (k == K_ATTRIBUTE) {
        n = field_child(n, F_ATTRIBUTE);
        if (!node_ok(n)) return false;
        k = kind_of(n);
    }
    uint32_t len;
    const char *s = src_at(ex, n, &len);
    if (k == K_IDENTIFIER) return is_word(s, len);
    /* a plain one-part literal: "beat_schedule" or 'CELERY_BEAT_SCHEDULE' */
    return k == K_STRING && len >= 2 && (s[0] == '"' || s[0] == '\'') && s[len - 1] == s[0] &&
           is_word(s + 1, len - 2);
}

static bool names_beat_schedule(const extractor *ex, TSNode n)
{
    return names_setting(ex, n, is_beat_word);
}

/* The argument list of a `dict(...)` call, or a null node. */
static TSNode dict_call_args(const extractor *ex, TSNode call)
{
    TSNode none = { 0 };
    TSNode fn = field_child(call, F_FUNCTION), args = field_child(call, F_ARGUMENTS);
    if (!node_ok(fn) || kind_of(fn) != K_IDENTIFIER || !node_text_is(ex, fn, "dict")) return none;
    return args;
}

/* The value of `key` in a dict literal `{... "key": value ...}` or `dict(... key=value ...)`, or
 * a null node. Uses ex->v_items. */
static TSNode dict_value(extractor *ex, TSNode dict, const char *key)
{
    TSNode none = { 0 };
    uint8_t k = kind_of(dict);
    if (k == K_CALL) {
        TSNode args = dict_call_args(ex, dict);
        if (!node_ok(args)) return none;
        gather(ex, args, &ex->v_items);
        for (size_t i = 0; i < ex->v_items.len; i++) {
            TSNode arg = ex->v_items.items[i];
            if (kind_of(arg) != K_KEYWORD_ARGUMENT) continue;
            TSNode name = field_child(arg, F_NAME);
            if (node_ok(name) && node_text_is(ex, name, key)) return field_child(arg, F_VALUE);
        }
        return none;
    }
    if (k != K_DICTIONARY) return none;
    gather(ex, dict, &ex->v_items);
    for (size_t i = 0; i < ex->v_items.len; i++) {
        TSNode pair = ex->v_items.items[i];
        if (kind_of(pair) != K_PAIR) continue;
        TSNode name = field_child(pair, F_KEY);
        uint32_t len;
        const char *s = node_ok(name) && kind_of(name) == K_STRING ? src_at(ex, name, &len) : NULL;
        if (s && len == strlen(key) + 2 && (s[0] == '"' || s[0] == '\'') && s[len - 1] == s[0] &&
            memcmp(s + 1, key, len - 2) == 0)
            return field_child(pair, F_VALUE);
    }
    return none;
}

/* One entry `key: {"task": ..., ...}` of a schedule; key may be a null node. */
static void add_schedule_entry(extractor *ex, TSNode key, TSNode entry, int scope)
{
    if (!node_ok(entry)) return;
    TSNode task = dict_value(ex, entry, "task");
    if (!node_ok(task)) return;
    svc_schedule_entry e = { 0 };
    e.name = node_ok(key) ? string_value(ex, key) : NULL;
    /* a long name is often split over lines: ("services.tasks" ".x") */
    TSNode literal = task;
    while (kind_of(literal) == K_PARENTHESIZED_EXPRESSION && ts_node_named_child_count(literal) == 1)
        literal = ts_node_named_child(literal, 0);
    e.task = string_value(ex, literal);
    e.task_text = text_trunc(ex, task, 200);
    e.scope = facts_scope_def(ex, scope);
    e.span = span_of(ex, task);
    svc_vec_push(&ex->schedule, e);
}

/* Every entry of a schedule's value: a dict literal `{"name": {...}}` or `dict(name={...})`. */
static void add_schedule(extractor *ex, TSNode value, int scope)
{
    while (node_ok(value) && kind_of(value) == K_PARENTHESIZED_EXPRESSION && ts_node_named_child_count(value) == 1)
        value = ts_node_named_child(value, 0);
    if (!node_ok(value)) return;
    uint8_t k = kind_of(value);
    node_vec *entries = &ex->v_schedule;
    if (k == K_DICTIONARY) {
        gather(ex, value, entries);
    } else if (k == K_CALL) {
        TSNode args = dict_call_args(ex, value);
        if (!node_ok(args)) return;
        gather(ex, args, entries);
    } else {
        return;
    }
    /* entries are copied out: add_schedule_entry reuses the gathering vectors */
    size_t n = entries->len;
    TSNode *copy = svc_xmalloc((n ? n : 1) * sizeof *copy);
    memcpy(copy, entries->items, n * sizeof *copy);
    for (size_t i = 0; i < n; i++) {
        uint8_t ek = kind_of(copy[i]);
        if (ek == K_PAIR) {
            TSNode key = field_child(copy[i], F_KEY);
            add_schedule_entry(ex, node_ok(key) && kind_of(key) == K_STRING ? key : (TSNode){ 0 },
                               field_child(copy[i], F_VALUE), scope);
        } else if (ek == K_KEYWORD_ARGUMENT) {
            /* dict(name={...}): the key is an identifier, which string_value does not read */
            TSNode entry = field_child(copy[i], F_VALUE);
            size_t before = ex->schedule.len;
            add_schedule_entry(ex, (TSNode){ 0 }, entry, scope);
            TSNode name = field_child(copy[i], F_NAME);
            if (ex->schedule.len > before && node_ok(name))
                ex->schedule.items[before].name = text_trunc(ex, name, 1000);
        }
    }
    free(copy);
}

/* ---- modules the Celery app imports by name -------------------------------------------- */

/* A name the Celery app's task modules are listed under: `imports`/`include` (app.conf's, Celery()'s
 * keywords) or one ending in `IMPORTS`/`INCLUDE` (Django settings: CELERY_IMPORTS). */
static bool is_imports_word(const char *s, uint32_t n)
{
    if (n == 7 && (memcmp(s, "imports", 7) == 0 || memcmp(s, "include", 7) == 0)) return true;
    return n >= 7 && (memcmp(s + n - 7, "IMPORTS", 7) == 0 || memcmp(s + n - 7, "INCLUDE", 7) == 0);
}

static bool names_imports_setting(const extractor *ex, TSNode n)
{
    return names_setting(ex, n, is_imports_word);
}

static void add_celery_imports(extractor *ex, TSNode value)
{
    if (!node_ok(value) || !sequence_strings(ex, value)) return;
    for (size_t i = 0; i < ex->tmp_strings.len; i++) svc_vec_push(&ex->celery_imports, ex->tmp_strings.items[i]);
}

/* `CELERY_IMPORTS = (...)`, `app.conf.imports = [...]`, `conf["include"] += [...]`; in any scope. */
static void record_celery_imports_assignment(extractor *ex, TSNode node)
{
    TSNode left = field_child(node, F_LEFT), right = field_child(node, F_RIGHT);
    if (!node_ok(left) || !node_ok(right) || kind_of(right) == K_ASSIGNMENT) return;
    if (kind_of(left) == K_SUBSCRIPT) left = field_child(left, F_SUBSCRIPT);
    if (names_imports_setting(ex, left)) add_celery_imports(ex, right);
}

/* `Celery("proj", include=[...])` and `app.conf.update(imports=(...))`. */
static void record_celery_imports_call(extractor *ex, TSNode args, const svc_call *c)
{
    if (kind_of(args) != K_ARGUMENT_LIST || !c->attr) return;
    if (strcmp(c->attr, "Celery") != 0 && strcmp(c->attr, "update") != 0) return;
    bool any_keyword = false;
    for (size_t i = 0; i < c->nargs && !any_keyword; i++)
        any_keyword = c->args[i].keyword && is_imports_word(c->args[i].keyword, (uint32_t)strlen(c->args[i].keyword));
    if (!any_keyword) return;
    gather(ex, args, &ex->v_args);
    size_t n = ex->v_args.len;
    TSNode *copy = svc_xmalloc((n ? n : 1) * sizeof *copy);
    memcpy(copy, ex->v_args.items, n * sizeof *copy);
    for (size_t i = 0; i < n; i++)
        if (kind_of(copy[i]) == K_KEYWORD_ARGUMENT && names_imports_setting(ex, field_child(copy[i], F_NAME)))
            add_celery_imports(ex, field_child(copy[i], F_VALUE));
    free(copy);
}

/* `SCHEDULE = {...}`, `app.conf.beat_schedule = {...}`, `conf["beat_schedule"] = {...}` (a whole
 * schedule), or `SCHEDULE["name"] = {...}` (one entry); in any scope. */
static void record_schedule_assignment(extractor *ex, TSNode node, int scope)
{
    TSNode left = field_child(node, F_LEFT), right = field_child(node, F_RIGHT);
    if (!node_ok(left) || !node_ok(right) || kind_of(right) == K_ASSIGNMENT) return;
    if (kind_of(left) == K_SUBSCRIPT) {
        TSNode object = field_child(left, F_VALUE), key = field_child(left, F_SUBSCRIPT);
        if (names_beat_schedule(ex, key)) add_schedule(ex, right, scope);
        else if (names_beat_schedule(ex, object) && node_ok(key) && kind_of(key) == K_STRING)
            add_schedule_entry(ex, key, right, scope);
        return;
    }
    if (names_beat_schedule(ex, left)) add_schedule(ex, right, scope);
}

/* `app.conf.update(beat_schedule={...})`, `Celery(..., beat_schedule={...})` and
 * `SCHEDULE.update({...})`. */
static void record_schedule_call(extractor *ex, TSNode fn, TSNode args, const svc_call *c, int scope)
{
    if (kind_of(args) != K_ARGUMENT_LIST) return;
    bool updates_schedule = c->attr && strcmp(c->attr, "update") == 0 && kind_of(fn) == K_ATTRIBUTE &&
                            names_beat_schedule(ex, field_child(fn, F_OBJECT));
    bool any_keyword = false;
    for (size_t i = 0; i < c->nargs && !any_keyword; i++)
        any_keyword = c->args[i].keyword && is_beat_word(c->args[i].keyword, (uint32_t)strlen(c->args[i].keyword));
    if (!updates_schedule && !any_keyword) return;
    gather(ex, args, &ex->v_args);
    size_t n = ex->v_args.len;
    TSNode *copy = svc_xmalloc((n ? n : 1) * sizeof *copy);
    memcpy(copy, ex->v_args.items, n * sizeof *copy);
    for (size_t i = 0; i < n; i++) {
        uint8_t k = kind_of(copy[i]);
        if (k == K_KEYWORD_ARGUMENT && names_beat_schedule(ex, field_child(copy[i], F_NAME)))
            add_schedule(ex, field_child(copy[i], F_VALUE), scope);
        else if (updates_schedule && (k == K_DICTIONARY || k == K_CALL))
            add_schedule(ex, copy[i], scope);
    }
    free(copy);
}

static void add_local_assign(extractor *ex, TSNode name, int def, TSNode value, TSNode call, bool first_item)
{
    svc_local_assign a = { 0 };
    a.scope = def;
    a.name = text_trunc(ex, name, 1000);
    a.value_text = text_trunc(ex, value, 100);
    a.first_item = first_item;
    a.value_call = -1;
    a.span = span_of(ex, name);
    svc_vec_push(&ex->local_assigns, a);
    uint32_t byte = ts_node_is_null(call) ? UINT32_MAX : ts_node_start_byte(call) + ex->base;
    svc_vec_push(&ex->local_call_byte, byte);
}

/* `x = v`, `x = v[0]` and `x, y = v` in a function (chained targets aside): what each name gets. */
static void record_local_assignment(extractor *ex, TSNode node, int def)
{
    TSNode left = field_child(node, F_LEFT), value = field_child(node, F_RIGHT);
    if (!node_ok(left) || !node_ok(value) || kind_of(value) == K_ASSIGNMENT) return;
    while (kind_of(value) == K_PARENTHESIZED_EXPRESSION && ts_node_named_child_count(value) == 1)
        value = ts_node_named_child(value, 0);
    TSNode call = kind_of(value) == K_CALL ? value : (TSNode){ 0 };
    if (kind_of(left) == K_IDENTIFIER) {
        bool first = false;
        if (kind_of(value) == K_SUBSCRIPT) {
            TSNode object = field_child(value, F_VALUE), index = field_child(value, F_SUBSCRIPT);
            uint32_t len = 0;
            const char *s = node_ok(index) ? src_at(ex, index, &len) : NULL;
            if (node_ok(object) && kind_of(object) == K_CALL && s && len == 1 && s[0] == '0') {
                call = object;
                first = true;
            }
        }
        add_local_assign(ex, left, def, value, call, first);
        return;
    }
    if (!is_target_sequence(kind_of(left)) || ts_node_is_null(call)) return;
    gather(ex, left, &ex->v_pair_t);
    if (ex->v_pair_t.len && kind_of(ex->v_pair_t.items[0]) == K_IDENTIFIER && node_ok(ex->v_pair_t.items[0]))
        add_local_assign(ex, ex->v_pair_t.items[0], def, value, call, true);
}

/* The context managers of a `with` statement, each with the statement's block. */
static void record_with_items(extractor *ex, TSNode node, int scope)
{
    TSNode body = field_child(node, F_BODY);
    if (!node_ok(body)) return;
    uint32_t n = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < n; i++) {
        TSNode clause = ts_node_named_child(node, i);
        if (strcmp(ts_node_type(clause), "with_clause") != 0) continue;
        uint32_t m = ts_node_named_child_count(clause);
        for (uint32_t k = 0; k < m; k++) {
            TSNode item = ts_node_named_child(clause, k);
            if (strcmp(ts_node_type(item), "with_item") != 0) continue;
            TSNode value = field_child(item, F_VALUE);
            if (node_ok(value) && kind_of(value) == K_AS_PATTERN) value = ts_node_named_child(value, 0);
            if (!node_ok(value)) continue;
            svc_with_item w = { facts_scope_def(ex, scope), span_of(ex, value), span_of(ex, body) };
            svc_vec_push(&ex->with_items, w);
        }
    }
}

static void enter_load(extractor *ex, frame *f, TSNode node)
{
    switch (f->kind) {
    case K_IDENTIFIER:
    case K_DOTTED_NAME:
        if (collect_chain(ex, node)) add_ref(ex, node, f, f->flags);
        f->mode = M_SKIP;
        return;
    case K_ATTRIBUTE:
        enter_attribute(ex, f, node, f->flags);
        return;
    case K_CALL:
        begin_call(ex, node, f);
        f->mode = M_CALL;
        return;
    case K_KEYWORD_ARGUMENT:
        f->mode = M_KWARG;
        f->child_flags = 0;
        return;
    case K_LIST_SPLAT:
    case K_DICTIONARY_SPLAT:
        f->mode = M_PROPAGATE;
        f->child_flags = f->flags & SVC_REF_EXCEPT;
        return;
    case K_PARENTHESIZED_EXPRESSION:
        f->mode = M_PROPAGATE;
        f->child_flags = f->flags;
        return;
    case K_TUPLE:
    case K_EXPRESSION_LIST:
        f->mode = M_PROPAGATE;
        f->child_flags = f->flags & (SVC_REF_EXCEPT | SVC_REF_ISINSTANCE);
        return;
    case K_STRING:
        f->mode = M_STRING;
        return;
    case K_LAMBDA: {
        int scope = facts_new_scope(ex, S_LAMBDA, f->scope, facts_scope_def(ex, f->scope));
        read_params(ex, field_child(node, F_PARAMETERS), scope, false);
        f->aux = scope;
        f->mode = M_LAMBDA;
        return;
    }
    case K_LIST_COMPREHENSION:
    case K_SET_COMPREHENSION:
    case K_DICTIONARY_COMPREHENSION:
    case K_GENERATOR_EXPRESSION:
        f->aux = facts_new_scope(ex, S_COMPREHENSION, f->scope, facts_scope_def(ex, f->scope));
        f->mode = M_COMP;
        return;
    case K_NAMED_EXPRESSION:
        f->mode = M_NAMED_EXPR;
        return;
    case K_AS_PATTERN:
        f->mode = M_AS_PATTERN;
        f->child_flags = f->flags & SVC_REF_EXCEPT;
        return;
    case K_ASSIGNMENT:
        if (ex->scopes.items[f->scope].kind == S_FUNCTION && !(f->bits & FB_CHAINED))
            record_local_assignment(ex, node, facts_scope_def(ex, f->scope));
        record_schedule_assignment(ex, node, f->scope);
        record_celery_imports_assignment(ex, node);
        if (f->scope == 0 && !(f->bits & FB_CHAINED)) record_assignment(ex, node);
        else if (ex->scopes.items[f->scope].kind == S_CLASS) record_class_apps(ex, node);
        f->mode = M_ASSIGNMENT;
        return;
    case K_AUGMENTED_ASSIGNMENT:
        record_celery_imports_assignment(ex, node);
        if (f->scope == 0) record_augmented(ex, node);
        else if (ex->scopes.items[f->scope].kind == S_CLASS) record_class_apps(ex, node);
        f->mode = M_AUGASSIGN;
        return;
    case K_TYPE_ALIAS_STATEMENT:
        f->mode = M_AUGASSIGN; /* left is bound, right is read */
        return;
    case K_FOR_STATEMENT:
        mark_loop(ex, f->scope);
        f->mode = M_FOR;
        return;
    case K_WHILE_STATEMENT:
        mark_loop(ex, f->scope);
        f->mode = M_LOAD;
        return;
    case K_WITH_STATEMENT:
        record_with_items(ex, node, f->scope);
        f->mode = M_LOAD;
        return;
    case K_EXCEPT_CLAUSE:
        f->mode = M_EXCEPT;
        return;
    case K_EXCEPT_GROUP_CLAUSE:
        f->mode = M_EXCEPT_GROUP;
        return;
    case K_RAISE_STATEMENT:
        f->mode = M_RAISE;
        return;
    case K_GLOBAL_STATEMENT:
    case K_NONLOCAL_STATEMENT:
        if (f->scope != 0) {
            gather(ex, node, &ex->v_items);
            for (size_t i = 0; i < ex->v_items.len; i++)
                if (kind_of(ex->v_items.items[i]) == K_IDENTIFIER)
                    bind_node(ex, f->scope, ex->v_items.items[i],
                              f->kind == K_GLOBAL_STATEMENT ? B_GLOBAL : B_NONLOCAL, -1);
        }
        f->mode = M_SKIP;
        return;
    case K_IMPORT_STATEMENT:
    case K_IMPORT_FROM_STATEMENT:
    case K_FUTURE_IMPORT_STATEMENT:
        record_imports(ex, node, f->kind, f->scope);
        f->mode = M_SKIP;
        return;
    case K_FUNCTION_DEFINITION:
    case K_CLASS_DEFINITION:
        f->aux = begin_def(ex, node, (TSNode){ 0 }, f->scope);
        f->mode = M_DEF;
        return;
    case K_DECORATED_DEFINITION: {
        TSNode def = field_child(node, F_DEFINITION);
        uint8_t dk = ts_node_is_null(def) ? K_OTHER : kind_of(def);
        if (dk != K_FUNCTION_DEFINITION && dk != K_CLASS_DEFINITION) {
            f->mode = M_LOAD;
            return;
        }
        f->aux = begin_def(ex, def, node, f->scope);
        f->mode = M_DECORATED;
        return;
    }
    case K_CASE_PATTERN:
        f->mode = M_PATTERN;
        enter_pattern(ex, f, node);
        return;
    case K_BINARY_OPERATOR:
        /* `except A | B | C:` is how reparse_rewritten hands over PEP 758's `except A, B, C:`
         * (a real clause cannot catch a union, so reading the operands as types costs nothing) */
        f->mode = M_PROPAGATE;
        f->child_flags = f->flags & SVC_REF_EXCEPT;
        return;
    default:
        f->mode = M_LOAD;
        return;
    }
}

/* How the parent `p` wants `child` (the cursor's node) read. */
static frame child_frame(extractor *ex, frame *p, TSNode child, const TSTreeCursor *cursor)
{
    frame f = { 0 };
    f.scope = p->scope;
    f.bits = p->bits & FB_IN_ERROR;
    f.call_of = -1;
    f.mode = M_LOAD;
    if (!ts_node_is_named(child)) {
        f.mode = M_IGNORE;
        return f;
    }
    f.kind = kind_of(child);
    if (f.kind == K_COMMENT || f.kind == K_ERROR) {
        /* handled on entry whatever the mode; an ERROR inside a skipped subtree stays skipped */
        if (p->mode == M_SKIP) f.mode = M_IGNORE;
        return f;
    }

    /* the field is looked up only by the modes that need it (it is not free) */
    TSFieldId field_id = 0;
    bool field_known = false;
#define FIELD_IS(name)                                                                      \
    ((field_known ? 0 : (field_id = ts_tree_cursor_current_field_id(cursor), field_known = true)), \
     field_id != 0 && field_id == field_ids[name])
    switch (p->mode) {
    case M_SKIP:
        f.mode = M_IGNORE;
        break;
    case M_ERROR:
        /* Loose names inside a parse error are fragments, not references. */
        if (f.kind == K_IDENTIFIER || f.kind == K_ATTRIBUTE || f.kind == K_DOTTED_NAME) f.mode = M_IGNORE;
        break;
    case M_PROPAGATE:
        f.flags = p->child_flags;
        break;
    case M_TARGETS:
        f.mode = M_TARGET;
        break;
    case M_ATTR_NONCHAIN:
        if (FIELD_IS(F_OBJECT)) {
            /* the parent's chain check already failed below this level: do not redo it */
            if (p->aux2 > 0) {
                f.bits |= FB_KNOWN_NONCHAIN;
                f.aux2 = p->aux2 - 1;
            }
        } else {
            f.mode = M_IGNORE;
        }
        break;
    case M_CALL:
        if (FIELD_IS(F_FUNCTION)) {
            f.flags = SVC_REF_CALLED | (p->flags & (SVC_REF_RAISE | SVC_REF_DECORATOR));
            f.call_of = p->aux;
            if (p->bits & FB_LINK_CALLEE) {
                f.target_kind = p->target_kind;
                f.target = p->target;
            }
        } else if (FIELD_IS(F_ARGUMENTS) && f.kind == K_ARGUMENT_LIST) {
            f.mode = M_ARGLIST;
            f.aux = p->aux;
            f.bits |= p->bits & FB_ISINSTANCE;
        }
        break;
    case M_ARGLIST: {
        if (!is_arg_node(child)) break;
        svc_call *call = &ex->calls.items[p->aux];
        uint32_t i = p->counter++;
        svc_arg *arg = i < call->nargs ? SVC_UNCONST(svc_arg *, &call->args[i]) : NULL;
        if (arg) {
            f.target_kind = T_ARG;
            f.target = arg;
        }
        if (f.kind == K_KEYWORD_ARGUMENT) {
            f.mode = M_KWARG;
            f.child_flags = SVC_REF_ARGUMENT;
        } else if (f.kind == K_LIST_SPLAT || f.kind == K_DICTIONARY_SPLAT) {
            f.mode = M_SPLAT;
            f.child_flags = SVC_REF_ARGUMENT;
        } else {
            f.flags = SVC_REF_ARGUMENT;
            if ((p->bits & FB_ISINSTANCE) && p->counter2 == 1) f.flags |= SVC_REF_ISINSTANCE;
            p->counter2++;
        }
        break;
    }
    case M_KWARG:
        if (FIELD_IS(F_VALUE)) {
            f.flags = p->child_flags;
            f.target_kind = p->target_kind;
            f.target = p->target;
        } else {
            f.mode = M_IGNORE;
        }
        break;
    case M_SPLAT:
        f.flags = p->child_flags;
        f.target_kind = p->target_kind;
        f.target = p->target;
        break;
    case M_BASES: {
        if (!is_arg_node(child)) break;
        if (f.kind == K_KEYWORD_ARGUMENT) {
            f.mode = M_KWARG;
        } else if (f.kind == K_LIST_SPLAT || f.kind == K_DICTIONARY_SPLAT) {
            f.mode = M_SPLAT;
        } else {
            const svc_def *d = &ex->defs.items[p->aux];
            uint32_t i = p->counter++;
            f.flags = SVC_REF_BASE;
            if (i < d->nbases) {
                f.target_kind = T_BASE;
                f.target = SVC_UNCONST(void *, &d->bases[i]);
            }
        }
        break;
    }
    case M_DECORATED:
        if (f.kind == K_DECORATOR) {
            f.mode = M_DECORATOR;
            f.aux = p->aux;
            f.aux2 = (int)p->counter++;
        } else if (FIELD_IS(F_DEFINITION)) {
            f.mode = M_DEF;
            f.aux = p->aux;
        }
        break;
    case M_DECORATOR: {
        const svc_def *d = &ex->defs.items[p->aux];
        if (p->counter++ == 0 && (size_t)p->aux2 < d->ndecorators) {
            f.flags = SVC_REF_DECORATOR;
            f.target_kind = T_DECORATOR;
            f.target = SVC_UNCONST(void *, &d->decorators[p->aux2]);
            f.bits |= FB_LINK_CALLEE;
        }
        break;
    }
    case M_DEF:
        if (FIELD_IS(F_NAME)) {
            f.mode = M_IGNORE;
        } else if (FIELD_IS(F_PARAMETERS)) {
            f.mode = M_PARAMS;
        } else if (FIELD_IS(F_SUPERCLASSES)) {
            f.mode = M_BASES;
            f.aux = p->aux;
        } else if (FIELD_IS(F_BODY)) {
            f.scope = ex->def_scope.items[p->aux];
        }
        break;
    case M_PARAMS:
        if (f.kind == K_DEFAULT_PARAMETER || f.kind == K_TYPED_DEFAULT_PARAMETER || f.kind == K_TYPED_PARAMETER)
            f.mode = M_PARAM;
        else
            f.mode = M_IGNORE;
        break;
    case M_PARAM:
        if (!FIELD_IS(F_VALUE) && !FIELD_IS(F_TYPE)) f.mode = M_IGNORE;
        break;
    case M_LAMBDA:
        if (FIELD_IS(F_PARAMETERS)) f.mode = M_PARAMS;
        else if (FIELD_IS(F_BODY)) f.scope = p->aux;
        break;
    case M_COMP:
        f.scope = p->aux;
        if (f.kind == K_FOR_IN_CLAUSE) {
            f.mode = M_FOR_IN;
            /* the first iterable is evaluated in the enclosing scope */
            f.aux2 = p->counter++ == 0 ? p->scope : p->aux;
        }
        break;
    case M_FOR_IN:
        if (FIELD_IS(F_LEFT)) f.mode = M_TARGET;
        else if (FIELD_IS(F_RIGHT)) f.scope = p->aux2;
        break;
    case M_PATTERN:
        f.mode = M_PATTERN;
        break;
    case M_CLASS_PATTERN:
        f.mode = f.kind == K_DOTTED_NAME ? M_CLASSNAME : M_PATTERN;
        break;
    case M_KEYWORD_PATTERN:
        f.mode = f.kind == K_IDENTIFIER ? M_IGNORE : M_PATTERN;
        break;
    case M_STRING:
        f.mode = f.kind == K_INTERPOLATION ? M_LOAD : M_IGNORE;
        break;
    case M_AS_PATTERN:
        if (FIELD_IS(F_ALIAS) || ((p->bits & FB_IN_PATTERN) && f.kind == K_IDENTIFIER)) {
            f.mode = M_TARGET;
        } else {
            f.mode = (p->bits & FB_IN_PATTERN) ? M_PATTERN : M_LOAD;
            f.flags = p->child_flags;
        }
        break;
    case M_ASSIGNMENT:
        if (FIELD_IS(F_LEFT)) f.mode = M_TARGET;
        else if (FIELD_IS(F_RIGHT) && f.kind == K_ASSIGNMENT) f.bits |= FB_CHAINED;
        break;
    case M_AUGASSIGN:
    case M_FOR:
        if (FIELD_IS(F_LEFT)) f.mode = M_TARGET;
        break;
    case M_EXCEPT:
        if (FIELD_IS(F_VALUE)) {
            f.flags = SVC_REF_EXCEPT;
        } else if (FIELD_IS(F_ALIAS)) {
            /* The grammar reads `except A, B:` as Python 2's `except A, target:`; Python 3 has no such
             * target, and 3.14 (PEP 758) reads it as `except (A, B):`, so B is a type too. */
            TSNode sep = ts_node_prev_sibling(child);
            bool comma = !ts_node_is_null(sep) && strcmp(ts_node_type(sep), ",") == 0;
            if (comma) f.flags = SVC_REF_EXCEPT;
            else f.mode = M_TARGET;
        }
        break;
    case M_EXCEPT_GROUP:
        if (f.kind != K_BLOCK) {
            uint32_t i = p->counter++;
            if (i == 0) f.flags = SVC_REF_EXCEPT;
            else if (i == 1) f.mode = M_TARGET;
        }
        break;
    case M_RAISE:
        if (!FIELD_IS(F_CAUSE)) f.flags = SVC_REF_RAISE;
        break;
    case M_NAMED_EXPR:
        if (FIELD_IS(F_NAME)) {
            f.mode = M_TARGET;
            f.scope = facts_assignment_scope(ex, p->scope);
        }
        break;
    default: /* M_LOAD and the rest: plain loads */
        break;
    }
#undef FIELD_IS
    return f;
}

static void enter(extractor *ex, frame *f, TSNode node)
{
    f->bits |= FB_DESCEND;
    if (ts_node_is_missing(node)) {
        add_error(ex, node);
        f->mode = M_SKIP;
        f->bits &= (uint8_t)~FB_DESCEND;
        return;
    }
    if (f->kind == K_COMMENT) {
        add_noqa(ex, node);
        f->mode = M_SKIP;
        f->bits &= (uint8_t)~FB_DESCEND;
        return;
    }
    if (f->kind == K_ERROR) {
        if (!(f->bits & FB_IN_ERROR)) add_error(ex, node);
        f->bits |= FB_IN_ERROR;
        f->mode = f->mode == M_IGNORE ? M_SKIP : M_ERROR;
        return;
    }
    switch (f->mode) {
    case M_IGNORE:
        f->mode = M_SKIP;
        break;
    case M_LOAD:
        enter_load(ex, f, node);
        break;
    case M_TARGET:
        enter_target(ex, f, node);
        break;
    case M_PATTERN:
        enter_pattern(ex, f, node);
        break;
    case M_CLASSNAME:
        if (collect_chain(ex, node)) add_ref(ex, node, f, 0);
        f->mode = M_SKIP;
        break;
    default: /* modes the parent set that read children (M_DEF, M_ARGLIST, ...) */
        break;
    }
    if (f->mode == M_SKIP && !may_hide_something(node)) f->bits &= (uint8_t)~FB_DESCEND;
}

static void walk(extractor *ex, TSNode root)
{
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    frame_vec frames = { 0 };
    frame top = { 0 };
    top.mode = M_LOAD;
    top.kind = kind_of(root);
    top.call_of = -1;
    svc_vec_push(&frames, top);
    enter(ex, &frames.items[0], root);
    for (;;) {
        frame *cur = &frames.items[frames.len - 1];
        if ((cur->bits & FB_DESCEND) && ts_tree_cursor_goto_first_child(&cursor)) {
            TSNode child = ts_tree_cursor_current_node(&cursor);
            frame f = child_frame(ex, cur, child, &cursor);
            svc_vec_push(&frames, f);
            enter(ex, &frames.items[frames.len - 1], child);
            continue;
        }
        /* leave this node: on to the next sibling, or up until there is one */
        for (;;) {
            frames.len--;
            if (frames.len == 0) goto done;
            if (ts_tree_cursor_goto_next_sibling(&cursor)) {
                frame *parent = &frames.items[frames.len - 1];
                TSNode child = ts_tree_cursor_current_node(&cursor);
                frame f = child_frame(ex, parent, child, &cursor);
                svc_vec_push(&frames, f);
                enter(ex, &frames.items[frames.len - 1], child);
                break;
            }
            if (!ts_tree_cursor_goto_parent(&cursor)) goto done;
        }
    }
done:
    ts_tree_cursor_delete(&cursor);
    svc_vec_free(&frames);
}

void facts_walk(extractor *ex, TSNode root)
{
    pthread_once(&tables_once, init_tables);
    build_lines(ex);
    ex->gather_cursor = ts_tree_cursor_new(root);
    walk(ex, root);
    ts_tree_cursor_delete(&ex->gather_cursor);
}
