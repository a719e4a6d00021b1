/*
 * Fixes: computing them (fixes_*.c: one function per rule code, from the syntax tree, as
 * data — see diagnostic.h svc_fix) and applying them (fix_plan.c: which apply, re-parsed and
 * dropped when wrong; fix_apply.c: to the work tree, atomically, and undo; stage.c: the same
 * edits to the index version of each file, so the user's other changes stay unstaged;
 * fix_diff.c: the preview).
 */
#ifndef SVCSCOPE_FIX_H
#define SVCSCOPE_FIX_H

#include <signal.h>
#include <stdbool.h>
#include "svcscope/diagnostic.h"
#include "svcscope/error.h"
#include "svcscope/model.h"
#include "svcscope/user_dirs.h"

/* ---- computing ---------------------------------------------------------------- */

/*
 * Attaches a fix to every diagnostic whose rule has one and where a correct fix exists
 * (d->items[i].fix), through the fixer the rule catalogue names. Each finding is computed once:
 * those computed already (fix_computed) are left as they are, so calling it again costs nothing.
 * svc_check computes none; presenters that show fixes call this. Reads file bytes through the
 * model's source; never writes.
 */
void svc_diagnostics_compute_fixes(const svc_model *model, svc_diagnostics *diags);

/* ---- applying ------------------------------------------------------------------ */

/*
 * Unified diff of what svc_fix_apply (without staging) would change, git style so `git apply`
 * takes it: `diff --git` headers, `--- a/path` `+++ b/path`, 3 lines of context, close hunks
 * merged; created files as `new file mode 100644` from /dev/null (no hunk when empty); moves as
 * `rename from` / `rename to`. Fixes that apply would refuse are left out. Writes nothing.
 * Malloc'd; "" when nothing changes; NULL (and err) when the model is not of the work tree.
 */
char *svc_fix_diff(const svc_model *model, const svc_fix *const *fixes, size_t nfixes, svc_error *err);

typedef struct svc_fix_result {
    size_t applied;          /* fixes written */
    size_t skipped;          /* fixes refused (reasons in messages) */
    char **messages;         /* one line per refused fix or file: "path: why" */
    size_t nmessages;
    char **changed_paths;    /* files written, moved or created */
    size_t nchanged;
    bool *fix_applied;       /* svc_fix_apply: per fix given, in order, whether it was applied (so a
                                front can tell which of a batch were); NULL when nothing ran */
} svc_fix_result;

void svc_fix_result_free(svc_fix_result *r);

typedef struct svc_fix_options {
    bool stage;              /* also apply the same edits to the index entries */
    const char *undo_dir;    /* where the undo record goes (default: <git dir>/svcscope/undo; outside
                                git $XDG_STATE_HOME/svcscope/undo/<root, '/' as '%'>, by default under
                                ~/.local/state; with neither HOME nor XDG_STATE_HOME <root>/.svcscope-undo) */
    const char *what;        /* what asked for the batch, shown by the undo history
                                ("svcscope fix --select SVC201"); NULL: "svcscope fix" */
    const svc_user_dirs *user_dirs; /* HOME and XDG_STATE_HOME for the default undo_dir outside git
                                (NULL: neither is set) */
} svc_fix_options;

/*
 * Applies fixes to the work tree (and the index when opts->stage). Edits of different fixes to
 * the same file are merged; overlapping ones keep the first (the later fix is skipped whole;
 * identical edits of two fixes are applied once, as are identical creates). Every written file is
 * re-parsed: a fix that adds a syntax error is rolled back and reported. A file changed on disk
 * since the model read it is not touched. Writes are atomic (temp file, fsync, rename, mode
 * kept); CRLF, BOM and encoding kept. The previous contents (work tree and index) are recorded for
 * svc_fix_undo, before anything is written.
 *
 * A fix is applied whole or not at all. With opts->stage, a fix whose edits cannot be applied to
 * the staged version of its files on their own (the user changed those lines and did not stage
 * them, the file is untracked or conflicted) is not applied to the work tree either. Edits name
 * the files as they are before the fix's own file operations (edit, then move).
 *
 * Returns 0 when the batch ran: result says how many fixes were applied and skipped, and why each
 * was refused ("path: why", one line per refused fix, or per file for file-level reasons). Returns
 * < 0 when nothing at all was changed: SVC_EUNSAFE when the index is locked by another git process
 * or a file changed while writing (what was written is rolled back), SVC_EUSAGE for --stage outside
 * git or a model not read from the work tree, SVC_EIO / SVC_EGIT on I/O or libgit2 errors.
 */
int svc_fix_apply(const svc_model *model, const svc_fix *const *fixes, size_t nfixes, const svc_fix_options *opts,
                  svc_fix_result *result, svc_error *err);

/*
 * The signals svc_fix_apply and svc_fix_undo hold back while they write (SIGHUP, SIGINT, SIGTERM,
 * SIGQUIT, ...: delivered once the batch is written whole or rolled back, so a closed terminal never
 * leaves a half-written batch or a temp file). Only the writing thread's mask changes: a program
 * that runs other threads meanwhile starts them with this set blocked, so that these signals can
 * only reach the thread that holds them back.
 */
void svc_fix_held_signals(sigset_t *set);

/*
 * Undoes the newest fix batch not undone yet (the undo history keeps the last 50; calling it again
 * undoes the one before): puts its work tree files and index entries (flags included) back byte
 * for byte, removes folders it created when empty, then forgets it. Refuses the whole undo
 * (SVC_EUSAGE for a bare repository; SVC_EUNSAFE, every changed path in err) when a file or a
 * staged entry changed since the fix was applied, a later batch's included. A file still as it
 * was before the batch (a batch interrupted by a kill or a power cut had not reached it yet) is
 * left alone and named in result->messages. SVC_ENOTFOUND ("nothing to undo") when there is no
 * batch; SVC_EIO when the newest record cannot be read or is damaged ("not a readable undo
 * record": nothing is undone). result->changed_paths lists the restored paths. `undo_dir` and
 * `dirs` say where the history is, as svc_fix_options' undo_dir and user_dirs do.
 */
int svc_fix_undo(const char *root, const char *undo_dir, const svc_user_dirs *dirs, svc_fix_result *result,
                 svc_error *err);

/* One batch of the undo history. */
typedef struct svc_fix_batch_info {
    long long when;          /* seconds since the epoch */
    char *what;              /* svc_fix_options.what */
    size_t nfixes;
    bool staged;
    bool complete;           /* false: interrupted (killed, power cut); undo restores what it wrote */
    char **paths;            /* the paths it changes */
    size_t npaths;
} svc_fix_batch_info;

/* The undo history, newest first (the one svc_fix_undo takes next is [0]); SVC_EIO as for
 * svc_fix_undo when a record cannot be read. */
int svc_fix_history(const char *root, const char *undo_dir, const svc_user_dirs *dirs, svc_fix_batch_info **out,
                    size_t *n, svc_error *err);
void svc_fix_history_free(svc_fix_batch_info *h, size_t n);

#endif
