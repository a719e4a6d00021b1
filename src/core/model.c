/*
 * Model: files + facts -> services, apps, tasks, wrappers, exceptions, symbols.
 * Definitions follow spec "Words" (see docs/model.md for the choices where it is silent).
 * This file runs the build's phases in order and frees the model; each phase is a file of its
 * own (model_internal.h lists them).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/model_internal.h"


/* The end of a phase (model->stats.phases). */
#define MARK(what) (ps.nmarks < 16 ? (void)(ps.marks[ps.nmarks] = (what), ps.mark_ns[ps.nmarks++] = svc_cache_now_ns()) : (void)0)

/* With opts->trace: a round of the pre-filter in model->stats.rounds; FILES and CLOSURE rounds
 * list the files that have facts now when opts->trace_files asks. */
static void trace_round(build_ctx *b, svc_model_round_kind kind, size_t names, size_t needed)
{
    svc_model *m = b->m;
    const struct parse_state *ps = b->ps;
    if (!ps->opts->trace) return;
    m->stats.rounds = svc_xrealloc(m->stats.rounds, (m->stats.nrounds + 1) * sizeof *m->stats.rounds);
    svc_model_round *r = &m->stats.rounds[m->stats.nrounds++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->names = names;
    r->needed = needed;
    if (kind == SVC_ROUND_TAINT) return;
    for (size_t i = 0; i < m->nfiles; i++) r->parsed += ps->work[i].status != ST_UNPARSED;
    if (!ps->opts->trace_files) return;
    r->files = svc_xcalloc(r->parsed ? r->parsed : 1, sizeof *r->files);
    if (kind == SVC_ROUND_FILES) r->must = svc_xcalloc(r->parsed ? r->parsed : 1, sizeof *r->must);
    size_t k = 0;
    for (size_t i = 0; i < m->nfiles; i++) {
        if (ps->work[i].status == ST_UNPARSED) continue;
        if (r->must) r->must[k] = ps->work[i].must;
        r->files[k++] = i;
    }
}

/* The phases' durations and the whole build's, from the marks. */
static void time_phases(svc_model *m, const struct parse_state *ps, int64_t started_ns, int64_t ended_ns)
{
    m->stats.ns = ended_ns - started_ns;
    int64_t prev = started_ns;
    for (int k = 0; k < ps->nmarks; k++) {
        m->stats.phases[k].name = ps->marks[k];
        m->stats.phases[k].ns = ps->mark_ns[k] - prev;
        prev = ps->mark_ns[k];
    }
    m->stats.nphases = (size_t)ps->nmarks;
}

static int compare_size(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return a < b ? -1 : a > b;
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
    ps.check_only = opts->check_only;
    ps.taint_names = svc_map_new();
    ps.member_seen = svc_map_new();
    int threads = opts->threads;
    if (threads <= 0) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        threads = ncpu > 0 ? (int)ncpu : 1;
    }
    ps.threads = threads > MAX_THREADS ? MAX_THREADS : threads;
    char *cache_path = NULL;
    if (opts->cache)
        cache_path = opts->cache_path ? svc_xstrdup(opts->cache_path) : svc_cache_default_path(src, opts->user_dirs);
    int64_t started_ns = svc_cache_now_ns();
    if (cache_path) ps.cache = m->internal->cache = svc_cache_open(cache_path);

    build_ctx b = { .m = m, .folder_set = svc_map_new_borrowed(), .package_dirs = svc_map_new_borrowed(),
                    .prefixes = svc_map_new(), .ps = &ps, .scope = svc_scope_new(cfg, src) };
    model_collect_folders(&b);

    /* Python files, in source (path) order */
    size_t n = svc_source_count(src);
    m->files = svc_xcalloc(n ? n : 1, sizeof *m->files);
    ps.work = svc_xcalloc(n ? n : 1, sizeof *ps.work);
    for (size_t i = 0; i < n; i++) {
        const svc_source_file *sf = svc_source_at(src, i);
        if (!svc_str_ends_with(sf->path, ".py") || svc_scope_excluded(b.scope, sf->path)) continue;
        svc_file *f = &m->files[m->nfiles];
        f->path = svc_arena_strdup(m->arena, sf->path);
        f->module = model_module_name(&b, sf->path);
        f->is_init = strcmp(basename_of(sf->path), "__init__.py") == 0;
        f->service = f->app = -1;
        svc_map_put(m->file_by_path, f->path, (void *)(uintptr_t)(m->nfiles + 1));
        ps.work[m->nfiles].src = i;
        ps.work[m->nfiles].entry = svc_cache_find(ps.cache, f->path);
        m->nfiles++;
    }
    model_index_modules(&b);

    /* Where things are, from paths alone; then settings (INSTALLED_APPS names apps) and the files
     * whose classes show an app. */
    model_find_services_root(&b);
    model_find_services(&b);
    index_vec first = { 0 }, rest = { 0 };
    for (size_t i = 0; i < m->nfiles; i++) {
        if (strstr(m->files[i].path, "settings") || model_is_app_evidence_file(m->files[i].path)) {
            ps.work[i].must = true;
            svc_vec_push(&first, i);
        } else {
            svc_vec_push(&rest, i);
        }
    }
    MARK("setup");
    model_parse_files(&b, first.items, first.len, true);
    /* the modules of the AppConfig classes INSTALLED_APPS names ("hub.HubAppConfig" in
     * `hub/__init__.py`), in both models alike */
    index_vec configs = { 0 };
    model_app_config_modules(&b, &configs);
    if (configs.len) {
        size_t kept = 0;
        for (size_t k = 0; k < configs.len; k++) {
            size_t f = configs.items[k];
            if (ps.work[f].must) continue; /* listed twice */
            ps.work[f].must = true;
            configs.items[kept++] = f;
        }
        configs.len = kept;
        model_parse_files(&b, configs.items, configs.len, true);
        kept = 0;
        for (size_t k = 0; k < rest.len; k++)
            if (!ps.work[rest.items[k]].must) rest.items[kept++] = rest.items[k];
        rest.len = kept;
    }
    svc_vec_free(&configs);
    model_build_symbols(m); /* modules, and what the settings bind */
    model_find_apps(&b);
    model_assign_roles(m);

    /* Everything else: the pre-filter decides, the closure follows. */
    if (ps.check_only) {
        model_choose_words(&b);
        ps.fingerprint = model_prefilter_fingerprint(&b);
        ps.fast = ps.cache && ps.fingerprint == svc_cache_fingerprint(ps.cache);
        if (ps.fast)
            for (size_t i = 0; i < m->nfiles; i++)
                if (svc_cache_needed(ps.cache, ps.work[i].entry)) ps.work[i].must = true;
    }
    MARK("settings+apps");
    model_parse_files(&b, rest.items, rest.len, true);
    MARK("files");
    if (opts->progress) opts->progress(opts->progress_ctx, m->nfiles, m->nfiles);
    trace_round(&b, SVC_ROUND_FILES, 0, 0);
    rest.len = 0;
    model_parse_closure(&b, &rest, NULL);
    MARK("closure");
    model_reset_symbols(m);
    model_build_symbols(m);
    for (;;) {
        model_free_tasks(m);
        model_find_tasks(m);
        if (!ps.check_only) break;
        /* With the last run's verdicts standing and no file parsed anew, the names are those of
         * the last run, which its unparsed files were already checked against. */
        if (ps.fast && !model_any_fresh(&b)) {
            ps.taint_skipped = true;
            break;
        }
        trace_round(&b, SVC_ROUND_CLOSURE, 0, 0);
        model_taint_round(&b, &rest);
        trace_round(&b, SVC_ROUND_TAINT, ps.taint.len, rest.len);
        if (!rest.len) break;
        /* parse what the names found, and add its symbols (all again when order would differ) */
        index_vec added = { 0 };
        model_parse_closure(&b, &rest, &added);
        qsort(added.items, added.len, sizeof *added.items, compare_size);
        bool ok = true;
        for (size_t k = 0; k < added.len && ok; k++)
            if (ps.work[added.items[k]].status == ST_PARSED || ps.work[added.items[k]].status == ST_CACHED)
                ok = model_file_symbols(m, added.items[k], true);
        svc_vec_free(&added);
        if (!ok) {
            model_reset_symbols(m);
            model_build_symbols(m);
        }
    }
    MARK("symbols+taint");
    model_find_exceptions(m);
    model_find_beat(m);
    MARK("exceptions");

    for (size_t i = 0; i < m->nfiles; i++) {
        m->files[i].unparsed = ps.work[i].status == ST_UNPARSED;
        m->stats.unparsed += m->files[i].unparsed;
    }
    m->stats.parsed = atomic_load(&ps.parsed);
    m->stats.cached = atomic_load(&ps.cached);
    m->stats.read = atomic_load(&ps.read);
    if (cache_path) model_cache_update(&b, cache_path, started_ns, opts->sync_cache_write);
    MARK("cache write");
    time_phases(m, &ps, started_ns, svc_cache_now_ns());

    svc_facts_release_thread_memory();
    for (size_t i = 0; i < m->nfiles; i++)
        if (ps.work[i].tokens_owned) free(SVC_UNCONST(void *, ps.work[i].tokens));
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
    model_cache_wait(m->internal);
    for (size_t i = 0; i < m->nfiles; i++) {
        svc_facts_free(SVC_UNCONST(svc_facts *, m->files[i].facts));
        free(SVC_UNCONST(char *, m->files[i].read_error));
    }
    free(m->files);
    for (size_t i = 0; i < m->nservices; i++) free(m->services[i].files);
    free(m->services);
    for (size_t i = 0; i < m->napps; i++) free(m->apps[i].files);
    free(m->apps);
    model_free_tasks(m);
    model_free_beat(m);
    free(m->exceptions);
    free(m->folders);
    svc_map_free(m->symbols);
    svc_map_free(m->file_by_path);
    svc_map_free(m->star_imports);
    svc_arena_free(m->arena);
    model_cache_close(m->internal);
    free(m->internal);
    for (size_t i = 0; i < m->stats.nrounds; i++) {
        free(m->stats.rounds[i].files);
        free(m->stats.rounds[i].must);
    }
    free(m->stats.rounds);
    free(m);
}
