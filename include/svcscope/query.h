/*
 * Query: the questions a reader of the code asks, answered from the model and the
 * cross-reference, so that the explorer, the CLI and an editor integration ask the same core
 * and only draw the answers.
 *
 *  - what is defined or used at a position, and every name on a line (svc_query_at, _line);
 *  - where a dotted name is defined (svc_query_definition);
 *  - which task or wrapper a name designates, and who triggers it (svc_query_lookup,
 *    svc_query_task_at, svc_query_triggers_new);
 *  - who imports a module or a service (svc_query_importers_new);
 *  - a service's public API, modules, exceptions and tasks (svc_query_service_new);
 *  - every symbol a user can go to, ranked for a typed query (svc_query_symbols_new,
 *    svc_query_rank, svc_fuzzy_score).
 *
 * Conventions: rows and columns given to the queries are 0-based, columns in code points (as
 * in facts: a caller holding a byte column converts it with svc_utf8_codepoints over the line's
 * bytes); places in answers are 1-based (line, column in code points). Strings in answers
 * belong to the model, the cross-reference, the query or the answer's arena: an answer lives
 * until its _free or the query's, whichever comes first; the model and the cross-reference
 * outlive the query. A query is not safe to share between threads.
 */
#ifndef SVCSCOPE_QUERY_H
#define SVCSCOPE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/model.h"
#include "svcscope/xref.h"

typedef struct svc_query svc_query;

/* A query over a model. `xref` is borrowed when given; NULL: built on first need and owned. */
svc_query *svc_query_new(const svc_model *model, const svc_xref *xref);
void svc_query_free(svc_query *q);
/* The cross-reference the query reads (built now if it was not given). */
const svc_xref *svc_query_xref(svc_query *q);

/* What a name designates, most specific first (a task's def is TASK, not FUNCTION). */
typedef enum svc_query_kind {
    SVC_QUERY_SERVICE,    /* a service's package */
    SVC_QUERY_APP,        /* a Django app's package */
    SVC_QUERY_PACKAGE,    /* any other package (__init__.py) */
    SVC_QUERY_MODULE,     /* a module */
    SVC_QUERY_FILE,       /* a Python file, by path (go-to symbols only) */
    SVC_QUERY_TASK,
    SVC_QUERY_WRAPPER,
    SVC_QUERY_EXCEPTION,
    SVC_QUERY_CLASS,
    SVC_QUERY_FUNCTION,   /* a function or method */
    SVC_QUERY_VARIABLE,   /* a module-level assignment */
    SVC_QUERY_EXTERNAL,   /* a name the repository does not define (a library's, a builtin) */
} svc_query_kind;

/* "service", "app", "package", "module", "file", "task", "wrapper", "exception", "class",
 * "function", "variable", "external". */
const char *svc_query_kind_name(svc_query_kind kind);

/* A range of a file of the model; 1-based, columns in code points, end exclusive. */
typedef struct svc_query_place {
    size_t file;              /* index into model files */
    const char *path;         /* its repo-relative path */
    uint32_t line, column;
    uint32_t end_line, end_column;
} svc_query_place;

/* ---- where is it defined ------------------------------------------------------------ */

typedef struct svc_query_definition {
    svc_query_kind kind;
    const char *dotted;       /* what the name finally is ("services.billing.errors.PaymentError") */
    svc_query_place name;     /* the def's name, the assignment, or line 1 of a module's file */
    svc_query_place span;     /* the whole def (decorators included), assignment or file */
    long def;                 /* def index in the file's facts, -1 for modules and variables */
    long index;               /* into model tasks, wrappers, exceptions, services or apps as the kind
                                 says; -1 for the others */
} svc_query_definition;

/*
 * Where a dotted name is defined, following imports, aliases and re-exports the way the rules
 * do (svc_model_resolve): a def, a module-level assignment, or a module or package (its file).
 * False for a name the repository does not define.
 */
bool svc_query_define(const svc_query *q, const char *dotted, svc_query_definition *out);

/* ---- what is at a position ------------------------------------------------------------ */

typedef enum svc_query_name_role {
    SVC_QUERY_NAME_DEF,       /* the name of a def or class */
    SVC_QUERY_NAME_USE,       /* a name or attribute chain in the code */
    SVC_QUERY_NAME_IMPORT,    /* a name an import statement names */
} svc_query_name_role;

typedef struct svc_query_name {
    svc_query_name_role role;
    svc_query_place place;    /* the name; for a chain, the part up to the component asked about; for
                                 the module of a from-import, the whole statement */
    const char *text;         /* as written, for a chain up to that component: "email.send" */
    const char *dotted;       /* absolute name as the file means it ("services.notifications.email.send");
                                 NULL for a local variable or parameter, or a builtin/undefined name */
    int scope;                /* enclosing def index, -1 at module level */
    const char *enclosing;    /* its qualname, "<module>" at module level */
    unsigned flags;           /* USE: SVC_REF_* (called, raised, ...); 0 for the others */
    bool defined;             /* the repository defines it: `definition` is filled */
    svc_query_definition definition;
    svc_query_kind kind;      /* definition.kind when defined, else SVC_QUERY_EXTERNAL */
} svc_query_name;

typedef struct svc_query_names {
    svc_query_name *items;    /* in source order */
    size_t n;
    struct svc_arena *arena;
} svc_query_names;

/*
 * The name at a 0-based (row, column in code points) of a file: a def's name, an imported name,
 * or a use; on an attribute chain `a.b.c`, the component under the cursor decides ("a.b" on
 * `b`). At most one item; none when nothing named is there.
 */
svc_query_names *svc_query_at(const svc_query *q, size_t file, uint32_t row, uint32_t column);
/* Every name that starts on a 0-based row (whole chains, not their components), for a menu. */
svc_query_names *svc_query_line(const svc_query *q, size_t file, uint32_t row);
void svc_query_names_free(svc_query_names *names);

/* ---- who triggers a task, who calls a wrapper ------------------------------------------ */

/* Tasks and wrappers a typed name designates (svc_xref_lookup's rules); *out malloc'd. */
size_t svc_query_lookup(svc_query *q, const char *name, svc_xref_match **out);
/*
 * The task or wrapper at a position: its def (the name or anywhere inside its body), a use of
 * it (`delay_x(...)`, `mod.delay_x`, `task.delay(...)`, `task.s()`...), followed through imports
 * and re-exports, or a beat schedule entry that names the task (on the entry's "task" line).
 * False when the position holds neither.
 */
bool svc_query_task_at(svc_query *q, size_t file, uint32_t row, uint32_t column, svc_xref_match *out);

typedef struct svc_query_trigger {
    svc_xref_site site;       /* where, its kind and enclosing def */
    long wrapper;             /* the wrapper this site calls, -1 for a use of the task itself */
    bool queues;              /* the site queues the task: a wrapper called or passed on to be called,
                                 .delay, .apply_async, a signature, send_task (false for a task called
                                 in-process, .apply, or the task passed as a value) */
    bool outside_tasks_service; /* a direct use outside the tasks service (what SVC402 flags) */
    bool in_test;             /* the site is in a test module */
} svc_query_trigger;

typedef struct svc_query_triggers {
    svc_xref_match target;
    size_t task;              /* the task (the wrapper's task for a wrapper) */
    svc_query_trigger *items; /* a task: its wrappers' sites in wrapper order, then its direct uses;
                                 a wrapper: its sites; each group sorted by path, line, column */
    size_t n;
    size_t nqueued;           /* items that queue */
    const svc_beat_entry **beat; /* a task: the beat schedule entries that queue it (model order:
                                 path, line, column); its signature in an `add_periodic_task` call is
                                 one of these, not an item; a wrapper: none (beat queues the task) */
    size_t nbeat;
    struct svc_arena *arena;
} svc_query_triggers;

/* Who triggers a task (or calls a wrapper): its call sites, and for a task its beat schedule
 * entries. no_tests: leave out sites in test modules. */
svc_query_triggers *svc_query_triggers_new(svc_query *q, svc_xref_match target, bool no_tests);
void svc_query_triggers_free(svc_query_triggers *t);
/* True for a direct trigger that queues the task outside the tasks service (.delay, .apply_async,
 * send_task: what SVC402 flags), when the repository has a tasks service. */
bool svc_query_trigger_flagged(const svc_query *q, const svc_query_trigger *t);
/* What a trigger does, worded as `svcscope callers` and the explorer show it: "passed as a
 * value", ".delay outside the tasks service", "called in-process, not queued"...; NULL for a
 * plain call of a wrapper. */
const char *svc_query_trigger_label(const svc_query *q, const svc_query_trigger *t);
/* What made a beat entry: "beat schedule entry" or "add_periodic_task". */
const char *svc_query_beat_label(const svc_beat_entry *entry);
/* True when callee `i` of a task's body calls what an earlier callee already calls (each function
 * a task runs is shown once). */
bool svc_query_callee_repeats(const svc_xref_task *task, size_t i);

/* ---- who imports a module or a service --------------------------------------------------- */

typedef enum svc_query_importer_kind {
    SVC_QUERY_IMPORTER_APP,      /* a Django app */
    SVC_QUERY_IMPORTER_SERVICE,  /* a service */
    SVC_QUERY_IMPORTER_PACKAGE,  /* another top-level package or module ("scripts", "conftest") */
} svc_query_importer_kind;

typedef struct svc_query_import_site {
    svc_query_place place;    /* the imported name as written */
    size_t import;            /* index into the file's facts imports */
    const char *imported;     /* the absolute name the statement names: "services.billing.errors",
                                 "services.billing.PaymentError" */
    const char *enclosing;    /* qualname of the def it is in, "<module>" at top level */
    bool in_test;
} svc_query_import_site;

typedef struct svc_query_importer {
    svc_query_importer_kind kind;
    const char *name;         /* app display name, service name, or top-level package */
    long index;               /* into model apps or services, -1 for a package */
    svc_query_import_site *sites; /* sorted by path, line, column */
    size_t n;
} svc_query_importer;

typedef struct svc_query_importers {
    const char *module;       /* the module asked about */
    svc_query_importer *groups; /* apps, then services, then packages; each by name */
    size_t ngroups;
    size_t total;             /* import sites in all groups */
    struct svc_arena *arena;
} svc_query_importers;

/*
 * Every import statement of the repository outside `module` that names it or something in it
 * (`import m`, `import m.sub`, `from m import x`, `from m.sub import y`, relative ones resolved),
 * grouped by who imports. `module` is a dotted module or package name (a service's is
 * services[i].module). Function-level imports count.
 */
svc_query_importers *svc_query_importers_new(const svc_query *q, const char *module);
void svc_query_importers_free(svc_query_importers *importers);

/* ---- which apps and services import which ---------------------------------------------------- */

typedef struct svc_query_dependency_node {
    svc_query_importer_kind kind;  /* APP or SERVICE */
    const char *name;         /* app display name or service name */
    long index;               /* into model apps or services */
} svc_query_dependency_node;

typedef struct svc_query_dependency {
    size_t from, to;          /* into nodes: `from` imports `to` */
    svc_query_import_site *sites; /* sorted by path, line, column */
    size_t n;
} svc_query_dependency;

typedef struct svc_query_dependencies {
    svc_query_dependency_node *nodes; /* every app, then every service; each by name */
    size_t nnodes;
    svc_query_dependency *edges; /* by from, then to; no edge from a node to itself */
    size_t nedges;
    struct svc_arena *arena;
} svc_query_dependencies;

/*
 * Every import statement of an app or a service that names another app or service (the one whose
 * module is the longest prefix of the imported name), as edges with their sites: what
 * svc_query_importers_new answers for one module, for the whole repository at once.
 */
svc_query_dependencies *svc_query_dependencies_new(const svc_query *q);
void svc_query_dependencies_free(svc_query_dependencies *deps);

/* ---- what a service offers ------------------------------------------------------------------ */

typedef struct svc_query_export {
    const char *name;         /* the name importers write: "PaymentError" */
    bool in_all;              /* listed in __all__ */
    bool bound;               /* the __init__.py binds it (false: only listed in __all__) */
    bool defined;             /* it resolves to something of the repository */
    svc_query_definition definition;
} svc_query_export;

typedef struct svc_query_service_exception {
    size_t exception;         /* index into model exceptions */
    svc_query_definition definition;
    bool exported;            /* importable from the service's __init__.py (at_root) */
} svc_query_service_exception;

typedef struct svc_query_service_wrapper {
    size_t wrapper;           /* index into model wrappers */
    svc_query_definition definition;
    size_t callers;           /* its call sites (tests included) */
} svc_query_service_wrapper;

typedef struct svc_query_service_task {
    size_t task;              /* index into model tasks */
    svc_query_definition definition;
    svc_query_service_wrapper *wrappers;
    size_t nwrappers;
    size_t direct;            /* uses of the task itself outside its wrappers */
} svc_query_service_task;

typedef struct svc_query_service {
    size_t service;           /* index into model services */
    const svc_service *info;
    svc_query_export *exports;   /* public names of __init__.py (not starting with `_`, or in __all__),
                                    names its `from x import *` bring, then __all__ names it does not
                                    bind; in source order */
    size_t nexports;
    bool has_all;
    svc_query_definition *modules; /* its modules and packages, by path (tests excluded) */
    size_t nmodules;
    svc_query_service_exception *exceptions; /* by path, line */
    size_t nexceptions;
    svc_query_service_task *tasks; /* tasks defined in it (every task for the tasks service) */
    size_t ntasks;
    struct svc_arena *arena;
} svc_query_service;

/* The overview of services[service]; NULL for an index out of range. */
svc_query_service *svc_query_service_new(svc_query *q, size_t service);
void svc_query_service_free(svc_query_service *s);

/* The tasks a module defines, in definition order, described as in a service's overview. */
typedef struct svc_query_tasks {
    svc_query_service_task *items;
    size_t n;
    struct svc_arena *arena;
} svc_query_tasks;

/* The tasks defined in files[file] (none: n == 0); NULL for an index out of range. */
svc_query_tasks *svc_query_module_tasks_new(svc_query *q, size_t file);
void svc_query_tasks_free(svc_query_tasks *t);

/* ---- go to: every symbol, fuzzy-ranked ---------------------------------------------------------- */

typedef struct svc_query_symbol {
    svc_query_kind kind;      /* SERVICE, APP, PACKAGE, MODULE, FILE, TASK, WRAPPER or EXCEPTION */
    const char *name;         /* what is matched and shown: a dotted name, a service name, an app's
                                 display name, or a file's path */
    svc_query_place place;    /* the def's name, or line 1 of the file; a service or app without a
                                 Python file: file (size_t)-1, path its folder, line 0 */
    long index;               /* into model services, apps, tasks, wrappers, exceptions or files */
} svc_query_symbol;

typedef struct svc_query_symbols {
    svc_query_symbol *items;  /* services, apps, packages and modules, tasks, wrappers, exceptions, files */
    size_t n;
    struct svc_arena *arena;
} svc_query_symbols;

svc_query_symbols *svc_query_symbols_new(const svc_query *q);
void svc_query_symbols_free(svc_query_symbols *symbols);

/*
 * How well `pattern` matches `text` as a fuzzy finder scores it: every character of the pattern
 * must appear in order (case-insensitive); consecutive matches and matches at the start of a word
 * (after `.`, `/`, `_`, `-`, a space, or a lower-to-upper case change) score more, gaps cost, and
 * a longer text scores a little less. Spaces in the pattern are ignored; texts longer than 512
 * bytes are matched on their first 512. -1 when it does not match; an empty pattern scores 0.
 * Pure; no allocation.
 */
int svc_fuzzy_score(const char *pattern, const char *text);

typedef struct svc_query_match {
    size_t symbol;            /* index into symbols->items */
    int score;
} svc_query_match;

/* The best `max` matches of `pattern`, best first (ties: shorter name, then symbol order), into
 * out[max]; returns how many. */
size_t svc_query_rank(const svc_query_symbols *symbols, const char *pattern, svc_query_match *out, size_t max);

#endif
