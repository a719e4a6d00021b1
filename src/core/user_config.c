/*
 * The user's preferences for the explorer: $XDG_CONFIG_HOME/svcscope/config.toml.
 *
 * A small reader on purpose: two keys (`theme` and the `[keys]` table), parsed with the
 * same tree-sitter-toml grammar as pyproject.toml. Anything else in the file is an error
 * that names the line, so a typo is seen rather than silently ignored.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tree_sitter/api.h>

#include "svcscope/user_config.h"
#include "svcscope/util.h"

const TSLanguage *tree_sitter_toml(void);

#define MAX_USER_CONFIG_BYTES (1024u * 1024)

static const char *const THEME_NAMES[] = { "default", "mono", "light" };

const char *svc_theme_name(svc_theme theme)
{
    return (unsigned)theme < sizeof THEME_NAMES / sizeof *THEME_NAMES ? THEME_NAMES[theme] : "default";
}

bool svc_theme_parse(const char *name, svc_theme *out)
{
    for (size_t i = 0; i < sizeof THEME_NAMES / sizeof *THEME_NAMES; i++)
        if (strcmp(name, THEME_NAMES[i]) == 0) {
            *out = (svc_theme)i;
            return true;
        }
    return false;
}

void svc_user_config_init(svc_user_config *uc)
{
    memset(uc, 0, sizeof *uc);
    uc->theme = SVC_THEME_DEFAULT;
}

void svc_user_config_free(svc_user_config *uc)
{
    if (!uc) return;
    for (size_t i = 0; i < uc->nkeys; i++) {
        free(uc->keys[i].request);
        free(uc->keys[i].keys);
    }
    free(uc->keys);
    free(uc->source_file);
    svc_user_config_init(uc);
}

char *svc_user_config_path(const svc_user_dirs *dirs)
{
    const char *xdg = dirs ? dirs->config_home : NULL;
    if (xdg && xdg[0] == '/') return svc_xasprintf("%s/svcscope/config.toml", xdg);
    const char *home = dirs ? dirs->home : NULL;
    if (home && *home) return svc_xasprintf("%s/.config/svcscope/config.toml", home);
    return NULL;
}

/* "NEXT_PANE", "next_pane" and "next-pane" are the same request. */
static bool same_request(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a == '_' ? '-' : (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
        char y = *b == '_' ? '-' : (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
        if (x != y) return false;
        if (!x) return true;
    }
}

const svc_user_key *svc_user_config_key(const svc_user_config *uc, const char *request)
{
    for (size_t i = 0; i < uc->nkeys; i++)
        if (same_request(uc->keys[i].request, request)) return &uc->keys[i];
    return NULL;
}

/* ---- reading ---------------------------------------------------------------------- */

typedef struct uparse {
    const char *path;
    const char *text;
    size_t len;
    svc_error *err;
    svc_user_config *out; /* staged: moved to the caller only when the whole file is good */
    bool keys_table;      /* [keys] seen */
} uparse;

static uint32_t line_of(TSNode n)
{
    return ts_node_start_point(n).row + 1;
}

static bool is_type(TSNode n, const char *type)
{
    return strcmp(ts_node_type(n), type) == 0;
}

static int fail_at(uparse *p, uint32_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(uparse *p, uint32_t line, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return svc_error_set(p->err, SVC_ECONFIG, "%s:%u: %s", p->path, line, msg);
}

/* The source text of a node, cut to one short line, for messages. */
static char *snippet(uparse *p, TSNode n)
{
    size_t start = ts_node_start_byte(n), end = ts_node_end_byte(n), stop = start;
    while (stop < end && stop < p->len && p->text[stop] != '\n' && stop - start < 40) stop++;
    return svc_xasprintf("%.*s%s", (int)(stop - start), p->text + start, stop < end ? "..." : "");
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void put_utf8(svc_buf *b, uint32_t cp)
{
    if (cp < 0x80) {
        svc_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        svc_buf_putc(b, (char)(0xC0 | (cp >> 6)));
        svc_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        svc_buf_putc(b, (char)(0xE0 | (cp >> 12)));
        svc_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        svc_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        svc_buf_putc(b, (char)(0xF0 | (cp >> 18)));
        svc_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        svc_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        svc_buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* Decodes a string or quoted key (the four TOML forms) into a malloc'd string. */
static int decode_string(uparse *p, TSNode n, char **out)
{
    const char *s = p->text + ts_node_start_byte(n);
    size_t len = ts_node_end_byte(n) - ts_node_start_byte(n);
    char q = len ? s[0] : 0;
    size_t delim = (len >= 6 && s[1] == q && s[2] == q) ? 3 : 1;
    if ((q != '"' && q != '\'') || len < 2 * delim) return fail_at(p, line_of(n), "not valid TOML here");
    const char *c = s + delim, *end = s + len - delim;
    if (delim == 3) {
        if (c < end && *c == '\n') c++;
        else if (end - c >= 2 && c[0] == '\r' && c[1] == '\n') c += 2;
    }
    svc_buf b = { 0 };
    while (c < end) {
        if (q == '\'' || *c != '\\') {
            svc_buf_putc(&b, *c++);
            continue;
        }
        c++;
        char e = c < end ? *c++ : '\0';
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
            uint32_t cp = 0;
            bool ok = end - c >= digits;
            for (int i = 0; ok && i < digits; i++) {
                int h = hexval(c[i]);
                ok = h >= 0;
                cp = cp * 16 + (uint32_t)(h < 0 ? 0 : h);
            }
            if (!ok || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto bad;
            c += digits;
            put_utf8(&b, cp);
            break;
        }
        default:
            /* A backslash ending a line of a """ string drops the line break and the blanks after it. */
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
    }
    if (memchr(b.data ? b.data : "", '\0', b.len)) goto bad;
    *out = svc_buf_detach(&b);
    return SVC_OK;
bad:
    svc_buf_free(&b);
    return fail_at(p, line_of(n), "not valid TOML: a bad escape in a string");
}

/* The parts of a bare, quoted or dotted key, malloc'd; *nparts of them. */
static int key_parts(uparse *p, TSNode n, char ***parts, size_t *nparts)
{
    if (is_type(n, "dotted_key")) {
        uint32_t count = ts_node_named_child_count(n);
        for (uint32_t i = 0; i < count; i++) {
            TSNode c = ts_node_named_child(n, i);
            if (is_type(c, "comment")) continue;
            int rc = key_parts(p, c, parts, nparts);
            if (rc) return rc;
        }
        return SVC_OK;
    }
    char *part = NULL;
    if (is_type(n, "bare_key")) {
        part = svc_xstrndup(p->text + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
    } else if (is_type(n, "quoted_key")) {
        int rc = decode_string(p, n, &part);
        if (rc) return rc;
    } else {
        return fail_at(p, line_of(n), "not valid TOML here");
    }
    *parts = svc_xrealloc(*parts, (*nparts + 1) * sizeof **parts);
    (*parts)[(*nparts)++] = part;
    return SVC_OK;
}

static void free_parts(char **parts, size_t n)
{
    for (size_t i = 0; i < n; i++) free(parts[i]);
    free(parts);
}

/* The first and second named children of a pair or header that are not comments. */
static TSNode nth_named(TSNode n, uint32_t want)
{
    uint32_t count = ts_node_named_child_count(n), seen = 0;
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_named_child(n, i);
        if (is_type(c, "comment")) continue;
        if (seen++ == want) return c;
    }
    TSNode null = { { 0 }, NULL, NULL };
    return null;
}

/* Key names separated by blanks, appended to `b` with single spaces. */
static void put_words(svc_buf *b, const char *s)
{
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
        size_t n = strcspn(s, " \t\r\n");
        if (!n) break;
        if (b->len) svc_buf_putc(b, ' ');
        svc_buf_append(b, s, n);
        s += n;
    }
}

static int read_key_entry(uparse *p, const char *name, TSNode value, uint32_t line)
{
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '_'))
            return fail_at(p, line, "keys: \"%s\" is not a request name (like \"next-pane\"; `?` in svcscope lists them)",
                           name);
    if (!*name) return fail_at(p, line, "keys: a request name cannot be empty");
    for (size_t i = 0; i < p->out->nkeys; i++)
        if (same_request(p->out->keys[i].request, name))
            return fail_at(p, line, "keys: %s is defined twice (first on line %u)", name, p->out->keys[i].line);

    svc_buf keys = { 0 };
    int rc = SVC_OK;
    if (is_type(value, "string")) {
        char *s = NULL;
        if ((rc = decode_string(p, value, &s)) == SVC_OK) put_words(&keys, s);
        free(s);
    } else if (is_type(value, "array")) {
        uint32_t count = ts_node_named_child_count(value);
        for (uint32_t i = 0; i < count && rc == SVC_OK; i++) {
            TSNode item = ts_node_named_child(value, i);
            if (is_type(item, "comment")) continue;
            char *s = NULL;
            if (!is_type(item, "string")) {
                char *shown = snippet(p, item);
                rc = fail_at(p, line_of(item), "keys: %s: expected key names in a string, got %s", name, shown);
                free(shown);
            } else if ((rc = decode_string(p, item, &s)) == SVC_OK) {
                size_t before = keys.len;
                put_words(&keys, s);
                if (keys.len == before)
                    rc = fail_at(p, line_of(item), "keys: %s: an empty key name in the array", name);
            }
            free(s);
        }
    } else {
        char *shown = snippet(p, value);
        rc = fail_at(p, line_of(value), "keys: %s: expected a string of key names (like \"q <C-c>\"), got %s", name,
                     shown);
        free(shown);
    }
    if (rc) {
        svc_buf_free(&keys);
        return rc;
    }
    svc_user_key k;
    k.request = svc_xstrdup(name);
    for (char *c = k.request; *c; c++) *c = *c == '_' ? '-' : (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c;
    k.keys = svc_buf_detach(&keys);
    k.line = line;
    p->out->keys = svc_xrealloc(p->out->keys, (p->out->nkeys + 1) * sizeof *p->out->keys);
    p->out->keys[p->out->nkeys++] = k;
    return SVC_OK;
}

static int read_theme(uparse *p, TSNode value, uint32_t line)
{
    if (p->out->theme_set)
        return fail_at(p, line, "theme: defined twice (first on line %u)", p->out->theme_line);
    if (!is_type(value, "string")) {
        char *shown = snippet(p, value);
        int rc = fail_at(p, line_of(value), "theme: expected a string (\"default\", \"mono\" or \"light\"), got %s",
                         shown);
        free(shown);
        return rc;
    }
    char *s = NULL;
    int rc = decode_string(p, value, &s);
    if (rc) return rc;
    if (!svc_theme_parse(s, &p->out->theme))
        rc = fail_at(p, line, "theme: \"%s\" is not a theme (default, mono or light)", s);
    free(s);
    p->out->theme_set = true;
    p->out->theme_line = line;
    return rc;
}

static int read_keys_inline(uparse *p, TSNode table)
{
    uint32_t count = ts_node_named_child_count(table);
    int rc = SVC_OK;
    for (uint32_t i = 0; i < count && rc == SVC_OK; i++) {
        TSNode pair = ts_node_named_child(table, i);
        if (!is_type(pair, "pair")) continue;
        char **parts = NULL;
        size_t n = 0;
        TSNode keyn = nth_named(pair, 0);
        if ((rc = key_parts(p, keyn, &parts, &n)) == SVC_OK) {
            if (n != 1) rc = fail_at(p, line_of(pair), "keys: a request name cannot be dotted");
            else rc = read_key_entry(p, parts[0], nth_named(pair, 1), line_of(keyn));
        }
        free_parts(parts, n);
    }
    return rc;
}

/* A pair at the top level (table == false) or in [keys]. */
static int read_pair(uparse *p, TSNode pair, bool in_keys)
{
    TSNode keyn = nth_named(pair, 0), valn = nth_named(pair, 1);
    if (ts_node_is_null(keyn) || ts_node_is_null(valn)) return fail_at(p, line_of(pair), "not valid TOML here");
    char **parts = NULL;
    size_t n = 0;
    int rc = key_parts(p, keyn, &parts, &n);
    uint32_t line = line_of(keyn);
    if (rc == SVC_OK) {
        if (in_keys) {
            if (n != 1) rc = fail_at(p, line, "keys: a request name cannot be dotted");
            else rc = read_key_entry(p, parts[0], valn, line);
        } else if (n == 1 && strcmp(parts[0], "theme") == 0) {
            rc = read_theme(p, valn, line);
        } else if (n == 1 && strcmp(parts[0], "keys") == 0 && is_type(valn, "inline_table")) {
            if (p->keys_table) rc = fail_at(p, line, "keys: defined twice");
            p->keys_table = true;
            if (rc == SVC_OK) rc = read_keys_inline(p, valn);
        } else if (n == 2 && strcmp(parts[0], "keys") == 0) {
            rc = read_key_entry(p, parts[1], valn, line);
        } else if (n == 1 && strcmp(parts[0], "keys") == 0) {
            rc = fail_at(p, line, "keys: expected a table ([keys] with request = \"keys\" lines)");
        } else {
            rc = fail_at(p, line, "unknown key \"%s\" (known: theme, and the [keys] table)", parts[0]);
        }
    }
    free_parts(parts, n);
    return rc;
}

static int read_table(uparse *p, TSNode table)
{
    uint32_t line = line_of(table);
    if (is_type(table, "table_array_element"))
        return fail_at(p, line, "unknown array of tables (known: theme, and the [keys] table)");
    char **parts = NULL;
    size_t n = 0;
    TSNode keyn = nth_named(table, 0);
    int rc = key_parts(p, keyn, &parts, &n);
    if (rc == SVC_OK && !(n == 1 && strcmp(parts[0], "keys") == 0)) {
        char *shown = snippet(p, keyn);
        rc = fail_at(p, line, "unknown table [%s] (known: [keys])", shown);
        free(shown);
    } else if (rc == SVC_OK && p->keys_table)
        rc = fail_at(p, line, "[keys] is defined twice");
    free_parts(parts, n);
    p->keys_table = true;
    uint32_t count = ts_node_named_child_count(table);
    for (uint32_t i = 0; i < count && rc == SVC_OK; i++) {
        TSNode c = ts_node_named_child(table, i);
        if (is_type(c, "pair")) rc = read_pair(p, c, true);
    }
    return rc;
}

/* Line of the first syntax error. */
static uint32_t error_line(TSNode n)
{
    if (ts_node_is_missing(n) || is_type(n, "ERROR")) return line_of(n);
    uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_child(n, i);
        if (ts_node_has_error(c)) return error_line(c);
    }
    return ts_node_end_point(n).row + 1;
}

int svc_user_config_parse(svc_user_config *uc, const char *path, const char *text, size_t len, svc_error *err)
{
    if (len > MAX_USER_CONFIG_BYTES)
        return svc_error_set(err, SVC_ECONFIG, "%s: too large for a settings file (%zu bytes)", path, len);
    if (memchr(text, '\0', len)) return svc_error_set(err, SVC_ECONFIG, "%s: not a text file (it holds NUL bytes)", path);
    svc_user_config staged;
    svc_user_config_init(&staged);
    uparse p = { path, text, len, err, &staged, false };
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        p.text += 3;
        p.len -= 3;
    }
    TSParser *parser = ts_parser_new();
    TSTree *tree = NULL;
    if (ts_parser_set_language(parser, tree_sitter_toml())) tree = ts_parser_parse_string(parser, NULL, p.text, (uint32_t)p.len);
    int rc = SVC_OK;
    if (!tree) {
        rc = svc_error_set(err, SVC_ECONFIG, "%s: the TOML parser could not run (tree-sitter version mismatch)", path);
    } else {
        TSNode root = ts_tree_root_node(tree);
        if (ts_node_has_error(root)) {
            rc = fail_at(&p, error_line(root), "not valid TOML");
        } else {
            uint32_t count = ts_node_named_child_count(root);
            for (uint32_t i = 0; i < count && rc == SVC_OK; i++) {
                TSNode c = ts_node_named_child(root, i);
                if (is_type(c, "comment")) continue;
                if (is_type(c, "pair")) rc = read_pair(&p, c, false);
                else rc = read_table(&p, c);
            }
        }
        ts_tree_delete(tree);
    }
    ts_parser_delete(parser);
    if (rc == SVC_OK) {
        staged.source_file = svc_xstrdup(path);
        svc_user_config_free(uc);
        *uc = staged;
    } else {
        svc_user_config_free(&staged);
    }
    return rc;
}

int svc_user_config_load_file(svc_user_config *uc, const char *path, svc_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR) return SVC_OK;
        return svc_error_set(err, SVC_EIO, "%s: cannot read: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
        fclose(f);
        return svc_error_set(err, SVC_EIO, "%s: cannot read: not a regular file", path);
    }
    svc_buf b = { 0 };
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        svc_buf_append(&b, chunk, n);
        if (b.len > MAX_USER_CONFIG_BYTES) break;
    }
    bool failed = ferror(f) != 0;
    int e = errno;
    fclose(f);
    if (failed) {
        svc_buf_free(&b);
        return svc_error_set(err, SVC_EIO, "%s: cannot read: %s", path, strerror(e));
    }
    int rc = svc_user_config_parse(uc, path, b.data ? b.data : "", b.len, err);
    svc_buf_free(&b);
    return rc;
}

int svc_user_config_load(svc_user_config *uc, const svc_user_dirs *dirs, svc_error *err)
{
    char *path = svc_user_config_path(dirs);
    if (!path) return SVC_OK;
    int rc = svc_user_config_load_file(uc, path, err);
    free(path);
    return rc;
}
