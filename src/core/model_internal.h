/*
 * What the parts of the model's build share (model.c and model_*.c); not a public interface.
 *
 * svc_model_build (model.c) runs the phases, each in its own file:
 *   model_modules.c     folders, packages and the dotted name of every file
 *   model_layout.c      the services root, the services, and each file's role
 *   model_parse.c       each file's facts: read, pre-filter, extract or take from the cache,
 *                       on the job runner of jobs.c; the closure of what parsed files need
 *   model_prefilter.c   the words the pre-filter looks for, its fingerprint, the taint rounds
 *   model_apps.c        Django apps (app_evidence.c judges the classes)
 *   model_symbols.c     dotted names -> what they are, and the lookups through them
 *   model_tasks.c       Celery tasks and their wrappers, and the lookups of tasks
 *   model_beat.c        Celery beat schedule entries (dict literals, add_periodic_task)
 *   model_exceptions.c  exception classes
 *   model_cache.c       writing the facts cache back
 * Calls go one way: model_symbols.c uses nothing else of the model, so app_evidence.c can
 * resolve names through it while model_apps.c asks app_evidence.c; the pre-filter's taint
 * rounds use the parse stage, never the reverse.
 */
#ifndef SVCSCOPE_MODEL_INTERNAL_H
#define SVCSCOPE_MODEL_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/jobs.h"
#include "svcscope/cache.h"
#include "svcscope/model.h"
#include "svcscope/scope.h"
#include "svcscope/util.h"

/* ---- paths ------------------------------------------------------------------------ */

static inline const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Folder part of a path ("" for a top-level file), in the arena. */
static inline char *dirname_of(svc_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? svc_arena_strndup(a, path, (size_t)(slash - path)) : svc_arena_strdup(a, "");
}

static inline char *join_path(svc_arena *a, const char *dir, const char *name)
{
    return *dir ? svc_arena_printf(a, "%s/%s", dir, name) : svc_arena_strdup(a, name);
}

static inline bool path_within(const char *path, const char *folder)
{
    if (!*folder) return true;
    size_t n = strlen(folder);
    return strncmp(path, folder, n) == 0 && path[n] == '/';
}

/* ---- the build's state ------------------------------------------------------------ */

typedef SVC_VEC(size_t) index_vec;

struct parse_state;

typedef struct build_ctx {
    svc_model *m;
    svc_map *folder_set;    /* every folder -> (void*)1 */
    svc_map *package_dirs;  /* folders that hold __init__.py */
    svc_map *prefixes;      /* folder -> folder_name* (model_modules.c) */
    struct parse_state *ps; /* parsing (below) */
    svc_scope *scope;       /* the files that are the project */
} build_ctx;

static inline bool is_package_dir(const build_ctx *b, const char *dir)
{
    return *dir && svc_map_get(b->package_dirs, dir) != NULL;
}

enum file_status { ST_TODO, ST_PARSED, ST_CACHED, ST_UNPARSED, ST_FAILED };

/* What the parse stage knows of one Python file of the model (same index). */
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

#define MAX_THREADS SVC_JOBS_MAX_THREADS

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

/* ---- model_modules.c: folders and module names ------------------------------------- */

/* Every folder of the source's files in scope (m->folders, sorted), and which are packages. */
void model_collect_folders(build_ctx *b);
/* The dotted name Python would import a file as, or NULL (not a .py file, or not importable). */
const char *model_module_name(build_ctx *b, const char *path);
/* The dotted name of a folder: its package's, else its name under its parent's. */
const char *model_folder_module(build_ctx *b, const char *folder);

/* ---- model_layout.c: services root, services, roles --------------------------------- */

void model_find_services_root(build_ctx *b);
void model_find_services(build_ctx *b);
/* Each file's role, service and app; each service's and app's files. */
void model_assign_roles(svc_model *m);

/* ---- model_parse.c: the files' facts ------------------------------------------------- */

/* Parses (or takes from the cache, or leaves unparsed) the files `items`, on ps->threads threads;
 * `progress` counts them towards the progress callback. */
void model_parse_files(build_ctx *b, const size_t *items, size_t n, bool progress);
/* Parses `todo` (files made needed), then what their facts need, until nothing new is needed.
 * `todo` is consumed; the files parsed are added to `done` when given. */
void model_parse_closure(build_ctx *b, index_vec *todo, index_vec *done);
/* Marks a file needed; true when it was unparsed and now has to be parsed. */
bool model_make_needed(build_ctx *b, size_t file);
/* True when some file's content was not the cache's (it was read and decided anew). */
bool model_any_fresh(const build_ctx *b);
/* True when the file's words hold one of words[from..] (skip_old_checked: but those the
 * cache's unparsed entries are known not to hold). */
bool model_has_word(const file_work *w, const char *path, const word_vec *words, size_t from, bool skip_old_checked);
/* The modules of the repo, sorted by name (ps->mods), and the first entry whose name is not
 * below the first n bytes of p. */
void model_index_modules(build_ctx *b);
size_t model_mod_lower(const struct parse_state *ps, const char *p, size_t n);

/* ---- model_prefilter.c: what the pre-filter looks for ---------------------------------- */

/* Which files a rule reads by path (parsed whatever they say), and the words of the others. */
void model_choose_words(build_ctx *b);
/* What the pre-filter's verdicts depend on besides each file's content. */
uint64_t model_prefilter_fingerprint(build_ctx *b);
/* The names that reach what a rule reads from outside the services package; unparsed files
 * that hold one are made needed (into todo). */
void model_taint_round(build_ctx *b, index_vec *todo);

/* ---- model_apps.c ------------------------------------------------------------------- */

/* The files whose classes can show that their package is an app: apps.py, models.py, models/. */
bool model_is_app_evidence_file(const char *path);
/* Not yet parsed files of the modules that INSTALLED_APPS entries name a member of
 * ("hub.HubAppConfig": `hub`), into `out`. */
void model_app_config_modules(build_ctx *b, index_vec *out);
void model_find_apps(build_ctx *b);

/* ---- model_symbols.c ------------------------------------------------------------------ */

void model_build_symbols(svc_model *m);
void model_reset_symbols(svc_model *m);
/* Adds the symbols of one file (see model_symbols.c); false when everything must be rebuilt. */
bool model_file_symbols(svc_model *m, size_t i, bool incremental);

/* ---- model_tasks.c -------------------------------------------------------------------- */

void model_find_tasks(svc_model *m);
void model_free_tasks(svc_model *m);
/* True when a module-level assignment binds a task decorator (`retrying = shared_task(bind=True)`). */
bool model_is_task_alias(const svc_model *m, const svc_facts *facts, const svc_assign *as);

/* ---- model_beat.c --------------------------------------------------------------------- */

/* The beat schedule entries of every file (m->beat), once the tasks are known. */
void model_find_beat(svc_model *m);
void model_free_beat(svc_model *m);

/* ---- model_exceptions.c ------------------------------------------------------------------ */

void model_find_exceptions(svc_model *m);

/* ---- model_cache.c: writing the facts cache -------------------------------------------- */

/* The model's own: the cache its facts may live in, and the thread that writes it back. */
struct model_cache_job;
struct svc_model_internal {
    svc_cache *cache;          /* facts taken from it live in its mapping */
    struct model_cache_job *cj;
    pthread_t writer;
    bool writing;
};

/* Writes the cache at `path` when this build learnt something it does not hold yet: on a
 * thread of its own, joined by model_cache_wait (on this one when `sync`). */
void model_cache_update(build_ctx *b, const char *path, int64_t started_ns, bool sync);
/* Waits for the writer: it reads the model's facts. */
void model_cache_wait(struct svc_model_internal *in);
/* Frees what the writer was given and closes the cache. */
void model_cache_close(struct svc_model_internal *in);

#endif
