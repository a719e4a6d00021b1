/*
 * The parse stage: read, pre-filter, extract or take from the cache (threaded, jobs.c).
 *
 * Every Python file goes through process(): its facts come from the cache when an entry matches
 * its content, else from svc_facts_extract on its bytes. A check-only model first asks the
 * pre-filter (docs/performance.md): a file that no rule reads by its path, and whose identifiers
 * include none of the words a rule could react to, is left unparsed. What the parsed files'
 * facts name (modules their names run through) is then parsed too, round after round, until
 * nothing new is needed; then the names that re-export services, tasks and wrappers outside
 * the services package ("taint") are looked for in the unparsed files, and so on.
 */
#include <stdlib.h>
#include <string.h>

#include "core/model_internal.h"
#include "core/prefilter.h"
#include "svcscope/facts.h"

/* ---- the pre-filter's verdict on one file ---- */

bool model_has_word(const file_work *w, const char *path, const word_vec *words, size_t from, bool skip_old_checked)
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
    if (model_has_word(w, path, &ps->base_words, 0, false)) return true;
    if (w->app_words && model_has_word(w, path, &ps->app_words, 0, false)) return true;
    return model_has_word(w, path, &ps->taint, 0, w->tokens_checked);
}

/* ---- the closure: modules a file's facts run through ---- */

static int compare_mods(const void *pa, const void *pb)
{
    const mod_entry *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    return a->file < b->file ? -1 : a->file > b->file;
}

void model_index_modules(build_ctx *b)
{
    svc_model *m = b->m;
    SVC_VEC(mod_entry) mods = { 0 };
    for (size_t i = 0; i < m->nfiles; i++)
        if (m->files[i].module) svc_vec_push(&mods, ((mod_entry){ m->files[i].module, i }));
    if (mods.len > 1) qsort(mods.items, mods.len, sizeof *mods.items, compare_mods);
    b->ps->mods = mods.items;
    b->ps->nmods = mods.len;
}

/* First module entry whose name is not below the first n bytes of p. */
size_t model_mod_lower(const struct parse_state *ps, const char *p, size_t n)
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
        size_t i = model_mod_lower(ps, s, n);
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
        free(SVC_UNCONST(char *, f->read_error));
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

/* One job of model_parse_files: a file, then the progress callback (from the building thread). */
typedef struct parse_job {
    build_ctx *b;
    bool progress;
} parse_job;

static void parse_job_run(void *ctx, size_t file, int worker)
{
    parse_job *j = ctx;
    process(j->b, file, worker);
    if (!j->progress) return;
    const svc_model_options *opts = j->b->ps->opts;
    size_t done = atomic_fetch_add(&j->b->ps->done, 1) + 1;
    if (worker == 0 && opts->progress) opts->progress(opts->progress_ctx, done, j->b->m->nfiles);
}

void model_parse_files(build_ctx *b, const size_t *items, size_t n, bool progress)
{
    parse_job j = { b, progress };
    svc_jobs_run(items, n, b->ps->threads, parse_job_run, &j);
}

/* True when some file's content was not the cache's (it was read and decided anew). */
bool model_any_fresh(const build_ctx *b)
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
bool model_make_needed(build_ctx *b, size_t file)
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
        size_t lo = model_mod_lower(ps, d.s, d.mlen);
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

void model_parse_closure(build_ctx *b, index_vec *todo, index_vec *done)
{
    struct parse_state *ps = b->ps;
    for (;;) {
        model_parse_files(b, todo->items, todo->len, false);
        if (done)
            for (size_t k = 0; k < todo->len; k++) svc_vec_push(done, todo->items[k]);
        todo->len = 0;
        if (!ps->check_only) break;
        for (int t = 0; t < ps->threads; t++) {
            for (size_t k = 0; k < ps->needs[t].len; k++)
                if (model_make_needed(b, ps->needs[t].items[k])) svc_vec_push(todo, ps->needs[t].items[k]);
            ps->needs[t].len = 0;
            for (size_t k = 0; k < ps->defer[t].len; k++) svc_vec_push(&ps->pending, ps->defer[t].items[k]);
            ps->defer[t].len = 0;
        }
        index_vec more = { 0 };
        follow_deferred(b, &ps->pending, &more);
        for (size_t k = 0; k < more.len; k++)
            if (model_make_needed(b, more.items[k])) svc_vec_push(todo, more.items[k]);
        svc_vec_free(&more);
        give_empty_facts(b);
        if (!todo->len) break;
    }
    give_empty_facts(b);
}
