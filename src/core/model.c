/*
 * Model: files + facts -> services, apps, tasks, wrappers, exceptions, symbols.
 * Definitions follow spec "Words" (see docs/model.md for the choices where it is silent).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/app_evidence.h"
#include "core/prefilter.h"
#include "svcscope/cache.h"
#include "svcscope/model.h"
#include "svcscope/quote.h"
#include "svcscope/scope.h"
#include "svcscope/util.h"

/* ---- small helpers ----------------------------------------------------------- */

static const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Folder part of a path ("" for a top-level file), in the arena. */
static char *dirname_of(svc_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? svc_arena_strndup(a, path, (size_t)(slash - path)) : svc_arena_strdup(a, "");
}

static char *join_path(svc_arena *a, const char *dir, const char *name)
{
    return *dir ? svc_arena_printf(a, "%s/%s", dir, name) : svc_arena_strdup(a, name);
}

static bool path_within(const char *path, const char *folder)
{
    if (!*folder) return true;
    size_t n = strlen(folder);
    return strncmp(path, folder, n) == 0 && path[n] == '/';
}

static bool is_identifier(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9') ||
                  (unsigned char)c >= 0x80;
        if (!ok) return false;
    }
    return true;
}

static bool is_test_path(const char *path_in_service)
{
    const char *base = basename_of(path_in_service);
    if (svc_str_starts_with(base, "test_") || svc_str_ends_with(base, "_test.py")) return true;
    /* anything under a `tests` folder */
    for (const char *p = path_in_service; (p = strstr(p, "tests/")) != NULL; p++)
        if (p == path_in_service || p[-1] == '/') return true;
    return false;
}

/* ---- folders and module names ------------------------------------------------ */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct parse_state;

typedef struct build_ctx {
    svc_model *m;
    svc_map *folder_set;    /* every folder -> (void*)1 */
    svc_map *package_dirs;  /* folders that hold __init__.py */
    svc_map *prefixes;      /* folder -> folder_name* (folder_dotted) */
    struct parse_state *ps; /* parsing (below) */
    svc_scope *scope;       /* the files that are the project */
} build_ctx;

static void collect_folders(build_ctx *b)
{
    svc_model *m = b->m;
    size_t n = svc_source_count(m->source);
    SVC_VEC(char *) folders = { 0 };
    for (size_t i = 0; i < n; i++) {
        const char *path = svc_source_at(m->source, i)->path;
        if (svc_scope_excluded(b->scope, path)) continue;
        /* every ancestor folder */
        for (const char *p = path; (p = strchr(p, '/')) != NULL; p++) {
            char *dir = svc_arena_strndup(m->arena, path, (size_t)(p - path));
            if (!svc_map_get(b->folder_set, dir)) {
                svc_map_put(b->folder_set, dir, (void *)1);
                svc_vec_push(&folders, dir);
            }
        }
        if (strcmp(basename_of(path), "__init__.py") == 0)
            svc_map_put(b->package_dirs, dirname_of(m->arena, path), (void *)1);
    }
    m->folders = folders.items;
    m->nfolders = folders.len;
    if (m->nfolders > 1) qsort(m->folders, m->nfolders, sizeof *m->folders, compare_strings);
}

static bool is_package_dir(const build_ctx *b, const char *dir)
{
    return *dir && svc_map_get(b->package_dirs, dir) != NULL;
}

/*
 * The dotted name of a folder for module_name_for (below), or NULL when no package encloses it:
 * the folders from the outermost package among its ancestors (climbing only through
 * identifier-named folders) down to it. Memoized per folder (build_ctx.prefixes).
 */
typedef struct folder_name {
    const char *top;    /* the outermost package folder, or NULL */
    const char *dotted; /* NULL when top is */
} folder_name;

static folder_name folder_dotted(build_ctx *b, const char *dir)
{
    folder_name none = { NULL, NULL };
    if (!*dir) return none;
    folder_name *known = svc_map_get(b->prefixes, dir);
    if (known) return *known;
    folder_name r = none;
    const char *name = basename_of(dir);
    if (is_identifier(name, strlen(name))) {
        folder_name up = folder_dotted(b, dirname_of(b->m->arena, dir));
        if (up.top) {
            r.top = up.top;
            r.dotted = svc_arena_printf(b->m->arena, "%s.%s", up.dotted, name);
        } else if (is_package_dir(b, dir)) {
            r.top = dir;
            r.dotted = name;
        }
    }
    folder_name *memo = svc_arena_alloc(b->m->arena, sizeof *memo);
    *memo = r;
    svc_map_put(b->prefixes, dir, memo);
    return r;
}

/*
 * The dotted name Python would import a file as. The import root (where sys.path would point) is
 * the folder above the outermost package among the file's ancestors; folders between without an
 * __init__.py are namespace packages inside it (`shop/jobs/search.py` with only `shop/__init__.py`
 * is `shop.jobs.search`). A file whose stem is no identifier (a migration `0002_x.py`) cannot be
 * imported, but still gets a dotted name so its relative imports resolve against its package.
 */
static const char *module_name_for(build_ctx *b, const char *path)
{
    svc_arena *a = b->m->arena;
    const char *base = basename_of(path);
    size_t blen = strlen(base);
    if (blen < 4 || strcmp(base + blen - 3, ".py") != 0) return NULL;
    bool is_init = strcmp(base, "__init__.py") == 0;
    folder_name dir = folder_dotted(b, dirname_of(a, path));
    if (!dir.top) {
        if (is_init || !is_identifier(base, blen - 3)) return NULL;
        return svc_arena_strndup(a, base, blen - 3);
    }
    if (is_init) return dir.dotted;
    return svc_arena_printf(a, "%s.%.*s", dir.dotted, (int)(blen - 3), base);
}

static const char *folder_module(build_ctx *b, const char *folder)
{
    char *init = join_path(b->m->arena, folder, "__init__.py");
    const char *mod = module_name_for(b, init);
    if (mod) return mod;
    /* a folder without __init__.py: its name under the parent's module */
    char *parent = dirname_of(b->m->arena, folder);
    const char *pmod = is_package_dir(b, parent) ? folder_module(b, parent) : NULL;
    return pmod ? svc_arena_printf(b->m->arena, "%s.%s", pmod, basename_of(folder))
                : svc_arena_strdup(b->m->arena, basename_of(folder));
}

/* ---- parsing: read, pre-filter, extract or take from the cache (threaded) ------ */

/*
 * Every Python file goes through process(): its facts come from the cache when an entry matches
 * its content, else from svc_facts_extract on its bytes. A check-only model first asks the
 * pre-filter (docs/performance.md): a file that no rule reads by its path, and whose identifiers
 * include none of the words a rule could react to, is left unparsed. What the parsed files'
 * facts name (modules their names run through) is then parsed too, round after round, until
 * nothing new is needed; then the names that re-export services, tasks and wrappers outside
 * the services package ("taint") are looked for in the unparsed files, and so on.
 */

enum file_status { ST_TODO, ST_PARSED, ST_CACHED, ST_UNPARSED, ST_FAILED };

typedef struct file_work {
    size_t src;            /* index into the source */
    long entry;            /* cache entry with this path, -1 */
    uint8_t status;
    bool must;             /* must have facts: a rule reads it by path, or the closure needs it */
    bool app_words;        /* a non-test file of a Django app: ORM write words matter (SVC501) */
    bool match_known;      /* matched is decided */
    bool matched;          /* the cache entry describes this content */
    bool stat_changed;     /* matched by content, not by stat: the entry is rewritten */
    bool have_id;
    bool tokens_owned;
    bool tokens_checked;   /* tokens of a cache entry the writing run checked against its names */
    unsigned char id[20];  /* git blob id of the content */
    const uint32_t *tokens;
    size_t ntokens;
} file_work;

typedef SVC_VEC(size_t) index_vec;

/* A facts string that runs through a module's member: `s` up to mlen is the module. */
typedef struct deferred {
    const char *s;
    size_t mlen;
} deferred;
typedef SVC_VEC(deferred) deferred_vec;

typedef struct mod_entry {
    const char *name;
    size_t file;
} mod_entry;

/*
 * One word the pre-filter looks for: an identifier; for a re-exported name, the identifier and
 * how a file reaches the module that binds it (that module's last name, or being inside its
 * package, where relative imports need not write it).
 */
typedef struct word {
    uint32_t hash;
    uint32_t id;           /* what the cache's `checked` list records */
    bool with;             /* also needs `with_hash`, or a path inside `folder` */
    uint32_t with_hash;
    const char *folder;
    bool in_old_checked;   /* the cache's unparsed entries are known not to hold it */
} word;
typedef SVC_VEC(word) word_vec;

#define MAX_THREADS 64

struct parse_state {
    const svc_model_options *opts;
    file_work *work;
    svc_cache *cache;
    bool check_only;
    bool fast;             /* the cache's pre-filter verdicts hold (same fingerprint) */
    int threads;
    uint64_t fingerprint;
    word_vec base_words, app_words, taint;
    size_t taint_probed;   /* taint words [0, taint_probed) were probed in every unparsed file */
    bool taint_skipped;    /* the taint words are the cache's `checked` ones (nothing changed) */
    svc_map *taint_names;
    mod_entry *mods;       /* modules of the repo, sorted by name */
    size_t nmods;
    index_vec needs[MAX_THREADS];
    deferred_vec defer[MAX_THREADS];
    deferred_vec pending;  /* deferred strings whose module is not parsed yet */
    svc_map *member_seen;  /* "module.member" -> (void*)1 once its bindings were followed */
    SVC_VEC(char *) owned; /* strings built by the closure */
    atomic_size_t done, parsed, cached, read;
    const char *marks[16];
    int64_t mark_ns[16];
    int nmarks;
};

/* ---- parallel loop ---- */

typedef void (*job_fn)(build_ctx *b, size_t file, int worker);

typedef struct job {
    build_ctx *b;
    const size_t *items;
    size_t n;
    job_fn fn;
    atomic_size_t next;
    atomic_int worker_ids;
    bool progress;
} job;

static void job_run(job *j, int worker)
{
    const svc_model_options *opts = j->b->ps->opts;
    for (;;) {
        size_t k = atomic_fetch_add(&j->next, 1);
        if (k >= j->n) break;
        j->fn(j->b, j->items[k], worker);
        if (j->progress) {
            size_t done = atomic_fetch_add(&j->b->ps->done, 1) + 1;
            if (worker == 0 && opts->progress) opts->progress(opts->progress_ctx, done, j->b->m->nfiles);
        }
    }
}

static void *job_thread(void *arg)
{
    job *j = arg;
    job_run(j, atomic_fetch_add(&j->worker_ids, 1));
    return NULL;
}

/* Runs fn on every item, on the building thread and threads-1 others. */
static void run_jobs(build_ctx *b, const size_t *items, size_t n, job_fn fn, bool progress)
{
    if (!n) return;
    job j = { .b = b, .items = items, .n = n, .fn = fn, .progress = progress };
    atomic_init(&j.next, 0);
    atomic_init(&j.worker_ids, 1);
    int threads = b->ps->threads;
    if ((size_t)threads > n) threads = (int)n;
    pthread_t tids[MAX_THREADS];
    int started = 0;
    for (int t = 1; t < threads; t++)
        if (pthread_create(&tids[started], NULL, job_thread, &j) == 0) started++;
    job_run(&j, 0);
    for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
}

/* ---- the pre-filter's words ---- */

static bool has_word(const file_work *w, const char *path, const word_vec *words, size_t from, bool skip_old_checked)
{
    for (size_t k = from; k < words->len; k++) {
        const word *wd = &words->items[k];
        if (skip_old_checked && wd->in_old_checked) continue;
        if (!svc_tokens_has(w->tokens, w->ntokens, wd->hash)) continue;
        if (!wd->with || svc_tokens_has(w->tokens, w->ntokens, wd->with_hash)) return true;
        if (wd->folder && path_within(path, wd->folder)) return true;
    }
    return false;
}

/* True when a file that no rule reads by path holds a word some rule reacts to. */
static bool relevant(const build_ctx *b, const file_work *w, const char *path)
{
    const struct parse_state *ps = b->ps;
    if (!w->tokens) return true;
    if (has_word(w, path, &ps->base_words, 0, false)) return true;
    if (w->app_words && has_word(w, path, &ps->app_words, 0, false)) return true;
    return has_word(w, path, &ps->taint, 0, w->tokens_checked);
}

static bool in_sorted(const uint32_t *v, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && v[lo] == x;
}

static void push_word(struct parse_state *ps, word_vec *v, word wd)
{
    size_t nchecked = 0;
    const uint32_t *checked = svc_cache_checked(ps->cache, &nchecked);
    wd.in_old_checked = in_sorted(checked, nchecked, wd.id);
    svc_vec_push(v, wd);
}

static void add_word(struct parse_state *ps, word_vec *v, const char *name, size_t n)
{
    word wd = { 0 };
    wd.hash = wd.id = svc_ident_hash(name, n);
    push_word(ps, v, wd);
}

/* ---- the closure: modules a file's facts run through ---- */

/* First module entry whose name is not below the first n bytes of p. */
static size_t mod_lower(const struct parse_state *ps, const char *p, size_t n)
{
    size_t lo = 0, hi = ps->nmods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *name = ps->mods[mid].name;
        int c = strncmp(name, p, n);
        if (c == 0 && name[n] != '\0') c = 1;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/*
 * Every module of the repo that is a dotted prefix of `s` is needed (its symbols are what
 * resolving `s` looks at). When `s` goes on past the deepest such module with a member and
 * more ("pkg.mod.Member.rest"), the member may be an alias whose target the rest continues:
 * that is deferred until the module's facts are known.
 */
static void need_string(struct parse_state *ps, const char *s, index_vec *needs, deferred_vec *defer)
{
    if (!s || !*s) return;
    size_t len = strlen(s);
    size_t n = strcspn(s, ".");
    size_t deepest = 0;
    for (;;) {
        size_t i = mod_lower(ps, s, n);
        bool deeper = false;
        for (; i < ps->nmods && strncmp(ps->mods[i].name, s, n) == 0; i++) {
            char c = ps->mods[i].name[n];
            if (c == '\0') {
                svc_vec_push(needs, ps->mods[i].file);
                deepest = n;
                continue;
            }
            deeper = c == '.';
            break;
        }
        if (n >= len) return;
        if (!deeper) break;
        n = n + 1 + strcspn(s + n + 1, ".");
    }
    /* a member of the deepest module, followed by more */
    if (!deepest) return;
    const char *member = s + deepest + 1;
    if (!strchr(member, '.')) return;
    deferred d = { s, deepest };
    svc_vec_push(defer, d);
}

static void compute_needs(build_ctx *b, const svc_facts *f, int worker)
{
    struct parse_state *ps = b->ps;
    index_vec *needs = &ps->needs[worker];
    deferred_vec *defer = &ps->defer[worker];
    for (size_t k = 0; k < f->nimports; k++) {
        need_string(ps, f->imports[k].module, needs, defer);
        need_string(ps, f->imports[k].target, needs, defer);
    }
    for (size_t k = 0; k < f->nrefs; k++) need_string(ps, f->refs[k].resolved, needs, defer);
    for (size_t k = 0; k < f->ndefs; k++) {
        const svc_def *d = &f->defs[k];
        for (size_t i = 0; i < d->nbases; i++) need_string(ps, d->bases[i], needs, defer);
        for (size_t i = 0; i < d->ndecorators; i++) {
            need_string(ps, d->decorators[i].callee, needs, defer);
            for (size_t a = 0; a < d->decorators[i].nargs; a++)
                need_string(ps, d->decorators[i].args[a].chain, needs, defer);
        }
    }
    for (size_t k = 0; k < f->ncalls; k++)
        for (size_t a = 0; a < f->calls[k].nargs; a++) need_string(ps, f->calls[k].args[a].chain, needs, defer);
    for (size_t k = 0; k < f->nassigns; k++) need_string(ps, f->assigns[k].value_chain, needs, defer);
}

/* ---- one file ---- */

static bool read_bytes(build_ctx *b, size_t i, char **bytes, size_t *len)
{
    svc_file *f = &b->m->files[i];
    svc_error err = SVC_ERROR_INIT;
    if (svc_source_read(b->m->source, b->ps->work[i].src, bytes, len, &err) < 0) {
        free((char *)f->read_error);
        f->read_error = svc_xstrdup(err.message);
        return false;
    }
    atomic_fetch_add(&b->ps->read, 1);
    return true;
}

static void process(build_ctx *b, size_t i, int worker)
{
    struct parse_state *ps = b->ps;
    svc_file *f = &b->m->files[i];
    file_work *w = &ps->work[i];
    const svc_source_file *sf = svc_source_at(b->m->source, w->src);
    char *bytes = NULL;
    size_t len = 0;
    bool have_bytes = false;

    /* 1. the cache entry with this path: same content? (by blob id, by stat, else by hashing) */
    if (ps->cache && w->entry >= 0 && !w->match_known) {
        w->match_known = true;
        svc_cache_match r = svc_cache_match_file(ps->cache, w->entry, f->module, f->is_init, sf);
        if (r == SVC_CACHE_NEEDS_ID) {
            if (!read_bytes(b, i, &bytes, &len)) goto failed;
            have_bytes = true;
            svc_cache_blob_id(bytes, len, w->id);
            w->have_id = true;
            r = svc_cache_match_id(ps->cache, w->entry, f->module, f->is_init, w->id) ? SVC_CACHE_MATCH
                                                                                       : SVC_CACHE_MISMATCH;
            w->stat_changed = r == SVC_CACHE_MATCH;
        }
        w->matched = r == SVC_CACHE_MATCH;
        if (w->matched) {
            memcpy(w->id, svc_cache_id(ps->cache, w->entry), 20);
            w->have_id = true;
            w->tokens = svc_cache_tokens(ps->cache, w->entry, &w->ntokens);
            w->tokens_checked = w->tokens && !svc_cache_needed(ps->cache, w->entry);
        }
    }
    if (w->matched) {
        if (ps->check_only && !w->must) {
            /* With the same fingerprint the last verdict stands; else the words decide. */
            bool skip = w->tokens && (ps->fast ? !svc_cache_needed(ps->cache, w->entry) : !relevant(b, w, f->path));
            if (skip) {
                free(bytes);
                w->status = ST_UNPARSED;
                return;
            }
        }
        const svc_facts *facts = svc_cache_has_facts(ps->cache, w->entry) ? svc_cache_facts(ps->cache, w->entry) : NULL;
        if (facts) {
            free(bytes);
            f->facts = facts;
            w->status = ST_CACHED;
            atomic_fetch_add(&ps->cached, 1);
            /* with the same fingerprint, what it needs was parsed last time and still is */
            if (ps->check_only && !ps->fast) compute_needs(b, facts, worker);
            return;
        }
    }

    /* 2. the bytes */
    if (!have_bytes && !read_bytes(b, i, &bytes, &len)) goto failed;
    if (!w->have_id && ps->cache) {
        if (sf->has_oid) memcpy(w->id, sf->oid, 20);
        else svc_cache_blob_id(bytes, len, w->id);
        w->have_id = true;
    }
    /* The words: for the pre-filter, and for the cache (a later check-only build decides with
     * them without reading the file). A file that is parsed anyway needs none. */
    if (!w->tokens && (ps->check_only ? !w->must : ps->cache != NULL)) {
        w->tokens = svc_tokens_of(bytes, len, &w->ntokens);
        w->tokens_owned = true;
        w->tokens_checked = false;
    }
    /* binary content is "parsed" (to nothing), so that the model says the file is binary */
    bool binary = len && memchr(bytes, '\0', len < 8000 ? len : 8000);
    if (ps->check_only && !w->must && !binary && !relevant(b, w, f->path)) {
        free(bytes);
        w->status = ST_UNPARSED;
        return;
    }
    f->facts = svc_facts_extract(f->path, f->module, f->is_init, bytes, len);
    free(bytes);
    w->status = ST_PARSED;
    atomic_fetch_add(&ps->parsed, 1);
    if (ps->check_only) compute_needs(b, f->facts, worker);
    return;

failed:
    free(bytes);
    f->facts = svc_facts_extract(f->path, f->module, f->is_init, "", 0);
    w->status = ST_FAILED;
}

/* True when some file's content was not the cache's (it was read and decided anew). */
static bool any_fresh(const build_ctx *b)
{
    for (size_t i = 0; i < b->m->nfiles; i++) {
        const file_work *w = &b->ps->work[i];
        if (w->status == ST_PARSED || w->status == ST_FAILED || (w->status == ST_UNPARSED && !w->matched)) return true;
    }
    return false;
}

/* Unparsed files get empty facts (built here, on the building thread: the arena is not shared). */
static void give_empty_facts(build_ctx *b)
{
    svc_model *m = b->m;
    for (size_t i = 0; i < m->nfiles; i++) {
        if (b->ps->work[i].status != ST_UNPARSED || m->files[i].facts) continue;
        svc_facts *f = svc_arena_alloc(m->arena, sizeof *f);
        f->path = m->files[i].path;
        f->module = m->files[i].module;
        f->is_package = m->files[i].is_init;
        m->files[i].facts = f;
    }
}

/* Marks a file needed; true when it was unparsed and now has to be parsed. */
static bool make_needed(build_ctx *b, size_t file)
{
    file_work *w = &b->ps->work[file];
    w->must = true;
    if (w->status != ST_UNPARSED) return false;
    w->status = ST_TODO;
    b->m->files[file].facts = NULL;
    return true;
}

/* The members a module binds under a name: import and assignment targets. */
typedef SVC_VEC(const char *) cstr_vec;

static void member_targets(const svc_facts *f, const char *name, size_t n, cstr_vec *out, bool *bound)
{
    *bound = false;
    for (size_t k = 0; k < f->nimports; k++) {
        const svc_import *imp = &f->imports[k];
        if (imp->scope != -1 || imp->unresolved || !imp->bound || imp->kind == SVC_IMPORT_STAR) continue;
        if (strlen(imp->bound) != n || strncmp(imp->bound, name, n) != 0) continue;
        *bound = true;
        if (imp->target) svc_vec_push(out, imp->target);
    }
    for (size_t k = 0; k < f->nassigns; k++) {
        const svc_assign *as = &f->assigns[k];
        if (strlen(as->name) != n || strncmp(as->name, name, n) != 0) continue;
        *bound = true;
        if (as->value_chain) svc_vec_push(out, as->value_chain);
    }
    for (size_t k = 0; k < f->ndefs && !*bound; k++)
        if (f->defs[k].parent == -1 && strlen(f->defs[k].name) == n && strncmp(f->defs[k].name, name, n) == 0)
            *bound = true;
}

/*
 * Follows deferred strings whose module has facts now: when the member is an alias, what the
 * rest of the string continues is needed too ("target.rest"); when the module does not bind it
 * but star-imports modules, it may come from one of them. Returns files to parse.
 */
static void follow_deferred(build_ctx *b, deferred_vec *list, index_vec *out)
{
    struct parse_state *ps = b->ps;
    deferred_vec again = { 0 };
    for (size_t k = 0; k < list->len; k++) {
        deferred d = list->items[k];
        const char *member = d.s + d.mlen + 1;
        size_t mn = strcspn(member, ".");
        const char *rest = member + mn; /* ".x.y" */
        /* each (module.member, rest) once */
        char *key = svc_xstrdup(d.s);
        bool seen = svc_map_get(ps->member_seen, key) != NULL;
        size_t lo = mod_lower(ps, d.s, d.mlen);
        bool ready = true;
        for (size_t i = lo; i < ps->nmods && strncmp(ps->mods[i].name, d.s, d.mlen) == 0 &&
                            ps->mods[i].name[d.mlen] == '\0';
             i++) {
            uint8_t st = ps->work[ps->mods[i].file].status;
            if (st == ST_TODO || st == ST_UNPARSED) ready = false;
        }
        if (seen) {
            free(key);
            continue;
        }
        if (!ready) {
            free(key);
            svc_vec_push(&again, d);
            continue;
        }
        svc_map_put(ps->member_seen, key, (void *)1);
        free(key);
        for (size_t i = lo; i < ps->nmods && strncmp(ps->mods[i].name, d.s, d.mlen) == 0 &&
                            ps->mods[i].name[d.mlen] == '\0';
             i++) {
            const svc_facts *f = b->m->files[ps->mods[i].file].facts;
            if (!f) continue;
            cstr_vec targets = { 0 };
            bool bound;
            member_targets(f, member, mn, &targets, &bound);
            if (!bound) {
                /* from the modules it star-imports */
                for (size_t s = 0; s < f->nimports; s++) {
                    const svc_import *imp = &f->imports[s];
                    if (imp->kind != SVC_IMPORT_STAR || imp->scope != -1 || !imp->module || imp->unresolved) continue;
                    char *via = svc_xasprintf("%s.%s", imp->module, member);
                    svc_vec_push(&ps->owned, via);
                    index_vec tmp = { 0 };
                    need_string(ps, via, &tmp, &again);
                    for (size_t t = 0; t < tmp.len; t++) svc_vec_push(out, tmp.items[t]);
                    svc_vec_free(&tmp);
                }
            }
            for (size_t t = 0; t < targets.len; t++) {
                char *next = svc_xasprintf("%s%s", targets.items[t], rest);
                svc_vec_push(&ps->owned, next);
                need_string(ps, next, out, &again);
            }
            svc_vec_free(&targets);
        }
    }
    svc_vec_free(list);
    *list = again;
}

/*
 * Parses `todo` (files made needed), then what their facts need, until nothing new is needed.
 * `todo` is consumed.
 */
static void parse_closure(build_ctx *b, index_vec *todo, index_vec *done)
{
    struct parse_state *ps = b->ps;
    for (;;) {
        run_jobs(b, todo->items, todo->len, process, false);
        if (done)
            for (size_t k = 0; k < todo->len; k++) svc_vec_push(done, todo->items[k]);
        todo->len = 0;
        if (!ps->check_only) break;
        for (int t = 0; t < ps->threads; t++) {
            for (size_t k = 0; k < ps->needs[t].len; k++)
                if (make_needed(b, ps->needs[t].items[k])) svc_vec_push(todo, ps->needs[t].items[k]);
            ps->needs[t].len = 0;
            for (size_t k = 0; k < ps->defer[t].len; k++) svc_vec_push(&ps->pending, ps->defer[t].items[k]);
            ps->defer[t].len = 0;
        }
        index_vec more = { 0 };
        follow_deferred(b, &ps->pending, &more);
        for (size_t k = 0; k < more.len; k++)
            if (make_needed(b, more.items[k])) svc_vec_push(todo, more.items[k]);
        svc_vec_free(&more);
        give_empty_facts(b);
        if (!todo->len) break;
    }
    give_empty_facts(b);
}

/* ---- services root, services, apps ------------------------------------------- */

/* True when a Python file of the model is inside the folder (files are sorted by path). */
static bool any_file_within(const svc_model *m, const char *dir)
{
    size_t n = strlen(dir), lo = 0, hi = m->nfiles;
    while (lo < hi) { /* the first path not below "dir/" */
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(m->files[mid].path, dir, n);
        if (c == 0) c = (unsigned char)m->files[mid].path[n] < (unsigned char)'/' ? -1 : 0;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->nfiles && path_within(m->files[lo].path, dir);
}

/*
 * A folder below a tests folder, or below a Django app (a package with apps.py, models.py or
 * models/) that is itself inside another package: `taiga/projects/services/`. The outermost
 * package, the project's own (`shop/` with settings and a models.py), may hold the services root.
 */
static bool inside_app_or_tests(build_ctx *b, const char *dir)
{
    svc_arena *a = b->m->arena;
    for (char *cur = dirname_of(a, dir); *cur; cur = dirname_of(a, cur)) {
        const char *name = basename_of(cur);
        if (strcmp(name, "tests") == 0 || strcmp(name, "test") == 0) return true;
        if (!is_package_dir(b, cur) || !is_package_dir(b, dirname_of(a, cur))) continue;
        if (svc_map_get(b->m->file_by_path, join_path(a, cur, "apps.py")) ||
            svc_map_get(b->m->file_by_path, join_path(a, cur, "models.py")) ||
            svc_map_get(b->m->file_by_path, join_path(a, cur, "models/__init__.py")))
            return true;
    }
    return false;
}

static void find_services_root(build_ctx *b)
{
    svc_model *m = b->m;
    const char *root = NULL;
    if (m->config && m->config->services_root) {
        char *want = svc_arena_strdup(m->arena, m->config->services_root);
        size_t n = strlen(want);
        while (n > 0 && want[n - 1] == '/') want[--n] = '\0';
        if (svc_str_starts_with(want, "./")) want += 2;
        if (svc_map_get(b->folder_set, want)) root = want;
    } else {
        /* Shallowest folder named `services` that is a package. Failing that, the shallowest
         * `services` folder with Python in it (a namespace package), so a team that forgot its
         * __init__.py still gets a model, and SVC101 says so. A `services` package inside a Django
         * app (`taiga/projects/services/`) or under a tests folder is a module of that app or test
         * suite, never the services root. Two candidates at the same depth are not guessed between:
         * there is no root, and SVC100 names them so that `services-root` can settle it. */
        for (int pass = 0; pass < 2 && !root && !m->nservices_root_candidates; pass++) {
            int best_depth = 1 << 30;
            SVC_VEC(const char *) best = { 0 };
            for (size_t i = 0; i < m->nfolders; i++) {
                const char *dir = m->folders[i];
                if (strcmp(basename_of(dir), "services") != 0) continue;
                if (inside_app_or_tests(b, dir)) continue;
                int depth = 0;
                for (const char *p = dir; *p; p++) depth += *p == '/';
                if (depth > best_depth) continue;
                bool ok = pass == 0 ? is_package_dir(b, dir) : any_file_within(m, dir);
                if (!ok) continue;
                if (depth < best_depth) best.len = 0;
                best_depth = depth;
                svc_vec_push(&best, dir);
            }
            if (best.len == 1) root = best.items[0];
            else if (best.len > 1) {
                m->services_root_candidates = svc_arena_alloc(m->arena, best.len * sizeof *best.items);
                memcpy(m->services_root_candidates, best.items, best.len * sizeof *best.items);
                m->nservices_root_candidates = best.len;
            }
            svc_vec_free(&best);
        }
    }
    if (!root) return;
    m->services_root = root;
    m->services_root_has_init = is_package_dir(b, root);
    m->services_module = folder_module(b, root);
}

static int compare_services(const void *a, const void *b)
{
    return strcmp(((const svc_service *)a)->name, ((const svc_service *)b)->name);
}

static void find_services(build_ctx *b)
{
    svc_model *m = b->m;
    if (!m->services_root) return;
    const char *tasks_name = m->config && m->config->tasks_service ? m->config->tasks_service : "tasks";
    SVC_VEC(svc_service) services = { 0 };
    size_t rootlen = strlen(m->services_root);
    for (size_t i = 0; i < m->nfolders; i++) {
        const char *dir = m->folders[i];
        if (!path_within(dir, m->services_root) || strchr(dir + rootlen + 1, '/')) continue;
        const char *name = dir + rootlen + 1;
        if (name[0] == '.' || strcmp(name, "__pycache__") == 0) continue;
        if (!any_file_within(m, dir)) continue; /* templates/, static/ ... are not services */
        svc_service s = { 0 };
        s.name = name;
        s.path = dir;
        s.module = svc_arena_printf(m->arena, "%s.%s", m->services_module, name);
        s.has_init = is_package_dir(b, dir);
        char *tests = join_path(m->arena, dir, "tests");
        s.has_tests = svc_map_get(b->folder_set, tests) != NULL;
        s.tests_has_init = is_package_dir(b, tests);
        s.is_tasks = strcmp(name, tasks_name) == 0;
        s.init_file = -1;
        svc_vec_push(&services, s);
    }
    if (services.len > 1) qsort(services.items, services.len, sizeof *services.items, compare_services);
    m->services = services.items;
    m->nservices = services.len;
    m->tasks_service = -1;
    for (size_t i = 0; i < m->nservices; i++)
        if (m->services[i].is_tasks) m->tasks_service = (int)i;
}

static int compare_apps(const void *a, const void *b)
{
    return strcmp(((const svc_app *)a)->path, ((const svc_app *)b)->path);
}

typedef SVC_VEC(svc_app) app_vec;

static bool app_known(const app_vec *apps, const char *path)
{
    for (size_t i = 0; i < apps->len; i++)
        if (strcmp(apps->items[i].path, path) == 0) return true;
    return false;
}

static bool is_under_services(const svc_model *m, const char *dir)
{
    return m->services_root && (strcmp(dir, m->services_root) == 0 || path_within(dir, m->services_root));
}

/* Module name (dotted) -> folder path, for packages of the repo. */
static const char *package_folder(build_ctx *b, const char *dotted)
{
    const svc_symbol *sym = svc_map_get(b->m->symbols, dotted);
    if (!sym || sym->kind != SVC_SYM_MODULE || !b->m->files[sym->file].is_init) return NULL;
    return dirname_of(b->m->arena, b->m->files[sym->file].path);
}

/* A folder named tests or test, or one under it: test doubles, never an app of the project. */
static bool is_test_folder(const char *dir)
{
    for (const char *seg = dir; *seg;) {
        size_t n = strcspn(seg, "/");
        if ((n == 5 && strncmp(seg, "tests", 5) == 0) || (n == 4 && strncmp(seg, "test", 4) == 0)) return true;
        seg += n + (seg[n] == '/');
    }
    return false;
}

static void add_app(build_ctx *b, void *vec, const char *dir, svc_app_origin origin)
{
    app_vec *apps = vec;
    if (app_known(apps, dir) || is_under_services(b->m, dir)) return;
    if (origin != SVC_APP_FROM_CONFIG && is_test_folder(dir)) return;
    svc_app app = { 0 };
    app.path = dir;
    app.module = folder_module(b, dir);
    app.label = svc_dotted_last(app.module);
    app.origin = origin;
    svc_vec_push(apps, app);
}

/* The package an AppConfig class names by its literal `name` (Django's app module), or NULL. */
static const char *config_package(build_ctx *b, size_t file, size_t def)
{
    const svc_def *d = &b->m->files[file].facts->defs[def];
    if (d->kind != SVC_DEF_CLASS || !d->name_value || !svc_app_evidence_is_appconfig(b->m, file, def)) return NULL;
    const char *dir = package_folder(b, d->name_value);
    return dir && *dir ? dir : NULL;
}

/* "orders", "shop.orders", "orders.apps.OrdersConfig": an AppConfig class of the repo names its
 * app by `name` ("kobo.apps.KpiConfig" with `name = 'kpi'` is `kpi`); failing that, the longest
 * package prefix names the app. */
static void add_installed_app(build_ctx *b, void *vec, const char *entry)
{
    svc_model *m = b->m;
    svc_defref ref;
    const char *config_dir = svc_model_find_def(m, entry, &ref) ? config_package(b, ref.file, ref.def) : NULL;
    if (config_dir) {
        add_app(b, vec, config_dir, SVC_APP_FROM_SETTINGS);
        return;
    }
    char *name = svc_arena_strdup(m->arena, entry);
    const char *dir = NULL;
    for (;;) {
        dir = package_folder(b, name);
        if (dir) break;
        char *dot = strrchr(name, '.');
        if (!dot) break;
        *dot = '\0';
    }
    /* "orders.apps" is the AppConfig module; the app is its package */
    if (dir && strcmp(basename_of(dir), "apps") == 0 && strchr(name, '.')) dir = dirname_of(m->arena, dir);
    if (dir && *dir) add_app(b, vec, dir, SVC_APP_FROM_SETTINGS);
}

/* The files whose classes can show that their package is an app: apps.py, models.py, models/. */
static bool app_evidence_file(const char *path)
{
    const char *base = basename_of(path);
    if (strcmp(base, "apps.py") == 0 || strcmp(base, "models.py") == 0) return true;
    size_t n = (size_t)(base - path);
    return svc_str_ends_with(base, ".py") && n >= 7 && strncmp(base - 7, "models/", 7) == 0 &&
           (n == 7 || base[-8] == '/');
}

/* Every INSTALLED_APPS entry (and of the *_APPS lists it is usually built from) of the settings
 * modules, settings classes included. */
static void each_installed_entry(build_ctx *b, void (*fn)(build_ctx *, void *, const char *), void *ctx)
{
    svc_model *m = b->m;
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_facts *facts = m->files[i].facts;
        if (!facts || !strstr(m->files[i].path, "settings")) continue;
        for (size_t k = 0; k < facts->nassigns; k++) {
            const svc_assign *as = &facts->assigns[k];
            if (!svc_str_ends_with(as->name, "APPS")) continue;
            for (size_t s = 0; s < as->nstrings; s++) fn(b, ctx, as->strings[s]);
        }
        for (size_t s = 0; s < facts->nclass_apps; s++) fn(b, ctx, facts->class_apps[s]);
    }
}

/* The module of an entry that names a member of it ("kobo.apps.KpiConfig": `kobo.apps`, whose
 * class says the app); its files go to `vec` when not parsed yet. */
static void need_config_module(build_ctx *b, void *vec, const char *entry)
{
    struct parse_state *ps = b->ps;
    for (size_t n = strlen(entry); n > 0; n--) {
        if (entry[n] != '.') continue;
        bool found = false;
        for (size_t i = mod_lower(ps, entry, n); i < ps->nmods && strncmp(ps->mods[i].name, entry, n) == 0 &&
                                                 ps->mods[i].name[n] == '\0';
             i++) {
            found = true;
            if (ps->work[ps->mods[i].file].status == ST_TODO) svc_vec_push((index_vec *)vec, ps->mods[i].file);
        }
        if (found) return;
    }
}

/* How an app is shown: its label, or when apps share it, the end of the path that tells them apart
 * ("app/dataloaders", "webhook/dataloaders"). */
static void name_apps(svc_model *m)
{
    for (size_t a = 0; a < m->napps; a++) {
        svc_app *app = &m->apps[a];
        app->display = app->label;
        bool shared = false;
        for (size_t o = 0; o < m->napps && !shared; o++) shared = o != a && strcmp(m->apps[o].label, app->label) == 0;
        if (!shared) continue;
        /* take path segments from the end until no other app's path ends the same way */
        const char *path = app->path, *start = path + strlen(path);
        for (;;) {
            while (start > path && start[-1] != '/') start--;
            bool unique = true;
            for (size_t o = 0; o < m->napps && unique; o++) {
                if (o == a || strcmp(m->apps[o].label, app->label) != 0) continue;
                const char *other = m->apps[o].path;
                size_t n = strlen(start), on = strlen(other);
                unique = !(on >= n && strcmp(other + on - n, start) == 0 && (on == n || other[on - n - 1] == '/'));
            }
            if (unique || start == path) break;
            start--; /* onto the '/' before the segment */
        }
        app->display = start;
    }
}

static void find_apps(build_ctx *b)
{
    svc_model *m = b->m;
    app_vec apps = { 0 };
    if (m->config && m->config->apps_set) {
        for (size_t i = 0; i < m->config->napps; i++) {
            char *dir = svc_arena_strdup(m->arena, m->config->apps[i]);
            size_t n = strlen(dir);
            while (n > 0 && dir[n - 1] == '/') dir[--n] = '\0';
            add_app(b, &apps, dir, SVC_APP_FROM_CONFIG);
        }
    } else {
        /* Evidence, not file names: an AppConfig subclass in apps.py, a model class in models.py
         * or a models/ package (app_evidence.c). */
        for (size_t i = 0; i < m->nfiles; i++) {
            const svc_file *f = &m->files[i];
            if (!app_evidence_file(f->path)) continue;
            const char *base = basename_of(f->path);
            char *dir = dirname_of(m->arena, f->path);
            bool in_models = strcmp(basename_of(dir), "models") == 0;
            if (in_models) dir = dirname_of(m->arena, dir);
            if (!*dir || !is_package_dir(b, dir) || app_known(&apps, dir)) continue;
            if (strcmp(base, "apps.py") == 0 && !in_models) {
                /* the app is the package the config's `name` says (`kobo/apps/openrosa/apps/apps.py`
                 * configures `kobo.apps.openrosa`); without a literal name, the folder */
                const svc_facts *facts = f->facts;
                for (size_t d = 0; facts && d < facts->ndefs; d++) {
                    if (facts->defs[d].parent >= 0 || !svc_app_evidence_is_appconfig(m, i, d)) continue;
                    const char *named = config_package(b, i, d);
                    add_app(b, &apps, named ? named : dir, SVC_APP_FROM_APPS_PY);
                }
            } else if (svc_app_evidence_model(m, i)) {
                add_app(b, &apps, dir, SVC_APP_FROM_MODELS);
            }
        }
        /* INSTALLED_APPS, when it lists packages of the repo, is the authority: what it does not
         * list is no app, whatever its models (they belong to a listed app above them). The apps
         * found above keep what showed them. */
        app_vec installed = { 0 };
        each_installed_entry(b, add_installed_app, &installed);
        if (installed.len) {
            size_t kept = 0;
            for (size_t a = 0; a < apps.len; a++)
                if (app_known(&installed, apps.items[a].path)) apps.items[kept++] = apps.items[a];
            apps.len = kept;
            for (size_t a = 0; a < installed.len; a++)
                if (!app_known(&apps, installed.items[a].path)) svc_vec_push(&apps, installed.items[a]);
        }
        svc_vec_free(&installed);
    }
    if (apps.len > 1) qsort(apps.items, apps.len, sizeof *apps.items, compare_apps);
    m->apps = apps.items;
    m->napps = apps.len;
    name_apps(m);
}

static void assign_roles(svc_model *m)
{
    SVC_VEC(size_t) *service_files = svc_xcalloc(m->nservices ? m->nservices : 1, sizeof *service_files);
    SVC_VEC(size_t) *app_files = svc_xcalloc(m->napps ? m->napps : 1, sizeof *app_files);
    for (size_t i = 0; i < m->nfiles; i++) {
        svc_file *f = &m->files[i];
        f->service = -1;
        f->app = -1;
        f->role = SVC_ROLE_OTHER;
        if (m->services_root && path_within(f->path, m->services_root)) {
            const char *rest = f->path + strlen(m->services_root) + 1;
            if (!strchr(rest, '/')) {
                f->role = SVC_ROLE_SERVICES_ROOT;
                continue;
            }
            for (size_t s = 0; s < m->nservices; s++) {
                if (path_within(f->path, m->services[s].path)) {
                    f->service = (int)s;
                    const char *in_service = f->path + strlen(m->services[s].path) + 1;
                    f->is_test = is_test_path(in_service);
                    f->role = f->is_test ? SVC_ROLE_SERVICE_TEST : SVC_ROLE_SERVICE;
                    if (strcmp(in_service, "__init__.py") == 0) m->services[s].init_file = (int)i;
                    svc_vec_push(&service_files[s], i);
                    break;
                }
            }
            continue;
        }
        /* the innermost app holding the file */
        size_t best_len = 0;
        for (size_t a = 0; a < m->napps; a++) {
            size_t n = strlen(m->apps[a].path);
            if (path_within(f->path, m->apps[a].path) && n >= best_len) {
                f->app = (int)a;
                best_len = n;
            }
        }
        if (f->app >= 0) {
            f->role = SVC_ROLE_APP;
            svc_vec_push(&app_files[f->app], i);
            f->is_test = is_test_path(f->path + best_len + 1);
        } else {
            f->is_test = is_test_path(f->path);
        }
    }
    for (size_t s = 0; s < m->nservices; s++) {
        m->services[s].files = service_files[s].items;
        m->services[s].nfiles = service_files[s].len;
    }
    for (size_t a = 0; a < m->napps; a++) {
        m->apps[a].files = app_files[a].items;
        m->apps[a].nfiles = app_files[a].len;
    }
    free(service_files);
    free(app_files);
}

/* ---- symbols ------------------------------------------------------------------- */

static void put_symbol(svc_model *m, const char *dotted, svc_symbol_kind kind, size_t file, long def, const char *target,
                       bool overwrite, bool incremental)
{
    bool created;
    void **slot = svc_map_slot(m->symbols, dotted, &created);
    svc_symbol *existing = *slot;
    if (existing && (!overwrite || existing->kind == SVC_SYM_MODULE)) return;
    if (existing && incremental && existing->file > file) return; /* a later file bound it */
    svc_symbol *sym = svc_arena_alloc(m->arena, sizeof *sym);
    sym->kind = kind;
    sym->file = file;
    sym->def = def;
    sym->target = target;
    *slot = sym;
}

/* "module.name", in the model's arena (the symbol map keeps its keys). */
static const char *dotted_name(svc_model *m, const char *module, const char *name)
{
    size_t a = strlen(module), n = strlen(name);
    char *s = svc_arena_alloc(m->arena, a + n + 2);
    memcpy(s, module, a);
    s[a] = '.';
    memcpy(s + a + 1, name, n + 1);
    return s;
}

/* Modules a module pulls in with `from x import *`, in source order. */
typedef struct star_list {
    const char **modules;
    size_t len, cap;
} star_list;

static void note_star_import(svc_model *m, const char *module, const char *target)
{
    star_list *list = svc_map_get(m->star_imports, module);
    if (!list) {
        list = svc_arena_alloc(m->arena, sizeof *list);
        svc_map_put(m->star_imports, module, list);
    }
    if (list->len == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 4;
        const char **items = svc_arena_alloc(m->arena, cap * sizeof *items);
        if (list->len) memcpy(items, list->modules, list->len * sizeof *items);
        list->modules = items;
        list->cap = cap;
    }
    list->modules[list->len++] = target;
}

/* Would `from module import *` bind `name`? (__all__ when there is one, else public names) */
static bool star_exports(const svc_model *m, const char *module, const char *name)
{
    const svc_symbol *sym = svc_map_get(m->symbols, module);
    if (!sym || sym->kind != SVC_SYM_MODULE) return false;
    const svc_facts *facts = m->files[sym->file].facts;
    if (facts->has_all) {
        for (size_t i = 0; i < facts->nall; i++)
            if (strcmp(facts->all[i], name) == 0) return true;
        return false;
    }
    return name[0] != '_';
}

/* `<module>.<rest>` through the modules `module` star-imports, or NULL (malloc'd). */
static char *through_star_imports(const svc_model *m, const char *module, const char *rest)
{
    const star_list *list = svc_map_get(m->star_imports, module);
    if (!list) return NULL;
    size_t first_len = strcspn(rest, ".");
    char *first = svc_xstrndup(rest, first_len);
    char *found = NULL;
    for (size_t i = list->len; i-- > 0 && !found;) { /* the last star import wins, as in Python */
        char *candidate = svc_xasprintf("%s.%s", list->modules[i], first);
        if (star_exports(m, list->modules[i], first) && svc_map_get(m->symbols, candidate))
            found = svc_xasprintf("%s.%s", list->modules[i], rest);
        free(candidate);
    }
    free(first);
    return found;
}

/*
 * The symbols of one file: imports, then assignments, then defs, each overwriting what the same
 * name held before. `incremental`: the file is added after files that come after it in path
 * order, so a name one of those already binds is left to it (what a build in path order gives).
 * Returns false when that cannot be reproduced (the module already has `import *`s from another
 * file, whose order would change): the caller then rebuilds everything.
 */
static bool file_symbols(svc_model *m, size_t i, bool incremental)
{
    const svc_file *f = &m->files[i];
    const svc_facts *facts = f->facts;
    if (!f->module || !facts) return true;
    if (incremental) {
        for (size_t k = 0; k < facts->nimports; k++)
            if (facts->imports[k].kind == SVC_IMPORT_STAR && facts->imports[k].scope == -1 &&
                svc_map_get(m->star_imports, f->module))
                return false;
    }
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->scope != -1 || imp->unresolved) continue;
        if (imp->kind == SVC_IMPORT_STAR) {
            if (imp->module) note_star_import(m, f->module, imp->module);
            continue;
        }
        if (!imp->bound) continue;
        put_symbol(m, dotted_name(m, f->module, imp->bound), SVC_SYM_IMPORT, i, -1, imp->target, true, incremental);
    }
    for (size_t k = 0; k < facts->nassigns; k++) {
        const svc_assign *as = &facts->assigns[k];
        put_symbol(m, dotted_name(m, f->module, as->name), SVC_SYM_ASSIGN, i, -1, as->value_chain, true,
                   incremental);
    }
    for (size_t k = 0; k < facts->ndefs; k++) {
        const svc_def *d = &facts->defs[k];
        put_symbol(m, dotted_name(m, f->module, d->qualname), SVC_SYM_DEF, i, (long)k, NULL, true, incremental);
    }
    return true;
}

static void build_symbols(svc_model *m)
{
    /* modules first, so a submodule wins over a same-named attribute */
    for (size_t i = 0; i < m->nfiles; i++)
        if (m->files[i].module) put_symbol(m, m->files[i].module, SVC_SYM_MODULE, i, -1, NULL, true, false);
    for (size_t i = 0; i < m->nfiles; i++) file_symbols(m, i, false);
}

const svc_symbol *svc_model_symbol(const svc_model *m, const char *dotted)
{
    return dotted ? svc_map_get(m->symbols, dotted) : NULL;
}

const char *svc_model_resolve(const svc_model *m, const char *dotted)
{
    if (!dotted) return NULL;
    char *cur = svc_xstrdup(dotted);
    const char *result = NULL;
    for (int hops = 0; hops < 32; hops++) {
        const svc_symbol *sym = svc_map_get(m->symbols, cur);
        if (sym) {
            /* a module, a def, or an assignment of a value (not an alias) is where a name ends */
            if (sym->kind == SVC_SYM_MODULE || sym->kind == SVC_SYM_DEF || (sym->kind == SVC_SYM_ASSIGN && !sym->target)) {
                result = cur;
                break;
            }
            if (!sym->target || strcmp(sym->target, cur) == 0) break;
            char *next = svc_xstrdup(sym->target);
            free(cur);
            cur = next;
            continue;
        }
        /* longest known prefix, then what follows it */
        size_t len = strlen(cur);
        const svc_symbol *psym = NULL;
        size_t plen = len;
        while (plen > 0) {
            while (plen > 0 && cur[plen] != '.') plen--;
            if (plen == 0) break;
            cur[plen] = '\0';
            psym = svc_map_get(m->symbols, cur);
            cur[plen] = '.';
            if (psym) break;
            plen--;
        }
        if (psym && psym->kind == SVC_SYM_MODULE) {
            cur[plen] = '\0';
            char *next = through_star_imports(m, cur, cur + plen + 1);
            cur[plen] = '.';
            if (!next) break;
            free(cur);
            cur = next;
            continue;
        }
        if (!psym || psym->kind == SVC_SYM_DEF || !psym->target) break;
        char *next = svc_xasprintf("%s%s", psym->target, cur + plen);
        free(cur);
        cur = next;
    }
    const char *out = result ? svc_arena_strdup(m->arena, result) : NULL;
    free(cur);
    return out;
}

bool svc_model_find_def(const svc_model *m, const char *dotted, svc_defref *out)
{
    const char *name = svc_model_resolve(m, dotted);
    const svc_symbol *sym = name ? svc_map_get(m->symbols, name) : NULL;
    if (!sym || sym->kind != SVC_SYM_DEF) return false;
    out->file = sym->file;
    out->def = (size_t)sym->def;
    return true;
}

long svc_model_file(const svc_model *m, const char *path)
{
    void *v = svc_map_get(m->file_by_path, path);
    return v ? (long)((uintptr_t)v - 1) : -1;
}

int svc_model_service_of(const svc_model *m, const char *dotted)
{
    if (!m->services_module || !dotted || !svc_dotted_within(dotted, m->services_module)) return -1;
    const char *rest = dotted + strlen(m->services_module);
    if (*rest != '.') return -1;
    rest++;
    size_t n = strcspn(rest, ".");
    for (size_t i = 0; i < m->nservices; i++)
        if (strlen(m->services[i].name) == n && strncmp(m->services[i].name, rest, n) == 0) return (int)i;
    return -1;
}

bool svc_model_is_module(const svc_model *m, const char *dotted)
{
    const svc_symbol *sym = svc_model_symbol(m, dotted);
    return sym && sym->kind == SVC_SYM_MODULE;
}

/* ---- exceptions ---------------------------------------------------------------- */

static bool builtin_exception(const char *name)
{
    static const char *const names[] = {
        "BaseException", "Exception", "ArithmeticError", "AssertionError", "AttributeError", "BufferError",
        "EOFError", "ImportError", "LookupError", "IndexError", "KeyError", "MemoryError", "NameError",
        "OSError", "IOError", "EnvironmentError", "ReferenceError", "RuntimeError", "NotImplementedError",
        "RecursionError", "StopIteration", "SyntaxError", "SystemError", "TypeError", "ValueError",
        "UnicodeError", "Warning", "UserWarning", "DeprecationWarning", "ConnectionError", "TimeoutError",
        "PermissionError", "FileNotFoundError", "KeyboardInterrupt", "SystemExit", "GeneratorExit", NULL,
    };
    for (size_t i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0) return true;
    return false;
}

static bool is_exception_rec(const svc_model *m, size_t file, size_t def, int depth)
{
    if (depth > 32) return false;
    const svc_def *d = &m->files[file].facts->defs[def];
    if (d->kind != SVC_DEF_CLASS) return false;
    for (size_t i = 0; i < d->nbases; i++) {
        const char *base = d->bases[i];
        svc_defref ref;
        if (svc_model_find_def(m, base, &ref)) {
            if (is_exception_rec(m, ref.file, ref.def, depth + 1)) return true;
            continue;
        }
        /* Outside the repo: a builtin, or a library class named like one (django's ValidationError). */
        const char *last = svc_dotted_last(base);
        if (builtin_exception(last) || svc_str_ends_with(last, "Error") || svc_str_ends_with(last, "Exception"))
            return true;
    }
    return false;
}

bool svc_model_is_exception_class(const svc_model *m, size_t file, size_t def)
{
    return is_exception_rec(m, file, def, 0);
}

static void find_exceptions(svc_model *m)
{
    SVC_VEC(svc_exception) out = { 0 };
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        if (!f->module) continue;
        for (size_t k = 0; k < f->facts->ndefs; k++) {
            const svc_def *d = &f->facts->defs[k];
            if (d->kind != SVC_DEF_CLASS || d->parent != -1) continue;
            if (!svc_model_is_exception_class(m, i, k)) continue;
            svc_exception e = { 0 };
            e.at.file = i;
            e.at.def = k;
            e.dotted = svc_arena_printf(m->arena, "%s.%s", f->module, d->qualname);
            e.service = f->service;
            if (f->service >= 0) {
                const char *at_root = svc_arena_printf(m->arena, "%s.%s", m->services[f->service].module, d->name);
                const char *resolved = svc_model_resolve(m, at_root);
                e.at_root = resolved && strcmp(resolved, e.dotted) == 0;
            }
            svc_vec_push(&out, e);
        }
    }
    m->exceptions = out.items;
    m->nexceptions = out.len;
}

/* ---- tasks and wrappers ------------------------------------------------------ */

/* True when a callee makes tasks: `shared_task`, `<x>.task` as written (`@app.task`), Celery's own
 * `task`, or a configured decorator. A bare `task` imported from another library (invoke, fabric)
 * is not a Celery task unless configured. */
static bool is_task_factory(const svc_model *m, const char *raw, const char *callee)
{
    const char *last = svc_dotted_last(callee);
    if (strcmp(last, "shared_task") == 0) return true;
    if (strcmp(last, "task") == 0 && (strchr(raw, '.') || svc_str_starts_with(callee, "celery."))) return true;
    if (m->config)
        for (size_t k = 0; k < m->config->ntask_decorators; k++) {
            const char *want = m->config->task_decorators[k];
            if (strcmp(callee, want) == 0 || strcmp(raw, want) == 0 || (!strchr(want, '.') && strcmp(last, want) == 0))
                return true;
        }
    return false;
}

/* A decorator bound by assignment: `retrying = shared_task(bind=True)`, `task = app.task(...)`,
 * `job = shared_task`. Its call (NULL for a plain alias) carries options such as bind= and name=. */
typedef struct task_alias {
    const svc_facts *facts;
    const svc_call *call;
} task_alias;

static size_t positional_args(const svc_call *call)
{
    size_t n = 0;
    for (size_t a = 0; a < call->nargs; a++) n += call->args[a].keyword == NULL;
    return n;
}

/* The callee of a call as written and resolved, when it is a plain chain. */
static bool call_callee(const svc_facts *facts, const svc_call *call, const char **raw, const char **callee)
{
    if (call->ref < 0) return false;
    const svc_ref *ref = &facts->refs[call->ref];
    *raw = ref->raw;
    *callee = ref->resolved ? ref->resolved : ref->raw;
    return true;
}

/* True when a module-level assignment binds a task decorator (see task_alias). */
static bool is_task_alias(const svc_model *m, const svc_facts *facts, const svc_assign *as)
{
    const svc_call *call = as->value_call >= 0 ? &facts->calls[as->value_call] : NULL;
    const char *raw, *callee;
    if (call) {
        if (!call_callee(facts, call, &raw, &callee) || positional_args(call) > 0) return false;
    } else if (as->value_chain) {
        raw = callee = as->value_chain;
    } else {
        return false;
    }
    return is_task_factory(m, raw, callee);
}

/* dotted name of every module-level task decorator alias -> task_alias (malloc'd) */
static svc_map *find_task_aliases(const svc_model *m)
{
    svc_map *aliases = svc_map_new();
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        const svc_facts *facts = f->facts;
        if (!f->module) continue;
        for (size_t k = 0; k < facts->nassigns; k++) {
            const svc_assign *as = &facts->assigns[k];
            if (!is_task_alias(m, facts, as)) continue;
            const svc_call *call = as->value_call >= 0 ? &facts->calls[as->value_call] : NULL;
            task_alias *alias = svc_xcalloc(1, sizeof *alias);
            alias->facts = facts;
            alias->call = call;
            char *key = svc_xasprintf("%s.%s", f->module, as->name);
            free(svc_map_put(aliases, key, alias));
            free(key);
        }
    }
    return aliases;
}

/* The alias a decorator's callee names, through imports and re-exports, or NULL. */
static const task_alias *alias_of(const svc_model *m, svc_map *aliases, const char *callee)
{
    const task_alias *alias = svc_map_get(aliases, callee);
    if (alias) return alias;
    const char *resolved = svc_model_resolve(m, callee);
    return resolved ? svc_map_get(aliases, resolved) : NULL;
}

/* The decorator that makes a def a task, and the alias it goes through (or NULL); -1 when none. */
static long task_decorator(const svc_model *m, svc_map *aliases, const svc_def *d, const task_alias **via)
{
    *via = NULL;
    for (size_t i = 0; i < d->ndecorators; i++) {
        const svc_decorator *dec = &d->decorators[i];
        const char *callee = dec->callee ? dec->callee : dec->raw;
        if (is_task_factory(m, dec->raw, callee)) return (long)i;
        if ((*via = alias_of(m, aliases, callee)) != NULL) return (long)i;
    }
    return -1;
}

static const char *args_keyword(const svc_arg *args, size_t nargs, const char *keyword)
{
    for (size_t k = 0; k < nargs; k++)
        if (args[k].keyword && strcmp(args[k].keyword, keyword) == 0) return args[k].text;
    return NULL;
}

/* A keyword option of a task: from its decorators, else from the alias's call. */
static const char *keyword_arg(const svc_def *d, const task_alias *via, const char *keyword)
{
    for (size_t i = 0; i < d->ndecorators; i++) {
        const char *v = args_keyword(d->decorators[i].args, d->decorators[i].nargs, keyword);
        if (v) return v;
    }
    return via && via->call ? args_keyword(via->call->args, via->call->nargs, keyword) : NULL;
}

static char *unquote(svc_arena *a, const char *text)
{
    size_t n = strlen(text);
    if (n >= 2 && (text[0] == '"' || text[0] == '\'') && text[n - 1] == text[0])
        return svc_arena_strndup(a, text + 1, n - 2);
    return NULL;
}

/* The top-level function that contains def index `scope`, or -1. */
static int outermost_function(const svc_facts *facts, int scope)
{
    int found = -1;
    while (scope >= 0) {
        if (facts->defs[scope].kind == SVC_DEF_FUNCTION) found = scope;
        scope = facts->defs[scope].parent;
    }
    return found;
}

static bool span_within(svc_span in, svc_span out)
{
    return in.byte >= out.byte && in.end_byte <= out.end_byte;
}

/*
 * True when function `fn` does nothing but queue: its body, docstring aside, is `call` as a
 * statement or `return call`, or a `transaction.on_commit(...)` statement around it (the
 * lambda or partial that queues after the commit). In the tasks service every function that
 * queues the task is a wrapper (the convention lets `delay_` functions run code first, and
 * SVC404/SVC405 judge them), so this is asked for tasks outside it only.
 */
static bool queues_only(const svc_facts *facts, size_t fn, const svc_call *call)
{
    const svc_def *d = &facts->defs[fn];
    if (!d->body_is_call) return false;
    /* the statement's call is the widest call of the body: every other one lies inside it */
    const svc_call *outer = NULL;
    for (size_t c = 0; c < facts->ncalls; c++) {
        const svc_call *k = &facts->calls[c];
        if (!span_within(k->span, d->body_span)) continue;
        if (!outer || span_within(outer->span, k->span)) outer = k;
    }
    if (outer == call) return true;
    return outer && outer->attr && strcmp(outer->attr, "on_commit") == 0 && span_within(call->span, outer->span);
}

static int compare_tasks(const void *pa, const void *pb)
{
    const svc_task *a = pa, *b = pb;
    if (a->at.file != b->at.file) return a->at.file < b->at.file ? -1 : 1;
    return a->at.def < b->at.def ? -1 : a->at.def > b->at.def;
}

static void finish_task(svc_model *m, const svc_file *f, const svc_def *d, const char *bind, const char *name,
                        svc_task *t)
{
    t->dotted = f->module ? svc_arena_printf(m->arena, "%s.%s", f->module, t->name) : svc_arena_strdup(m->arena, t->name);
    t->service = f->service;
    t->in_tasks_service = f->service >= 0 && f->service == m->tasks_service;
    t->bind = bind && strcmp(bind, "True") == 0;
    t->celery_name = name ? unquote(m->arena, name) : NULL;
    t->registered_name = t->celery_name ? t->celery_name
                         : f->module ? svc_arena_printf(m->arena, "%s.%s", f->module, d->name) : NULL;
}

/* `purge_task = shared_task(purge)`, `job = app.task(run, name="x")` at module level: a task made
 * by a call on a function of the same file (a decorated one is a task already). */
static void find_tasks_by_call(svc_model *m, size_t i, void *vec)
{
    SVC_VEC(svc_task) *tasks = vec;
    const svc_file *f = &m->files[i];
    const svc_facts *facts = f->facts;
    for (size_t k = 0; k < facts->nassigns; k++) {
        const svc_assign *as = &facts->assigns[k];
        if (as->value_call < 0) continue;
        const svc_call *call = &facts->calls[as->value_call];
        const char *raw, *callee;
        if (!call_callee(facts, call, &raw, &callee) || !is_task_factory(m, raw, callee)) continue;
        const svc_arg *fn = call->nargs && !call->args[0].keyword ? &call->args[0] : NULL;
        svc_defref at;
        if (!fn || !fn->chain || !svc_model_find_def(m, fn->chain, &at) || at.file != i) continue;
        const svc_def *d = &facts->defs[at.def];
        if (d->kind != SVC_DEF_FUNCTION) continue;
        bool taken = false;
        for (size_t t = 0; t < tasks->len && !taken; t++)
            taken = tasks->items[t].at.file == i && tasks->items[t].at.def == at.def;
        if (taken) continue;
        svc_task t = { 0 };
        t.at = at;
        t.name = as->name;
        t.name_span = as->span;
        t.by_call = true;
        t.decorator = callee;
        finish_task(m, f, d, args_keyword(call->args, call->nargs, "bind"), args_keyword(call->args, call->nargs, "name"),
                    &t);
        svc_vec_push(tasks, t);
    }
}

static void find_tasks(svc_model *m)
{
    SVC_VEC(svc_task) tasks = { 0 };
    svc_map *aliases = find_task_aliases(m);
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        size_t first = tasks.len;
        for (size_t k = 0; k < f->facts->ndefs; k++) {
            const svc_def *d = &f->facts->defs[k];
            if (d->kind != SVC_DEF_FUNCTION) continue;
            const task_alias *via;
            long dec = task_decorator(m, aliases, d, &via);
            if (dec < 0) continue;
            svc_task t = { 0 };
            t.at.file = i;
            t.at.def = k;
            t.name = d->qualname;
            t.name_span = d->name_span;
            t.decorator = d->decorators[dec].callee ? d->decorators[dec].callee : d->decorators[dec].raw;
            finish_task(m, f, d, keyword_arg(d, via, "bind"), keyword_arg(d, via, "name"), &t);
            svc_vec_push(&tasks, t);
        }
        size_t decorated = tasks.len;
        if (f->module) find_tasks_by_call(m, i, &tasks);
        if (tasks.len > decorated && tasks.len - first > 1)
            qsort(tasks.items + first, tasks.len - first, sizeof *tasks.items, compare_tasks);
    }
    const char *key;
    void *value;
    for (size_t it = 0; svc_map_next(aliases, &it, &key, &value);) free(value);
    svc_map_free(aliases);
    m->tasks = tasks.items;
    m->ntasks = tasks.len;

    /* Wrappers: a function of the task's module, not itself a task, that calls the task's
     * .delay or .apply_async. Its name is free (migration mode); rules judge the name. Outside the
     * tasks service only a function that does nothing but queue the task counts (see
     * queues_only): a wrapper moves with its task (SVC402 is silent in it), and a larger function
     * holds logic that stays where it is. */
    SVC_VEC(svc_wrapper) wrappers = { 0 };
    SVC_VEC(size_t) *per_task = svc_xcalloc(m->ntasks ? m->ntasks : 1, sizeof *per_task);
    for (size_t t = 0; t < m->ntasks; t++) {
        const svc_task *task = &m->tasks[t];
        const svc_facts *facts = m->files[task->at.file].facts;
        for (size_t c = 0; c < facts->ncalls; c++) {
            const svc_call *call = &facts->calls[c];
            if (!call->attr || (strcmp(call->attr, "delay") && strcmp(call->attr, "apply_async"))) continue;
            if (call->ref < 0) continue;
            const svc_ref *ref = &facts->refs[call->ref];
            /* callee is `<task>.delay` where <task> is this module's task (bound at module level) */
            char *want = svc_arena_printf(m->arena, "%s.%s", task->name, call->attr);
            bool same = strcmp(ref->raw, want) == 0 && ref->binding == SVC_BIND_MODULE;
            if (!same) continue;
            int fn = outermost_function(facts, call->scope);
            if (fn < 0 || (size_t)fn == task->at.def) continue;
            if (svc_model_task_at(m, task->at.file, (size_t)fn) >= 0) continue;
            if (!task->in_tasks_service && !queues_only(facts, (size_t)fn, call)) continue;
            bool dup = false;
            for (size_t w = 0; w < per_task[t].len; w++)
                dup |= wrappers.items[per_task[t].items[w]].at.def == (size_t)fn;
            if (dup) continue;
            svc_wrapper w = { 0 };
            w.at.file = task->at.file;
            w.at.def = (size_t)fn;
            const svc_file *f = &m->files[task->at.file];
            w.dotted = f->module ? svc_arena_printf(m->arena, "%s.%s", f->module, facts->defs[fn].qualname)
                                 : svc_arena_strdup(m->arena, facts->defs[fn].qualname);
            w.task = t;
            w.call = c;
            w.named_delay = svc_str_starts_with(facts->defs[fn].name, "delay_");
            svc_vec_push(&per_task[t], wrappers.len);
            svc_vec_push(&wrappers, w);
        }
    }
    for (size_t t = 0; t < m->ntasks; t++) {
        m->tasks[t].wrappers = per_task[t].items;
        m->tasks[t].nwrappers = per_task[t].len;
    }
    free(per_task);
    m->wrappers = wrappers.items;
    m->nwrappers = wrappers.len;
}

long svc_model_task_at(const svc_model *m, size_t file, size_t def)
{
    /* tasks are sorted by file, then def */
    size_t lo = 0, hi = m->ntasks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const svc_defref *at = &m->tasks[mid].at;
        if (at->file < file || (at->file == file && at->def < def)) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->ntasks && m->tasks[lo].at.file == file && m->tasks[lo].at.def == def ? (long)lo : -1;
}

long svc_model_task_named(const svc_model *m, const char *dotted)
{
    const char *name = svc_model_resolve(m, dotted);
    if (!name) return -1;
    const svc_symbol *sym = svc_map_get(m->symbols, name);
    if (sym && sym->kind == SVC_SYM_DEF) {
        long t = svc_model_task_at(m, sym->file, (size_t)sym->def);
        return t >= 0 && !m->tasks[t].by_call ? t : -1;
    }
    for (size_t t = 0; t < m->ntasks; t++)
        if (m->tasks[t].by_call && strcmp(m->tasks[t].dotted, name) == 0) return (long)t;
    return -1;
}

long svc_model_task_sent(const svc_model *m, const svc_facts *facts, const svc_call *call)
{
    (void)facts;
    if (!call->attr || strcmp(call->attr, "send_task") != 0 || call->ref < 0 || call->nargs == 0) return -1;
    const svc_arg *first = &call->args[0];
    if (first->keyword) return -1;
    const char *text = first->text;
    size_t n = strlen(text);
    if (n < 2 || (text[0] != '"' && text[0] != '\'') || text[n - 1] != text[0]) return -1;
    for (size_t t = 0; t < m->ntasks; t++) {
        const char *reg = m->tasks[t].registered_name;
        if (reg && strlen(reg) == n - 2 && strncmp(reg, text + 1, n - 2) == 0) return (long)t;
    }
    return -1;
}

static bool is_dispatch_function(const svc_model *m, const char *dotted)
{
    if (!m->config || !dotted) return false;
    for (size_t k = 0; k < m->config->ndispatch_functions; k++)
        if (strcmp(m->config->dispatch_functions[k], dotted) == 0) return true;
    return false;
}

long svc_model_task_dispatched(const svc_model *m, const svc_facts *facts, const svc_call *call)
{
    if (!m->config || !m->config->ndispatch_functions || call->ref < 0 || call->nargs == 0) return -1;
    const svc_ref *ref = &facts->refs[call->ref];
    if (!ref->resolved || (ref->binding != SVC_BIND_IMPORT && ref->binding != SVC_BIND_MODULE)) return -1;
    if (!is_dispatch_function(m, ref->resolved) && !is_dispatch_function(m, svc_model_resolve(m, ref->resolved)))
        return -1;
    const svc_arg *first = &call->args[0];
    return !first->keyword && first->chain ? svc_model_task_named(m, first->chain) : -1;
}

bool svc_model_in_dispatch_function(const svc_model *m, size_t file, int scope)
{
    const svc_file *f = &m->files[file];
    if (!m->config || !m->config->ndispatch_functions || !f->module) return false;
    int fn = outermost_function(f->facts, scope);
    if (fn < 0) return false;
    char *dotted = svc_xasprintf("%s.%s", f->module, f->facts->defs[fn].qualname);
    bool found = is_dispatch_function(m, dotted);
    free(dotted);
    return found;
}

long svc_model_task_of_call(const svc_model *m, const svc_facts *facts, const svc_call *call)
{
    if (call->ref < 0) return -1;
    const svc_ref *ref = &facts->refs[call->ref];
    if (!ref->resolved) return -1;
    const char *dot = strrchr(ref->resolved, '.');
    if (!dot) return -1;
    char *obj = svc_xstrndup(ref->resolved, (size_t)(dot - ref->resolved));
    long t = svc_model_task_named(m, obj);
    free(obj);
    return t;
}

bool svc_model_is_misplaced_wrapper(const svc_model *m, size_t file, size_t def)
{
    for (size_t w = 0; w < m->nwrappers; w++) {
        const svc_wrapper *wr = &m->wrappers[w];
        if (wr->at.file == file && wr->at.def == def && !m->tasks[wr->task].in_tasks_service) return true;
    }
    return false;
}

bool svc_model_in_misplaced_task(const svc_model *m, size_t file, int scope)
{
    const svc_facts *facts = m->files[file].facts;
    for (int s = scope; s >= 0; s = facts->defs[s].parent) {
        long t = svc_model_task_at(m, file, (size_t)s);
        if (t >= 0 && !m->tasks[t].in_tasks_service) return true;
    }
    int fn = outermost_function(facts, scope);
    return fn >= 0 && svc_model_is_misplaced_wrapper(m, file, (size_t)fn);
}

/* ---- the pre-filter: what rules read by path, and the words they react to ---- */

/* Django glue module names: must match rules_logic.c (SVC501 reads every other module of an app
 * by path, so those are always parsed; a name missing here only means more parsing). */
static const char *const glue_module_names[] = {
    "models", "views", "urls", "admin", "apps", "forms", "serializers", "signals", "migrations", "management",
    "templatetags", "middleware", "tests", "api", "permissions", "filters", "viewsets", "consumers",
    "context_processors", "managers", "querysets", "validators", "checks", "sitemaps", "feeds", "routing",
    "fields", "widgets", "conftest", NULL,
};

static bool is_glue_component(const svc_model *m, const char *inside)
{
    size_t n = strcspn(inside, "/");
    if (inside[n] == '\0' && n > 3 && strcmp(inside + n - 3, ".py") == 0) n -= 3;
    for (size_t i = 0; glue_module_names[i]; i++)
        if (strlen(glue_module_names[i]) == n && strncmp(glue_module_names[i], inside, n) == 0) return true;
    if (m->config)
        for (size_t i = 0; i < m->config->nglue_modules; i++)
            if (strlen(m->config->glue_modules[i]) == n && strncmp(m->config->glue_modules[i], inside, n) == 0)
                return true;
    return false;
}

static bool within_services(const svc_model *m, const char *dotted)
{
    if (!dotted || !m->services_module) return false;
    if (svc_dotted_within(dotted, m->services_module)) return true;
    const char *bare = svc_dotted_last(m->services_module);
    return bare != m->services_module && svc_dotted_within(dotted, bare);
}

/* Which files a rule reads by path (parsed whatever they say), and the words of the others. */
static void choose_words(build_ctx *b)
{
    svc_model *m = b->m;
    struct parse_state *ps = b->ps;
    static const char *const task_words[] = { "delay", "apply_async", "task", "shared_task", "send_task", NULL };
    static const char *const orm_words[] = { "save", "delete", "create", "update", "bulk_create", "bulk_update",
                                             "get_or_create", "update_or_create", NULL };
    if (m->services_root) {
        /* SVC201-203, SVC302-303: a name in the services package is written with its name */
        const char *base = basename_of(m->services_root);
        add_word(ps, &ps->base_words, base, strlen(base));
        const char *last = svc_dotted_last(m->services_module);
        add_word(ps, &ps->base_words, last, strlen(last));
        for (size_t i = 0; orm_words[i]; i++) add_word(ps, &ps->app_words, orm_words[i], strlen(orm_words[i]));
    }
    /* SVC401-407: tasks (decorators end in these names) and .delay/.apply_async calls */
    for (size_t i = 0; task_words[i]; i++) add_word(ps, &ps->base_words, task_words[i], strlen(task_words[i]));
    /* SVC900: a `# noqa` comment may name an svcscope code that suppresses nothing */
    static const char *const noqa_words[] = { "noqa", "NOQA", "Noqa", NULL };
    for (size_t i = 0; noqa_words[i]; i++) add_word(ps, &ps->base_words, noqa_words[i], strlen(noqa_words[i]));
    if (m->config) {
        for (size_t i = 0; i < m->config->ntask_decorators; i++) {
            const char *last = svc_dotted_last(m->config->task_decorators[i]);
            add_word(ps, &ps->base_words, last, strlen(last));
        }
        for (size_t i = 0; i < m->config->ndispatch_functions; i++) {
            const char *last = svc_dotted_last(m->config->dispatch_functions[i]);
            add_word(ps, &ps->base_words, last, strlen(last));
        }
    }

    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        file_work *w = &ps->work[i];
        w->must = f->is_init || strstr(f->path, "settings") != NULL;
        if (!m->services_root) continue;
        if (path_within(f->path, m->services_root)) w->must = true; /* layout, SVC203, SVC301, SVC405-406 */
        if (f->role == SVC_ROLE_APP && f->app >= 0 && !f->is_test) {
            const char *inside = f->path + strlen(m->apps[f->app].path) + 1;
            if (strcmp(inside, "__init__.py") != 0 && !is_glue_component(m, inside)) w->must = true; /* SVC501 */
            else w->app_words = true;
        }
    }
}

static uint64_t fnv64(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static uint64_t fnv64_str(uint64_t h, const char *s)
{
    return fnv64(h, s ? s : "\x01", s ? strlen(s) + 1 : 1);
}

/* What the pre-filter's verdicts depend on besides each file's content. */
static uint64_t prefilter_fingerprint(build_ctx *b)
{
    svc_model *m = b->m;
    struct parse_state *ps = b->ps;
    uint64_t h = 1469598103934665603ull;
    h = fnv64_str(h, "prefilter 2"); /* 2: task decorator aliases are followed */
    h = fnv64_str(h, m->services_root);
    h = fnv64_str(h, m->services_module);
    for (size_t i = 0; i < ps->base_words.len; i++) h = fnv64(h, &ps->base_words.items[i].hash, 4);
    h = fnv64_str(h, "|");
    for (size_t i = 0; i < ps->app_words.len; i++) h = fnv64(h, &ps->app_words.items[i].hash, 4);
    for (size_t i = 0; i < m->nfiles; i++) {
        h = fnv64_str(h, m->files[i].path);
        h = fnv64_str(h, m->files[i].module);
        unsigned char flags = (unsigned char)(ps->work[i].must | ps->work[i].app_words << 1 | m->files[i].is_init << 2);
        h = fnv64(h, &flags, 1);
    }
    return h ? h : 1;
}

/* A re-exported name, bound in the module of file `holder`. */
static void add_taint(build_ctx *b, const char *name, size_t holder)
{
    struct parse_state *ps = b->ps;
    const svc_file *h = &b->m->files[holder];
    if (!name || !h->module) return;
    const char *last = svc_dotted_last(h->module);
    char *key = svc_xasprintf("%s\x1f%s\x1f%s", name, h->module, h->is_init ? "p" : "");
    bool known = svc_map_get(ps->taint_names, key) != NULL;
    if (!known) svc_map_put(ps->taint_names, key, (void *)1);
    free(key);
    if (known) return;
    word wd = { 0 };
    wd.hash = svc_ident_hash(name, strlen(name));
    wd.with = true;
    wd.with_hash = svc_ident_hash(last, strlen(last));
    if (h->is_init) wd.folder = dirname_of(b->m->arena, h->path);
    uint64_t id = fnv64(fnv64(1469598103934665603ull, &wd.hash, 4), &wd.with_hash, 4);
    id = fnv64_str(id, wd.folder);
    wd.id = (uint32_t)(id ^ (id >> 32));
    push_word(ps, &ps->taint, wd);
}

/* The top-level names of module `module` (all its files), re-exported by file `holder` with `*`. */
static void add_star_names(build_ctx *b, const char *module, size_t holder, svc_map *visited)
{
    struct parse_state *ps = b->ps;
    char *key = svc_xasprintf("%s\x1f%zu", module, holder);
    bool seen = svc_map_get(visited, key) != NULL;
    if (!seen) svc_map_put(visited, key, (void *)1);
    free(key);
    if (seen) return;
    size_t n = strlen(module);
    for (size_t i = mod_lower(ps, module, n); i < ps->nmods && strcmp(ps->mods[i].name, module) == 0; i++) {
        const svc_facts *f = b->m->files[ps->mods[i].file].facts;
        if (!f) continue;
        for (size_t k = 0; k < f->ndefs; k++)
            if (f->defs[k].parent == -1) add_taint(b, f->defs[k].name, holder);
        for (size_t k = 0; k < f->nassigns; k++) add_taint(b, f->assigns[k].name, holder);
        for (size_t k = 0; k < f->nall; k++) add_taint(b, f->all[k], holder);
        for (size_t k = 0; k < f->nimports; k++) {
            const svc_import *imp = &f->imports[k];
            if (imp->scope != -1) continue;
            if (imp->kind == SVC_IMPORT_STAR) {
                if (imp->module) add_star_names(b, imp->module, holder, visited);
            } else {
                add_taint(b, imp->bound, holder);
            }
        }
    }
}

/*
 * Names by which a file that writes neither the services package's name nor a task word can
 * still reach something a rule reads, and how it would reach them (docs/performance.md):
 *  - tasks and wrappers defined outside the services package (by their module);
 *  - module-level aliases, in parsed modules outside the services package, of names inside it,
 *    of tasks and wrappers, or of modules that hold such aliases ("tainted modules"):
 *    `from services.x import Y as Z` in libs/shortcuts.py, reached as `shortcuts.Z`;
 *  - what such a module imports with `*` from the services package or a tainted module.
 * Unparsed files that hold one of them are made needed (into todo).
 */
static void taint_round(build_ctx *b, index_vec *todo)
{
    svc_model *m = b->m;
    struct parse_state *ps = b->ps;
    svc_map *targets = svc_map_new();  /* dotted names of tasks and wrappers */
    svc_map *tainted = svc_map_new();  /* modules outside services that hold tainted names */
    for (size_t t = 0; t < m->ntasks; t++) svc_map_put(targets, m->tasks[t].dotted, (void *)1);
    for (size_t w = 0; w < m->nwrappers; w++) svc_map_put(targets, m->wrappers[w].dotted, (void *)1);
    for (size_t t = 0; t < m->ntasks + m->nwrappers; t++) {
        svc_defref at = t < m->ntasks ? m->tasks[t].at : m->wrappers[t - m->ntasks].at;
        const svc_file *f = &m->files[at.file];
        if (!f->module || within_services(m, f->module)) continue;
        add_taint(b, t < m->ntasks ? svc_dotted_last(m->tasks[t].name) : f->facts->defs[at.def].name, at.file);
        svc_map_put(tainted, f->module, (void *)1);
    }
    /* task decorators bound by assignment (`retrying = shared_task(bind=True)`): a file that
     * imports one may make tasks without writing any task word */
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        uint8_t st = ps->work[i].status;
        if ((st != ST_PARSED && st != ST_CACHED) || !f->module) continue;
        for (size_t k = 0; k < f->facts->nassigns; k++)
            if (is_task_alias(m, f->facts, &f->facts->assigns[k])) {
                /* a target, so that modules re-exporting it are followed too */
                char *dotted = svc_xasprintf("%s.%s", f->module, f->facts->assigns[k].name);
                svc_map_put(targets, dotted, (void *)1);
                free(dotted);
                add_taint(b, f->facts->assigns[k].name, i);
                svc_map_put(tainted, f->module, (void *)1);
            }
    }
    svc_map *visited = svc_map_new();
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < m->nfiles; i++) {
            const svc_file *f = &m->files[i];
            uint8_t st = ps->work[i].status;
            if ((st != ST_PARSED && st != ST_CACHED) || !f->module || within_services(m, f->module)) continue;
            const svc_facts *facts = f->facts;
            bool holds = false;
            for (size_t k = 0; k < facts->nimports; k++) {
                const svc_import *imp = &facts->imports[k];
                if (imp->scope != -1 || imp->unresolved) continue;
                if (imp->kind == SVC_IMPORT_STAR) {
                    if (imp->module && (within_services(m, imp->module) || svc_map_get(tainted, imp->module))) {
                        add_star_names(b, imp->module, i, visited);
                        holds = true;
                    }
                    continue;
                }
                if (!imp->bound) continue;
                char *key = svc_xasprintf("%s.%s", f->module, imp->bound);
                const char *r = svc_model_resolve(m, key);
                free(key);
                if (within_services(m, imp->target) || within_services(m, r) ||
                    (r && (svc_map_get(targets, r) || svc_map_get(tainted, r)))) {
                    add_taint(b, imp->bound, i);
                    holds = true;
                }
            }
            for (size_t k = 0; k < facts->nassigns; k++) {
                const svc_assign *as = &facts->assigns[k];
                if (!as->value_chain) continue;
                char *key = svc_xasprintf("%s.%s", f->module, as->name);
                const char *r = svc_model_resolve(m, key);
                free(key);
                if (within_services(m, as->value_chain) || within_services(m, r) ||
                    (r && (svc_map_get(targets, r) || svc_map_get(tainted, r)))) {
                    add_taint(b, as->name, i);
                    holds = true;
                }
            }
            if (holds && !svc_map_get(tainted, f->module)) {
                svc_map_put(tainted, f->module, (void *)1);
                changed = true;
            }
        }
    }
    svc_map_free(visited);
    svc_map_free(tainted);
    svc_map_free(targets);
    /* the new words, in the unparsed files */
    if (ps->taint_probed < ps->taint.len)
        for (size_t i = 0; i < m->nfiles; i++) {
            file_work *w = &ps->work[i];
            if (w->status != ST_UNPARSED) continue;
            if (!w->tokens || has_word(w, m->files[i].path, &ps->taint, ps->taint_probed, w->tokens_checked))
                if (make_needed(b, i)) svc_vec_push(todo, i);
        }
    ps->taint_probed = ps->taint.len;
}

/* ---- build / free ------------------------------------------------------------ */

/* A cache file being written while the caller goes on with the model (joined by svc_model_free). */
typedef struct cache_job {
    char *path;
    svc_cache_record *records;
    size_t n;
    svc_cache_meta meta;
    uint32_t *checked;
    SVC_VEC(uint32_t *) tokens; /* token lists handed over by the build */
} cache_job;

struct svc_model_internal {
    svc_cache *cache;          /* facts taken from it live in its mapping */
    cache_job *cj;
    pthread_t writer;
    bool writing;
};

static void *cache_writer(void *arg)
{
    cache_job *cj = arg;
    svc_cache_write(cj->path, cj->records, cj->n, &cj->meta);
    return NULL;
}

static void cache_job_free(cache_job *cj)
{
    if (!cj) return;
    for (size_t i = 0; i < cj->tokens.len; i++) free(cj->tokens.items[i]);
    svc_vec_free(&cj->tokens);
    free(cj->records);
    free(cj->checked);
    free(cj->path);
    free(cj);
}

static void reset_symbols(svc_model *m)
{
    svc_map_free(m->symbols);
    svc_map_free(m->star_imports);
    m->symbols = svc_map_new_borrowed();
    m->star_imports = svc_map_new_borrowed();
}

static void free_tasks(svc_model *m)
{
    for (size_t i = 0; i < m->ntasks; i++) free(m->tasks[i].wrappers);
    free(m->tasks);
    free(m->wrappers);
    m->tasks = NULL;
    m->wrappers = NULL;
    m->ntasks = m->nwrappers = 0;
}

static int compare_mods(const void *pa, const void *pb)
{
    const mod_entry *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    return a->file < b->file ? -1 : a->file > b->file;
}

static int compare_size(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return a < b ? -1 : a > b;
}

static int compare_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return a < b ? -1 : a > b;
}

/* facts.c: frees the calling thread's extraction arena (worker threads free theirs as they end). */
void svc_facts_release_thread_memory(void);

/* Phase timings for SVCSCOPE_STATS=1 (ms since the build began). */
#define MARK(what) (ps.nmarks < 16 ? (void)(ps.marks[ps.nmarks] = (what), ps.mark_ns[ps.nmarks++] = svc_cache_now_ns()) : (void)0)

static bool env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

/* Writes the cache when this build learnt something it does not hold yet. */
static void update_cache(build_ctx *b, const char *path, int64_t started_ns)
{
    svc_model *m = b->m;
    struct parse_state *ps = b->ps;
    svc_cache *old = ps->cache;
    svc_cache_record *recs = svc_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *recs);
    size_t n = 0;
    bool dirty = false;
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        const file_work *w = &ps->work[i];
        if (w->status == ST_FAILED || w->status == ST_TODO || !w->have_id) {
            dirty |= w->entry >= 0;
            continue;
        }
        const svc_source_file *sf = svc_source_at(m->source, w->src);
        svc_cache_record *r = &recs[n++];
        r->path = f->path;
        r->module = f->module;
        r->is_init = f->is_init;
        memcpy(r->id, w->id, 20);
        if (sf->has_stat) {
            r->has_stat = true;
            r->size = sf->size;
            r->mtime_ns = sf->mtime_ns;
            r->ctime_ns = sf->ctime_ns;
            r->ino = sf->ino;
        }
        /* facts parsed now are written; the rest of a matching entry is kept */
        if (w->status == ST_PARSED) r->facts = f->facts;
        if (w->matched) {
            r->from = old;
            r->from_entry = w->entry;
        }
        if (w->tokens_owned) {
            r->tokens = w->tokens;
            r->ntokens = w->ntokens;
        }
        if (ps->check_only) r->needed = w->status != ST_UNPARSED;
        else r->needed = w->matched ? svc_cache_needed(old, w->entry) : true;
        dirty |= !w->matched || w->stat_changed || w->tokens_owned || w->status == ST_PARSED ||
                 r->needed != svc_cache_needed(old, w->entry);
    }
    dirty |= n != svc_cache_count(old);

    svc_cache_meta meta = { .started_ns = started_ns, .old = old };
    uint32_t *checked = NULL;
    size_t nold = 0;
    const uint32_t *old_checked = svc_cache_checked(old, &nold);
    if (ps->check_only && ps->taint_skipped) {
        meta.fingerprint = ps->fingerprint;
        meta.checked = old_checked;
        meta.nchecked = nold;
    } else if (ps->check_only) {
        meta.fingerprint = ps->fingerprint;
        checked = svc_xmalloc((ps->taint.len + 1) * sizeof *checked);
        size_t k = 0;
        for (size_t i = 0; i < ps->taint.len; i++) checked[k++] = ps->taint.items[i].id;
        if (k > 1) qsort(checked, k, sizeof *checked, compare_u32);
        size_t u = 0;
        for (size_t i = 0; i < k; i++)
            if (!u || checked[u - 1] != checked[i]) checked[u++] = checked[i];
        meta.checked = checked;
        meta.nchecked = u;
        dirty |= meta.fingerprint != svc_cache_fingerprint(old) || u != nold ||
                 (u && memcmp(checked, old_checked, u * sizeof *checked) != 0);
    } else {
        /* a full build changes no verdict; the next check-only build takes them again */
        meta.fingerprint = 0;
        meta.checked = old_checked;
        meta.nchecked = nold;
    }
    if (!dirty) {
        free(checked);
        free(recs);
        return;
    }
    /* The records point into the model (paths, facts) and the old cache, which svc_model_free
     * keeps until the writer is done; the build's token lists are handed over. */
    cache_job *cj = svc_xcalloc(1, sizeof *cj);
    cj->path = svc_xstrdup(path);
    cj->records = recs;
    cj->n = n;
    cj->meta = meta;
    cj->checked = checked;
    for (size_t i = 0; i < m->nfiles; i++) {
        file_work *w = &ps->work[i];
        if (!w->tokens_owned) continue;
        svc_vec_push(&cj->tokens, (uint32_t *)w->tokens);
        w->tokens_owned = false;
    }
    m->internal->cj = cj;
    if (!env_set("SVCSCOPE_DEBUG_SYNC_CACHE_WRITE") && pthread_create(&m->internal->writer, NULL, cache_writer, cj) == 0)
        m->internal->writing = true;
    else
        cache_writer(cj);
}

int svc_model_build(svc_model **out, svc_source *src, const svc_config *cfg, const svc_model_options *opts,
                    svc_error *err)
{
    svc_model_options defaults = SVC_MODEL_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    svc_model *m = svc_xcalloc(1, sizeof *m);
    m->source = src;
    m->config = cfg;
    m->arena = svc_arena_new();
    /* the maps' keys live in the model's arena */
    m->symbols = svc_map_new_borrowed();
    m->file_by_path = svc_map_new_borrowed();
    m->star_imports = svc_map_new_borrowed();
    m->tasks_service = -1;
    m->internal = svc_xcalloc(1, sizeof *m->internal);

    struct parse_state ps = { 0 };
    ps.opts = opts;
    ps.check_only = opts->check_only && !env_set("SVCSCOPE_NO_PREFILTER");
    ps.taint_names = svc_map_new();
    ps.member_seen = svc_map_new();
    int threads = opts->threads;
    if (threads <= 0) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        threads = ncpu > 0 ? (int)ncpu : 1;
    }
    ps.threads = threads > MAX_THREADS ? MAX_THREADS : threads;
    char *cache_path = NULL;
    if (opts->cache && !env_set("SVCSCOPE_NO_CACHE"))
        cache_path = opts->cache_path ? svc_xstrdup(opts->cache_path) : svc_cache_default_path(src);
    int64_t started_ns = svc_cache_now_ns();
    if (cache_path) ps.cache = m->internal->cache = svc_cache_open(cache_path);

    build_ctx b = { .m = m, .folder_set = svc_map_new_borrowed(), .package_dirs = svc_map_new_borrowed(),
                    .prefixes = svc_map_new(), .ps = &ps, .scope = svc_scope_new(cfg, src) };
    collect_folders(&b);

    /* Python files, in source (path) order */
    size_t n = svc_source_count(src);
    m->files = svc_xcalloc(n ? n : 1, sizeof *m->files);
    ps.work = svc_xcalloc(n ? n : 1, sizeof *ps.work);
    for (size_t i = 0; i < n; i++) {
        const svc_source_file *sf = svc_source_at(src, i);
        if (!svc_str_ends_with(sf->path, ".py") || svc_scope_excluded(b.scope, sf->path)) continue;
        svc_file *f = &m->files[m->nfiles];
        f->path = svc_arena_strdup(m->arena, sf->path);
        f->module = module_name_for(&b, sf->path);
        f->is_init = strcmp(basename_of(sf->path), "__init__.py") == 0;
        f->service = f->app = -1;
        svc_map_put(m->file_by_path, f->path, (void *)(uintptr_t)(m->nfiles + 1));
        ps.work[m->nfiles].src = i;
        ps.work[m->nfiles].entry = svc_cache_find(ps.cache, f->path);
        m->nfiles++;
    }
    SVC_VEC(mod_entry) mods = { 0 };
    for (size_t i = 0; i < m->nfiles; i++)
        if (m->files[i].module) svc_vec_push(&mods, ((mod_entry){ m->files[i].module, i }));
    if (mods.len > 1) qsort(mods.items, mods.len, sizeof *mods.items, compare_mods);
    ps.mods = mods.items;
    ps.nmods = mods.len;

    /* Where things are, from paths alone; then settings (INSTALLED_APPS names apps) and the files
     * whose classes show an app. */
    find_services_root(&b);
    find_services(&b);
    index_vec first = { 0 }, rest = { 0 };
    for (size_t i = 0; i < m->nfiles; i++) {
        if (strstr(m->files[i].path, "settings") || app_evidence_file(m->files[i].path)) {
            ps.work[i].must = true;
            svc_vec_push(&first, i);
        } else {
            svc_vec_push(&rest, i);
        }
    }
    MARK("setup");
    run_jobs(&b, first.items, first.len, process, true);
    /* the modules of the AppConfig classes INSTALLED_APPS names ("hub.HubAppConfig" in
     * `hub/__init__.py`), in both models alike */
    index_vec configs = { 0 };
    each_installed_entry(&b, need_config_module, &configs);
    if (configs.len) {
        size_t kept = 0;
        for (size_t k = 0; k < configs.len; k++) {
            size_t f = configs.items[k];
            if (ps.work[f].must) continue; /* listed twice */
            ps.work[f].must = true;
            configs.items[kept++] = f;
        }
        configs.len = kept;
        run_jobs(&b, configs.items, configs.len, process, true);
        kept = 0;
        for (size_t k = 0; k < rest.len; k++)
            if (!ps.work[rest.items[k]].must) rest.items[kept++] = rest.items[k];
        rest.len = kept;
    }
    svc_vec_free(&configs);
    build_symbols(m); /* modules, and what the settings bind */
    find_apps(&b);
    assign_roles(m);

    /* Everything else: the pre-filter decides, the closure follows. */
    if (ps.check_only) {
        choose_words(&b);
        ps.fingerprint = prefilter_fingerprint(&b);
        ps.fast = ps.cache && ps.fingerprint == svc_cache_fingerprint(ps.cache);
        if (ps.fast)
            for (size_t i = 0; i < m->nfiles; i++)
                if (svc_cache_needed(ps.cache, ps.work[i].entry)) ps.work[i].must = true;
    }
    MARK("settings+apps");
    run_jobs(&b, rest.items, rest.len, process, true);
    MARK("files");
    if (opts->progress) opts->progress(opts->progress_ctx, m->nfiles, m->nfiles);
    if (env_set("SVCSCOPE_DEBUG")) {
        size_t np = 0;
        for (size_t i = 0; i < m->nfiles; i++) np += ps.work[i].status != ST_UNPARSED;
        fprintf(stderr, "phase 1: %zu of %zu parsed\n", np, m->nfiles);
        if (getenv("SVCSCOPE_DEBUG_FILES"))
            for (size_t i = 0; i < m->nfiles; i++)
                if (ps.work[i].status != ST_UNPARSED)
                    fprintf(stderr, "parsed %s %s\n", ps.work[i].must ? "must" : "word", svc_quoted_path(m->files[i].path));
    }
    rest.len = 0;
    parse_closure(&b, &rest, NULL);
    MARK("closure");
    reset_symbols(m);
    build_symbols(m);
    for (;;) {
        free_tasks(m);
        find_tasks(m);
        if (!ps.check_only) break;
        /* With the last run's verdicts standing and no file parsed anew, the names are those of
         * the last run, which its unparsed files were already checked against. */
        if (ps.fast && !any_fresh(&b)) {
            ps.taint_skipped = true;
            break;
        }
        if (env_set("SVCSCOPE_DEBUG")) {
            size_t np = 0;
            for (size_t i = 0; i < m->nfiles; i++) np += ps.work[i].status != ST_UNPARSED;
            fprintf(stderr, "closure: %zu parsed\n", np);
            if (getenv("SVCSCOPE_DEBUG_FILES"))
                for (size_t i = 0; i < m->nfiles; i++)
                    if (ps.work[i].status != ST_UNPARSED)
                        fprintf(stderr, "closure-parsed %s\n", svc_quoted_path(m->files[i].path));
        }
        taint_round(&b, &rest);
        if (env_set("SVCSCOPE_DEBUG")) fprintf(stderr, "taint: %zu names, %zu files\n", ps.taint.len, rest.len);
        if (!rest.len) break;
        /* parse what the names found, and add its symbols (all again when order would differ) */
        index_vec added = { 0 };
        parse_closure(&b, &rest, &added);
        qsort(added.items, added.len, sizeof *added.items, compare_size);
        bool ok = true;
        for (size_t k = 0; k < added.len && ok; k++)
            if (ps.work[added.items[k]].status == ST_PARSED || ps.work[added.items[k]].status == ST_CACHED)
                ok = file_symbols(m, added.items[k], true);
        svc_vec_free(&added);
        if (!ok) {
            reset_symbols(m);
            build_symbols(m);
        }
    }
    MARK("symbols+taint");
    find_exceptions(m);
    MARK("exceptions");

    for (size_t i = 0; i < m->nfiles; i++) {
        m->files[i].unparsed = ps.work[i].status == ST_UNPARSED;
        m->stats.unparsed += m->files[i].unparsed;
    }
    m->stats.parsed = atomic_load(&ps.parsed);
    m->stats.cached = atomic_load(&ps.cached);
    m->stats.read = atomic_load(&ps.read);
    if (cache_path) update_cache(&b, cache_path, started_ns);
    MARK("cache write");
    if (env_set("SVCSCOPE_STATS")) {
        fprintf(stderr, "svcscope: %zu files: %zu parsed, %zu from the cache, %zu unparsed, %zu read; %.1f ms (",
                m->nfiles, m->stats.parsed, m->stats.cached, m->stats.unparsed, m->stats.read,
                (double)(svc_cache_now_ns() - started_ns) / 1e6);
        int64_t prev = started_ns;
        for (int k = 0; k < ps.nmarks; k++) {
            fprintf(stderr, "%s%s %.1f", k ? ", " : "", ps.marks[k], (double)(ps.mark_ns[k] - prev) / 1e6);
            prev = ps.mark_ns[k];
        }
        fprintf(stderr, ")\n");
    }

    svc_facts_release_thread_memory();
    for (size_t i = 0; i < m->nfiles; i++)
        if (ps.work[i].tokens_owned) free((void *)ps.work[i].tokens);
    free(ps.work);
    free(ps.mods);
    svc_vec_free(&first);
    svc_vec_free(&rest);
    for (int t = 0; t < MAX_THREADS; t++) {
        svc_vec_free(&ps.needs[t]);
        svc_vec_free(&ps.defer[t]);
    }
    svc_vec_free(&ps.pending);
    for (size_t i = 0; i < ps.owned.len; i++) free(ps.owned.items[i]);
    svc_vec_free(&ps.owned);
    svc_vec_free(&ps.base_words);
    svc_vec_free(&ps.app_words);
    svc_vec_free(&ps.taint);
    svc_map_free(ps.taint_names);
    svc_map_free(ps.member_seen);
    free(cache_path);
    svc_map_free(b.folder_set);
    svc_map_free(b.package_dirs);
    svc_map_free(b.prefixes);
    svc_scope_free(b.scope);
    *out = m;
    (void)err;
    return 0;
}

void svc_model_free(svc_model *m)
{
    if (!m) return;
    /* the cache writer reads the facts: it finishes first */
    if (m->internal && m->internal->writing) pthread_join(m->internal->writer, NULL);
    for (size_t i = 0; i < m->nfiles; i++) {
        svc_facts_free((svc_facts *)m->files[i].facts);
        free((char *)m->files[i].read_error);
    }
    free(m->files);
    for (size_t i = 0; i < m->nservices; i++) free(m->services[i].files);
    free(m->services);
    for (size_t i = 0; i < m->napps; i++) free(m->apps[i].files);
    free(m->apps);
    free_tasks(m);
    free(m->exceptions);
    free(m->folders);
    svc_map_free(m->symbols);
    svc_map_free(m->file_by_path);
    svc_map_free(m->star_imports);
    svc_arena_free(m->arena);
    if (m->internal) {
        cache_job_free(m->internal->cj);
        svc_cache_close(m->internal->cache);
    }
    free(m->internal);
    free(m);
}
