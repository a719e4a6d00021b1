/*
 * The invariants the fuzz targets check (see fuzz_checks.h). Shared by the libFuzzer targets
 * (clang, `make fuzz`) and by tests/unit/test_regressions.c (the normal build, `make check`).
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "fuzz_checks.h"
#include "svcscope/config.h"
#include "svcscope/facts.h"
#include "svcscope/fix.h"
#include "svcscope/model.h"
#include "svcscope/rules.h"
#include "svcscope/source.h"
#include "svcscope/util.h"

#ifndef SVC_SRCDIR
#define SVC_SRCDIR "."
#endif

static void fz_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4), noreturn));
static void fz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "\nfuzz check failed (%s:%d): ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

#define FZ_ASSERT(cond, ...)                                       \
    do {                                                           \
        if (!(cond)) fz_fail(__FILE__, __LINE__, __VA_ARGS__);     \
    } while (0)

/* ---- facts ----------------------------------------------------------------------------------- */

/* Length of a valid, complete UTF-8 sequence at s, else 0 (the rule facts.h states for columns:
 * a valid sequence is one code point, every other byte is one). Written apart from facts.c. */
static size_t valid_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07u;
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

typedef struct text_index {
    const unsigned char *bytes;
    size_t len;
    size_t base;        /* 3 after a BOM */
    size_t *line_start; /* line_start[r] of row r; rows split at '\n' only */
    size_t nlines;
} text_index;

static void index_text(text_index *t, const uint8_t *data, size_t size, bool bom)
{
    t->bytes = data;
    t->len = size;
    t->base = bom ? 3 : 0;
    size_t n = 1;
    for (size_t i = 0; i < size; i++) n += data[i] == '\n';
    t->line_start = svc_xmalloc(n * sizeof *t->line_start);
    t->nlines = 0;
    t->line_start[t->nlines++] = t->base;
    for (size_t i = t->base; i < size; i++)
        if (data[i] == '\n') t->line_start[t->nlines++] = i + 1;
}

static uint32_t row_at(const text_index *t, size_t byte)
{
    size_t lo = 0, hi = t->nlines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->line_start[mid] <= byte) lo = mid;
        else hi = mid;
    }
    return (uint32_t)lo;
}

static uint32_t col_at(const text_index *t, uint32_t row, size_t byte)
{
    size_t start = t->line_start[row];
    uint32_t col = 0;
    for (size_t i = start; i < byte;) {
        size_t l = valid_len(t->bytes + i, byte - i);
        i += l ? l : 1;
        col++;
    }
    return col;
}

static void check_span(const text_index *t, const svc_span *s, const char *what, size_t i)
{
    FZ_ASSERT(s->byte <= s->end_byte, "%s[%zu]: byte %u after end_byte %u", what, i, s->byte, s->end_byte);
    FZ_ASSERT(s->end_byte <= t->len, "%s[%zu]: end_byte %u beyond the %zu bytes", what, i, s->end_byte, t->len);
    FZ_ASSERT(s->byte >= t->base, "%s[%zu]: byte %u inside the BOM", what, i, s->byte);
    uint32_t row = row_at(t, s->byte), end_row = row_at(t, s->end_byte);
    FZ_ASSERT(s->row == row, "%s[%zu]: row %u, but byte %u is on row %u", what, i, s->row, s->byte, row);
    FZ_ASSERT(s->end_row == end_row, "%s[%zu]: end_row %u, but end_byte %u is on row %u", what, i, s->end_row,
              s->end_byte, end_row);
    uint32_t col = col_at(t, row, s->byte), end_col = col_at(t, end_row, s->end_byte);
    FZ_ASSERT(s->col == col, "%s[%zu]: col %u, but byte %u is at code point %u of row %u", what, i, s->col, s->byte,
              col, row);
    FZ_ASSERT(s->end_col == end_col, "%s[%zu]: end_col %u, but end_byte %u is at code point %u of row %u", what, i,
              s->end_col, s->end_byte, end_col, end_row);
}

static bool within(const svc_span *inner, const svc_span *outer)
{
    return outer->byte <= inner->byte && inner->end_byte <= outer->end_byte;
}

static void check_args(const text_index *t, const svc_arg *args, size_t nargs, const svc_span *outer, const char *what)
{
    FZ_ASSERT(nargs == 0 || args, "%s: %zu arguments but no array", what, nargs);
    for (size_t a = 0; a < nargs; a++) {
        check_span(t, &args[a].span, what, a);
        FZ_ASSERT(args[a].text, "%s[%zu]: no text", what, a);
        if (outer) FZ_ASSERT(within(&args[a].span, outer), "%s[%zu]: outside its argument list", what, a);
        if (a) FZ_ASSERT(args[a - 1].span.byte <= args[a].span.byte, "%s[%zu]: out of order", what, a);
    }
}

static void check_facts_of(const uint8_t *data, size_t size, const char *path, const char *module, bool pkg)
{
    svc_facts *f = svc_facts_extract(path, module, pkg, (const char *)data, size);
    FZ_ASSERT(f, "svc_facts_extract returned NULL");
    bool bom = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
    FZ_ASSERT(f->has_bom == bom, "has_bom is %d", f->has_bom);
    text_index t;
    index_text(&t, data, size, bom);
    size_t nl = 0;
    for (size_t i = 0; i < size; i++) nl += data[i] == '\n';
    uint32_t lines = (uint32_t)(nl + (size > t.base && data[size - 1] != '\n'));
    FZ_ASSERT(f->lines == lines, "lines is %u, the bytes have %u", f->lines, lines);
    if (f->binary) {
        FZ_ASSERT(f->nimports == 0 && f->ndefs == 0 && f->nrefs == 0 && f->ncalls == 0 && f->nassigns == 0,
                  "a binary file has facts");
    }

    for (size_t i = 0; i < f->nerrors; i++) check_span(&t, &f->errors[i], "errors", i);

    for (size_t i = 0; i < f->nimports; i++) {
        const svc_import *im = &f->imports[i];
        check_span(&t, &im->span, "imports.span", i);
        check_span(&t, &im->stmt_span, "imports.stmt_span", i);
        FZ_ASSERT(within(&im->span, &im->stmt_span), "imports[%zu]: name outside its statement", i);
        FZ_ASSERT(im->module, "imports[%zu]: no module", i);
        FZ_ASSERT(im->kind == SVC_IMPORT_STAR || (im->bound && im->target), "imports[%zu]: no bound/target", i);
        FZ_ASSERT(im->kind != SVC_IMPORT_FROM || im->name, "imports[%zu]: from-import without a name", i);
        FZ_ASSERT(im->scope >= -1 && im->scope < (int)f->ndefs, "imports[%zu]: scope %d of %zu defs", i, im->scope,
                  f->ndefs);
        FZ_ASSERT(im->stmt_names >= 1, "imports[%zu]: a statement importing no name", i);
        if (i) FZ_ASSERT(f->imports[i - 1].stmt_span.byte <= im->stmt_span.byte, "imports[%zu]: out of order", i);
    }

    for (size_t i = 0; i < f->ndefs; i++) {
        const svc_def *d = &f->defs[i];
        check_span(&t, &d->span, "defs.span", i);
        check_span(&t, &d->name_span, "defs.name_span", i);
        check_span(&t, &d->body_span, "defs.body_span", i);
        FZ_ASSERT(d->name && d->qualname, "defs[%zu]: no name", i);
        FZ_ASSERT(within(&d->name_span, &d->span), "defs[%zu]: name outside the definition", i);
        FZ_ASSERT(d->parent >= -1 && d->parent < (int)i, "defs[%zu]: parent %d does not precede it", i, d->parent);
        if (d->parent >= 0)
            FZ_ASSERT(within(&d->span, &f->defs[d->parent].span), "defs[%zu]: outside its parent %d", i, d->parent);
        if (i) FZ_ASSERT(f->defs[i - 1].span.byte <= d->span.byte, "defs[%zu]: out of source order", i);
        FZ_ASSERT(d->ndecorators == 0 || d->decorators, "defs[%zu]: decorators missing", i);
        for (size_t k = 0; k < d->ndecorators; k++) {
            const svc_decorator *dec = &d->decorators[k];
            check_span(&t, &dec->span, "decorators.span", k);
            FZ_ASSERT(within(&dec->span, &d->span), "defs[%zu].decorators[%zu]: outside the definition", i, k);
            FZ_ASSERT(dec->raw && dec->callee, "defs[%zu].decorators[%zu]: no callee", i, k);
            if (dec->is_call) {
                check_span(&t, &dec->args_span, "decorators.args_span", k);
                check_args(&t, dec->args, dec->nargs, &dec->args_span, "decorators.args");
            } else {
                FZ_ASSERT(dec->nargs == 0, "defs[%zu].decorators[%zu]: arguments without a call", i, k);
            }
        }
        FZ_ASSERT(d->nbases == 0 || d->bases, "defs[%zu]: bases missing", i);
        for (size_t k = 0; k < d->nbases; k++) FZ_ASSERT(d->bases[k], "defs[%zu]: base %zu is NULL", i, k);
        FZ_ASSERT(d->nparams == 0 || d->params, "defs[%zu]: params missing", i);
        for (size_t k = 0; k < d->nparams; k++) FZ_ASSERT(d->params[k].name, "defs[%zu]: param %zu has no name", i, k);
    }

    for (size_t i = 0; i < f->nrefs; i++) {
        const svc_ref *r = &f->refs[i];
        check_span(&t, &r->span, "refs.span", i);
        check_span(&t, &r->head_span, "refs.head_span", i);
        FZ_ASSERT(within(&r->head_span, &r->span), "refs[%zu]: head outside the chain", i);
        FZ_ASSERT(r->raw, "refs[%zu]: no text", i);
        FZ_ASSERT(r->scope >= -1 && r->scope < (int)f->ndefs, "refs[%zu]: scope %d", i, r->scope);
        FZ_ASSERT(r->binding != SVC_BIND_IMPORT || (r->import_index >= 0 && (size_t)r->import_index < f->nimports),
                  "refs[%zu]: import_index %d of %zu imports", i, r->import_index, f->nimports);
        FZ_ASSERT(r->binding == SVC_BIND_IMPORT || r->import_index == -1, "refs[%zu]: import_index without an import",
                  i);
        if (i) FZ_ASSERT(f->refs[i - 1].span.byte <= r->span.byte, "refs[%zu]: out of source order (%u after %u)", i,
                         r->span.byte, f->refs[i - 1].span.byte);
    }

    for (size_t i = 0; i < f->ncalls; i++) {
        const svc_call *c = &f->calls[i];
        check_span(&t, &c->span, "calls.span", i);
        check_span(&t, &c->callee_span, "calls.callee_span", i);
        check_span(&t, &c->args_span, "calls.args_span", i);
        FZ_ASSERT(within(&c->callee_span, &c->span) && within(&c->args_span, &c->span), "calls[%zu]: parts outside",
                  i);
        FZ_ASSERT(c->ref >= -1 && c->ref < (int)f->nrefs, "calls[%zu]: ref %d of %zu", i, c->ref, f->nrefs);
        FZ_ASSERT(c->scope >= -1 && c->scope < (int)f->ndefs, "calls[%zu]: scope %d", i, c->scope);
        FZ_ASSERT(c->callee_text, "calls[%zu]: no callee text", i);
        check_args(&t, c->args, c->nargs, &c->args_span, "calls.args");
        if (i) FZ_ASSERT(f->calls[i - 1].span.byte <= c->span.byte, "calls[%zu]: out of source order", i);
    }

    for (size_t i = 0; i < f->nassigns; i++) {
        const svc_assign *a = &f->assigns[i];
        check_span(&t, &a->span, "assigns.span", i);
        FZ_ASSERT(a->name, "assigns[%zu]: no name", i);
        for (size_t k = 0; k < a->nstrings; k++) FZ_ASSERT(a->strings[k], "assigns[%zu]: string %zu NULL", i, k);
    }
    for (size_t i = 0; i < f->nall; i++) FZ_ASSERT(f->all[i], "all[%zu] is NULL", i);
    for (size_t i = 0; i < f->nnoqa; i++) {
        FZ_ASSERT(f->noqa[i].row <= f->lines, "noqa[%zu]: row %u of %u lines", i, f->noqa[i].row, f->lines);
        if (i) FZ_ASSERT(f->noqa[i - 1].row <= f->noqa[i].row, "noqa[%zu]: not sorted by row", i);
        FZ_ASSERT(svc_facts_noqa_at(f, f->noqa[i].row), "noqa[%zu]: not found by its row", i);
        for (size_t k = 0; k < f->noqa[i].ncodes; k++) FZ_ASSERT(f->noqa[i].codes[k], "noqa[%zu] code NULL", i);
    }
    /* The innermost def holding a byte really holds it. */
    for (size_t b = 0; b <= size; b += 1 + size / 64) {
        int d = svc_facts_def_at(f, (uint32_t)b);
        FZ_ASSERT(d >= -1 && d < (int)f->ndefs, "def_at(%zu) = %d", b, d);
        if (d >= 0)
            FZ_ASSERT(f->defs[d].span.byte <= b && b < f->defs[d].span.end_byte, "def_at(%zu) = %d does not hold it",
                      b, d);
    }
    free(t.line_start);
    svc_facts_free(f);
}

void fz_check_facts(const uint8_t *data, size_t size)
{
    /* A module inside a package, so that relative imports resolve; and the same bytes as a
     * package's __init__.py when the size is odd (another resolution base). */
    if (size & 1) check_facts_of(data, size, "services/billing/__init__.py", "services.billing", true);
    else check_facts_of(data, size, "services/billing/invoices.py", "services.billing.invoices", false);
}

/* ---- config ---------------------------------------------------------------------------------- */

static bool is_default(const svc_config *c)
{
    return !c->services_root && c->tasks_service && strcmp(c->tasks_service, "tasks") == 0 &&
           c->ntask_decorators == 0 && c->napps == 0 && !c->apps_set && c->nglue_modules == 0 &&
           c->max_task_statements == 3 && c->nselect == 0 && c->nignore == 0 && c->nexclude == 0 &&
           c->nper_file_ignores == 0 && !c->source_file && c->max_file_size == 0;
}

static void check_folder(const char *s, const char *key)
{
    FZ_ASSERT(s && *s && s[0] != '/', "%s: '%s' is not a relative folder", key, s ? s : "(null)");
    for (const char *seg = s; *seg;) {
        size_t n = strcspn(seg, "/");
        FZ_ASSERT(!(n == 2 && seg[0] == '.' && seg[1] == '.'), "%s: '%s' leaves the repository", key, s);
        seg += n;
        if (*seg) seg++;
    }
}

static void check_codes(char **codes, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        FZ_ASSERT(codes[i] && strncmp(codes[i], "SVC", 3) == 0, "%s: '%s' is not a code", key,
                  codes[i] ? codes[i] : "(null)");
    }
}

void fz_check_config(const uint8_t *data, size_t size)
{
    svc_config cfg;
    svc_config_init(&cfg);
    svc_error err = SVC_ERROR_INIT;
    int rc = svc_config_parse(&cfg, "pyproject.toml", (const char *)data, size, &err);
    FZ_ASSERT(rc == SVC_OK || rc == SVC_ECONFIG, "svc_config_parse returned %d (%s)", rc, err.message);
    if (rc < 0) {
        FZ_ASSERT(err.code == rc, "error code %d, returned %d", err.code, rc);
        FZ_ASSERT(memchr(err.message, '\0', sizeof err.message), "the message is not terminated");
        FZ_ASSERT(strncmp(err.message, "pyproject.toml:", 15) == 0, "the message does not name the file: %s",
                  err.message);
        const char *p = err.message + 15;
        unsigned long line = strtoul(p, SVC_UNCONST(char **, &p), 10);
        FZ_ASSERT(line >= 1 && *p == ':', "the message has no line: %s", err.message);
        size_t lines = 1;
        for (size_t i = 0; i < size; i++) lines += data[i] == '\n';
        FZ_ASSERT(line <= lines, "the message names line %lu of %zu: %s", line, lines, err.message);
        FZ_ASSERT(is_default(&cfg), "a failed parse changed the config");
    } else {
        if (cfg.services_root) check_folder(cfg.services_root, "services-root");
        for (size_t i = 0; i < cfg.napps; i++) check_folder(cfg.apps[i], "apps");
        FZ_ASSERT(cfg.tasks_service && *cfg.tasks_service, "tasks-service is empty");
        FZ_ASSERT(cfg.max_task_statements >= 0, "max-task-statements %d", cfg.max_task_statements);
        FZ_ASSERT(cfg.max_file_size == 0 || cfg.max_file_size <= SVC_CONFIG_MAX_FILE_SIZE_LIMIT,
                  "max-file-size %llu", (unsigned long long)cfg.max_file_size);
        check_codes(cfg.select, cfg.nselect, "select");
        check_codes(cfg.ignore, cfg.nignore, "ignore");
        for (size_t i = 0; i < cfg.nexclude; i++) FZ_ASSERT(cfg.exclude[i] && *cfg.exclude[i], "an empty exclude");
        for (size_t i = 0; i < cfg.nper_file_ignores; i++) {
            FZ_ASSERT(cfg.per_file_ignores[i].glob, "per-file-ignores without a glob");
            check_codes(cfg.per_file_ignores[i].codes, cfg.per_file_ignores[i].ncodes, "per-file-ignores");
        }
    }
    /* The globs (bounded time whatever they are), on ordinary and on unusual paths. */
    char deep[2048];
    size_t at = 0;
    while (at + 2 < 1200) {
        deep[at++] = 'a';
        deep[at++] = '/';
    }
    memcpy(deep + at, "x.py", 5);
    const char *paths[] = { "services/billing/invoices.py", "a", "", deep,
                            "orders/migrations/0001_initial.py", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab" };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) (void)svc_config_excluded(&cfg, paths[i]);
    for (size_t i = 0; i < cfg.nper_file_ignores; i++)
        for (size_t k = 0; k < sizeof paths / sizeof *paths; k++)
            (void)svc_glob_match(cfg.per_file_ignores[i].glob, paths[k]);
    /* A second parse on top of the first replaces what it sets and leaks nothing. */
    svc_error err2 = SVC_ERROR_INIT;
    int rc2 = svc_config_parse(&cfg, "pyproject.toml", (const char *)data, size, &err2);
    FZ_ASSERT(rc2 == rc, "a second parse of the same bytes returned %d, the first %d", rc2, rc);
    svc_config_free(&cfg);
}

/* ---- fixes ----------------------------------------------------------------------------------- */

typedef struct fz_file {
    char *path;
    char *bytes;
    size_t len;
} fz_file;

typedef SVC_VEC(fz_file) fz_files;

static fz_files demo;
static bool demo_loaded;

static void files_free(fz_files *v)
{
    for (size_t i = 0; i < v->len; i++) {
        free(v->items[i].path);
        free(v->items[i].bytes);
    }
    svc_vec_free(v);
}

static char *slurp(const char *full, size_t *len)
{
    FILE *f = fopen(full, "rb");
    if (!f) return NULL;
    svc_buf b = { 0 };
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) svc_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data ? svc_buf_detach(&b) : svc_xstrdup("");
}

/* Every regular file under root/rel (dot-folders .git left out), with its bytes. */
static void collect(const char *root, const char *rel, fz_files *out)
{
    char *dir = *rel ? svc_xasprintf("%s/%s", root, rel) : svc_xstrdup(root);
    DIR *d = opendir(dir);
    FZ_ASSERT(d, "cannot list %s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || strcmp(e->d_name, ".git") == 0 ||
            strcmp(e->d_name, "__pycache__") == 0)
            continue;
        char *r = *rel ? svc_xasprintf("%s/%s", rel, e->d_name) : svc_xstrdup(e->d_name);
        char *full = svc_xasprintf("%s/%s", root, r);
        struct stat st;
        if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
            collect(root, r, out);
            free(r);
        } else if (lstat(full, &st) == 0 && S_ISREG(st.st_mode)) {
            fz_file f = { r, NULL, 0 };
            f.bytes = slurp(full, &f.len);
            FZ_ASSERT(f.bytes, "cannot read %s", full);
            svc_vec_push(out, f);
        } else {
            free(r);
        }
        free(full);
    }
    closedir(d);
    free(dir);
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const fz_file *)a)->path, ((const fz_file *)b)->path);
}

static const fz_file *find_file(const fz_files *v, const char *path)
{
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->items[i].path, path) == 0) return &v->items[i];
    return NULL;
}

static void load_demo(void)
{
    if (demo_loaded) return;
    const char *dir = getenv("SVCSCOPE_FUZZ_DEMO");
    char *owned = NULL;
    if (!dir || !*dir) dir = owned = svc_xasprintf("%s/examples/demo", SVC_SRCDIR);
    collect(dir, "", &demo);
    free(owned);
    FZ_ASSERT(demo.len > 10, "the demo project at %s has %zu files", dir, demo.len);
    /* A smaller project is quicker: the Markdown and modules no rule or fix of the targets
     * needs are left out. */
    static const char *const unused[] = { "manage.py", "shop/wsgi.py", "shop/urls.py", "orders/admin.py",
                                          "orders/serializers.py", "orders/urls.py", "accounts/urls.py",
                                          "services/integrations/tests/test_stripe_client.py", NULL };
    for (size_t i = 0; i < demo.len;) {
        bool drop = svc_str_ends_with(demo.items[i].path, ".md");
        for (size_t k = 0; unused[k] && !drop; k++) drop = strcmp(demo.items[i].path, unused[k]) == 0;
        if (drop) {
            free(demo.items[i].path);
            free(demo.items[i].bytes);
            demo.items[i] = demo.items[--demo.len];
        } else {
            i++;
        }
    }
    qsort(demo.items, demo.len, sizeof *demo.items, compare_files);
    demo_loaded = true;
}

void fz_cleanup(void)
{
    files_free(&demo);
    demo_loaded = false;
}

/* Where the fuzzed bytes go: files of the demo with fixable findings, and new ones. */
static const char *const fix_targets[] = {
    "services/billing/invoices.py",
    "services/tasks/email_tasks.py",
    "orders/views.py",
    "services/billing/__init__.py",
    "services/integrations/google_calendar/credentials.py",
    "services/billing/tests/test_invoices.py",
    "accounts/views.py",
    "services/tasks/billing_tasks.py",
    "services/notifications/test_sms.py",
    "services/reports/__init__.py",
    "orders/helpers.py",
    "services/tasks/cleanup.py",
};
#define NTARGETS (sizeof fix_targets / sizeof *fix_targets)

static void write_file(const char *root, const char *path, const char *bytes, size_t len)
{
    char *full = svc_xasprintf("%s/%s", root, path);
    for (char *s = strchr(full + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(full, 0755);
        *s = '/';
    }
    FILE *f = fopen(full, "wb");
    FZ_ASSERT(f, "cannot write %s: %s", full, strerror(errno));
    FZ_ASSERT(fwrite(bytes, 1, len, f) == len && fclose(f) == 0, "cannot write %s", full);
    free(full);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void rm_rf(const char *dir) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

static char *temp_base(void)
{
    struct stat st;
    /* tmpfs when there is one: the fixture is written and read for every input. */
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        return svc_xstrdup("/dev/shm");
    const char *t = getenv("TMPDIR");
    return svc_xstrdup(t && *t ? t : "/tmp");
}

static bool is_init_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strcmp(slash ? slash + 1 : path, "__init__.py") == 0;
}

/* Syntax errors as fix_apply counts them. */
static int errors_of(const char *path, const char *bytes, size_t len)
{
    svc_facts *f = svc_facts_extract(path, NULL, is_init_path(path), bytes, len);
    int n = (int)f->nerrors;
    svc_facts_free(f);
    return n;
}

/* The bytes of `base` with the fix's edits to `path` (already checked sorted and disjoint). */
static char *splice(const svc_fix *fx, const char *path, const char *base, size_t len, size_t *outlen)
{
    svc_buf b = { 0 };
    size_t at = 0;
    for (size_t i = 0; i < fx->nedits; i++) {
        const svc_edit *e = &fx->edits[i];
        if (strcmp(e->path, path) != 0) continue;
        svc_buf_append(&b, base + at, e->start - at);
        if (e->text) svc_buf_puts(&b, e->text);
        at = e->end;
    }
    svc_buf_append(&b, base + at, len - at);
    *outlen = b.len;
    return b.data ? svc_buf_detach(&b) : svc_xstrdup("");
}

/* The fix as data: edits in range of files that exist, sorted by path then start, disjoint. */
static void check_fix_shape(const svc_fix *fx, const fz_files *before)
{
    FZ_ASSERT(fx->nedits || fx->nops, "an empty fix: %s", fx->message ? fx->message : "?");
    for (size_t i = 0; i < fx->nedits; i++) {
        const svc_edit *e = &fx->edits[i];
        FZ_ASSERT(e->path, "edit %zu has no path", i);
        FZ_ASSERT(e->start <= e->end, "edit %zu of %s: start %u after end %u", i, e->path, e->start, e->end);
        const fz_file *f = find_file(before, e->path);
        if (f) FZ_ASSERT(e->end <= f->len, "edit %zu of %s: end %u beyond %zu bytes", i, e->path, e->end, f->len);
        if (i) {
            const svc_edit *p = &fx->edits[i - 1];
            int c = strcmp(p->path, e->path);
            FZ_ASSERT(c <= 0, "edits not sorted by path: %s after %s", e->path, p->path);
            if (c == 0) {
                FZ_ASSERT(p->end <= e->start, "edits %zu and %zu of %s overlap or are out of order (%u..%u, %u..%u)",
                          i - 1, i, e->path, p->start, p->end, e->start, e->end);
                FZ_ASSERT(!(p->start == p->end && e->start == e->end && p->start == e->start),
                          "two insertions at byte %u of %s: their order is undefined", e->start, e->path);
            }
        }
    }
    for (size_t i = 0; i < fx->nops; i++) {
        FZ_ASSERT(fx->ops[i].path, "op %zu has no path", i);
        FZ_ASSERT(fx->ops[i].kind != SVC_FILE_MOVE || fx->ops[i].to, "move %zu has no target", i);
    }
}

static void expect_same_tree(const fz_files *want, const fz_files *got, const char *when)
{
    for (size_t i = 0; i < want->len && i < got->len; i++) {
        FZ_ASSERT(strcmp(want->items[i].path, got->items[i].path) == 0, "%s: %s where %s was expected", when,
                  got->items[i].path, want->items[i].path);
        FZ_ASSERT(want->items[i].len == got->items[i].len &&
                      memcmp(want->items[i].bytes, got->items[i].bytes, got->items[i].len) == 0,
                  "%s: %s has other bytes", when, got->items[i].path);
    }
    FZ_ASSERT(want->len == got->len, "%s: %zu files where %zu were expected (%s)", when, got->len, want->len,
              got->len > want->len ? got->items[want->len].path : want->items[got->len].path);
}

static void read_tree(const char *root, fz_files *out)
{
    memset(out, 0, sizeof *out);
    collect(root, "", out);
    if (out->len > 1) qsort(out->items, out->len, sizeof *out->items, compare_files);
    for (size_t i = 0; i < out->len; i++)
        FZ_ASSERT(!strstr(out->items[i].path, ".svcscope-"), "a temporary file is left: %s", out->items[i].path);
}

/* libgit2 is initialised once and never shut down: with its TLS backend, every init reads the
 * system's certificates again. */
static void libgit2_once(void)
{
    static bool done;
    if (!done) git_libgit2_init();
    done = true;
}

static void make_git(const char *root)
{
    libgit2_once();
    git_repository *repo = NULL;
    git_index *index = NULL;
    FZ_ASSERT(git_repository_init(&repo, root, 0) == 0, "git init: %s", git_error_last()->message);
    FZ_ASSERT(git_repository_index(&index, repo) == 0, "git index");
    git_strarray all = { NULL, 0 };
    FZ_ASSERT(git_index_add_all(index, &all, 0, NULL, NULL) == 0, "git add: %s", git_error_last()->message);
    FZ_ASSERT(git_index_write(index) == 0, "git index write");
    git_index_free(index);
    git_repository_free(repo);
}

/* With --stage on a tree whose every file was staged as it is: the index still holds exactly
 * the work tree afterwards. */
static void expect_index_is_tree(const char *root, const fz_files *tree)
{
    libgit2_once();
    git_repository *repo = NULL;
    git_index *index = NULL;
    FZ_ASSERT(git_repository_open(&repo, root) == 0, "git open");
    FZ_ASSERT(git_repository_index(&index, repo) == 0, "git index");
    FZ_ASSERT(git_index_entrycount(index) == tree->len, "the index has %zu entries, the work tree %zu files",
              git_index_entrycount(index), tree->len);
    for (size_t i = 0; i < tree->len; i++) {
        const git_index_entry *e = git_index_get_bypath(index, tree->items[i].path, 0);
        FZ_ASSERT(e, "%s is not in the index", tree->items[i].path);
        git_oid id;
        git_odb_hash(&id, tree->items[i].bytes, tree->items[i].len, GIT_OBJECT_BLOB);
        FZ_ASSERT(git_oid_equal(&id, &e->id), "%s: the staged blob is not the work tree file", tree->items[i].path);
    }
    git_index_free(index);
    git_repository_free(repo);
}

typedef struct fz_expect {
    bool bad;           /* the fix's result has more syntax errors than the bytes before */
    fz_files after;     /* the tree if the fix is applied */
} fz_expect;

/* What the project looks like with fix `fx` applied to `before`, and whether it breaks syntax. */
static void expect_of(const svc_fix *fx, const fz_files *before, fz_expect *x)
{
    memset(x, 0, sizeof *x);
    for (size_t i = 0; i < before->len; i++) {
        const fz_file *f = &before->items[i];
        bool edited = false;
        for (size_t k = 0; k < fx->nedits && !edited; k++) edited = strcmp(fx->edits[k].path, f->path) == 0;
        const char *to = NULL;
        for (size_t k = 0; k < fx->nops; k++)
            if (fx->ops[k].kind == SVC_FILE_MOVE && strcmp(fx->ops[k].path, f->path) == 0) to = fx->ops[k].to;
        fz_file n = { svc_xstrdup(to ? to : f->path), NULL, 0 };
        if (edited) n.bytes = splice(fx, f->path, f->bytes, f->len, &n.len);
        else {
            n.bytes = svc_xmalloc(f->len + 1);
            memcpy(n.bytes, f->bytes, f->len);
            n.bytes[f->len] = '\0';
            n.len = f->len;
        }
        if (svc_str_ends_with(n.path, ".py") && (edited || to) &&
            errors_of(n.path, n.bytes, n.len) > errors_of(f->path, f->bytes, f->len))
            x->bad = true;
        svc_vec_push(&x->after, n);
    }
    for (size_t k = 0; k < fx->nops; k++) {
        if (fx->ops[k].kind != SVC_FILE_CREATE) continue;
        const char *content = fx->ops[k].content ? fx->ops[k].content : "";
        if (find_file(&x->after, fx->ops[k].path)) continue; /* refused: exists */
        fz_file n = { svc_xstrdup(fx->ops[k].path), svc_xstrdup(content), strlen(content) };
        if (svc_str_ends_with(n.path, ".py") && errors_of(n.path, n.bytes, n.len) > 0) x->bad = true;
        svc_vec_push(&x->after, n);
    }
    if (x->after.len > 1) qsort(x->after.items, x->after.len, sizeof *x->after.items, compare_files);
}

static bool same_file(const fz_file *a, const fz_file *b)
{
    return a && b && a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* Syntax errors in the Python files of `v` that are not the same in `other`. */
static int errors_not_in(const fz_files *v, const fz_files *other)
{
    int n = 0;
    for (size_t i = 0; i < v->len; i++) {
        const fz_file *f = &v->items[i];
        if (svc_str_ends_with(f->path, ".py") && !same_file(f, find_file(other, f->path)))
            n += errors_of(f->path, f->bytes, f->len);
    }
    return n;
}

void fz_check_fix(const uint8_t *data, size_t size)
{
    if (size < 2) return;
    load_demo();
    const char *target = fix_targets[data[0] % NTARGETS];
    bool all = data[1] & 0x80;
    bool stage = data[1] & 0x40;
    unsigned pick = data[1] & 0x3F;
    const char *content = (const char *)data + 2;
    size_t clen = size - 2;

    char *base = temp_base();
    char *tmp = svc_xasprintf("%s/svcscope-fuzz-XXXXXX", base);
    free(base);
    FZ_ASSERT(mkdtemp(tmp), "mkdtemp: %s", strerror(errno));
    char *root = svc_xasprintf("%s/p", tmp);
    char *undo = svc_xasprintf("%s/undo", tmp);
    FZ_ASSERT(mkdir(root, 0755) == 0, "mkdir %s", root);
    for (size_t i = 0; i < demo.len; i++)
        if (strcmp(demo.items[i].path, target) != 0)
            write_file(root, demo.items[i].path, demo.items[i].bytes, demo.items[i].len);
    write_file(root, target, content, clen);
    if (stage) make_git(root);
    fz_files before;
    read_tree(root, &before);

    svc_error err = SVC_ERROR_INIT;
    svc_source *src = NULL;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    FZ_ASSERT(svc_source_open(&src, root, &so, &err) == 0, "source: %s", err.message);
    svc_config cfg;
    svc_config_init(&cfg);
    FZ_ASSERT(svc_config_load(&cfg, svc_source_root(src), &err) == 0, "config: %s", err.message);
    svc_model *model = NULL;
    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.threads = 1;
    mo.cache = false;
    FZ_ASSERT(svc_model_build(&model, src, &cfg, &mo, &err) == 0, "model: %s", err.message);
    svc_check_options co = { 0 };
    svc_diagnostics *diags = svc_check(model, &co);
    svc_diagnostics_compute_fixes(model, diags);
    SVC_VEC(const svc_fix *) fixes = { 0 };
    for (size_t i = 0; i < diags->len; i++) {
        const svc_diagnostic *d = &diags->items[i];
        FZ_ASSERT(d->rule && d->path && d->message, "a finding without rule, path or message");
        if (d->fix) {
            check_fix_shape(d->fix, &before);
            svc_vec_push(&fixes, d->fix);
        }
    }

    /* The diff never fails on the work tree, and writes nothing. */
    char *diff = svc_fix_diff(model, fixes.items, fixes.len, &err);
    FZ_ASSERT(diff, "svc_fix_diff: %s", err.message);
    free(diff);

    svc_fix_options fo = { stage, undo, NULL, NULL };
    svc_fix_result res;
    fz_files after;
    if (fixes.len && !all) {
        const svc_fix *fx = fixes.items[pick % fixes.len];
        fz_expect x;
        expect_of(fx, &before, &x);
        int rc = svc_fix_apply(model, &fx, 1, &fo, &res, &err);
        if (getenv("SVCSCOPE_FUZZ_VERBOSE"))
            fprintf(stderr, "    %s: %zu fixes; #%zu%s: rc %d, applied %zu (%s)\n", target, fixes.len, pick % fixes.len,
                    stage ? " staged" : "", rc, res.applied, fx->message ? fx->message : "?");
        read_tree(root, &after);
        if (rc == 0 && res.applied == 1) {
            FZ_ASSERT(!x.bad, "a fix that adds a syntax error was applied: %s", fx->message ? fx->message : "?");
            expect_same_tree(&x.after, &after, "after the fix");
        } else {
            FZ_ASSERT(rc < 0 || res.skipped == 1, "neither applied nor skipped (rc %d)", rc);
            expect_same_tree(&before, &after, "after a refused fix");
        }
        if (stage) expect_index_is_tree(root, &after);
        files_free(&x.after);
        bool applied = rc == 0 && res.applied == 1;
        svc_fix_result_free(&res);
        files_free(&after);
        if (applied) {
            int urc = svc_fix_undo(root, undo, NULL, &res, &err);
            FZ_ASSERT(urc == 0, "undo: %s", err.message);
            svc_fix_result_free(&res);
            read_tree(root, &after);
            expect_same_tree(&before, &after, "after undo");
            if (stage) expect_index_is_tree(root, &after);
            files_free(&after);
        }
    } else if (fixes.len) {
        int rc = svc_fix_apply(model, fixes.items, fixes.len, &fo, &res, &err);
        if (getenv("SVCSCOPE_FUZZ_VERBOSE"))
            fprintf(stderr, "    %s: %zu fixes, all%s: rc %d, applied %zu, skipped %zu\n", target, fixes.len,
                    stage ? " staged" : "", rc, res.applied, res.skipped);
        read_tree(root, &after);
        if (rc < 0) {
            expect_same_tree(&before, &after, "after a refused batch");
        } else {
            FZ_ASSERT(res.applied + res.skipped == fixes.len, "%zu applied + %zu skipped of %zu fixes", res.applied,
                      res.skipped, fixes.len);
            /* Per file, never more syntax errors; a file that moved took its errors along. */
            for (size_t i = 0; i < after.len; i++) {
                const fz_file *a = &after.items[i];
                const fz_file *b = find_file(&before, a->path);
                if (!b || !svc_str_ends_with(a->path, ".py") || same_file(a, b)) continue;
                FZ_ASSERT(errors_of(a->path, a->bytes, a->len) <= errors_of(b->path, b->bytes, b->len),
                          "%s has more syntax errors after the fixes", a->path);
            }
            FZ_ASSERT(errors_not_in(&after, &before) <= errors_not_in(&before, &after), "the fixes added syntax errors");
            if (stage) expect_index_is_tree(root, &after);
        }
        bool applied = rc == 0 && res.applied > 0;
        svc_fix_result_free(&res);
        files_free(&after);
        if (applied) {
            int urc = svc_fix_undo(root, undo, NULL, &res, &err);
            FZ_ASSERT(urc == 0, "undo: %s", err.message);
            svc_fix_result_free(&res);
            read_tree(root, &after);
            expect_same_tree(&before, &after, "after undo");
            if (stage) expect_index_is_tree(root, &after);
            files_free(&after);
        }
    }

    svc_vec_free(&fixes);
    svc_diagnostics_free(diags);
    svc_model_free(model);
    svc_source_free(src);
    svc_config_free(&cfg);
    files_free(&before);
    rm_rf(tmp);
    free(root);
    free(undo);
    free(tmp);
}
