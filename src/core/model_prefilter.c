/*
 * What the pre-filter looks for (docs/performance.md): the files rules read by path, the words
 * rules react to, the fingerprint a cached verdict depends on, and the taint rounds that find
 * the names by which other files reach what a rule reads. Deciding for one file is
 * model_parse.c's; the words of a file are prefilter.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "core/model_internal.h"
#include "core/prefilter.h"

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
void model_choose_words(build_ctx *b)
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
    /* beat schedules (m->beat): their entries say "task", add_periodic_task calls may not */
    static const char *const beat_words[] = { "add_periodic_task", "beat_schedule", "CELERY_BEAT_SCHEDULE",
                                              "CELERYBEAT_SCHEDULE", NULL };
    for (size_t i = 0; beat_words[i]; i++) add_word(ps, &ps->base_words, beat_words[i], strlen(beat_words[i]));
    /* SVC603: the Celery app and the modules it is told to import (facts' celery_imports) */
    static const char *const app_setup_words[] = { "Celery", "autodiscover_tasks", "imports", "include",
                                                   "CELERY_IMPORTS", "CELERY_INCLUDE", NULL };
    for (size_t i = 0; app_setup_words[i]; i++)
        add_word(ps, &ps->base_words, app_setup_words[i], strlen(app_setup_words[i]));
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
uint64_t model_prefilter_fingerprint(build_ctx *b)
{
    svc_model *m = b->m;
    struct parse_state *ps = b->ps;
    uint64_t h = 1469598103934665603ull;
    h = fnv64_str(h, "prefilter 3"); /* 2: task decorator aliases are followed; 3: Celery app setup words */
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
    for (size_t i = model_mod_lower(ps, module, n); i < ps->nmods && strcmp(ps->mods[i].name, module) == 0; i++) {
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

/* True when the module-level name `name` of file `f`, bound to `written` (an import's target or an
 * assignment's value), reaches the services package, a task or wrapper (`targets`) or a module
 * that holds such names (`tainted`). */
static bool reaches_taint(const svc_model *m, const svc_file *f, const char *name, const char *written,
                          svc_map *targets, svc_map *tainted)
{
    char *key = svc_xasprintf("%s.%s", f->module, name);
    const char *r = svc_model_resolve(m, key);
    free(key);
    return within_services(m, written) || within_services(m, r) ||
           (r && (svc_map_get(targets, r) || svc_map_get(tainted, r)));
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
void model_taint_round(build_ctx *b, index_vec *todo)
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
            if (model_is_task_alias(m, f->facts, &f->facts->assigns[k])) {
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
                if (imp->bound && reaches_taint(m, f, imp->bound, imp->target, targets, tainted)) {
                    add_taint(b, imp->bound, i);
                    holds = true;
                }
            }
            for (size_t k = 0; k < facts->nassigns; k++) {
                const svc_assign *as = &facts->assigns[k];
                if (as->value_chain && reaches_taint(m, f, as->name, as->value_chain, targets, tainted)) {
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
            if (!w->tokens || model_has_word(w, m->files[i].path, &ps->taint, ps->taint_probed, w->tokens_checked))
                if (model_make_needed(b, i)) svc_vec_push(todo, i);
        }
    ps->taint_probed = ps->taint.len;
}
