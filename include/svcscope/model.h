/*
 * Model: the repository seen as the services convention sees it. Built from a source's
 * files and their facts; everything the rules, the cross-reference and the presenters
 * need, with the definitions of spec/RULES.md "Words".
 */
#ifndef SVCSCOPE_MODEL_H
#define SVCSCOPE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/config.h"
#include "svcscope/error.h"
#include "svcscope/facts.h"
#include "svcscope/source.h"
#include "svcscope/user_dirs.h"

typedef enum svc_file_role {
    SVC_ROLE_OTHER,          /* anywhere else */
    SVC_ROLE_SERVICES_ROOT,  /* a file directly in the services root */
    SVC_ROLE_SERVICE,        /* a module of a service (not a test) */
    SVC_ROLE_SERVICE_TEST,   /* a test module inside a service (anywhere in it) */
    SVC_ROLE_APP,            /* inside a Django app */
} svc_file_role;

typedef struct svc_file {
    const char *path;        /* repo-relative, '/' separated */
    const char *module;      /* dotted module name, NULL when not importable */
    bool is_init;            /* __init__.py */
    bool is_test;            /* test_*.py, *_test.py, or under a `tests` folder */
    svc_file_role role;
    int service;             /* index into services, -1 */
    int app;                 /* index into apps, -1 */
    const svc_facts *facts;  /* never NULL for Python files (empty facts when unreadable) */
    const char *read_error;  /* why the file could not be read, or NULL */
    bool unparsed;           /* check-only model: the pre-filter showed nothing svc_check reads
                                could come from this file, so its facts are empty (never in a
                                full model; see docs/performance.md) */
} svc_file;

typedef struct svc_service {
    const char *name;        /* "billing" */
    const char *path;        /* "services/billing" */
    const char *module;      /* "services.billing" */
    bool has_init;
    bool has_tests;          /* a tests/ folder exists */
    bool tests_has_init;
    bool is_tasks;           /* the tasks service */
    int init_file;           /* file index of its __init__.py, -1 */
    size_t *files;           /* file indexes inside it, sorted by path */
    size_t nfiles;
} svc_service;

typedef enum svc_app_origin {
    SVC_APP_FROM_APPS_PY,    /* an AppConfig subclass in apps.py */
    SVC_APP_FROM_MODELS,     /* a Django model in models.py or models/ */
    SVC_APP_FROM_SETTINGS,   /* named in INSTALLED_APPS */
    SVC_APP_FROM_CONFIG,
} svc_app_origin;

typedef struct svc_app {
    const char *label;       /* last part of the module: "orders" */
    const char *display;     /* how it is shown: the label, or when apps share it, the end of the
                                path that tells them apart ("app/dataloaders") */
    const char *path;        /* "backend/orders" */
    const char *module;      /* "orders" */
    svc_app_origin origin;
    size_t *files;
    size_t nfiles;
} svc_app;

/* A definition of the repo: a file and a def inside it. */
typedef struct svc_defref {
    size_t file;
    size_t def;
} svc_defref;

typedef struct svc_task {
    svc_defref at;               /* the function whose body the task runs */
    const char *name;            /* what the task is bound to in its module: the def's qualname, or the
                                    assigned name of a task made by a call (`purge_task = shared_task(purge)`) */
    svc_span name_span;          /* where findings about the task sit: the def's name, or the assigned name */
    bool by_call;                /* made by a call rather than a decorator */
    const char *dotted;          /* "services.tasks.email_tasks._send_welcome" (module + name) */
    const char *decorator;       /* resolved decorator callee that made it a task */
    int service;                 /* service it is in, -1 */
    bool in_tasks_service;
    bool bind;                   /* bind=True */
    const char *celery_name;     /* name="..." when given, else NULL */
    const char *registered_name; /* the name Celery registers it under: celery_name, else the function's
                                    module + name (what `send_task("...")` names); NULL when not importable */
    size_t *wrappers;            /* indexes into model wrappers */
    size_t nwrappers;
} svc_task;

typedef struct svc_wrapper {
    svc_defref at;
    const char *dotted;          /* "services.tasks.email_tasks.delay_send_welcome" */
    size_t task;                 /* index into tasks */
    size_t call;                 /* the .delay/.apply_async call inside it (index into facts calls) */
    bool named_delay;            /* name starts with delay_ */
} svc_wrapper;

typedef struct svc_exception {
    svc_defref at;
    const char *dotted;          /* where it is defined */
    int service;                 /* -1 when not in a service */
    bool at_root;                /* importable from the service's __init__.py */
} svc_exception;

typedef enum svc_beat_origin {
    SVC_BEAT_SCHEDULE,       /* an entry of a `beat_schedule` / `CELERY_BEAT_SCHEDULE` dict literal */
    SVC_BEAT_PERIODIC_TASK,  /* an `add_periodic_task(schedule, signature, name=...)` call */
} svc_beat_origin;

/* A Celery beat schedule entry: something celery beat queues on a schedule. */
typedef struct svc_beat_entry {
    svc_beat_origin origin;
    const char *name;            /* the entry's key, add_periodic_task's name="...", or NULL */
    const char *task_name;       /* the task as the entry names it: the registered name as written (a
                                    "task" string, `signature("...")`), else the registered name of the
                                    task object it names (`t.s()`, "task": t.name), else the text as
                                    written */
    bool by_name;                /* named by a registered-name string: `task` < 0 then means no task of
                                    the repo is registered under task_name */
    long task;                   /* index into tasks, -1 when none matches */
    size_t file;                 /* index into files */
    const char *path;
    uint32_t line, column;       /* 1-based, column in code points: the "task" value, or the signature */
    svc_span span;               /* the same, 0-based, with its end */
    int scope;                   /* enclosing def index, -1 at module level */
    const char *enclosing;       /* its qualname, "<module>" at module level */
} svc_beat_entry;

typedef enum svc_symbol_kind {
    SVC_SYM_MODULE,     /* a module or package of the repo */
    SVC_SYM_DEF,        /* a top-level def or class, or a method (dotted through the class) */
    SVC_SYM_IMPORT,     /* a name a module imports at top level (may be a re-export) */
    SVC_SYM_ASSIGN,     /* a module-level assignment */
} svc_symbol_kind;

typedef struct svc_symbol {
    svc_symbol_kind kind;
    size_t file;              /* file that defines it (module: its file) */
    long def;                 /* SVC_SYM_DEF: def index; else -1 */
    const char *target;       /* IMPORT / ASSIGN alias: dotted name it refers to, else NULL */
} svc_symbol;

/* One phase of the build and how long it took. */
typedef struct svc_model_phase {
    const char *name;            /* "setup", "settings+apps", "files", "closure", "symbols+taint",
                                    "exceptions", "cache write" */
    int64_t ns;
} svc_model_phase;

/* One round of the pre-filter's work, recorded when svc_model_options.trace asks. */
typedef enum svc_model_round_kind {
    SVC_ROUND_FILES,     /* every file went through the pre-filter once */
    SVC_ROUND_CLOSURE,   /* what the parsed files' names run through was parsed */
    SVC_ROUND_TAINT,     /* re-exported names were looked for in the unparsed files */
} svc_model_round_kind;

typedef struct svc_model_round {
    svc_model_round_kind kind;
    size_t parsed;               /* FILES, CLOSURE: files that have facts (were not left unparsed) */
    size_t names;                /* TAINT: re-exported names looked for */
    size_t needed;               /* TAINT: unparsed files holding one, to be parsed next */
    size_t *files;               /* with trace_files, FILES and CLOSURE: the `parsed` files (indexes) */
    bool *must;                  /* FILES: per entry of `files`, true when a rule reads it by path (else
                                    its words let it through) */
} svc_model_round;

typedef struct svc_model_stats {
    size_t parsed;               /* facts extracted in this build */
    size_t cached;               /* facts taken from the cache */
    size_t unparsed;             /* left out by the pre-filter */
    size_t read;                 /* files whose bytes were read */
    int64_t ns;                  /* the whole build, cache write included */
    svc_model_phase phases[16];  /* in order */
    size_t nphases;
    svc_model_round *rounds;     /* with svc_model_options.trace, in order; else NULL */
    size_t nrounds;
} svc_model_stats;

typedef struct svc_model {
    svc_source *source;          /* borrowed */
    const svc_config *config;    /* borrowed */
    svc_file *files;             /* Python files, sorted by path */
    size_t nfiles;
    const char *services_root;   /* "services", "backend/services", or NULL */
    const char *services_module; /* "services" normally */
    const char **services_root_candidates; /* when several `services` folders tie: none is taken */
    size_t nservices_root_candidates;
    bool services_root_has_init;
    svc_service *services;       /* sorted by name */
    size_t nservices;
    int tasks_service;           /* index, -1 */
    svc_app *apps;               /* sorted by path */
    size_t napps;
    svc_task *tasks;             /* sorted by file then line */
    size_t ntasks;
    svc_wrapper *wrappers;
    size_t nwrappers;
    svc_exception *exceptions;
    size_t nexceptions;
    svc_beat_entry *beat;        /* beat schedule entries, sorted by path, line, column */
    size_t nbeat;
    char **folders;              /* every folder of the source (repo-relative), sorted */
    size_t nfolders;
    struct svc_map *symbols;     /* dotted name -> svc_symbol* */
    struct svc_map *file_by_path;   /* path -> (file index + 1) */
    struct svc_map *star_imports;   /* module -> svc_star_list* of modules it `import *`s */
    struct svc_arena *arena;
    svc_model_stats stats;       /* what the build did, for its caller to report */
    struct svc_model_internal *internal; /* model.c's own (the cache, its writer) */
} svc_model;

/* Called from the building thread as files are parsed: done of total. */
typedef void (*svc_progress_fn)(void *ctx, size_t done, size_t total);

/*
 * How to build. The build reads no environment variable and writes nothing on stderr: the
 * program turns SVCSCOPE_NO_CACHE, SVCSCOPE_NO_PREFILTER and the like into these options, and
 * reports model->stats as SVCSCOPE_STATS and SVCSCOPE_DEBUG ask.
 */
typedef struct svc_model_options {
    int threads;                 /* 0 = number of cores */
    svc_progress_fn progress;
    void *progress_ctx;
    /* Take facts from the facts cache and update it (include/svcscope/cache.h). cache_path:
     * another file than the default, which outside git is under user_dirs' cache folder. */
    bool cache;
    const char *cache_path;
    /* A model only svc_check will read: files the pre-filter proves cannot matter to any rule
     * (docs/performance.md) are not parsed (svc_file.unparsed). Findings are the same as with a
     * full model. */
    bool check_only;
    const svc_user_dirs *user_dirs;
    /* Record the pre-filter's rounds in stats.rounds; trace_files: with the files each parsed. */
    bool trace;
    bool trace_files;
    /* Write the cache before svc_model_build returns (else a thread writes it meanwhile). */
    bool sync_cache_write;
} svc_model_options;

#define SVC_MODEL_OPTIONS_INIT { 0, NULL, NULL, false, NULL, false, NULL, false, false, false }

int svc_model_build(svc_model **out, svc_source *src, const svc_config *cfg,
                    const svc_model_options *opts, svc_error *err);
void svc_model_free(svc_model *model);

/* The symbol for an exact dotted name, or NULL. */
const svc_symbol *svc_model_symbol(const svc_model *model, const char *dotted);
/*
 * Follows imports and aliases (re-exports) from `dotted` to the name of what it finally is:
 * "services.billing.PaymentError" -> "services.billing.errors.PaymentError". Returns NULL for
 * a name the repo does not define. The result is owned by the model's arena.
 */
const char *svc_model_resolve(const svc_model *model, const char *dotted);
/* The def a dotted name finally resolves to, or false. */
bool svc_model_find_def(const svc_model *model, const char *dotted, svc_defref *out);
/* File index by repo-relative path, or -1. */
long svc_model_file(const svc_model *model, const char *path);
/* Index of the service that contains a dotted module or name, or -1. */
int svc_model_service_of(const svc_model *model, const char *dotted);
/* True when a module with this dotted name is a module/package of the repo. */
bool svc_model_is_module(const svc_model *model, const char *dotted);
/* Index of the task defined at (file, def), or -1. */
long svc_model_task_at(const svc_model *model, size_t file, size_t def);
/* Index of the task a dotted name designates (followed through imports and aliases; a task made
 * by a call is known by its assigned name), or -1. */
long svc_model_task_named(const svc_model *model, const char *dotted);
/* Index of the task a `<app>.send_task("<registered name>", ...)` call queues, or -1: the literal
 * name is looked up among the tasks' registered names (decorator `name=`, else module + function). */
long svc_model_task_sent(const svc_model *model, const svc_facts *facts, const svc_call *call);
/* Index of the task registered under name[0..n) (decorator `name=`, else module + function), or -1. */
long svc_model_task_registered(const svc_model *model, const char *name, size_t n);
/* The beat schedule entries that queue task `task`, into *out (malloc'd; NULL when none). */
size_t svc_model_beat_of_task(const svc_model *model, size_t task, const svc_beat_entry ***out);
/* Index of the task a call of a config `dispatch-functions` helper queues (its first argument), or -1. */
long svc_model_task_dispatched(const svc_model *model, const svc_facts *facts, const svc_call *call);
/* True when code at (file, scope) is inside a config `dispatch-functions` helper. */
bool svc_model_in_dispatch_function(const svc_model *model, size_t file, int scope);
/* Index of the task that `<task>.<attr>(...)` (`.delay`, `.apply_async`, ...) is called on, or -1. */
long svc_model_task_of_call(const svc_model *model, const svc_facts *facts, const svc_call *call);
/* True when code at (file, scope) is the body of a task outside the tasks service, or of one of
 * its wrappers: SVC401 reports that task, and what is inside moves with it (one finding per root
 * cause). `scope` is a def index of the file's facts, -1 at module level. */
bool svc_model_in_misplaced_task(const svc_model *model, size_t file, int scope);
/* True when the def (file, def) is a wrapper of a task outside the tasks service. */
bool svc_model_is_misplaced_wrapper(const svc_model *model, size_t file, size_t def);
/* True when the class (file, def) is an exception: its base chain reaches
 * Exception/BaseException or a builtin exception, through classes of the repo. */
bool svc_model_is_exception_class(const svc_model *model, size_t file, size_t def);

#endif
