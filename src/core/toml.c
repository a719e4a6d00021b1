/*
 * The TOML reader (toml.h): tree-sitter-toml's tree turned into tables, arrays and scalars,
 * with the checks the grammar cannot make. The tree is dropped once the document is built;
 * values keep byte offsets into the text for quoting them in messages.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "core/toml.h"
#include "svcscope/facts.h"
#include "svcscope/utf8.h"

const TSLanguage *tree_sitter_toml(void);

/* How much of a value or of the text near a syntax error to quote in a message. */
#define SNIPPET_MAX 40
/* Values are built recursively; no real settings file nests anywhere near this deep. */
#define MAX_NESTING 256

struct svc_toml {
    const char *path; /* as the user should read it in messages */
    const char *text;
    size_t len;
    svc_arena *arena;
    svc_error *err;
    int section; /* bumps at every header and inline table */
    int depth;   /* arrays and inline tables open around the value being built */
    svc_toml_value *root;
    svc_toml_problem problem; /* kind 0 until the reader refuses something */
};

static uint32_t line_of(TSNode n)
{
    return ts_node_start_point(n).row + 1;
}

static uint32_t column_of(TSNode n)
{
    return ts_node_start_point(n).column + 1;
}

static bool is_type(TSNode n, const char *type)
{
    return strcmp(ts_node_type(n), type) == 0;
}

int svc_toml_vfail(svc_toml *p, uint32_t line, const char *fmt, va_list ap)
{
    char msg[900];
    vsnprintf(msg, sizeof msg, fmt, ap);
    return svc_error_set(p->err, SVC_ECONFIG, "%s:%u: %s", p->path, line, msg);
}

int svc_toml_fail(svc_toml *p, uint32_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = svc_toml_vfail(p, line, fmt, ap);
    va_end(ap);
    return rc;
}

/* The reader's own refusals: the message, and the problem for schemas that word it their way. */
static int refuse(svc_toml *p, svc_toml_error kind, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(svc_toml *p, svc_toml_error kind, uint32_t line, const char *fmt, ...)
{
    p->problem.kind = kind;
    p->problem.line = line;
    va_list ap;
    va_start(ap, fmt);
    int rc = svc_toml_vfail(p, line, fmt, ap);
    va_end(ap);
    return rc;
}

/* A user's string in double quotes, escaped so a message stays on one line; a long one is cut
 * (QUOTE_MAX bytes, then "...") so the reason after it still fits in the message. */
#define QUOTE_MAX 60
const char *svc_toml_quote(svc_toml *p, const char *s, size_t n)
{
    svc_buf b = {0};
    svc_buf_putc(&b, '"');
    bool cut = n > QUOTE_MAX + 20;
    if (cut) n = svc_utf8_floor(s, QUOTE_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            svc_buf_putc(&b, '\\');
            svc_buf_putc(&b, (char)c);
        } else if (c == '\n') {
            svc_buf_puts(&b, "\\n");
        } else if (c == '\t') {
            svc_buf_puts(&b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            svc_buf_printf(&b, "\\u%04X", c);
        } else {
            svc_buf_putc(&b, (char)c);
        }
    }
    if (cut) svc_buf_puts(&b, "...");
    svc_buf_putc(&b, '"');
    const char *out = svc_arena_strndup(p->arena, b.data, b.len);
    svc_buf_free(&b);
    return out;
}

static bool bare_key_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* A key as it would be written: bare when it can be, quoted otherwise. */
static const char *show_key(svc_toml *p, const char *k, size_t n)
{
    bool bare = n > 0;
    for (size_t i = 0; i < n && bare; i++) bare = bare_key_char((unsigned char)k[i]);
    return bare ? svc_arena_strndup(p->arena, k, n) : svc_toml_quote(p, k, n);
}

static const char *join_path(svc_toml *p, const char *parent, const char *k, size_t n)
{
    const char *shown = show_key(p, k, n);
    return *parent ? svc_arena_printf(p->arena, "%s.%s", parent, shown) : shown;
}

/* Up to SNIPPET_MAX bytes of one line from `start`, never cutting a UTF-8 sequence. */
static const char *snippet(svc_toml *p, size_t start, size_t end)
{
    size_t stop = start;
    while (stop < end && stop < p->len && p->text[stop] != '\n' && p->text[stop] != '\r') stop++;
    bool cut = false;
    if (stop - start > SNIPPET_MAX) {
        stop = start + svc_utf8_floor(p->text + start, SNIPPET_MAX);
        cut = true;
    }
    while (stop > start && (p->text[stop - 1] == ' ' || p->text[stop - 1] == '\t')) stop--;
    return svc_arena_printf(p->arena, "%.*s%s", (int)(stop - start), p->text + start, cut ? "..." : "");
}

const char *svc_toml_describe(svc_toml *p, const svc_toml_value *v)
{
    if (v->src_end == 0) return v->kind == SVC_TOML_ARRAY ? "an array of tables" : "a table";
    return snippet(p, v->src_start, v->src_end);
}

/* "not valid TOML near ..." for a node the model cannot use. */
static int fail_near(svc_toml *p, TSNode n, size_t end)
{
    const char *s = snippet(p, ts_node_start_byte(n), end);
    return refuse(p, SVC_TOML_ESYNTAX, line_of(n), "not valid TOML near %s", svc_toml_quote(p, s, strlen(s)));
}

static svc_toml_value *new_value(svc_toml *p, svc_toml_kind kind, uint32_t line, uint32_t column)
{
    svc_toml_value *v = svc_arena_alloc(p->arena, sizeof *v);
    v->kind = kind;
    v->line = line;
    v->column = column;
    v->path = "";
    v->dotted_section = -1;
    return v;
}

static svc_toml_value *new_table(svc_toml *p, svc_toml_origin origin, const char *path, uint32_t line,
                                 uint32_t column)
{
    svc_toml_value *t = new_value(p, SVC_TOML_TABLE, line, column);
    t->origin = origin;
    t->path = path;
    return t;
}

static void append(svc_toml *p, svc_toml_value *container, const char *key, size_t klen, svc_toml_value *val)
{
    svc_toml_entry *e = svc_arena_alloc(p->arena, sizeof *e);
    e->key = key;
    e->klen = klen;
    e->value = val;
    if (container->tail) container->tail->next = e;
    else container->head = e;
    container->tail = e;
}

static svc_toml_value *lookup(const svc_toml_value *t, const char *key, size_t klen)
{
    for (svc_toml_entry *e = t->head; e; e = e->next)
        if (e->klen == klen && memcmp(e->key, key, klen) == 0) return e->value;
    return NULL;
}

const svc_toml_value *svc_toml_get(const svc_toml_value *table, const char *key, size_t klen)
{
    return table->kind == SVC_TOML_TABLE ? lookup(table, key, klen) : NULL;
}

/* ---- strings and keys --------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes a string or quoted key node (all four TOML string forms) into the arena. */
static int decode_string(svc_toml *p, TSNode n, const char **out, size_t *outlen)
{
    const char *s = p->text + ts_node_start_byte(n);
    size_t len = ts_node_end_byte(n) - ts_node_start_byte(n);
    char q = len ? s[0] : 0;
    size_t delim = (len >= 6 && s[1] == q && s[2] == q) ? 3 : 1;
    if ((q != '"' && q != '\'') || len < 2 * delim) return fail_near(p, n, ts_node_end_byte(n));
    const char *c = s + delim, *end = s + len - delim;
    /* A newline right after the opening """ or ''' is not part of the string. */
    if (delim == 3) {
        if (c < end && *c == '\n') c++;
        else if (end - c >= 2 && c[0] == '\r' && c[1] == '\n') c += 2;
    }
    if (q == '\'') {
        *out = svc_arena_strndup(p->arena, c, (size_t)(end - c));
        *outlen = (size_t)(end - c);
        return SVC_OK;
    }
    svc_buf b = {0};
    while (c < end) {
        if (*c != '\\') {
            svc_buf_putc(&b, *c++);
            continue;
        }
        const char *esc = c++;
        if (c >= end) goto bad;
        char e = *c++;
        switch (e) {
        case 'b': svc_buf_putc(&b, '\b'); break;
        case 't': svc_buf_putc(&b, '\t'); break;
        case 'n': svc_buf_putc(&b, '\n'); break;
        case 'f': svc_buf_putc(&b, '\f'); break;
        case 'r': svc_buf_putc(&b, '\r'); break;
        case 'e': svc_buf_putc(&b, '\x1b'); break;
        case '"': svc_buf_putc(&b, '"'); break;
        case '\\': svc_buf_putc(&b, '\\'); break;
        case 'x': case 'u': case 'U': {
            int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            if (end - c < digits) goto bad;
            uint32_t cp = 0;
            for (int i = 0; i < digits; i++) {
                int h = hexval(c[i]);
                if (h < 0) goto bad;
                cp = cp * 16 + (uint32_t)h;
            }
            c += digits;
            /* Only Unicode scalar values: no surrogates, nothing past U+10FFFF. */
            char utf8[SVC_UTF8_MAX];
            size_t ulen = svc_utf8_encode(cp, utf8);
            if (ulen == 0) {
                svc_buf_free(&b);
                return refuse(p, SVC_TOML_EESCAPE, line_of(n), "not valid TOML: %.*s is not a Unicode scalar value",
                              (int)(c - esc), esc);
            }
            svc_buf_append(&b, utf8, ulen);
            break;
        }
        default:
            /* Line-ending backslash in """ strings: drop the newline and the blanks after it. */
            if (delim == 3 && (e == ' ' || e == '\t' || e == '\r' || e == '\n')) {
                const char *t = c - 1;
                while (t < end && (*t == ' ' || *t == '\t')) t++;
                if (t < end && *t != '\n' && *t != '\r') goto bad;
                while (t < end && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')) t++;
                c = t;
                break;
            }
            goto bad;
        }
        continue;
    bad:
        svc_buf_free(&b);
        return refuse(p, SVC_TOML_EESCAPE, line_of(n), "not valid TOML: bad escape %s in a string",
                      svc_toml_quote(p, esc, (size_t)(c - esc) > 10 ? 10 : (size_t)(c - esc)));
    }
    *outlen = b.len;
    *out = svc_arena_strndup(p->arena, b.data ? b.data : "", b.len);
    svc_buf_free(&b);
    return SVC_OK;
}

typedef struct key_part {
    const char *s;
    size_t n;
} key_part;

typedef SVC_VEC(key_part) key_parts;

/* Flattens a bare, quoted or (nested) dotted key into its parts. */
static int key_collect(svc_toml *p, TSNode n, key_parts *parts)
{
    if (is_type(n, "dotted_key")) {
        uint32_t count = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < count; i++) {
            TSNode c = ts_node_named_child(n, i);
            if (is_type(c, "comment")) continue;
            int rc = key_collect(p, c, parts);
            if (rc) return rc;
        }
        return SVC_OK;
    }
    key_part kp;
    if (is_type(n, "bare_key")) {
        /* Copied so every key is NUL-terminated like the decoded quoted ones. */
        kp.n = ts_node_end_byte(n) - ts_node_start_byte(n);
        kp.s = svc_arena_strndup(p->arena, p->text + ts_node_start_byte(n), kp.n);
    } else if (is_type(n, "quoted_key")) {
        int rc = decode_string(p, n, &kp.s, &kp.n);
        if (rc) return rc;
    } else {
        return fail_near(p, n, ts_node_end_byte(n));
    }
    svc_vec_push(parts, kp);
    return SVC_OK;
}

/* The first named child that is not a comment (the key of a pair or header), and the next. */
static TSNode nth_named(TSNode n, uint32_t want)
{
    uint32_t count = ts_node_named_child_count(n), seen = 0;
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_named_child(n, i);
        if (is_type(c, "comment")) continue;
        if (seen++ == want) return c;
    }
    TSNode null = {{0}, NULL, NULL};
    return null;
}

/* ---- building the model ----------------------------------------------------- */

static int build_value(svc_toml *p, TSNode n, const char *path, svc_toml_value **out);
static int insert_pair(svc_toml *p, svc_toml_value *table, TSNode pair, int section);

static int parse_integer(svc_toml *p, TSNode n, long long *out)
{
    const char *s = p->text + ts_node_start_byte(n);
    size_t len = ts_node_end_byte(n) - ts_node_start_byte(n), i = 0;
    bool neg = false;
    int base = 10;
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
        base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
        i += 2;
    }
    /* Accumulate as a negative number so INT64_MIN fits. */
    long long v = 0;
    for (; i < len; i++) {
        if (s[i] == '_') continue;
        int d = hexval(s[i]);
        if (d < 0 || d >= base) return fail_near(p, n, ts_node_end_byte(n));
        if (v < (LLONG_MIN + d) / base) goto range;
        v = v * base - d;
    }
    if (!neg) {
        if (v == LLONG_MIN) goto range;
        v = -v;
    }
    *out = v;
    return SVC_OK;
range:
    return refuse(p, SVC_TOML_ERANGE, line_of(n), "not valid TOML: %s does not fit in a 64-bit integer",
                  snippet(p, ts_node_start_byte(n), ts_node_end_byte(n)));
}

/* Inline tables and the arrays they hold can never be extended once written. */
static void freeze(svc_toml_value *v)
{
    if (v->kind != SVC_TOML_TABLE && v->kind != SVC_TOML_ARRAY) return;
    v->frozen = true;
    for (svc_toml_entry *e = v->head; e; e = e->next) freeze(e->value);
}

static svc_toml_kind kind_of(TSNode n)
{
    const char *type = ts_node_type(n);
    if (strcmp(type, "string") == 0) return SVC_TOML_STRING;
    if (strcmp(type, "integer") == 0) return SVC_TOML_INTEGER;
    if (strcmp(type, "boolean") == 0) return SVC_TOML_BOOLEAN;
    if (strcmp(type, "array") == 0) return SVC_TOML_ARRAY;
    if (strcmp(type, "inline_table") == 0) return SVC_TOML_TABLE;
    return SVC_TOML_OTHER; /* floats, dates and times */
}

/*
 * `path` names the value in messages about the tables inside it. `*out` is the value even when
 * it fails: marked refused, or holding what came before the refused part.
 */
static int build_value(svc_toml *p, TSNode n, const char *path, svc_toml_value **out)
{
    svc_toml_kind kind = kind_of(n);
    svc_toml_value *v = new_value(p, kind, line_of(n), column_of(n));
    v->src_start = ts_node_start_byte(n);
    v->src_end = ts_node_end_byte(n);
    *out = v;
    int rc = SVC_OK;
    if ((kind == SVC_TOML_ARRAY || kind == SVC_TOML_TABLE) && p->depth >= MAX_NESTING) {
        rc = refuse(p, SVC_TOML_EDEPTH, v->line, "values nested more than %d deep are not supported", MAX_NESTING);
        v->refused = true;
    } else if (kind == SVC_TOML_STRING) {
        v->refused = (rc = decode_string(p, n, &v->str, &v->slen)) != SVC_OK;
    } else if (kind == SVC_TOML_INTEGER) {
        v->refused = (rc = parse_integer(p, n, &v->integer)) != SVC_OK;
    } else if (kind == SVC_TOML_BOOLEAN) {
        v->boolean = p->text[v->src_start] == 't';
    } else if (kind == SVC_TOML_ARRAY) {
        p->depth++;
        uint32_t count = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < count && rc == SVC_OK; i++) {
            TSNode c = ts_node_named_child(n, i);
            if (is_type(c, "comment")) continue;
            svc_toml_value *item;
            rc = build_value(p, c, path, &item);
            append(p, v, NULL, 0, item);
        }
        p->depth--;
        v->frozen = true;
    } else if (kind == SVC_TOML_TABLE) {
        v->path = path;
        /* A section of its own, so its dotted keys may share prefixes with each other only. */
        int section = ++p->section;
        p->depth++;
        uint32_t count = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < count && rc == SVC_OK; i++) {
            TSNode c = ts_node_named_child(n, i);
            if (is_type(c, "comment")) continue;
            rc = insert_pair(p, v, c, section);
        }
        p->depth--;
        freeze(v);
    }
    return rc;
}

/* Tables made along the way by a path have no value node; they inherit the path of their parent. */
static svc_toml_value *add_table(svc_toml *p, svc_toml_value *parent, svc_toml_origin origin, const key_part *kp,
                                 TSNode at)
{
    const char *path = join_path(p, parent->path, kp->s, kp->n);
    svc_toml_value *t = new_table(p, origin, path, line_of(at), column_of(at));
    append(p, parent, kp->s, kp->n, t);
    return t;
}

static int insert_pair(svc_toml *p, svc_toml_value *table, TSNode pair, int section)
{
    TSNode keyn = nth_named(pair, 0), valn = nth_named(pair, 1);
    if (ts_node_is_null(keyn) || ts_node_is_null(valn))
        return fail_near(p, pair, p->len);
    key_parts parts = {0};
    int rc = key_collect(p, keyn, &parts);
    uint32_t line = line_of(keyn);
    svc_toml_value *t = table;
    for (size_t i = 0; rc == SVC_OK && i + 1 < parts.len; i++) {
        key_part *kp = &parts.items[i];
        svc_toml_value *next = lookup(t, kp->s, kp->n);
        if (!next) {
            t = add_table(p, t, SVC_TOML_DOTTED, kp, keyn);
            t->dotted_section = section;
            continue;
        }
        /* Dotted keys may only extend tables they made in this same section, or tables that
         * so far exist only as the parent of a header; never a [header] table or a value. */
        if (next->frozen) {
            rc = refuse(p, SVC_TOML_ECONFLICT, line, "%s: cannot add to the inline value from line %u",
                        join_path(p, t->path, kp->s, kp->n), next->line);
            break;
        }
        if (next->kind != SVC_TOML_TABLE || next->defined ||
            (next->dotted_section >= 0 && next->dotted_section != section)) {
            rc = refuse(p, SVC_TOML_ECONFLICT, line, "%s: conflicts with the definition on line %u",
                        join_path(p, t->path, kp->s, kp->n), next->line);
            break;
        }
        next->dotted_section = section;
        t = next;
    }
    if (rc == SVC_OK) {
        key_part *last = &parts.items[parts.len - 1];
        svc_toml_value *prior = lookup(t, last->s, last->n);
        svc_toml_value *v = NULL;
        if (prior) {
            const char *where = *t->path ? svc_arena_printf(p->arena, " in [%s]", t->path) : "";
            rc = refuse(p, SVC_TOML_EDUPLICATE, line, "%s: defined twice%s (first on line %u)",
                        show_key(p, last->s, last->n), where, prior->line);
            p->problem.table = t->path;
            p->problem.key = last->s;
            p->problem.first_line = prior->line;
        } else {
            /* Kept even when refused, so that a schema can still judge the key before the value. */
            rc = build_value(p, valn, join_path(p, t->path, last->s, last->n), &v);
            append(p, t, last->s, last->n, v);
        }
    }
    svc_vec_free(&parts);
    return rc;
}

/* The table a [header] or [[header]] names first, as written and where. */
static void name_by_header(svc_toml *p, svc_toml_value *t, TSNode header, TSNode keyn, bool array)
{
    t->header = snippet(p, ts_node_start_byte(keyn), ts_node_end_byte(keyn));
    t->header_line = line_of(header);
    t->header_array = array;
}

/* Opens `[a.b.c]` or `[[a.b.c]]` and returns the table that following pairs go into. */
static int open_header(svc_toml *p, TSNode header, bool array, svc_toml_value **out)
{
    TSNode keyn = nth_named(header, 0);
    key_parts parts = {0};
    int rc = key_collect(p, keyn, &parts);
    uint32_t line = line_of(header);
    svc_toml_value *t = p->root;
    for (size_t i = 0; rc == SVC_OK && i + 1 < parts.len; i++) {
        key_part *kp = &parts.items[i];
        svc_toml_value *next = lookup(t, kp->s, kp->n);
        if (!next) {
            t = add_table(p, t, SVC_TOML_IMPLICIT, kp, header);
            name_by_header(p, t, header, keyn, array);
        } else if (next->kind == SVC_TOML_ARRAY && next->aot) {
            t = next->tail->value; /* [[a]] then [a.b]: b belongs to the latest a */
        } else if (next->kind == SVC_TOML_TABLE && !next->frozen) {
            t = next;
        } else if (next->frozen) {
            rc = refuse(p, SVC_TOML_ECONFLICT, line, "[%s]: cannot add to the inline value %s from line %u",
                        snippet(p, ts_node_start_byte(keyn), ts_node_end_byte(keyn)),
                        join_path(p, t->path, kp->s, kp->n), next->line);
        } else {
            rc = refuse(p, SVC_TOML_ECONFLICT, line, "[%s]: %s conflicts with the definition on line %u",
                        snippet(p, ts_node_start_byte(keyn), ts_node_end_byte(keyn)),
                        join_path(p, t->path, kp->s, kp->n), next->line);
        }
    }
    if (rc == SVC_OK) {
        key_part *last = &parts.items[parts.len - 1];
        svc_toml_value *prior = lookup(t, last->s, last->n);
        const char *path = join_path(p, t->path, last->s, last->n);
        if (!array) {
            if (!prior) {
                *out = add_table(p, t, SVC_TOML_HEADER, last, header);
                name_by_header(p, *out, header, keyn, false);
                (*out)->defined = true;
            } else if (prior->kind == SVC_TOML_TABLE && !prior->frozen && !prior->defined &&
                       prior->dotted_section < 0) {
                /* It existed only as the parent of an earlier header: now it is defined. */
                prior->defined = true;
                prior->line = line;
                prior->column = column_of(header);
                *out = prior;
            } else {
                rc = refuse(p, SVC_TOML_ETABLE, line, "[%s] is defined twice (first on line %u)", path, prior->line);
                p->problem.first_line = prior->line;
            }
        } else {
            svc_toml_value *arr = prior;
            if (!arr) {
                arr = new_value(p, SVC_TOML_ARRAY, line, column_of(header));
                arr->aot = true;
                arr->path = path;
                arr->origin = SVC_TOML_HEADER;
                name_by_header(p, arr, header, keyn, true);
                append(p, t, last->s, last->n, arr);
            } else if (!(arr->kind == SVC_TOML_ARRAY && arr->aot)) {
                rc = refuse(p, SVC_TOML_ECONFLICT, line, "[[%s]] conflicts with the definition on line %u", path,
                            prior->line);
            }
            if (rc == SVC_OK) {
                svc_toml_value *elem = new_table(p, SVC_TOML_HEADER, path, line, column_of(header));
                name_by_header(p, elem, header, keyn, true);
                elem->defined = true;
                append(p, arr, NULL, 0, elem);
                *out = elem;
            }
        }
    }
    if (rc && (p->problem.kind == SVC_TOML_ETABLE || p->problem.kind == SVC_TOML_ECONFLICT)) {
        const char *path = "";
        for (size_t i = 0; i < parts.len; i++) path = join_path(p, path, parts.items[i].s, parts.items[i].n);
        p->problem.table = path;
        p->problem.header = snippet(p, ts_node_start_byte(keyn), ts_node_end_byte(keyn));
        p->problem.header_array = array;
    }
    svc_vec_free(&parts);
    return rc;
}

/* Byte offset of the first syntax error in document order. An ERROR or MISSING node marks
 * it; a node that has an error but no visible child holding it is missing a hidden token
 * (the grammar's line ending), which belongs right after the node. */
static size_t error_offset(TSNode n)
{
    if (ts_node_is_missing(n) || is_type(n, "ERROR")) return ts_node_start_byte(n);
    uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_child(n, i);
        if (ts_node_has_error(c)) return error_offset(c);
    }
    return ts_node_end_byte(n);
}

static uint32_t line_at(const svc_toml *p, size_t at)
{
    uint32_t line = 1;
    for (size_t i = 0; i < at && i < p->len; i++)
        if (p->text[i] == '\n') line++;
    return line;
}

static int syntax_error(svc_toml *p, TSNode at_node)
{
    size_t at = error_offset(at_node);
    /* Point at the next token, not at the blank run before it. */
    while (at < p->len && (p->text[at] == ' ' || p->text[at] == '\t')) at++;
    uint32_t line = line_at(p, at);
    const char *near = snippet(p, at, p->len);
    if (*near)
        return refuse(p, SVC_TOML_ESYNTAX, line, "not valid TOML near %s", svc_toml_quote(p, near, strlen(near)));
    /* Something is missing at the end of a line (an unclosed "[tool.x"): quote what came before. */
    size_t end = at, start = at;
    while (end > 0 && (p->text[end - 1] == ' ' || p->text[end - 1] == '\t' || p->text[end - 1] == '\r')) end--;
    while (start > 0 && p->text[start - 1] != '\n') start--;
    if (end > start) {
        if (end - start > SNIPPET_MAX) start = svc_utf8_ceil(p->text, end - SNIPPET_MAX, end);
        return refuse(p, SVC_TOML_ESYNTAX, line, "not valid TOML after %s",
                      svc_toml_quote(p, p->text + start, end - start));
    }
    return refuse(p, SVC_TOML_ESYNTAX, line, "not valid TOML at the end of %s", at >= p->len ? "the file" : "the line");
}

/* TOML is UTF-8 by definition; tree-sitter would accept stray bytes inside strings. */
static int check_encoding(svc_toml *p)
{
    size_t valid = svc_utf8_valid_prefix(p->text, p->len);
    const char *nul = memchr(p->text, '\0', valid);
    if (nul) return refuse(p, SVC_TOML_EENCODING, line_at(p, (size_t)(nul - p->text)),
                           "not valid TOML: the file contains a NUL byte");
    if (valid < p->len) return refuse(p, SVC_TOML_EENCODING, line_at(p, valid), "not valid UTF-8");
    return SVC_OK;
}

static int build_document(svc_toml *p, TSNode root)
{
    if (ts_node_has_error(root)) return syntax_error(p, root);
    svc_toml_value *current = p->root;
    int rc = SVC_OK;
    uint32_t count = ts_node_named_child_count(root);
    for (uint32_t i = 0; i < count && rc == SVC_OK; i++) {
        TSNode c = ts_node_named_child(root, i);
        if (is_type(c, "comment")) continue;
        if (is_type(c, "pair")) {
            rc = insert_pair(p, current, c, p->section);
            continue;
        }
        /* A header's own pairs are its children in this grammar. */
        bool array = is_type(c, "table_array_element");
        if (!array && !is_type(c, "table")) return syntax_error(p, c);
        p->section++;
        if ((rc = open_header(p, c, array, &current))) break;
        uint32_t kids = ts_node_named_child_count(c);
        int section = p->section;
        for (uint32_t k = 0; k < kids && rc == SVC_OK; k++) {
            TSNode pair = ts_node_named_child(c, k);
            if (is_type(pair, "pair")) rc = insert_pair(p, current, pair, section);
        }
    }
    return rc;
}

int svc_toml_parse(svc_toml **out, const char *path, const char *text, size_t len, svc_error *err)
{
    *out = NULL;
    /* tree-sitter keeps byte offsets in 32 bits. */
    if (len > UINT32_MAX) return svc_error_set(err, SVC_ECONFIG, "%s: too large to read (%zu bytes)", path, len);
    svc_toml *p = svc_xcalloc(1, sizeof *p);
    p->path = path;
    p->text = text;
    p->len = len;
    p->err = err;
    p->arena = svc_arena_new();
    p->root = new_table(p, SVC_TOML_DOCUMENT, "", 1, 1);
    /* Some editors on Windows start the file with a byte order mark. */
    if (p->len >= 3 && memcmp(p->text, "\xEF\xBB\xBF", 3) == 0) {
        p->text += 3;
        p->len -= 3;
    }
    int rc = check_encoding(p);
    if (rc) {
        *out = p;
        return rc;
    }
    svc_tree_sitter_prepare();
    TSParser *parser = ts_parser_new();
    TSTree *tree = NULL;
    /* Only fails when the library and the compiled grammar disagree on ABI version. */
    if (ts_parser_set_language(parser, tree_sitter_toml()))
        tree = ts_parser_parse_string(parser, NULL, p->text, (uint32_t)p->len);
    if (!tree) {
        ts_parser_delete(parser);
        svc_toml_free(p);
        return svc_error_set(err, SVC_ECONFIG, "%s: the TOML parser could not run (tree-sitter version mismatch)",
                             path);
    }
    rc = build_document(p, ts_tree_root_node(tree));
    ts_tree_delete(tree);
    ts_parser_delete(parser);
    *out = p;
    return rc;
}

void svc_toml_free(svc_toml *doc)
{
    if (!doc) return;
    svc_arena_free(doc->arena);
    free(doc);
}

const svc_toml_value *svc_toml_root(const svc_toml *doc)
{
    return doc->root;
}

const svc_toml_problem *svc_toml_problem_of(const svc_toml *doc)
{
    return doc->problem.kind ? &doc->problem : NULL;
}

svc_arena *svc_toml_arena(svc_toml *doc)
{
    return doc->arena;
}
