/* The facts cache: round trips, damage, versions, concurrent writers, and the model using it. */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include "core/facts_fields.h"
#include "core/facts_image.h"
#include "core/prefilter.h"
#include "svcscope/cache.h"
#include "svcscope/fix.h"
#include "svcscope/report.h"
#include "svcscope/tree_report.h"
#include "svcscope/util.h"

/* ---- the demo's files and their facts ---- */

typedef struct demo_file {
    char *path;
    char *bytes;
    size_t len;
    svc_facts *facts;
    uint32_t *tokens;
    size_t ntokens;
    unsigned char id[20];
} demo_file;

static demo_file *demo;
static size_t ndemo;

static int load_demo(void **state)
{
    (void)state;
    svc_source *src = NULL;
    svc_error err = SVC_ERROR_INIT;
    /* A copy in a plain folder: the source tree may sit in a git clone that ignores it (distcheck). */
    char *root = tl_tempdir();
    char *cmd = svc_xasprintf("cp -R '%s/examples/demo/.' '%s/'", SVC_SRCDIR, root);
    int copied = system(cmd);
    free(cmd);
    /* facts the demo does not have: a settings class */
    tl_write(root, "conf/settings_class.py",
             "class Base:\n    INSTALLED_APPS = ['orders']\n    INSTALLED_APPS += ['billing']\n\n"
             "class Dev(Base):\n    @property\n    def INSTALLED_APPS(self):\n        return ['debug'] + super().x\n"
             "x = 1  # noqa: SVC201, E501\n");
    /* and an AppConfig's name, an abstract model */
    tl_write(root, "conf/apps.py",
             "class ConfConfig(AppConfig):\n    name = 'conf'\n\n"
             "class Stamped(Model):\n    class Meta:\n        abstract = True\n");
    if (copied != 0 || svc_source_open(&src, root, NULL, &err) < 0) {
        fprintf(stderr, "%s\n", copied != 0 ? "cannot copy examples/demo" : err.message);
        tl_rmrf(root);
        free(root);
        return -1;
    }
    demo = svc_xcalloc(svc_source_count(src), sizeof *demo);
    for (size_t i = 0; i < svc_source_count(src); i++) {
        const svc_source_file *sf = svc_source_at(src, i);
        if (!svc_str_ends_with(sf->path, ".py")) continue;
        demo_file *d = &demo[ndemo++];
        d->path = svc_xstrdup(sf->path);
        if (svc_source_read(src, i, &d->bytes, &d->len, &err) < 0) return -1;
        bool init = svc_str_ends_with(sf->path, "__init__.py");
        d->facts = svc_facts_extract(d->path, "demo.module", init, d->bytes, d->len);
        d->tokens = svc_tokens_of(d->bytes, d->len, &d->ntokens);
        svc_cache_blob_id(d->bytes, d->len, d->id);
    }
    svc_source_free(src);
    tl_rmrf(root);
    free(root);
    return ndemo > 20 ? 0 : -1;
}

static int free_demo(void **state)
{
    (void)state;
    for (size_t i = 0; i < ndemo; i++) {
        free(demo[i].path);
        free(demo[i].bytes);
        svc_facts_free(demo[i].facts);
        free(demo[i].tokens);
    }
    free(demo);
    return 0;
}

/* ---- comparing facts, field by field (every field of facts.h, written out here rather than taken
 * from facts_fields.h, so that a field missing from a list there fails the round trips) ---- */

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_span(svc_span a, svc_span b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static bool same_strs(const char *const *a, const char *const *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!same_str(a[i], b[i])) return false;
    return true;
}

static bool same_args(const svc_arg *a, const svc_arg *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!same_str(a[i].keyword, b[i].keyword) || !same_str(a[i].text, b[i].text) ||
            !same_str(a[i].chain, b[i].chain) || !same_span(a[i].span, b[i].span))
            return false;
    return true;
}

static bool same_facts(const svc_facts *a, const svc_facts *b)
{
    if (!same_str(a->path, b->path) || !same_str(a->module, b->module) || a->is_package != b->is_package ||
        a->has_bom != b->has_bom || a->crlf != b->crlf || a->binary != b->binary || a->lines != b->lines ||
        a->nimports != b->nimports || a->ndefs != b->ndefs || a->nrefs != b->nrefs || a->ncalls != b->ncalls ||
        a->nassigns != b->nassigns || a->nall != b->nall || a->has_all != b->has_all || a->nnoqa != b->nnoqa ||
        a->nerrors != b->nerrors)
        return false;
    for (size_t i = 0; i < a->nimports; i++) {
        const svc_import *x = &a->imports[i], *y = &b->imports[i];
        if (x->kind != y->kind || !same_str(x->module, y->module) || !same_str(x->name, y->name) ||
            !same_str(x->alias, y->alias) || !same_str(x->bound, y->bound) || !same_str(x->target, y->target) ||
            x->level != y->level || x->unresolved != y->unresolved || x->scope != y->scope ||
            !same_span(x->span, y->span) || !same_span(x->stmt_span, y->stmt_span) || x->stmt_names != y->stmt_names)
            return false;
    }
    for (size_t i = 0; i < a->ndefs; i++) {
        const svc_def *x = &a->defs[i], *y = &b->defs[i];
        if (x->kind != y->kind || !same_str(x->name, y->name) || !same_str(x->qualname, y->qualname) ||
            x->parent != y->parent || x->is_async != y->is_async || x->ndecorators != y->ndecorators ||
            x->nbases != y->nbases || x->nparams != y->nparams || x->body_statements != y->body_statements ||
            x->has_docstring != y->has_docstring || x->has_loop != y->has_loop ||
            x->meta_abstract != y->meta_abstract || !same_str(x->name_value, y->name_value) ||
            x->body_is_call != y->body_is_call || !same_span(x->span, y->span) ||
            !same_span(x->name_span, y->name_span) || !same_span(x->body_span, y->body_span) || x->indent != y->indent ||
            !same_strs(x->bases, y->bases, x->nbases))
            return false;
        for (size_t k = 0; k < x->ndecorators; k++) {
            const svc_decorator *p = &x->decorators[k], *q = &y->decorators[k];
            if (!same_str(p->raw, q->raw) || !same_str(p->callee, q->callee) || p->is_call != q->is_call ||
                p->nargs != q->nargs || !same_args(p->args, q->args, p->nargs) || !same_span(p->span, q->span) ||
                !same_span(p->args_span, q->args_span))
                return false;
        }
        for (size_t k = 0; k < x->nparams; k++) {
            const svc_param *p = &x->params[k], *q = &y->params[k];
            if (!same_str(p->name, q->name) || p->kind != q->kind || !same_str(p->default_text, q->default_text) ||
                !same_str(p->annotation, q->annotation))
                return false;
        }
    }
    for (size_t i = 0; i < a->nrefs; i++) {
        const svc_ref *x = &a->refs[i], *y = &b->refs[i];
        if (!same_str(x->raw, y->raw) || !same_str(x->resolved, y->resolved) || x->binding != y->binding ||
            x->import_index != y->import_index || x->scope != y->scope || x->flags != y->flags ||
            !same_span(x->span, y->span) || !same_span(x->head_span, y->head_span))
            return false;
    }
    for (size_t i = 0; i < a->ncalls; i++) {
        const svc_call *x = &a->calls[i], *y = &b->calls[i];
        if (x->ref != y->ref || !same_str(x->attr, y->attr) || !same_str(x->callee_text, y->callee_text) ||
            x->scope != y->scope || x->nargs != y->nargs || !same_args(x->args, y->args, x->nargs) ||
            !same_span(x->span, y->span) || !same_span(x->callee_span, y->callee_span) ||
            !same_span(x->args_span, y->args_span))
            return false;
    }
    for (size_t i = 0; i < a->nassigns; i++) {
        const svc_assign *x = &a->assigns[i], *y = &b->assigns[i];
        if (!same_str(x->name, y->name) || !same_str(x->value_chain, y->value_chain) || x->nstrings != y->nstrings ||
            !same_strs(x->strings, y->strings, x->nstrings) || !same_span(x->span, y->span) ||
            x->value_call != y->value_call)
            return false;
    }
    if (!same_strs(a->all, b->all, a->nall)) return false;
    if (a->nclass_apps != b->nclass_apps || !same_strs(a->class_apps, b->class_apps, a->nclass_apps)) return false;
    for (size_t i = 0; i < a->nnoqa; i++) {
        const svc_noqa *x = &a->noqa[i], *y = &b->noqa[i];
        if (x->row != y->row || x->all != y->all || x->ncodes != y->ncodes || !same_strs(x->codes, y->codes, x->ncodes) ||
            !same_span(x->span, y->span))
            return false;
    }
    for (size_t i = 0; i < a->nerrors; i++)
        if (!same_span(a->errors[i], b->errors[i])) return false;
    return true;
}

/* ---- writing caches ---- */

static char *cache_file(const char *dir)
{
    return svc_xasprintf("%s/svcscope/facts-cache", dir);
}

/* Writes the demo's records (every `step`th file), from `from` when given. */
static void write_demo(const char *path, size_t step, const svc_cache *from)
{
    svc_cache_record *recs = svc_xcalloc(ndemo, sizeof *recs);
    size_t n = 0;
    for (size_t i = 0; i < ndemo; i += step) {
        svc_cache_record *r = &recs[n++];
        r->path = demo[i].path;
        r->module = demo[i].facts->module;
        r->is_init = demo[i].facts->is_package;
        memcpy(r->id, demo[i].id, 20);
        r->tokens = demo[i].tokens;
        r->ntokens = demo[i].ntokens;
        r->needed = i % 2 == 0;
        long e = svc_cache_find(from, demo[i].path);
        if (e >= 0) {
            r->from = from;
            r->from_entry = e;
        } else {
            r->facts = demo[i].facts;
        }
    }
    uint32_t checked[] = { 1, 5, 9 };
    svc_cache_meta meta = { svc_cache_now_ns(), 42, checked, 3, from };
    assert_int_equal(svc_cache_write(path, recs, n, &meta), 0);
    free(recs);
}

/* Every entry of the cache is one of the demo's files and gives back its facts (or nothing when
 * `damaged_ok`); returns how many entries it has. */
static size_t verify(svc_cache *c, bool damaged_ok)
{
    size_t n = svc_cache_count(c);
    for (size_t i = 0; i < ndemo; i++) {
        long e = svc_cache_find(c, demo[i].path);
        if (e < 0) continue;
        assert_true(svc_cache_match_id(c, e, demo[i].facts->module, demo[i].facts->is_package, demo[i].id));
        const svc_facts *f = svc_cache_facts(c, e);
        if (!f) {
            assert_true(damaged_ok);
        } else if (!same_facts(f, demo[i].facts)) {
            fail_msg("facts of %s differ after the round trip", demo[i].path);
        }
        size_t nt = 0;
        const uint32_t *t = svc_cache_tokens(c, e, &nt);
        if (!t) assert_true(damaged_ok);
        else assert_true(nt == demo[i].ntokens && memcmp(t, demo[i].tokens, nt * 4) == 0);
        assert_int_equal(svc_cache_needed(c, e), i % 2 == 0);
    }
    return n;
}

static void test_round_trip(void **state)
{
    (void)state;
    char *dir = tl_tempdir();
    char *path = cache_file(dir);
    write_demo(path, 1, NULL);
    /* the first mapping is where the pointers expect it; a second one cannot be, and relocates */
    svc_cache *a = svc_cache_open(path);
    svc_cache *b = svc_cache_open(path);
    assert_int_equal(verify(a, false), ndemo);
    assert_int_equal(verify(b, false), ndemo);
    assert_int_equal(svc_cache_fingerprint(a), 42);
    size_t nchecked;
    const uint32_t *checked = svc_cache_checked(a, &nchecked);
    assert_int_equal(nchecked, 3);
    assert_int_equal(checked[2], 9);
    /* facts of another content, module or package-ness do not match */
    long e = svc_cache_find(a, demo[0].path);
    unsigned char other[20] = { 1 };
    assert_false(svc_cache_match_id(a, e, demo[0].facts->module, demo[0].facts->is_package, other));
    assert_false(svc_cache_match_id(a, e, "elsewhere", demo[0].facts->is_package, demo[0].id));
    assert_int_equal(svc_cache_find(a, "no/such/file.py"), -1);

    /* a cache rewritten from another one (blobs copied and moved) */
    char *path2 = svc_xasprintf("%s/second", dir);
    write_demo(path2, 1, b);
    svc_cache *c = svc_cache_open(path2);
    assert_int_equal(verify(c, false), ndemo);
    svc_cache_close(c);
    /* and from a zero-copy one, with only some of the files */
    write_demo(path2, 3, a);
    c = svc_cache_open(path2);
    assert_int_equal(verify(c, false), (ndemo + 2) / 3);
    svc_cache_close(c);
    /* rewritten in place of itself: the blobs stay where they are (append), then, with two
     * thirds of them gone, compacted */
    write_demo(path, 1, a);
    c = svc_cache_open(path);
    assert_int_equal(verify(c, false), ndemo);
    write_demo(path, 3, c);
    svc_cache *d = svc_cache_open(path);
    assert_int_equal(verify(d, false), (ndemo + 2) / 3);
    svc_cache_close(d);
    svc_cache_close(c);
    svc_cache_close(a);
    svc_cache_close(b);
    free(path2);
    free(path);
    tl_rmrf(dir);
    free(dir);
}

static void flip_byte(const char *path, off_t at)
{
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    unsigned char c;
    assert_int_equal(pread(fd, &c, 1, at), 1);
    c ^= 0x5a;
    assert_int_equal(pwrite(fd, &c, 1, at), 1);
    close(fd);
}

static off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static void test_damage_is_ignored(void **state)
{
    (void)state;
    char *dir = tl_tempdir();
    char *path = cache_file(dir);
    write_demo(path, 1, NULL);
    off_t size = file_size(path);
    char *good = svc_xasprintf("%s.good", path);
    char *cmd = svc_xasprintf("cp '%s' '%s'", path, good);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    /* one damaged byte anywhere: the file or that entry is ignored, never wrong */
    srand(7);
    for (int k = 0; k < 250; k++) {
        cmd = svc_xasprintf("cp '%s' '%s'", good, path);
        assert_int_equal(system(cmd), 0);
        free(cmd);
        off_t at = k < 50 ? (off_t)k * 7 : (off_t)((unsigned)rand() % (unsigned)size);
        flip_byte(path, at);
        svc_cache *c = svc_cache_open(path);
        size_t n = verify(c, true);
        assert_true(n == 0 || n == ndemo);
        svc_cache_close(c);
    }
    /* truncated: ignored */
    for (off_t len = 0; len < size; len += size / 9 + 1) {
        cmd = svc_xasprintf("cp '%s' '%s' && truncate -s %lld '%s'", good, path, (long long)len, path);
        assert_int_equal(system(cmd), 0);
        free(cmd);
        svc_cache *c = svc_cache_open(path);
        assert_int_equal(svc_cache_count(c), 0);
        assert_int_equal(svc_cache_find(c, demo[0].path), -1);
        svc_cache_close(c);
    }
    /* garbage and missing files */
    tl_write(dir, "svcscope/facts-cache", "not a cache at all");
    svc_cache *c = svc_cache_open(path);
    assert_int_equal(svc_cache_count(c), 0);
    svc_cache_close(c);
    unlink(path);
    c = svc_cache_open(path);
    assert_int_equal(svc_cache_count(c), 0);
    svc_cache_close(c);
    free(good);
    free(path);
    tl_rmrf(dir);
    free(dir);
}

static void test_version_stamp(void **state)
{
    (void)state;
    char *dir = tl_tempdir();
    char *path = cache_file(dir);
    write_demo(path, 1, NULL);
    svc_cache *c = svc_cache_open(path);
    assert_int_equal(svc_cache_count(c), ndemo);
    svc_cache_close(c);
    /* the version follows the 8-byte magic; the layout stamp (struct sizes) the version */
    for (off_t at = 8; at < 16; at += 4) {
        flip_byte(path, at);
        c = svc_cache_open(path);
        assert_int_equal(svc_cache_count(c), 0);
        svc_cache_close(c);
        flip_byte(path, at);
    }
    c = svc_cache_open(path);
    assert_int_equal(svc_cache_count(c), ndemo);
    svc_cache_close(c);
    free(path);
    tl_rmrf(dir);
    free(dir);
}

static void test_concurrent_writers(void **state)
{
    (void)state;
    char *dir = tl_tempdir();
    char *path = cache_file(dir);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            for (int round = 0; round < 25; round++) write_demo(path, k ? 2 : 1, NULL);
            /* what the child holds, freed (for valgrind, which follows forks) */
            free(path);
            free(dir);
            free_demo(NULL);
            _exit(0);
        }
    }
    /* meanwhile, every reader sees a whole file from one writer or the other (or none yet) */
    for (int round = 0; round < 60; round++) {
        svc_cache *c = svc_cache_open(path);
        size_t n = verify(c, false);
        assert_true(n == 0 || n == ndemo || n == (ndemo + 1) / 2);
        svc_cache_close(c);
    }
    for (int k = 0; k < 2; k++) {
        int status = 0;
        assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    svc_cache *c = svc_cache_open(path);
    size_t n = verify(c, false);
    assert_true(n == ndemo || n == (ndemo + 1) / 2);
    svc_cache_close(c);
    /* no temporary file is left behind */
    char *cmd = svc_xasprintf("test $(ls '%s/svcscope' | wc -l) -eq 1", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(path);
    tl_rmrf(dir);
    free(dir);
}

/* ---- every field of every facts structure ---- */

static svc_span span_at(uint32_t k)
{
    svc_span s = { k, k + 1, k + 2, k + 3, k + 4, k + 5 };
    return s;
}

/* Facts with every field holding a value of its own: no zero, false, NULL or empty array where
 * the field can hold anything else, so that a field the cache drops shows. */
typedef struct every_field {
    svc_facts facts;
    svc_import imports[2];
    svc_def defs[2];
    svc_decorator decorators[1];
    svc_arg decorator_args[2];
    const char *bases[2];
    svc_param params[2];
    svc_ref refs[2];
    svc_call calls[1];
    svc_arg call_args[1];
    svc_assign assigns[1];
    const char *assign_strings[2];
    const char *all[2];
    const char *class_apps[1];
    svc_noqa noqa[1];
    const char *codes[2];
    svc_span errors[2];
} every_field;

static void fill_every_field(every_field *e)
{
    memset(e, 0, sizeof *e);
    e->imports[0] = (svc_import){ SVC_IMPORT_STAR, "pkg.a", "n", "alias", "bound", "pkg.a.n", 2, true, 1,
                                  span_at(10), span_at(20), 3 };
    e->imports[1] = (svc_import){ SVC_IMPORT_FROM, "pkg.b", "m", "other", "m2", "pkg.b.m", 1, false, -1,
                                  span_at(30), span_at(40), 1 };
    e->decorator_args[0] = (svc_arg){ "bind", "True", "builtins.True", span_at(50) };
    e->decorator_args[1] = (svc_arg){ NULL, "queue", "pkg.queue", span_at(60) };
    e->decorators[0] = (svc_decorator){ "app.task", "proj.app.task", true, e->decorator_args, 2, span_at(70),
                                        span_at(80) };
    e->bases[0] = "django.db.models.Model";
    e->bases[1] = "pkg.Mixin";
    e->params[0] = (svc_param){ "kwargs", SVC_PARAM_KWARGS, "None", "dict" };
    e->params[1] = (svc_param){ "flag", SVC_PARAM_KWONLY, "False", "bool" };
    e->defs[0] = (svc_def){ .kind = SVC_DEF_CLASS, .name = "Outer", .qualname = "Outer", .parent = -1,
                            .is_async = true, .decorators = e->decorators, .ndecorators = 1, .bases = e->bases,
                            .nbases = 2, .params = e->params, .nparams = 2, .body_statements = 7,
                            .has_docstring = true, .has_loop = true, .meta_abstract = true, .name_value = "app",
                            .body_is_call = true, .span = span_at(90), .name_span = span_at(100),
                            .body_span = span_at(110), .indent = 4 };
    e->defs[1] = (svc_def){ .kind = SVC_DEF_FUNCTION, .name = "inner", .qualname = "Outer.inner", .parent = 0,
                            .body_statements = 1, .span = span_at(120), .name_span = span_at(130),
                            .body_span = span_at(140), .indent = 8 };
    e->refs[0] = (svc_ref){ "a.b", "pkg.a.b", SVC_BIND_IMPORT, 1, 0, SVC_REF_CALLED | SVC_REF_RAISE, span_at(150),
                            span_at(160) };
    e->refs[1] = (svc_ref){ "c", NULL, SVC_BIND_UNKNOWN, -1, 1, SVC_REF_STORE, span_at(170), span_at(180) };
    e->call_args[0] = (svc_arg){ "countdown", "5", "five", span_at(190) };
    e->calls[0] = (svc_call){ 1, "delay", "c.delay", 0, e->call_args, 1, span_at(200), span_at(210),
                              span_at(220) };
    e->assign_strings[0] = "orders";
    e->assign_strings[1] = "billing";
    e->assigns[0] = (svc_assign){ "INSTALLED_APPS", "pkg.apps", e->assign_strings, 2, span_at(230), 0 };
    e->all[0] = "Outer";
    e->all[1] = "inner";
    e->class_apps[0] = "debug";
    e->codes[0] = "SVC201";
    e->codes[1] = "E501";
    e->noqa[0] = (svc_noqa){ 9, true, e->codes, 2, span_at(240) };
    e->errors[0] = span_at(250);
    e->errors[1] = span_at(260);
    e->facts = (svc_facts){ .path = "pkg/mod.py", .module = "pkg.mod", .is_package = true, .has_bom = true,
                            .crlf = true, .binary = true, .lines = 99, .imports = e->imports, .nimports = 2,
                            .defs = e->defs, .ndefs = 2, .refs = e->refs, .nrefs = 2, .calls = e->calls,
                            .ncalls = 1, .assigns = e->assigns, .nassigns = 1, .all = e->all, .nall = 2,
                            .has_all = true, .class_apps = e->class_apps, .nclass_apps = 1, .noqa = e->noqa,
                            .nnoqa = 1, .errors = e->errors, .nerrors = 2 };
}

static void test_every_field_round_trips(void **state)
{
    (void)state;
    every_field e;
    fill_every_field(&e);
    char *dir = tl_tempdir();
    char *path = cache_file(dir);
    uint32_t tokens[] = { 3, 7 };
    svc_cache_record rec = { .path = e.facts.path, .module = e.facts.module, .is_init = true, .facts = &e.facts,
                             .tokens = tokens, .ntokens = 2 };
    svc_cache_meta meta = { svc_cache_now_ns(), 0, NULL, 0, NULL };
    assert_int_equal(svc_cache_write(path, &rec, 1, &meta), 0);
    /* in place, then relocated */
    svc_cache *a = svc_cache_open(path);
    svc_cache *b = svc_cache_open(path);
    const svc_facts *fa = svc_cache_facts(a, 0), *fb = svc_cache_facts(b, 0);
    assert_non_null(fa);
    assert_non_null(fb);
    assert_true(same_facts(fa, &e.facts));
    assert_true(same_facts(fb, &e.facts));
    /* and moved into another file */
    char *path2 = svc_xasprintf("%s/second", dir);
    svc_cache_record moved = rec;
    moved.facts = NULL;
    moved.from = b;
    moved.from_entry = 0;
    assert_int_equal(svc_cache_write(path2, &moved, 1, &meta), 0);
    svc_cache *c = svc_cache_open(path2);
    const svc_facts *fc = svc_cache_facts(c, 0);
    assert_non_null(fc);
    assert_true(same_facts(fc, &e.facts));
    svc_cache_close(c);
    svc_cache_close(b);
    svc_cache_close(a);
    free(path2);
    free(path);
    tl_rmrf(dir);
    free(dir);
}

/* The lists of facts_fields.h cover every byte of their structure that the compiler says is a
 * field, and no padding: a field missing from a list fails here even when it sits in another's
 * padding, where the build's own layout check cannot see it. */
#define COVER(name) cover(covered, offsetof(type_, name), sizeof(((type_ *)0)->name));
#define COVER_VALUE(type, name) COVER(name)
#define COVER_INDEX(name, limit) COVER(name)
#define COVER_STR(name) COVER(name)
#define COVER_NAME(name) COVER(name)
#define COVER_STRS(name, count) COVER(name) COVER(count)
#define COVER_ARRAY(type, name, count) COVER(name) COVER(count)
#define COVER_UNSAVED(type, name) COVER(name)
#define COVER_FIELD(kind, ...) COVER_##kind(__VA_ARGS__)
#define CHECK_COVERAGE(T, LIST)                                                                      \
    {                                                                                                \
        typedef T type_;                                                                             \
        unsigned char covered[sizeof(type_)] = { 0 };                                                \
        LIST(COVER_FIELD)                                                                            \
        type_ probe;                                                                                 \
        memset(&probe, 0xff, sizeof probe);                                                          \
        __builtin_clear_padding(&probe);                                                             \
        const unsigned char *bytes = (const unsigned char *)&probe;                                  \
        for (size_t at = 0; at < sizeof probe; at++)                                                 \
            if ((bytes[at] != 0) != (covered[at] != 0))                                              \
                fail_msg("%s: byte %zu is %s but %s by its list in facts_fields.h", #T, at,          \
                         bytes[at] ? "a field's" : "padding", covered[at] ? "covered" : "not covered");  \
    }

#if defined(__has_builtin)
#if __has_builtin(__builtin_clear_padding)
#define HAVE_CLEAR_PADDING 1
#endif
#endif

#ifdef HAVE_CLEAR_PADDING
static void cover(unsigned char *covered, size_t at, size_t size)
{
    memset(covered + at, 1, size);
}
#endif

static void test_lists_cover_every_field(void **state)
{
    (void)state;
#ifdef HAVE_CLEAR_PADDING
    SVC_FACTS_STRUCTS(CHECK_COVERAGE)
#else
    skip(); /* no __builtin_clear_padding (GCC 11 has it): the round trip above is the check */
#endif
}

static void put_word(char *img, uintptr_t at, uintptr_t v)
{
    memcpy(img + at, &v, sizeof v);
}

static void put_int(char *img, uintptr_t at, int v)
{
    memcpy(img + at, &v, sizeof v);
}

/* Damaged images are refused, also where the image is mapped read-only and checked in place (the
 * check then only reads); a good one is used in place or moved. */
static void test_damaged_images_refused_in_place(void **state)
{
    (void)state;
    every_field e;
    fill_every_field(&e);
    size_t len, strings;
    free(svc_facts_image_new(&e.facts, 0x10000, &len, &strings)); /* its size: the same anywhere */
    size_t maplen = (len + 4095) & ~(size_t)4095;
    char *region = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(region != MAP_FAILED);
    uintptr_t at = (uintptr_t)region;
    char *img = svc_facts_image_new(&e.facts, at, &len, &strings);
    const svc_facts *f = (const svc_facts *)(void *)img;
    uintptr_t defs = (uintptr_t)f->defs - at, refs = (uintptr_t)f->refs - at, assigns = (uintptr_t)f->assigns - at;
    uintptr_t noqa = (uintptr_t)f->noqa - at;

    memcpy(region, img, len);
    assert_int_equal(mprotect(region, maplen, PROT_READ), 0);
    assert_true(svc_facts_image_check(region, len, strings, at, 0, false));
    assert_true(same_facts((const svc_facts *)(void *)region, &e.facts));

    /* moved: checked and relocated where it is */
    char *copy = svc_xmalloc(len);
    memcpy(copy, img, len);
    assert_true(svc_facts_image_check(copy, len, strings, at, (intptr_t)((uintptr_t)copy - at), true));
    assert_true(same_facts((const svc_facts *)(void *)copy, &e.facts));
    free(copy);

    enum { PATH_OUTSIDE, MODULE_IN_STRUCTS, DEFS_MISALIGNED, NAME_NULL, PARENT_AHEAD, IMPORT_INDEX_OUT,
           VALUE_CALL_OUT, CODES_TOO_MANY, ARENA_SET, STRINGS_UNTERMINATED, DAMAGES };
    for (int d = 0; d < DAMAGES; d++) {
        assert_int_equal(mprotect(region, maplen, PROT_READ | PROT_WRITE), 0);
        memcpy(region, img, len);
        switch (d) {
        case PATH_OUTSIDE: put_word(region, offsetof(svc_facts, path), at + len + 64); break;
        case MODULE_IN_STRUCTS: put_word(region, offsetof(svc_facts, module), at + 8); break;
        case DEFS_MISALIGNED: put_word(region, offsetof(svc_facts, defs), at + defs + 4); break;
        case NAME_NULL: put_word(region, defs + offsetof(svc_def, name), 0); break;
        case PARENT_AHEAD: put_int(region, defs + sizeof(svc_def) + offsetof(svc_def, parent), 1); break;
        case IMPORT_INDEX_OUT: put_int(region, refs + offsetof(svc_ref, import_index), 2); break;
        case VALUE_CALL_OUT: put_int(region, assigns + offsetof(svc_assign, value_call), 1); break;
        case CODES_TOO_MANY: put_word(region, noqa + offsetof(svc_noqa, ncodes), 1u << 20); break;
        case ARENA_SET: put_word(region, offsetof(svc_facts, arena), at); break;
        case STRINGS_UNTERMINATED: region[len - 1] = 'x'; break;
        }
        assert_int_equal(mprotect(region, maplen, PROT_READ), 0);
        if (svc_facts_image_check(region, len, strings, at, 0, false)) fail_msg("damage %d not seen", d);
    }
    free(img);
    munmap(region, maplen);
}

/* ---- the model with the cache and the pre-filter ---- */

typedef struct built {
    svc_source *src;
    svc_config cfg;
    svc_model *m;
    char *check_json;
    char *tree_json;
} built;

static void build(built *b, const char *root, const char *cache, bool check_only)
{
    memset(b, 0, sizeof *b);
    svc_error err = SVC_ERROR_INIT;
    svc_config_init(&b->cfg);
    if (svc_source_open(&b->src, root, NULL, &err) < 0) fail_msg("%s", err.message);
    if (svc_config_load(&b->cfg, svc_source_root(b->src), &err) < 0) fail_msg("%s", err.message);
    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.cache = cache != NULL;
    mo.cache_path = cache;
    mo.check_only = check_only;
    if (svc_model_build(&b->m, b->src, &b->cfg, &mo, &err) < 0) fail_msg("%s", err.message);
    svc_check_options co = { 0 };
    svc_diagnostics *d = svc_check(b->m, &co);
    svc_diagnostics_compute_fixes(b->m, d);
    svc_report_options ro = { false, "test" };
    b->check_json = svc_report_render(b->m, d, SVC_FORMAT_JSON, &ro);
    svc_diagnostics_free(d);
    b->tree_json = check_only ? NULL : svc_tree_json(b->m);
}

static void unbuild(built *b)
{
    svc_model_free(b->m);
    svc_source_free(b->src);
    svc_config_free(&b->cfg);
    free(b->check_json);
    free(b->tree_json);
}

/* Builds, checks the outputs against the reference, frees (which waits for the cache writer). */
static void step(const built *ref, const char *root, const char *cache, bool check_only, size_t *parsed,
                 size_t *cached, size_t *unparsed, size_t *read)
{
    built b;
    build(&b, root, cache, check_only);
    assert_string_equal(b.check_json, ref->check_json);
    if (!check_only) assert_string_equal(b.tree_json, ref->tree_json);
    *parsed = b.m->stats.parsed;
    *cached = b.m->stats.cached;
    *unparsed = b.m->stats.unparsed;
    *read = b.m->stats.read;
    unbuild(&b);
}

static void test_model_same_with_cache_and_prefilter(void **state)
{
    (void)state;
    char *dir = tl_tempdir();
    /* A copy in a plain folder: the source tree may sit in a git clone that ignores it (distcheck). */
    char *root = svc_xasprintf("%s/demo", dir);
    /* Files written in the same second as the cache are racily clean and re-read (as git does):
     * backdate the copy so that the warm builds below can trust their stat. */
    char *cmd = svc_xasprintf("mkdir -p '%s' && cp -R '%s/examples/demo/.' '%s/' && "
                              "find '%s' -exec touch -d @1577836800 {} +",
                              root, SVC_SRCDIR, root, root);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    /* tracked, so blob ids come from the index without reading (as for a user's repository) */
    tl_git(root, "init -q");
    tl_git(root, "add -A");
    tl_git(root, "commit -q -m demo");
    char *cache = svc_xasprintf("%s/facts-cache", dir);
    built ref;
    build(&ref, root, NULL, false);
    size_t nfiles = ref.m->nfiles;
    assert_int_equal(ref.m->stats.parsed, nfiles);
    size_t parsed, cached, unparsed, read, unparsed_cold;

    step(&ref, root, cache, true, &parsed, &cached, &unparsed_cold, &read); /* check-only, no cache yet */
    assert_int_equal(cached, 0);
    assert_true(unparsed_cold > 0);
    step(&ref, root, cache, true, &parsed, &cached, &unparsed, &read); /* check-only again: nothing read */
    assert_int_equal(parsed, 0);
    assert_int_equal(read, 0);
    assert_int_equal(unparsed, unparsed_cold);
    step(&ref, root, cache, false, &parsed, &cached, &unparsed, &read); /* full: parses what was left out */
    assert_int_equal(parsed, unparsed_cold);
    assert_int_equal(unparsed, 0);
    step(&ref, root, cache, false, &parsed, &cached, &unparsed, &read); /* full, all from the cache */
    assert_int_equal(cached, nfiles);
    assert_int_equal(read, 0);
    step(&ref, root, cache, true, &parsed, &cached, &unparsed, &read); /* check-only on what a full build wrote */
    assert_int_equal(parsed, 0);
    assert_int_equal(read, 0);
    unbuild(&ref);
    free(cache);
    free(root);
    tl_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_field_round_trips),
        cmocka_unit_test(test_lists_cover_every_field),
        cmocka_unit_test(test_damaged_images_refused_in_place),
        cmocka_unit_test(test_damage_is_ignored),
        cmocka_unit_test(test_version_stamp),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_model_same_with_cache_and_prefilter),
    };
    return cmocka_run_group_tests(tests, load_demo, free_demo);
}
