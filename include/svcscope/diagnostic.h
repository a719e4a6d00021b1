/*
 * Diagnostics: what the rules found, each with an optional fix. A fix is data: byte-range
 * edits plus file operations, so it can be previewed, applied to the work tree and applied
 * separately to the index version of the file. The checker leaves fixes out; a presenter that
 * shows them has them computed (svc_diagnostics_compute_fixes, fix.h), once per finding.
 */
#ifndef SVCSCOPE_DIAGNOSTIC_H
#define SVCSCOPE_DIAGNOSTIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/facts.h"

typedef enum svc_severity {
    SVC_SEVERITY_INFO = 0,
    SVC_SEVERITY_WARNING = 1,
    SVC_SEVERITY_ERROR = 2,
} svc_severity;

const char *svc_severity_name(svc_severity s); /* "info", "warning", "error" */
/* Parses "info"/"warning"/"error"; false when unknown. */
bool svc_severity_parse(const char *text, svc_severity *out);

typedef enum svc_applicability {
    SVC_FIX_SAFE,    /* keeps behaviour; applied by `svcscope fix` */
    SVC_FIX_UNSAFE,  /* may change behaviour (renames seen by other code); needs --unsafe */
} svc_applicability;

/* Replace bytes [start, end) of `path` with `text` (insert when start == end). */
typedef struct svc_edit {
    const char *path;
    uint32_t start, end;
    const char *text;
    svc_span span;        /* row/col of start and end, for presenters */
} svc_edit;

typedef enum svc_file_op_kind {
    SVC_FILE_CREATE,      /* `path` with `content`; refused if it exists */
    SVC_FILE_MOVE,        /* `path` -> `to` */
} svc_file_op_kind;

typedef struct svc_file_op {
    svc_file_op_kind kind;
    const char *path;
    const char *to;
    const char *content;
} svc_file_op;

typedef struct svc_fix {
    svc_applicability applicability;
    const char *message;  /* "Import `google_calendar` and call `google_calendar.get_credentials`" */
    const svc_edit *edits;
    size_t nedits;        /* sorted by path then start; never overlapping */
    const svc_file_op *ops;
    size_t nops;
} svc_fix;

struct svc_rule;

typedef struct svc_diagnostic {
    const struct svc_rule *rule;
    svc_severity severity;
    const char *path;        /* repo-relative file, or folder (is_folder) */
    bool is_folder;          /* findings about a folder: row 1, column 1 */
    long file;               /* model file index, -1 for folders */
    svc_span span;           /* 0-based; presenters add 1 */
    const char *message;
    const char *context;     /* enclosing definition's qualname, or NULL (for baselines) */
    const svc_fix *fix;      /* NULL when none, or not computed yet */
    bool fix_computed;       /* svc_diagnostics_compute_fixes has been through it: `fix` is final */
    const char *no_fix;      /* when the rule has a fix but this finding gets none, why, if the fixer
                                says ("`.apply_async` passes `countdown`, which `delay_x` does not
                                take"); else NULL */
} svc_diagnostic;

/* A growing list of diagnostics; strings and fixes live in its arena. */
typedef struct svc_diagnostics {
    svc_diagnostic *items;
    size_t len, cap;
    struct svc_arena *arena;
} svc_diagnostics;

svc_diagnostics *svc_diagnostics_new(void);
void svc_diagnostics_free(svc_diagnostics *d);
/* Sorts by path, row, column, code. */
void svc_diagnostics_sort(svc_diagnostics *d);

#endif
