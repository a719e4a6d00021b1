/*
 * `svcscope init`: what the `[tool.svcscope]` table of a codebase should say, found in the
 * model (the services root or migration mode, the tasks service, the task decorators and
 * dispatch helpers the code defines, vendored and generated code), and that table written into
 * pyproject.toml keeping every other byte of the file. The program only shows and asks.
 */
#ifndef SVCSCOPE_INIT_H
#define SVCSCOPE_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "svcscope/error.h"
#include "svcscope/model.h"

/* One line of the proposed table: a key with its value and why, or (key NULL) a comment line,
 * written only when the table is made. */
typedef struct svc_init_setting {
    char *key;
    char *value; /* TOML text on one line */
    char *why;   /* the line's comment */
} svc_init_setting;

typedef struct svc_init_plan {
    svc_init_setting *settings;
    size_t n;
    bool migration_mode; /* no services root: only the task rules run */
} svc_init_plan;

/*
 * The proposal for the repository the model was built from, with the config in force (so
 * what the config already says is kept: lists are the config's plus what was found, and a
 * second run proposes nothing new).
 */
void svc_init_propose(svc_init_plan *plan, const svc_model *model);
/* Adds `baseline = "FILE"` (FILE relative to the root). */
void svc_init_plan_set_baseline(svc_init_plan *plan, const char *file);
void svc_init_plan_free(svc_init_plan *plan);
/* The table as it is written when pyproject.toml has none: "[tool.svcscope]\n..." (malloc'd). */
char *svc_init_plan_text(const svc_init_plan *plan);

typedef enum svc_init_change_kind { SVC_INIT_ADDED, SVC_INIT_CHANGED } svc_init_change_kind;

/* A key the write adds or changes. */
typedef struct svc_init_change {
    svc_init_change_kind kind;
    const char *key, *value, *why; /* the plan's */
    char *old_value;               /* CHANGED: as written in the file */
    uint32_t line;                 /* CHANGED: its line */
} svc_init_change;

/* pyproject.toml before and after the plan is written into it. */
typedef struct svc_init_edit {
    char *path;           /* <root>/pyproject.toml */
    bool existed;         /* the file was there */
    bool had_table;       /* it had a [tool.svcscope] table */
    char *before, *after; /* the file's bytes (NUL-terminated) */
    size_t before_len, after_len;
    mode_t mode;
    svc_init_change *changes;
    size_t nchanges;
} svc_init_edit;

/*
 * Reads <root>/pyproject.toml (absent: empty) and computes it with the plan written: the keys
 * set where they are written, or added to the table, or the table added at the end. SVC_ECONFIG
 * (and nothing to write) when the file does not parse, or its [tool.svcscope] is written in a
 * form that cannot be edited safely (an inline table, dotted keys, a key as a sub-table);
 * SVC_EIO when it cannot be read.
 */
int svc_init_edit_prepare(svc_init_edit *edit, const char *root, const svc_init_plan *plan, svc_error *err);
/* True when the write changes the file. */
bool svc_init_edit_changes(const svc_init_edit *edit);
/* Writes `after` atomically, refusing (SVC_EUNSAFE) when the file changed since it was read. */
int svc_init_edit_write(const svc_init_edit *edit, svc_error *err);
void svc_init_edit_free(svc_init_edit *edit);

#endif
