/*
 * Fixes: computing them (fixes_*.c: one function per rule code, from the syntax tree, as
 * data — see diagnostic.h svc_fix) and applying them (fix_apply.c: to the work tree,
 * atomically, re-parsed and rolled back when wrong; stage.c: the same edits to the index
 * version of each file, so the user's other changes stay unstaged; undo).
 */
#ifndef SVCSCOPE_FIX_H
#define SVCSCOPE_FIX_H

#include <stdbool.h>
#include "svcscope/diagnostic.h"
#include "svcscope/error.h"
#include "svcscope/model.h"

/* ---- computing ---------------------------------------------------------------- */

/*
 * Attaches a fix to every diagnostic whose rule has one and where a correct fix exists
 * (d->items[i].fix). Reads file bytes through the model's source; never writes.
 */
void svc_fixes_compute(const svc_model *model, svc_diagnostics *diags);

/* ---- applying ------------------------------------------------------------------ */

/* Unified diff of what `fixes` would change (a/ b/ paths relative to the root). Malloc'd. */
char *svc_fix_diff(const svc_model *model, const svc_fix *const *fixes, size_t nfixes, svc_error *err);

typedef struct svc_fix_result {
    size_t applied;          /* fixes written */
    size_t skipped;          /* fixes refused (reasons in messages) */
    char **messages;         /* one line per refused fix or file: "path: why" */
    size_t nmessages;
    char **changed_paths;    /* files written, moved or created */
    size_t nchanged;
} svc_fix_result;

void svc_fix_result_free(svc_fix_result *r);

typedef struct svc_fix_options {
    bool stage;              /* also apply the same edits to the index entries */
    const char *undo_dir;    /* where the undo record goes (default: <git dir>/svcscope/undo) */
} svc_fix_options;

/*
 * Applies fixes to the work tree (and the index when opts->stage). Edits of different fixes to
 * the same file are merged; overlapping ones keep the first. Every written file is re-parsed: a
 * fix that adds a syntax error is rolled back and reported. A file changed on disk since the model
 * read it is not touched. Writes are atomic (temp file, fsync, rename, mode kept); CRLF, BOM and
 * encoding kept. The previous contents (work tree and index) are recorded for svc_fix_undo.
 */
int svc_fix_apply(const svc_model *model, const svc_fix *const *fixes, size_t nfixes, const svc_fix_options *opts,
                  svc_fix_result *result, svc_error *err);

/* Restores the work tree files and index entries of the last applied fix batch, byte for byte,
 * refusing (SVC_EUNSAFE) when a file changed since. */
int svc_fix_undo(const char *root, const char *undo_dir, svc_fix_result *result, svc_error *err);

#endif
