/*
 * The user's preferences for the explorer: $XDG_CONFIG_HOME/svcscope/config.toml.
 *
 * A small schema on purpose: four keys (`theme`, `watch`, the `[keys]` and the `[layout]`
 * tables; the explorer writes the last itself: user_config_write.c), over the same TOML
 * reader as pyproject.toml (core/toml.h). Anything else in the file is an error that names
 * the line, so a typo is seen rather than silently ignored.
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

#include "core/toml.h"
#include "svcscope/user_config.h"
#include "svcscope/util.h"

#define MAX_USER_CONFIG_BYTES (1024u * 1024)

static const char *const THEME_NAMES[] = { "default", "mono", "light" };
/* What an unknown key or table is told. */
#define KNOWN_KEYS "theme, watch, and the [keys] and [layout] tables"

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
    uc->watch = true;
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

/*
 * The first error in the file is the one reported, as by a reader that stops there. The TOML
 * reader keeps what it read before refusing something; that is checked as a whole, the
 * complaint on the earliest line is kept (the first made, on one line), and the reader's own
 * complaint comes last. A syntax error comes before anything else, as the grammar finds it
 * first.
 */
typedef struct uparse {
    svc_toml *doc;
    svc_error *err;
    svc_user_config *out; /* staged: moved to the caller only when the whole file is good */
    uint32_t error_line;  /* of the complaint kept so far; 0 when none */
    char reader_message[sizeof ((svc_error *)0)->message];
} uparse;

static int complain(uparse *p, uint32_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int complain(uparse *p, uint32_t line, const char *fmt, ...)
{
    if (p->error_line && p->error_line <= line) return SVC_ECONFIG;
    va_list ap;
    va_start(ap, fmt);
    svc_toml_vfail(p->doc, line, fmt, ap);
    va_end(ap);
    p->error_line = line;
    return SVC_ECONFIG;
}

static int bad_escape(uparse *p, uint32_t line)
{
    return complain(p, line, "not valid TOML: a bad escape in a string");
}

/* The TOML reader's complaint, in this file's words where they have always differed. */
static int reader_error(uparse *p)
{
    const svc_toml_problem *pr = svc_toml_problem_of(p->doc);
    if (pr->kind == SVC_TOML_ESYNTAX) return complain(p, pr->line, "not valid TOML");
    if (pr->kind == SVC_TOML_EESCAPE) return bad_escape(p, pr->line);
    if (pr->header && pr->header_array)
        return complain(p, pr->line, "unknown array of tables (known: " KNOWN_KEYS ")");
    if (pr->header && strcmp(pr->table, "keys") == 0) return complain(p, pr->line, "[keys] is defined twice");
    if (pr->header) return complain(p, pr->line, "unknown table [%s] (known: [keys])", pr->header);
    if (pr->kind == SVC_TOML_EDUPLICATE && strcmp(pr->table, "keys") == 0)
        return complain(p, pr->line, "keys: %s is defined twice (first on line %u)", pr->key, pr->first_line);
    if (pr->kind == SVC_TOML_EDUPLICATE && !*pr->table && strcmp(pr->key, "keys") == 0)
        return complain(p, pr->line, "keys: defined twice");
    /* The reader's message as it wrote it, "PATH:LINE: reason". */
    if (!p->error_line || p->error_line > pr->line) {
        svc_error_set(p->err, SVC_ECONFIG, "%s", p->reader_message);
        p->error_line = pr->line;
    }
    return SVC_ECONFIG;
}

static bool has_nul(const char *s, size_t n)
{
    return memchr(s, '\0', n) != NULL;
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

/* The key names of one request: a string of them, or an array of such strings. A value the
 * TOML reader refused ends the reading: its complaint comes from reader_error. */
static int read_key_names(uparse *p, const char *name, const svc_toml_value *value, svc_buf *keys)
{
    if (value->kind == SVC_TOML_STRING) {
        if (value->refused) return SVC_ECONFIG;
        if (has_nul(value->str, value->slen)) return bad_escape(p, value->line);
        put_words(keys, value->str);
        return SVC_OK;
    }
    if (value->kind != SVC_TOML_ARRAY)
        return complain(p, value->line, "keys: %s: expected a string of key names (like \"q <C-c>\"), got %s", name,
                        svc_toml_describe(p->doc, value));
    for (const svc_toml_entry *e = value->head; e; e = e->next) {
        const svc_toml_value *item = e->value;
        if (item->kind != SVC_TOML_STRING)
            return complain(p, item->line, "keys: %s: expected key names in a string, got %s", name,
                            svc_toml_describe(p->doc, item));
        if (item->refused) return SVC_ECONFIG;
        if (has_nul(item->str, item->slen)) return bad_escape(p, item->line);
        size_t before = keys->len;
        put_words(keys, item->str);
        if (keys->len == before) return complain(p, item->line, "keys: %s: an empty key name in the array", name);
    }
    return SVC_OK;
}

static int read_key_entry(uparse *p, const char *name, const svc_toml_value *value)
{
    uint32_t line = value->line;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '_'))
            return complain(p, line,
                            "keys: \"%s\" is not a request name (like \"next-pane\"; `?` in svcscope lists them)",
                            name);
    if (!*name) return complain(p, line, "keys: a request name cannot be empty");
    for (size_t i = 0; i < p->out->nkeys; i++)
        if (same_request(p->out->keys[i].request, name))
            return complain(p, line, "keys: %s is defined twice (first on line %u)", name, p->out->keys[i].line);

    svc_buf keys = { 0 };
    int rc = read_key_names(p, name, value, &keys);
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

static int read_theme(uparse *p, const svc_toml_value *value)
{
    if (value->kind != SVC_TOML_STRING)
        return complain(p, value->line, "theme: expected a string (\"default\", \"mono\" or \"light\"), got %s",
                        svc_toml_describe(p->doc, value));
    if (value->refused) return SVC_ECONFIG;
    if (has_nul(value->str, value->slen)) return bad_escape(p, value->line);
    if (!svc_theme_parse(value->str, &p->out->theme))
        return complain(p, value->line, "theme: \"%s\" is not a theme (default, mono or light)", value->str);
    p->out->theme_set = true;
    p->out->theme_line = value->line;
    return SVC_OK;
}

static int read_watch(uparse *p, const svc_toml_value *value)
{
    if (value->kind != SVC_TOML_BOOLEAN)
        return complain(p, value->line, "watch: expected true or false, got %s", svc_toml_describe(p->doc, value));
    p->out->watch = value->boolean;
    return SVC_OK;
}

static bool named_by_header(const svc_toml_value *v)
{
    return v->origin == SVC_TOML_HEADER || v->origin == SVC_TOML_IMPLICIT;
}

/* A table that a [header] or [[header]] named: only [keys] is known. */
static int unknown_header(uparse *p, const svc_toml_value *t)
{
    if (t->header_array)
        return complain(p, t->header_line, "unknown array of tables (known: " KNOWN_KEYS ")");
    return complain(p, t->header_line, "unknown table [%s] (known: [keys])", t->header);
}

/* The entries of the keys table, written [keys], keys = { ... } or keys.request = ... */
static void read_keys(uparse *p, const svc_toml_value *table)
{
    for (const svc_toml_entry *e = table->head; e; e = e->next) {
        const svc_toml_value *v = e->value;
        if (has_nul(e->key, e->klen)) bad_escape(p, v->line);
        else if (named_by_header(v)) unknown_header(p, v);
        else if (v->origin == SVC_TOML_DOTTED && table->origin == SVC_TOML_DOTTED)
            complain(p, v->line, "unknown key \"keys\" (known: " KNOWN_KEYS ")");
        else if (v->origin == SVC_TOML_DOTTED) complain(p, v->line, "keys: a request name cannot be dotted");
        else read_key_entry(p, e->key, v);
    }
}

/* [layout]: a percentage from 10 to 90, or "auto" (0). */
static void read_size(uparse *p, const char *name, const svc_toml_value *v, int *out)
{
    if (v->kind == SVC_TOML_STRING && strcmp(v->str, "auto") == 0) {
        *out = 0;
        return;
    }
    if (v->kind != SVC_TOML_INTEGER || v->integer < 10 || v->integer > 90) {
        complain(p, v->line, "layout: %s: expected a percentage from 10 to 90 or \"auto\", got %s", name,
                 svc_toml_describe(p->doc, v));
        return;
    }
    *out = (int)v->integer;
}

static void read_layout(uparse *p, const svc_toml_value *table)
{
    for (const svc_toml_entry *e = table->head; e; e = e->next) {
        svc_layout_sizes *l = &p->out->layout;
        if (strcmp(e->key, "tree-width") == 0) read_size(p, e->key, e->value, &l->tree_width);
        else if (strcmp(e->key, "bottom-height") == 0) read_size(p, e->key, e->value, &l->bottom_height);
        else if (strcmp(e->key, "problems-width") == 0) read_size(p, e->key, e->value, &l->problems_width);
        else complain(p, e->value->line, "layout: unknown key \"%s\" (known: tree-width, bottom-height, problems-width)", e->key);
    }
}

static void read_document(uparse *p)
{
    for (const svc_toml_entry *e = svc_toml_root(p->doc)->head; e; e = e->next) {
        const svc_toml_value *v = e->value;
        bool keys = strcmp(e->key, "keys") == 0, layout = strcmp(e->key, "layout") == 0;
        if (has_nul(e->key, e->klen)) bad_escape(p, v->line);
        else if (named_by_header(v) && !((keys || layout) && v->origin == SVC_TOML_HEADER && !v->header_array))
            unknown_header(p, v);
        else if (layout && v->kind == SVC_TOML_TABLE && v->origin == SVC_TOML_HEADER) read_layout(p, v);
        else if (layout) complain(p, v->line, "layout: expected a [layout] table");
        else if (keys && v->kind == SVC_TOML_TABLE) read_keys(p, v);
        else if (keys) complain(p, v->line, "keys: expected a table ([keys] with request = \"keys\" lines)");
        else if (strcmp(e->key, "theme") == 0 && v->origin != SVC_TOML_DOTTED) read_theme(p, v);
        else if (strcmp(e->key, "watch") == 0 && v->origin != SVC_TOML_DOTTED) read_watch(p, v);
        else complain(p, v->line, "unknown key \"%s\" (known: " KNOWN_KEYS ")", e->key);
    }
}

int svc_user_config_parse(svc_user_config *uc, const char *path, const char *text, size_t len, svc_error *err)
{
    if (len > MAX_USER_CONFIG_BYTES)
        return svc_error_set(err, SVC_ECONFIG, "%s: too large for a settings file (%zu bytes)", path, len);
    if (memchr(text, '\0', len)) return svc_error_set(err, SVC_ECONFIG, "%s: not a text file (it holds NUL bytes)", path);
    svc_user_config staged;
    svc_user_config_init(&staged);
    uparse p = { .err = err, .out = &staged };
    int rc = svc_toml_parse(&p.doc, path, text, len, err);
    if (p.doc) {
        const svc_toml_problem *pr = svc_toml_problem_of(p.doc);
        if (pr) snprintf(p.reader_message, sizeof p.reader_message, "%s", err->message);
        if (!pr || pr->kind != SVC_TOML_ESYNTAX) read_document(&p);
        if (pr) reader_error(&p);
        if (p.error_line) rc = SVC_ECONFIG;
    }
    svc_toml_free(p.doc);
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
