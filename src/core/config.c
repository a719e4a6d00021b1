/*
 * Settings from `[tool.svcscope]` in pyproject.toml: the schema over the TOML reader.
 *
 * The whole file is read first (core/toml.h), so a broken pyproject.toml is reported wherever
 * the break is. Then `[tool.svcscope]` is read from the document into a staged svc_config, and
 * only when every key is valid is it moved into the caller's config, so a failed load changes
 * nothing.
 */
/* open/fstat/read are POSIX; the build normally defines _GNU_SOURCE already. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/toml.h"
#include "svcscope/config.h"
#include "svcscope/utf8.h"
#include "svcscope/util.h"

/* tree-sitter keeps byte offsets in 32 bits; a pyproject.toml this large is a mistake anyway. */
#define MAX_CONFIG_BYTES (64u * 1024 * 1024)
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
    free(cfg->baseline);
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
    K_BASELINE,
    K_COUNT
};

static const char *const KEY_NAMES[K_COUNT + 1] = {
    "services-root", "tasks-service", "task-decorators", "apps",    "glue-modules",
    "max-task-statements", "max-file-size", "select", "ignore", "exclude", "extend-exclude", "per-file-ignores",
    "dispatch-functions", "baseline", NULL,
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

static int unknown_key(svc_toml *p, const svc_toml_entry *e)
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
    const char *shown = svc_toml_quote(p, e->key, e->klen);
    if (best) return svc_toml_fail(p, e->value->line, "unknown key %s in [tool.svcscope] (did you mean \"%s\"?)", shown, best);
    svc_buf known = {0};
    for (int k = 0; k < K_COUNT; k++) svc_buf_printf(&known, "%s%s", k ? ", " : "", KEY_NAMES[k]);
    int rc = svc_toml_fail(p, e->value->line, "unknown key %s in [tool.svcscope] (known keys: %s)", shown, known.data);
    svc_buf_free(&known);
    return rc;
}

/* A string value for `key`, rejecting other types and embedded NULs. */
static int want_string(svc_toml *p, const char *key, const svc_toml_value *v, const char **out)
{
    if (v->kind != SVC_TOML_STRING) return svc_toml_fail(p, v->line, "%s: expected a string, got %s", key, svc_toml_describe(p, v));
    if (strlen(v->str) != v->slen) return svc_toml_fail(p, v->line, "%s: a string here cannot contain NUL", key);
    *out = v->str;
    return SVC_OK;
}

/* Checks and normalises one string; returns a malloc'd string or sets the error. */
typedef int (*item_fn)(svc_toml *p, const char *key, const svc_toml_value *v, const char *s, char **out);

static bool is_identifier(const char *s, size_t n)
{
    static const char *const keywords[] = {
        "False", "None",   "True",    "and",      "as",     "assert", "async",  "await",    "break",
        "class", "continue", "def",   "del",      "elif",   "else",   "except", "finally",  "for",
        "from",  "global", "if",      "import",   "in",     "is",     "lambda", "nonlocal", "not",
        "or",    "pass",   "raise",   "return",   "try",    "while",  "with",   "yield",
    };
    if (!svc_ident_name(s, n)) return false;
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

static int item_code(svc_toml *p, const char *key, const svc_toml_value *v, const char *s, char **out)
{
    /* "SVC" plus up to three digits: a whole code, a family ("SVC2") or every rule ("SVC"). */
    size_t n = strlen(s);
    bool ok = n >= 3 && n <= 6 && (s[0] | 0x20) == 's' && (s[1] | 0x20) == 'v' && (s[2] | 0x20) == 'c';
    for (size_t i = 3; ok && i < n; i++) ok = s[i] >= '0' && s[i] <= '9';
    if (!ok)
        return svc_toml_fail(p, v->line, "%s: %s is not an svcscope rule code (SVC100..SVC900)", key, svc_toml_quote(p, s, n));
    *out = svc_xstrdup(s);
    for (char *c = *out; *c; c++)
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 32);
    return SVC_OK;
}

static int item_glob(svc_toml *p, const char *key, const svc_toml_value *v, const char *s, char **out)
{
    if (!*s) return svc_toml_fail(p, v->line, "%s: a pattern cannot be empty", key);
    /* Matching costs pattern x path; no path needs a longer pattern. */
    if (strlen(s) > MAX_GLOB) return svc_toml_fail(p, v->line, "%s: a pattern longer than %d bytes", key, MAX_GLOB);
    /* "./x" means the same as "x" to a user; the matcher knows only the latter. */
    while (s[0] == '.' && s[1] == '/') s += 2;
    *out = svc_xstrdup(s);
    return SVC_OK;
}

/* Repo-relative path: "./" and trailing "/" dropped; absolute or ".." paths refused, in words
 * that name what the key holds (`what`) and an example. */
static int item_relative(svc_toml *p, const char *key, const svc_toml_value *v, const char *s, char **out,
                         const char *what, const char *example)
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
        return svc_toml_fail(p, v->line,
                       "%s: %s is not a %s inside the repository "
                       "(write it relative to the root, like \"%s\")",
                       key, svc_toml_quote(p, orig, strlen(orig)), what, example);
    *out = svc_xstrndup(s, n);
    return SVC_OK;
}

static int item_folder(svc_toml *p, const char *key, const svc_toml_value *v, const char *s, char **out)
{
    return item_relative(p, key, v, s, out, "folder", "backend/services");
}

static int item_path(svc_toml *p, const char *key, const svc_toml_value *v, const char *s, char **out)
{
    return item_relative(p, key, v, s, out, "file", ".svcscope-baseline.json");
}

static int item_module(svc_toml *p, const char *key, const svc_toml_value *v, const char *s, char **out)
{
    if (!is_identifier(s, strlen(s)))
        return svc_toml_fail(p, v->line, "%s: %s is not a module name (like \"selectors\")", key, svc_toml_quote(p, s, strlen(s)));
    *out = svc_xstrdup(s);
    return SVC_OK;
}

static int item_decorator(svc_toml *p, const char *key, const svc_toml_value *v, const char *s, char **out)
{
    const char *name = s[0] == '@' ? s + 1 : s; /* people paste it as written above a def */
    if (!is_dotted_name(name))
        return svc_toml_fail(p, v->line, "%s: %s is not a decorator name (like \"instrumented_task\" or \"app.task\")", key,
                       svc_toml_quote(p, s, strlen(s)));
    *out = svc_xstrdup(name);
    return SVC_OK;
}

static int item_function(svc_toml *p, const char *key, const svc_toml_value *v, const char *s, char **out)
{
    if (!is_dotted_name(s) || !strchr(s, '.'))
        return svc_toml_fail(p, v->line, "%s: %s is not a dotted function name (like \"myapp.celery_utils.dispatch\")", key,
                       svc_toml_quote(p, s, strlen(s)));
    *out = svc_xstrdup(s);
    return SVC_OK;
}

static int want_strv(svc_toml *p, const char *key, const svc_toml_value *v, item_fn fn, char ***out, size_t *nout)
{
    if (v->kind != SVC_TOML_ARRAY || v->aot)
        return svc_toml_fail(p, v->line, "%s: expected an array of strings, got %s", key, svc_toml_describe(p, v));
    SVC_VEC(char *) items = {0};
    int rc = SVC_OK;
    for (svc_toml_entry *e = v->head; e && rc == SVC_OK; e = e->next) {
        const char *s;
        char *item = NULL;
        if ((rc = want_string(p, key, e->value, &s)) == SVC_OK && (rc = fn(p, key, e->value, s, &item)) == SVC_OK)
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

static int read_per_file_ignores(svc_toml *p, const svc_toml_value *v, svc_config *cfg)
{
    static const char key[] = "per-file-ignores";
    if (v->kind != SVC_TOML_TABLE)
        return svc_toml_fail(p, v->line, "%s: expected a table of \"glob\" = [codes], got %s", key, svc_toml_describe(p, v));
    SVC_VEC(svc_per_file_ignore) out = {0};
    int rc = SVC_OK;
    for (svc_toml_entry *e = v->head; e && rc == SVC_OK; e = e->next) {
        const char *glob = svc_toml_quote(p, e->key, e->klen);
        const char *label = svc_arena_printf(svc_toml_arena(p), "%s: %s", key, glob);
        svc_per_file_ignore pfi = {0};
        if (e->klen != strlen(e->key) || e->klen == 0) {
            rc = svc_toml_fail(p, e->value->line, "%s: not a usable pattern", label);
        } else if (e->value->kind == SVC_TOML_TABLE) {
            /* `tests.py = [...]` is a dotted key: the pattern needs quotes. */
            rc = svc_toml_fail(p, e->value->line,
                         "%s: expected an array of rule codes, got a table "
                         "(put the pattern in quotes if it has a dot)",
                         label);
        } else if ((rc = item_glob(p, label, e->value, e->key, &pfi.glob)) == SVC_OK) {
            rc = want_strv(p, label, e->value, item_code, &pfi.codes, &pfi.ncodes);
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

static int read_key(svc_toml *p, int k, const svc_toml_value *v, svc_config *cfg)
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
            return svc_toml_fail(p, v->line, "%s: %s is not a valid Python identifier (it names the service package)", key,
                           svc_toml_quote(p, s, strlen(s)));
        free(cfg->tasks_service);
        cfg->tasks_service = svc_xstrdup(s);
        return SVC_OK;
    case K_BASELINE:
        if ((rc = want_string(p, key, v, &s))) return rc;
        return item_path(p, key, v, s, &cfg->baseline);
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
        if (v->kind != SVC_TOML_INTEGER || v->integer < 0)
            return svc_toml_fail(p, v->line, "%s: expected a whole number >= 0, got %s", key, svc_toml_describe(p, v));
        if (v->integer > INT_MAX) return svc_toml_fail(p, v->line, "%s: %s is too large", key, svc_toml_describe(p, v));
        cfg->max_task_statements = (int)v->integer;
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
        if (v->kind == SVC_TOML_INTEGER) {
            if (v->integer < 1 || (unsigned long long)v->integer > SVC_CONFIG_MAX_FILE_SIZE_LIMIT)
                return svc_toml_fail(p, v->line, "%s: %s is out of range (1 byte to 1 GiB)", key, svc_toml_describe(p, v));
            cfg->max_file_size = (uint64_t)v->integer;
            return SVC_OK;
        }
        if (v->kind == SVC_TOML_STRING && strlen(v->str) == v->slen && svc_config_parse_size(v->str, &cfg->max_file_size))
            return SVC_OK;
        return svc_toml_fail(p, v->line, "%s: expected a size such as 10485760 or \"10 MiB\" (1 byte to 1 GiB), got %s", key,
                       svc_toml_describe(p, v));
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
    if (set[K_BASELINE]) swap_str(&cfg->baseline, &staged->baseline);
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

static int read_svcscope(svc_toml *p, const char *path, svc_config *cfg)
{
    const svc_toml_value *tool = svc_toml_get(svc_toml_root(p), "tool", strlen("tool"));
    /* `tool` that is not a table is someone else's business; there is no [tool.svcscope]. */
    if (!tool || tool->kind != SVC_TOML_TABLE) return SVC_OK;
    const svc_toml_value *sec = svc_toml_get(tool, "svcscope", strlen("svcscope"));
    if (!sec) return SVC_OK;
    if (sec->kind != SVC_TOML_TABLE)
        return svc_toml_fail(p, sec->line, "[tool.svcscope] must be a table, got %s", svc_toml_describe(p, sec));

    svc_config staged;
    memset(&staged, 0, sizeof staged);
    staged.key_lines = svc_xcalloc(K_COUNT, sizeof *staged.key_lines);
    bool set[K_COUNT] = {0};
    int rc = SVC_OK;
    for (svc_toml_entry *e = sec->head; e && rc == SVC_OK; e = e->next) {
        int k = 0;
        while (k < K_COUNT && !(strlen(KEY_NAMES[k]) == e->klen && memcmp(KEY_NAMES[k], e->key, e->klen) == 0)) k++;
        if (k == K_COUNT) {
            rc = unknown_key(p, e);
            break;
        }
        set[k] = true; /* TOML already refused a repeated key, so each is read once */
        staged.key_lines[k] = e->value->line;
        rc = read_key(p, k, e->value, &staged);
    }
    if (rc == SVC_OK) {
        staged.source_file = svc_xstrdup(path);
        commit(cfg, &staged, set);
    }
    svc_config_free(&staged);
    return rc;
}

int svc_config_parse(svc_config *cfg, const char *path, const char *text, size_t len, svc_error *err)
{
    if (len > MAX_CONFIG_BYTES)
        return svc_error_set(err, SVC_ECONFIG, "%s: too large to be a pyproject.toml (%zu bytes)", path, len);
    svc_toml *doc;
    int rc = svc_toml_parse(&doc, path, text, len, err);
    if (rc == SVC_OK) rc = read_svcscope(doc, path, cfg);
    svc_toml_free(doc);
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
