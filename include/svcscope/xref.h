/*
 * Cross-reference: who triggers each Celery task, and from where.
 *
 * For every task of the model: the call sites of each of its wrappers across the repo,
 * the direct uses of the task outside its wrappers (`.delay`, `.apply_async`, canvas
 * signatures, plain references), and the functions of the repo its body calls. Uses are
 * found from resolved names (facts refs followed through svc_model_resolve), never by
 * text: aliases, relative imports, re-exports and values passed along all count; a local
 * variable or parameter named like a wrapper never does.
 *
 * The index is built in one pass over every ref of every file and reads no file; the
 * source text of a site is read on demand with an svc_xref_reader.
 */
#ifndef SVCSCOPE_XREF_H
#define SVCSCOPE_XREF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/model.h"

typedef enum svc_xref_kind {
    SVC_XREF_CALL,        /* called: delay_x(...), email_tasks.delay_x(...), or a task called in-process */
    SVC_XREF_VALUE,       /* used as a value: on_commit(delay_x), partial(delay_x, 1), f = delay_x */
    SVC_XREF_DELAY,       /* task.delay(...) */
    SVC_XREF_APPLY_ASYNC, /* task.apply_async(...) */
    SVC_XREF_SIGNATURE,   /* task.s(...), .si(...), .signature(...): a canvas (chain, group, chord) */
    SVC_XREF_APPLY,       /* task.apply(...): runs in-process, not queued */
    SVC_XREF_SEND_TASK,   /* app.send_task("<registered name>", ...): queued by name */
} svc_xref_kind;

/* True when the kind queues the task (delay, apply_async, a signature, send_task). */
bool svc_xref_kind_queues(svc_xref_kind kind);

/* "call", "value", "delay", "apply_async", "signature", "apply", "send_task" (the JSON spelling). */
const char *svc_xref_kind_name(svc_xref_kind kind);

typedef struct svc_xref_site {
    size_t file;             /* index into model files */
    const char *path;        /* the file's repo-relative path */
    uint32_t line, column;   /* 1-based; column in code points */
    int scope;               /* innermost enclosing def index, -1 at module level */
    const char *enclosing;   /* its qualname ("Checkout.post", "outer.inner"), "<module>" at top level */
    svc_xref_kind kind;
    size_t ref;              /* index into the file's facts refs */
} svc_xref_site;

/* A function (or class) of the repo that a task's body calls. */
typedef struct svc_xref_callee {
    const char *dotted;      /* what the callee finally is: "services.notifications.email.send" */
    svc_defref def;
    svc_xref_site site;      /* the call in the task body */
} svc_xref_callee;

typedef struct svc_xref_task {
    size_t task;             /* index into model tasks (the same as this entry's index) */
    svc_xref_site *direct;   /* uses of the task itself outside its wrappers, sorted by path, line, column */
    size_t ndirect;
    svc_xref_callee *callees;/* calls in the task's body whose callee is a def of the repo, in source order */
    size_t ncallees;
} svc_xref_task;

typedef struct svc_xref_wrapper {
    size_t wrapper;          /* index into model wrappers (the same as this entry's index) */
    svc_xref_site *sites;    /* every use of the wrapper, sorted by path, line, column */
    size_t nsites;
} svc_xref_wrapper;

/* A task or a wrapper of the model. */
typedef struct svc_xref_match {
    bool is_task;            /* else a wrapper */
    size_t index;            /* into model tasks or wrappers */
} svc_xref_match;

typedef struct svc_xref {
    const svc_model *model;  /* borrowed */
    svc_xref_task *tasks;    /* parallel to model->tasks */
    size_t ntasks;
    svc_xref_wrapper *wrappers; /* parallel to model->wrappers */
    size_t nwrappers;
    struct svc_map *targets; /* dotted task/wrapper name -> svc_xref_match* */
    struct svc_arena *arena;
} svc_xref;

/* Builds the index of a model (which must outlive it). */
svc_xref *svc_xref_build(const svc_model *model);
void svc_xref_free(svc_xref *xref);

/* The sites recorded for a task (its direct uses) or a wrapper, by dotted name exactly as in
 * the model; NULL (and *n = 0) for any other name. */
const svc_xref_site *svc_xref_sites_of(const svc_xref *xref, const char *dotted, size_t *n);

/* True when the site is a direct use of a task outside the tasks service (what SVC402 flags
 * for .delay/.apply_async). In migration mode (no tasks service) every direct trigger is. */
bool svc_xref_site_outside_tasks_service(const svc_xref *xref, const svc_xref_site *site);

/* ---- looking names up (for `svcscope callers NAME`) ------------------------------ */

/*
 * Tasks and wrappers a user's NAME designates: an exact dotted name (or one that resolves to
 * it through re-exports: "services.tasks.delay_x"), else a dotted suffix ("email_tasks.delay_x")
 * or a bare name ("delay_x", "_x"), else a task's Celery name (name="..."); "PATH:QUALNAME"
 * ("scripts/my-tasks.py:job") names a def of one file. Returns how many
 * matched; *out (malloc'd, caller frees, NULL when none) in model order.
 */
size_t svc_xref_lookup(const svc_xref *xref, const char *name, svc_xref_match **out);

/* ---- source lines, read lazily --------------------------------------------------- */

typedef struct svc_xref_reader svc_xref_reader;

svc_xref_reader *svc_xref_reader_new(const svc_model *model);
/* The text of a 1-based line of a model file, whitespace stripped at both ends; "" when the
 * file cannot be read or has no such line. Owned by the reader (valid until it is freed). */
const char *svc_xref_reader_line(svc_xref_reader *reader, size_t file, uint32_t line);
void svc_xref_reader_free(svc_xref_reader *reader);

#endif
