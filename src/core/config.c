/*
 * Settings from `[tool.svcscope]` in pyproject.toml.
 *
 * Two passes. First the whole file is parsed with tree-sitter-toml and turned into a small
 * document model (tables, arrays, strings, integers), checking the TOML rules the grammar
 * cannot see: duplicate keys, tables defined twice, dotted keys reopening tables, escapes,
 * integer range. That way a broken pyproject.toml is reported wherever the break is.
 * Then `[tool.svcscope]` is read from the model into a staged svc_config, and only when every
 * key is valid is it moved into the caller's config, so a failed load changes nothing.
 */
/* open/fstat/read are POSIX; the build normally defines _GNU_SOURCE already. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tree_sitter/api.h>

#include "svcscope/config.h"
#include "svcscope/util.h"

const TSLanguage *tree_sitter_toml(void);

/* tree-sitter keeps byte offsets in 32 bits; a pyproject.toml this large is a mistake anyway. */
#define MAX_CONFIG_BYTES (64u * 1024 * 1024)
/* How much of a value or of the text near a syntax error to quote in a message. */
#define SNIPPET_MAX 40
/* Values are built recursively; no real pyproject.toml nests anywhere near this deep. */
#define MAX_NESTING 256
/* Longest glob in `exclude` and `per-file-ignores`. */
#define MAX_GLOB 4096

/* ---- defaults, free, exclude ---------------------------------------------------- */

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static void free_pfi(svc_per_file_ignore *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].glob);
        free_strv(v[i].codes, v[i].ncodes);
    }
    free(v);
}

void svc_config_init(svc_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->tasks_service = svc_xstrdup("tasks");
    cfg->max_task_statements = 3;
}

void svc_config_free(svc_config *cfg)
{
    if (!cfg) return;
    free(cfg->services_root);
    free(cfg->tasks_service);
    free_strv(cfg->task_decorators, cfg->ntask_decorators);
    free_strv(cfg->dispatch_functions, cfg->ndispatch_functions);
    free_strv(cfg->apps, cfg->napps);
    free_strv(cfg->glue_modules, cfg->nglue_modules);
    free_strv(cfg->select, cfg->nselect);
    free_strv(cfg->ignore, cfg->nignore);
    free_strv(cfg->exclude, cfg->nexclude);
    free_strv(cfg->extend_exclude, cfg->nextend_exclude);
    free_pfi(cfg->per_file_ignores, cfg->nper_file_ignores);
    free(cfg->source_file);
    free(cfg->key_lines);
    memset(cfg, 0, sizeof *cfg);
}

/* What is not the application: other tools' folders (`.semgrep/`, `.venv/`, `.tox/`), installed
 * packages and build output. A pattern without '/' matches a name anywhere on the path. */
static const char *const DEFAULT_EXCLUDES[] = { ".*", "node_modules", "site-packages", "build", "dist", NULL };

const char *const *svc_config_default_excludes(void)
{
    return DEFAULT_EXCLUDES;
}

const char *const *svc_config_excludes(const svc_config *cfg, size_t *n)
{
    if (cfg->exclude_set) {
        *n = cfg->nexclude;
        return (const char *const *)cfg->exclude;
    }
    *n = sizeof DEFAULT_EXCLUDES / sizeof *DEFAULT_EXCLUDES - 1;
    return DEFAULT_EXCLUDES;
}

const char *svc_config_excluded_by(const svc_config *cfg, const char *path)
{
    /* svc_glob_match already treats a matching folder as covering everything below it. */
    size_t n;
    const char *const *globs = svc_config_excludes(cfg, &n);
    for (size_t i = 0; i < n; i++)
        if (svc_glob_match(globs[i], path)) return globs[i];
    for (size_t i = 0; i < cfg->nextend_exclude; i++)
        if (svc_glob_match(cfg->extend_exclude[i], path)) return cfg->extend_exclude[i];
    return NULL;
}

bool svc_config_excluded(const svc_config *cfg, const char *path)
{
    return svc_config_excluded_by(cfg, path) != NULL;
}

/* ---- document model ------------------------------------------------------------- */

typedef enum { TV_TABLE, TV_ARRAY, TV_STRING, TV_INTEGER, TV_OTHER } tv_kind;

typedef struct tv tv;
typedef struct tv_entry {
    const char *key; /* decoded; keys may hold "\u0000", hence the length */
    size_t klen;
    tv *val;
    struct tv_entry *next;
} tv_entry;

struct tv {
    tv_kind kind;
    uint32_t line;        /* 1-based line of the value, header, or the key that made it */
    uint32_t src_start;   /* bytes of the value's source text, for quoting in messages; */
    uint32_t src_end;     /* both 0 for tables made by headers or keys (the tree is gone by then) */
    const char *path;     /* tables: dotted display path, "" for the document */
    const char *str;      /* TV_STRING, decoded */
    size_t slen;
    long long num;        /* TV_INTEGER */
    tv_entry *head, *tail; /* table entries in file order; array items (key NULL) */
    bool header;          /* table opened by a [header] */
    bool aot;             /* array built by [[header]] */
    bool frozen;          /* inline table or static array: closed to later additions */
    int dotted_section;   /* section whose dotted keys made or extended it; -1 none */
};

typedef struct tparse {
    const char *path; /* as the user should read it in messages */
    const char *text;
    size_t len;
    svc_arena *arena;
    svc_error *err;
    int section; /* bumps at every header and inline table */
    int depth;   /* arrays and inline tables open around the value being built */
    tv *root;
} tparse;

static uint32_t line_of(TSNode n)
{
    return ts_node_start_point(n).row + 1;
}

static bool is_type(TSNode n, const char *type)
{
    return strcmp(ts_node_type(n), type) == 0;
}

static int fail_at(tparse *p, uint32_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(tparse *p, uint32_t line, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return svc_error_set(p->err, SVC_ECONFIG, "%s:%u: %s", p->path, line, msg);
}

/* A user's string in double quotes, escaped so a message stays on one line; a long one is cut
 * (QUOTE_MAX bytes, then "...") so the reason after it still fits in the message. */
#define QUOTE_MAX 60
static const char *quote(tparse *p, const char *s, size_t n)
{
    svc_buf b = {0};
    svc_buf_putc(&b, '"');
    bool cut = n > QUOTE_MAX + 20;
    if (cut) {
        n = QUOTE_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
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
static const char *show_key(tparse *p, const char *k, size_t n)
{
    bool bare = n > 0;
    for (size_t i = 0; i < n && bare; i++) bare = bare_key_char((unsigned char)k[i]);
    return bare ? svc_arena_strndup(p->arena, k, n) : quote(p, k, n);
}

static const char *join_path(tparse *p, const char *parent, const char *k, size_t n)
{
    const char *shown = show_key(p, k, n);
    return *parent ? svc_arena_printf(p->arena, "%s.%s", parent, shown) : shown;
}

/* Up to SNIPPET_MAX bytes of one line from `start`, never cutting a UTF-8 sequence. */
static const char *snippet(tparse *p, size_t start, size_t end)
{
    size_t stop = start;
    while (stop < end && stop < p->len && p->text[stop] != '\n' && p->text[stop] != '\r') stop++;
    bool cut = false;
    if (stop - start > SNIPPET_MAX) {
        stop = start + SNIPPET_MAX;
        while (stop > start && ((unsigned char)p->text[stop] & 0xC0) == 0x80) stop--;
        cut = true;
    }
    while (stop > start && (p->text[stop - 1] == ' ' || p->text[stop - 1] == '\t')) stop--;
    return svc_arena_printf(p->arena, "%.*s%s", (int)(stop - start), p->text + start, cut ? "..." : "");
}

/* How a value reads in "got ..." messages: its source text, or what it is. */
static const char *describe(tparse *p, const tv *v)
{
    if (v->src_end == 0) return v->kind == TV_ARRAY ? "an array of tables" : "a table";
    return snippet(p, v->src_start, v->src_end);
}

/* "not valid TOML near ..." for a node the model cannot use. */
static int fail_near(tparse *p, TSNode n, size_t end)
{
    const char *s = snippet(p, ts_node_start_byte(n), end);
    return fail_at(p, line_of(n), "not valid TOML near %s", quote(p, s, strlen(s)));
}

static tv *new_value(tparse *p, tv_kind kind, uint32_t line)
{
    tv *v = svc_arena_alloc(p->arena, sizeof *v);
    v->kind = kind;
    v->line = line;
    v->path = "";
    v->dotted_section = -1;
    return v;
}

static tv *new_table(tparse *p, const char *path, uint32_t line)
{
    tv *t = new_value(p, TV_TABLE, line);
    t->path = path;
    return t;
}

static void append(tparse *p, tv *container, const char *key, size_t klen, tv *val)
{
    tv_entry *e = svc_arena_alloc(p->arena, sizeof *e);
    e->key = key;
    e->klen = klen;
    e->val = val;
    if (container->tail) container->tail->next = e;
    else container->head = e;
    container->tail = e;
}

static tv *lookup(const tv *t, const char *key, size_t klen)
{
    for (tv_entry *e = t->head; e; e = e->next)
        if (e->klen == klen && memcmp(e->key, key, klen) == 0) return e->val;
    return NULL;
}

static tv *lookup_str(const tv *t, const char *key)
{
    return lookup(t, key, strlen(key));
}

/* ---- strings and keys --------------------------------------------------------- */

static void put_utf8(svc_buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    svc_buf_append(b, u, n);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes a string or quoted key node (all four TOML string forms) into the arena. */
static int decode_string(tparse *p, TSNode n, const char **out, size_t *outlen)
{
    const char *s = p->text + ts_node_start_byte(n);
    size_t len = ts_node_end_byte(n) - ts_node_start_byte(n);
    char q = s[0];
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
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                svc_buf_free(&b);
                return fail_at(p, line_of(n), "not valid TOML: %.*s is not a Unicode scalar value",
                               (int)(c - esc), esc);
            }
            put_utf8(&b, cp);
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
        return fail_at(p, line_of(n), "not valid TOML: bad escape %s in a string",
                       quote(p, esc, (size_t)(c - esc) > 10 ? 10 : (size_t)(c - esc)));
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
static int key_collect(tparse *p, TSNode n, key_parts *parts)
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

static int build_value(tparse *p, TSNode n, const char *path, tv **out);
static int insert_pair(tparse *p, tv *table, TSNode pair, int section);

static int parse_integer(tparse *p, TSNode n, long long *out)
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
    return fail_at(p, line_of(n), "not valid TOML: %s does not fit in a 64-bit integer",
                   snippet(p, ts_node_start_byte(n), ts_node_end_byte(n)));
}

/* Inline tables and the arrays they hold can never be extended once written. */
static void freeze(tv *v)
{
    if (v->kind != TV_TABLE && v->kind != TV_ARRAY) return;
    v->frozen = true;
    for (tv_entry *e = v->head; e; e = e->next) freeze(e->val);
}

/* `path` names the value in messages about the tables inside it. */
static int build_value(tparse *p, TSNode n, const char *path, tv **out)
{
    const char *type = ts_node_type(n);
    tv *v;
    int rc;
    if (strcmp(type, "string") == 0) {
        v = new_value(p, TV_STRING, line_of(n));
        if ((rc = decode_string(p, n, &v->str, &v->slen))) return rc;
    } else if (strcmp(type, "integer") == 0) {
        v = new_value(p, TV_INTEGER, line_of(n));
        if ((rc = parse_integer(p, n, &v->num))) return rc;
    } else if ((strcmp(type, "array") == 0 || strcmp(type, "inline_table") == 0) && p->depth >= MAX_NESTING) {
        return fail_at(p, line_of(n), "values nested more than %d deep are not supported", MAX_NESTING);
    } else if (strcmp(type, "array") == 0) {
        v = new_value(p, TV_ARRAY, line_of(n));
        p->depth++;
        uint32_t count = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < count; i++) {
            TSNode c = ts_node_named_child(n, i);
            if (is_type(c, "comment")) continue;
            tv *item;
            if ((rc = build_value(p, c, path, &item))) return rc;
            append(p, v, NULL, 0, item);
        }
        p->depth--;
        v->frozen = true;
    } else if (strcmp(type, "inline_table") == 0) {
        v = new_table(p, path, line_of(n));
        /* A section of its own, so its dotted keys may share prefixes with each other only. */
        int section = ++p->section;
        p->depth++;
        uint32_t count = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < count; i++) {
            TSNode c = ts_node_named_child(n, i);
            if (is_type(c, "comment")) continue;
            if ((rc = insert_pair(p, v, c, section))) return rc;
        }
        p->depth--;
        freeze(v);
    } else {
        /* booleans, floats, dates: valid TOML that no svcscope key takes */
        v = new_value(p, TV_OTHER, line_of(n));
    }
    v->src_start = ts_node_start_byte(n);
    v->src_end = ts_node_end_byte(n);
    *out = v;
    return SVC_OK;
}

/* Tables made along the way by a path have no value node; they inherit the path of their parent. */
static tv *add_table(tparse *p, tv *parent, const key_part *kp, uint32_t line)
{
    const char *path = join_path(p, parent->path, kp->s, kp->n);
    tv *t = new_table(p, path, line);
    append(p, parent, kp->s, kp->n, t);
    return t;
}

static int insert_pair(tparse *p, tv *table, TSNode pair, int section)
{
    TSNode keyn = nth_named(pair, 0), valn = nth_named(pair, 1);
    if (ts_node_is_null(keyn) || ts_node_is_null(valn))
        return fail_near(p, pair, p->len);
    key_parts parts = {0};
    int rc = key_collect(p, keyn, &parts);
    uint32_t line = line_of(keyn);
    tv *t = table;
    for (size_t i = 0; rc == SVC_OK && i + 1 < parts.len; i++) {
        key_part *kp = &parts.items[i];
        tv *next = lookup(t, kp->s, kp->n);
        if (!next) {
            t = add_table(p, t, kp, line);
            t->dotted_section = section;
            continue;
        }
        /* Dotted keys may only extend tables they made in this same section, or tables that
         * so far exist only as the parent of a header; never a [header] table or a value. */
        if (next->frozen) {
            rc = fail_at(p, line, "%s: cannot add to the inline value from line %u",
                         join_path(p, t->path, kp->s, kp->n), next->line);
            break;
        }
        if (next->kind != TV_TABLE || next->header ||
            (next->dotted_section >= 0 && next->dotted_section != section)) {
            rc = fail_at(p, line, "%s: conflicts with the definition on line %u",
                         join_path(p, t->path, kp->s, kp->n), next->line);
            break;
        }
        next->dotted_section = section;
        t = next;
    }
    if (rc == SVC_OK) {
        key_part *last = &parts.items[parts.len - 1];
        tv *prior = lookup(t, last->s, last->n);
        tv *v = NULL;
        if (prior) {
            const char *where = *t->path ? svc_arena_printf(p->arena, " in [%s]", t->path) : "";
            rc = fail_at(p, line, "%s: defined twice%s (first on line %u)", show_key(p, last->s, last->n),
                         where, prior->line);
        } else if ((rc = build_value(p, valn, join_path(p, t->path, last->s, last->n), &v)) == SVC_OK) {
            append(p, t, last->s, last->n, v);
        }
    }
    svc_vec_free(&parts);
    return rc;
}

/* Opens `[a.b.c]` or `[[a.b.c]]` and returns the table that following pairs go into. */
static int open_header(tparse *p, TSNode header, bool array, tv **out)
{
    TSNode keyn = nth_named(header, 0);
    key_parts parts = {0};
    int rc = key_collect(p, keyn, &parts);
    uint32_t line = line_of(header);
    tv *t = p->root;
    for (size_t i = 0; rc == SVC_OK && i + 1 < parts.len; i++) {
        key_part *kp = &parts.items[i];
        tv *next = lookup(t, kp->s, kp->n);
        if (!next) {
            t = add_table(p, t, kp, line);
        } else if (next->kind == TV_ARRAY && next->aot) {
            t = next->tail->val; /* [[a]] then [a.b]: b belongs to the latest a */
        } else if (next->kind == TV_TABLE && !next->frozen) {
            t = next;
        } else if (next->frozen) {
            rc = fail_at(p, line, "[%s]: cannot add to the inline value %s from line %u",
                         snippet(p, ts_node_start_byte(keyn), ts_node_end_byte(keyn)),
                         join_path(p, t->path, kp->s, kp->n), next->line);
        } else {
            rc = fail_at(p, line, "[%s]: %s conflicts with the definition on line %u",
                         snippet(p, ts_node_start_byte(keyn), ts_node_end_byte(keyn)),
                         join_path(p, t->path, kp->s, kp->n), next->line);
        }
    }
    if (rc == SVC_OK) {
        key_part *last = &parts.items[parts.len - 1];
        tv *prior = lookup(t, last->s, last->n);
        const char *path = join_path(p, t->path, last->s, last->n);
        if (!array) {
            if (!prior) {
                *out = add_table(p, t, last, line);
                (*out)->header = true;
            } else if (prior->kind == TV_TABLE && !prior->frozen && !prior->header && prior->dotted_section < 0) {
                /* It existed only as the parent of an earlier header: now it is defined. */
                prior->header = true;
                prior->line = line;
                *out = prior;
            } else {
                rc = fail_at(p, line, "[%s] is defined twice (first on line %u)", path, prior->line);
            }
        } else {
            tv *arr = prior;
            if (!arr) {
                arr = new_value(p, TV_ARRAY, line);
                arr->aot = true;
                arr->path = path;
                append(p, t, last->s, last->n, arr);
            } else if (!(arr->kind == TV_ARRAY && arr->aot)) {
                rc = fail_at(p, line, "[[%s]] conflicts with the definition on line %u", path, prior->line);
            }
            if (rc == SVC_OK) {
                tv *elem = new_table(p, path, line);
                elem->header = true;
                append(p, arr, NULL, 0, elem);
                *out = elem;
            }
        }
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

static int syntax_error(tparse *p, TSNode at_node)
{
    size_t at = error_offset(at_node);
    /* Point at the next token, not at the blank run before it. */
    while (at < p->len && (p->text[at] == ' ' || p->text[at] == '\t')) at++;
    uint32_t line = 1;
    for (size_t i = 0; i < at && i < p->len; i++)
        if (p->text[i] == '\n') line++;
    const char *near = snippet(p, at, p->len);
    if (*near) return fail_at(p, line, "not valid TOML near %s", quote(p, near, strlen(near)));
    /* Something is missing at the end of a line (an unclosed "[tool.x"): quote what came before. */
    size_t end = at, start = at;
    while (end > 0 && (p->text[end - 1] == ' ' || p->text[end - 1] == '\t' || p->text[end - 1] == '\r')) end--;
    while (start > 0 && p->text[start - 1] != '\n') start--;
    if (end > start) {
        if (end - start > SNIPPET_MAX) {
            start = end - SNIPPET_MAX;
            while (start < end && ((unsigned char)p->text[start] & 0xC0) == 0x80) start++;
        }
        return fail_at(p, line, "not valid TOML after %s", quote(p, p->text + start, end - start));
    }
    return fail_at(p, line, "not valid TOML at the end of %s", at >= p->len ? "the file" : "the line");
}

/* TOML is UTF-8 by definition; tree-sitter would accept stray bytes inside strings. */
static int check_utf8(tparse *p)
{
    const unsigned char *s = (const unsigned char *)p->text;
    uint32_t line = 1;
    for (size_t i = 0; i < p->len;) {
        unsigned char c = s[i];
        if (c == '\n') line++;
        if (c == 0) return fail_at(p, line, "not valid TOML: the file contains a NUL byte");
        if (c < 0x80) { i++; continue; }
        size_t need;
        uint32_t min, cp;
        if ((c & 0xE0) == 0xC0) { need = 1; min = 0x80; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { need = 2; min = 0x800; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { need = 3; min = 0x10000; cp = c & 0x07; }
        else goto bad;
        if (p->len - i <= need) goto bad;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80) goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto bad;
        i += need + 1;
        continue;
    bad:
        return fail_at(p, line, "not valid UTF-8");
    }
    return SVC_OK;
}

static int build_document(tparse *p)
{
    int rc = check_utf8(p);
    if (rc) return rc;
    TSParser *parser = ts_parser_new();
    TSTree *tree = NULL;
    /* Only fails when the library and the compiled grammar disagree on ABI version. */
    if (ts_parser_set_language(parser, tree_sitter_toml()))
        tree = ts_parser_parse_string(parser, NULL, p->text, (uint32_t)p->len);
    if (!tree) {
        ts_parser_delete(parser);
        return svc_error_set(p->err, SVC_ECONFIG, "%s: the TOML parser could not run (tree-sitter version mismatch)",
                             p->path);
    }
    TSNode root = ts_tree_root_node(tree);
    p->root = new_table(p, "", 1);
    if (ts_node_has_error(root)) {
        rc = syntax_error(p, root);
    } else {
        tv *current = p->root;
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
            if (!array && !is_type(c, "table")) {
                rc = syntax_error(p, c);
                break;
            }
            p->section++;
            if ((rc = open_header(p, c, array, &current))) break;
            uint32_t kids = ts_node_named_child_count(c);
            int section = p->section;
            for (uint32_t k = 0; k < kids && rc == SVC_OK; k++) {
                TSNode pair = ts_node_named_child(c, k);
                if (is_type(pair, "pair")) rc = insert_pair(p, current, pair, section);
            }
        }
    }
    ts_tree_delete(tree);
    ts_parser_delete(parser);
    return rc;
}

/* ---- reading [tool.svcscope] ------------------------------------------------- */

enum {
    K_SERVICES_ROOT,
    K_TASKS_SERVICE,
    K_TASK_DECORATORS,
    K_APPS,
    K_GLUE_MODULES,
    K_MAX_TASK_STATEMENTS,
    K_MAX_FILE_SIZE,
    K_SELECT,
    K_IGNORE,
    K_EXCLUDE,
    K_EXTEND_EXCLUDE,
    K_PER_FILE_IGNORES,
    K_DISPATCH_FUNCTIONS,
    K_COUNT
};

static const char *const KEY_NAMES[K_COUNT + 1] = {
    "services-root", "tasks-service", "task-decorators", "apps",    "glue-modules",
    "max-task-statements", "max-file-size", "select", "ignore", "exclude", "extend-exclude", "per-file-ignores",
    "dispatch-functions", NULL,
};

const char *const *svc_config_keys(void)
{
    return KEY_NAMES;
}

uint32_t svc_config_key_line(const svc_config *cfg, const char *key)
{
    for (int k = 0; cfg->key_lines && k < K_COUNT; k++)
        if (strcmp(KEY_NAMES[k], key) == 0) return cfg->key_lines[k];
    return 0;
}

/* Optimal string alignment distance, so a swapped pair of letters counts once; '_' and '-'
 * and case are folded first because `max_task_statements` is the likeliest slip. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) return SIZE_MAX;
    size_t d[65][65];
    char fa[65], fb[65];
    for (size_t i = 0; i < n; i++) fa[i] = a[i] == '_' ? '-' : (char)((a[i] >= 'A' && a[i] <= 'Z') ? a[i] + 32 : a[i]);
    for (size_t j = 0; j < m; j++) fb[j] = b[j] == '_' ? '-' : (char)((b[j] >= 'A' && b[j] <= 'Z') ? b[j] + 32 : b[j]);
    for (size_t i = 0; i <= n; i++) d[i][0] = i;
    for (size_t j = 0; j <= m; j++) d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (fa[i - 1] != fb[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && fa[i - 1] == fb[j - 2] && fa[i - 2] == fb[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

static int unknown_key(tparse *p, const tv_entry *e)
{
    const char *best = NULL;
    size_t best_d = 3;
    if (strlen(e->key) == e->klen) {
        for (int k = 0; k < K_COUNT; k++) {
            size_t d = edit_distance(e->key, KEY_NAMES[k]);
            if (d < best_d) {
                best_d = d;
                best = KEY_NAMES[k];
            }
        }
    }
    const char *shown = quote(p, e->key, e->klen);
    if (best) return fail_at(p, e->val->line, "unknown key %s in [tool.svcscope] (did you mean \"%s\"?)", shown, best);
    svc_buf known = {0};
    for (int k = 0; k < K_COUNT; k++) svc_buf_printf(&known, "%s%s", k ? ", " : "", KEY_NAMES[k]);
    int rc = fail_at(p, e->val->line, "unknown key %s in [tool.svcscope] (known keys: %s)", shown, known.data);
    svc_buf_free(&known);
    return rc;
}

/* A string value for `key`, rejecting other types and embedded NULs. */
static int want_string(tparse *p, const char *key, const tv *v, const char **out)
{
    if (v->kind != TV_STRING) return fail_at(p, v->line, "%s: expected a string, got %s", key, describe(p, v));
    if (strlen(v->str) != v->slen) return fail_at(p, v->line, "%s: a string here cannot contain NUL", key);
    *out = v->str;
    return SVC_OK;
}

/* Checks and normalises one string; returns a malloc'd string or sets the error. */
typedef int (*item_fn)(tparse *p, const char *key, const tv *v, const char *s, char **out);

static bool is_identifier(const char *s, size_t n)
{
    static const char *const keywords[] = {
        "False", "None",   "True",    "and",      "as",     "assert", "async",  "await",    "break",
        "class", "continue", "def",   "del",      "elif",   "else",   "except", "finally",  "for",
        "from",  "global", "if",      "import",   "in",     "is",     "lambda", "nonlocal", "not",
        "or",    "pass",   "raise",   "return",   "try",    "while",  "with",   "yield",
    };
    if (n == 0 || (s[0] >= '0' && s[0] <= '9')) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        /* Bytes >= 0x80: Python 3 allows non-ASCII identifiers; leave those to Python. */
        if (!(c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    }
    for (size_t k = 0; k < sizeof keywords / sizeof *keywords; k++)
        if (strlen(keywords[k]) == n && memcmp(keywords[k], s, n) == 0) return false;
    return true;
}

static bool is_dotted_name(const char *s)
{
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        if (!is_identifier(s, n)) return false;
        if (!dot) return true;
        s = dot + 1;
    }
}

static int item_code(tparse *p, const char *key, const tv *v, const char *s, char **out)
{
    /* "SVC" plus up to three digits: a whole code, a family ("SVC2") or every rule ("SVC"). */
    size_t n = strlen(s);
    bool ok = n >= 3 && n <= 6 && (s[0] | 0x20) == 's' && (s[1] | 0x20) == 'v' && (s[2] | 0x20) == 'c';
    for (size_t i = 3; ok && i < n; i++) ok = s[i] >= '0' && s[i] <= '9';
    if (!ok)
        return fail_at(p, v->line, "%s: %s is not an svcscope rule code (SVC100..SVC900)", key, quote(p, s, n));
    *out = svc_xstrdup(s);
    for (char *c = *out; *c; c++)
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 32);
    return SVC_OK;
}

static int item_glob(tparse *p, const char *key, const tv *v, const char *s, char **out)
{
    if (!*s) return fail_at(p, v->line, "%s: a pattern cannot be empty", key);
    /* Matching costs pattern x path; no path needs a longer pattern. */
    if (strlen(s) > MAX_GLOB) return fail_at(p, v->line, "%s: a pattern longer than %d bytes", key, MAX_GLOB);
    /* "./x" means the same as "x" to a user; the matcher knows only the latter. */
    while (s[0] == '.' && s[1] == '/') s += 2;
    *out = svc_xstrdup(s);
    return SVC_OK;
}

/* Repo-relative folder: "./" and trailing "/" dropped; absolute or ".." paths refused. */
static int item_folder(tparse *p, const char *key, const tv *v, const char *s, char **out)
{
    const char *orig = s;
    while (s[0] == '.' && s[1] == '/') s += 2;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/') n--;
    bool ok = n > 0 && s[0] != '/' && !(n == 1 && s[0] == '.');
    for (const char *seg = s; ok && seg < s + n;) {
        const char *slash = memchr(seg, '/', (size_t)(s + n - seg));
        size_t len = slash ? (size_t)(slash - seg) : (size_t)(s + n - seg);
        if (len == 2 && seg[0] == '.' && seg[1] == '.') ok = false;
        seg += len + 1;
    }
    if (!ok)
        return fail_at(p, v->line,
                       "%s: %s is not a folder inside the repository "
                       "(write it relative to the root, like \"backend/services\")",
                       key, quote(p, orig, strlen(orig)));
    *out = svc_xstrndup(s, n);
    return SVC_OK;
}

static int item_module(tparse *p, const char *key, const tv *v, const char *s, char **out)
{
    if (!is_identifier(s, strlen(s)))
        return fail_at(p, v->line, "%s: %s is not a module name (like \"selectors\")", key, quote(p, s, strlen(s)));
    *out = svc_xstrdup(s);
    return SVC_OK;
}

static int item_decorator(tparse *p, const char *key, const tv *v, const char *s, char **out)
{
    const char *name = s[0] == '@' ? s + 1 : s; /* people paste it as written above a def */
    if (!is_dotted_name(name))
        return fail_at(p, v->line, "%s: %s is not a decorator name (like \"instrumented_task\" or \"app.task\")", key,
                       quote(p, s, strlen(s)));
    *out = svc_xstrdup(name);
    return SVC_OK;
}

static int item_function(tparse *p, const char *key, const tv *v, const char *s, char **out)
{
    if (!is_dotted_name(s) || !strchr(s, '.'))
        return fail_at(p, v->line, "%s: %s is not a dotted function name (like \"myapp.celery_utils.dispatch\")", key,
                       quote(p, s, strlen(s)));
    *out = svc_xstrdup(s);
    return SVC_OK;
}

static int want_strv(tparse *p, const char *key, const tv *v, item_fn fn, char ***out, size_t *nout)
{
    if (v->kind != TV_ARRAY || v->aot)
        return fail_at(p, v->line, "%s: expected an array of strings, got %s", key, describe(p, v));
    SVC_VEC(char *) items = {0};
    int rc = SVC_OK;
    for (tv_entry *e = v->head; e && rc == SVC_OK; e = e->next) {
        const char *s;
        char *item = NULL;
        if ((rc = want_string(p, key, e->val, &s)) == SVC_OK && (rc = fn(p, key, e->val, s, &item)) == SVC_OK)
            svc_vec_push(&items, item);
    }
    if (rc) {
        free_strv(items.items, items.len);
        return rc;
    }
    *out = items.items;
    *nout = items.len;
    return SVC_OK;
}

static int read_per_file_ignores(tparse *p, const tv *v, svc_config *cfg)
{
    static const char key[] = "per-file-ignores";
    if (v->kind != TV_TABLE)
        return fail_at(p, v->line, "%s: expected a table of \"glob\" = [codes], got %s", key, describe(p, v));
    SVC_VEC(svc_per_file_ignore) out = {0};
    int rc = SVC_OK;
    for (tv_entry *e = v->head; e && rc == SVC_OK; e = e->next) {
        const char *glob = quote(p, e->key, e->klen);
        const char *label = svc_arena_printf(p->arena, "%s: %s", key, glob);
        svc_per_file_ignore pfi = {0};
        if (e->klen != strlen(e->key) || e->klen == 0) {
            rc = fail_at(p, e->val->line, "%s: not a usable pattern", label);
        } else if (e->val->kind == TV_TABLE) {
            /* `tests.py = [...]` is a dotted key: the pattern needs quotes. */
            rc = fail_at(p, e->val->line,
                         "%s: expected an array of rule codes, got a table "
                         "(put the pattern in quotes if it has a dot)",
                         label);
        } else if ((rc = item_glob(p, label, e->val, e->key, &pfi.glob)) == SVC_OK) {
            rc = want_strv(p, label, e->val, item_code, &pfi.codes, &pfi.ncodes);
            if (rc) free(pfi.glob);
            else svc_vec_push(&out, pfi);
        }
    }
    if (rc) {
        free_pfi(out.items, out.len);
        return rc;
    }
    cfg->per_file_ignores = out.items;
    cfg->nper_file_ignores = out.len;
    return SVC_OK;
}

static int read_key(tparse *p, int k, const tv *v, svc_config *cfg)
{
    const char *key = KEY_NAMES[k];
    const char *s;
    int rc;
    switch (k) {
    case K_SERVICES_ROOT:
        if ((rc = want_string(p, key, v, &s))) return rc;
        return item_folder(p, key, v, s, &cfg->services_root);
    case K_TASKS_SERVICE:
        if ((rc = want_string(p, key, v, &s))) return rc;
        if (!is_identifier(s, strlen(s)))
            return fail_at(p, v->line, "%s: %s is not a valid Python identifier (it names the service package)", key,
                           quote(p, s, strlen(s)));
        free(cfg->tasks_service);
        cfg->tasks_service = svc_xstrdup(s);
        return SVC_OK;
    case K_TASK_DECORATORS:
        return want_strv(p, key, v, item_decorator, &cfg->task_decorators, &cfg->ntask_decorators);
    case K_DISPATCH_FUNCTIONS:
        return want_strv(p, key, v, item_function, &cfg->dispatch_functions, &cfg->ndispatch_functions);
    case K_APPS:
        cfg->apps_set = true;
        return want_strv(p, key, v, item_folder, &cfg->apps, &cfg->napps);
    case K_GLUE_MODULES:
        return want_strv(p, key, v, item_module, &cfg->glue_modules, &cfg->nglue_modules);
    case K_MAX_TASK_STATEMENTS:
        if (v->kind != TV_INTEGER || v->num < 0)
            return fail_at(p, v->line, "%s: expected a whole number >= 0, got %s", key, describe(p, v));
        if (v->num > INT_MAX) return fail_at(p, v->line, "%s: %s is too large", key, describe(p, v));
        cfg->max_task_statements = (int)v->num;
        return SVC_OK;
    case K_SELECT:
        return want_strv(p, key, v, item_code, &cfg->select, &cfg->nselect);
    case K_IGNORE:
        return want_strv(p, key, v, item_code, &cfg->ignore, &cfg->nignore);
    case K_EXCLUDE:
        cfg->exclude_set = true;
        return want_strv(p, key, v, item_glob, &cfg->exclude, &cfg->nexclude);
    case K_EXTEND_EXCLUDE:
        return want_strv(p, key, v, item_glob, &cfg->extend_exclude, &cfg->nextend_exclude);
    case K_PER_FILE_IGNORES:
        return read_per_file_ignores(p, v, cfg);
    case K_MAX_FILE_SIZE:
        if (v->kind == TV_INTEGER) {
            if (v->num < 1 || (unsigned long long)v->num > SVC_CONFIG_MAX_FILE_SIZE_LIMIT)
                return fail_at(p, v->line, "%s: %s is out of range (1 byte to 1 GiB)", key, describe(p, v));
            cfg->max_file_size = (uint64_t)v->num;
            return SVC_OK;
        }
        if (v->kind == TV_STRING && strlen(v->str) == v->slen && svc_config_parse_size(v->str, &cfg->max_file_size))
            return SVC_OK;
        return fail_at(p, v->line, "%s: expected a size such as 10485760 or \"10 MiB\" (1 byte to 1 GiB), got %s", key,
                       describe(p, v));
    }
    return SVC_OK;
}

bool svc_config_parse_size(const char *text, uint64_t *out)
{
    const char *s = text;
    if (!s || *s < '0' || *s > '9') return false;
    uint64_t n = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (n > SVC_CONFIG_MAX_FILE_SIZE_LIMIT) return false;
        n = n * 10 + (uint64_t)(*s - '0');
    }
    while (*s == ' ') s++;
    uint64_t unit = 1;
    char u = (char)(*s | 0x20);
    if (*s && (u == 'k' || u == 'm' || u == 'g')) {
        unit = u == 'k' ? 1024ull : u == 'm' ? 1024ull * 1024 : 1024ull * 1024 * 1024;
        s++;
        if (*s == 'i' || *s == 'I') s++;
        if (*s == 'b' || *s == 'B') s++;
    } else if (*s == 'b' || *s == 'B') {
        s++;
    }
    if (*s) return false;
    if (n == 0 || n > SVC_CONFIG_MAX_FILE_SIZE_LIMIT / unit) return false;
    *out = n * unit;
    return true;
}

/* Swaps staged fields into the live config, so the old values end up in `staged` and are
 * freed with it. */
static void swap_str(char **a, char **b)
{
    char *t = *a;
    *a = *b;
    *b = t;
}

static void swap_strv(char ***a, size_t *na, char ***b, size_t *nb)
{
    char **t = *a;
    size_t n = *na;
    *a = *b;
    *na = *nb;
    *b = t;
    *nb = n;
}

static void commit(svc_config *cfg, svc_config *staged, const bool set[K_COUNT])
{
    if (set[K_SERVICES_ROOT]) swap_str(&cfg->services_root, &staged->services_root);
    if (set[K_TASKS_SERVICE]) swap_str(&cfg->tasks_service, &staged->tasks_service);
    if (set[K_TASK_DECORATORS])
        swap_strv(&cfg->task_decorators, &cfg->ntask_decorators, &staged->task_decorators, &staged->ntask_decorators);
    if (set[K_DISPATCH_FUNCTIONS])
        swap_strv(&cfg->dispatch_functions, &cfg->ndispatch_functions, &staged->dispatch_functions,
                  &staged->ndispatch_functions);
    if (set[K_APPS]) {
        swap_strv(&cfg->apps, &cfg->napps, &staged->apps, &staged->napps);
        cfg->apps_set = true;
    }
    if (set[K_GLUE_MODULES])
        swap_strv(&cfg->glue_modules, &cfg->nglue_modules, &staged->glue_modules, &staged->nglue_modules);
    if (set[K_MAX_TASK_STATEMENTS]) cfg->max_task_statements = staged->max_task_statements;
    if (set[K_MAX_FILE_SIZE]) cfg->max_file_size = staged->max_file_size;
    if (set[K_SELECT]) swap_strv(&cfg->select, &cfg->nselect, &staged->select, &staged->nselect);
    if (set[K_IGNORE]) swap_strv(&cfg->ignore, &cfg->nignore, &staged->ignore, &staged->nignore);
    if (set[K_EXCLUDE]) {
        swap_strv(&cfg->exclude, &cfg->nexclude, &staged->exclude, &staged->nexclude);
        cfg->exclude_set = true;
    }
    if (set[K_EXTEND_EXCLUDE])
        swap_strv(&cfg->extend_exclude, &cfg->nextend_exclude, &staged->extend_exclude, &staged->nextend_exclude);
    if (set[K_PER_FILE_IGNORES]) {
        svc_per_file_ignore *t = cfg->per_file_ignores;
        size_t n = cfg->nper_file_ignores;
        cfg->per_file_ignores = staged->per_file_ignores;
        cfg->nper_file_ignores = staged->nper_file_ignores;
        staged->per_file_ignores = t;
        staged->nper_file_ignores = n;
    }
    swap_str(&cfg->source_file, &staged->source_file);
    uint32_t *lines = cfg->key_lines;
    cfg->key_lines = staged->key_lines;
    staged->key_lines = lines;
}

static int read_svcscope(tparse *p, svc_config *cfg)
{
    const tv *tool = lookup_str(p->root, "tool");
    /* `tool` that is not a table is someone else's business; there is no [tool.svcscope]. */
    if (!tool || tool->kind != TV_TABLE) return SVC_OK;
    const tv *sec = lookup_str(tool, "svcscope");
    if (!sec) return SVC_OK;
    if (sec->kind != TV_TABLE)
        return fail_at(p, sec->line, "[tool.svcscope] must be a table, got %s", describe(p, sec));

    svc_config staged;
    memset(&staged, 0, sizeof staged);
    staged.key_lines = svc_xcalloc(K_COUNT, sizeof *staged.key_lines);
    bool set[K_COUNT] = {0};
    int rc = SVC_OK;
    for (tv_entry *e = sec->head; e && rc == SVC_OK; e = e->next) {
        int k = 0;
        while (k < K_COUNT && !(strlen(KEY_NAMES[k]) == e->klen && memcmp(KEY_NAMES[k], e->key, e->klen) == 0)) k++;
        if (k == K_COUNT) {
            rc = unknown_key(p, e);
            break;
        }
        set[k] = true; /* TOML already refused a repeated key, so each is read once */
        staged.key_lines[k] = e->val->line;
        rc = read_key(p, k, e->val, &staged);
    }
    if (rc == SVC_OK) {
        staged.source_file = svc_xstrdup(p->path);
        commit(cfg, &staged, set);
    }
    svc_config_free(&staged);
    return rc;
}

int svc_config_parse(svc_config *cfg, const char *path, const char *text, size_t len, svc_error *err)
{
    if (len > MAX_CONFIG_BYTES)
        return svc_error_set(err, SVC_ECONFIG, "%s: too large to be a pyproject.toml (%zu bytes)", path, len);
    tparse p = {0};
    p.path = path;
    p.text = text;
    p.len = len;
    p.err = err;
    p.arena = svc_arena_new();
    /* Some editors on Windows start the file with a byte order mark. */
    if (p.len >= 3 && memcmp(p.text, "\xEF\xBB\xBF", 3) == 0) {
        p.text += 3;
        p.len -= 3;
    }
    int rc = build_document(&p);
    if (rc == SVC_OK) rc = read_svcscope(&p, cfg);
    svc_arena_free(p.arena);
    return rc;
}

int svc_config_load(svc_config *cfg, const char *root, svc_error *err)
{
    static const char name[] = "pyproject.toml";
    if (!root || !*root) root = ".";
    size_t rl = strlen(root);
    char *full = svc_xasprintf("%s%s%s", root, root[rl - 1] == '/' ? "" : "/", name);
    /* O_NONBLOCK: a FIFO named pyproject.toml must not block the open (refused below) */
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    free(full);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return SVC_OK; /* no file: defaults */
        return svc_error_set(err, SVC_EIO, "%s: cannot read: %s", name, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return svc_error_set(err, SVC_EIO, "%s: cannot read: %s", name, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return svc_error_set(err, SVC_EIO, "%s: cannot read: not a regular file", name);
    }
    if ((uint64_t)st.st_size > MAX_CONFIG_BYTES) {
        close(fd);
        return svc_error_set(err, SVC_ECONFIG, "%s: too large to be a pyproject.toml (%lld bytes)", name,
                             (long long)st.st_size);
    }
    svc_buf b = {0};
    char chunk[16384];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            svc_buf_free(&b);
            return svc_error_set(err, SVC_EIO, "%s: cannot read: %s", name, strerror(e));
        }
        if (n == 0) break;
        svc_buf_append(&b, chunk, (size_t)n);
    }
    close(fd);
    int rc = svc_config_parse(cfg, name, b.data ? b.data : "", b.len, err);
    svc_buf_free(&b);
    return rc;
}
