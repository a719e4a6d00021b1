/*
 * The undo history of fix batches (fix_apply.c): what every path a batch touches goes from and
 * to, in the work tree and the index, recorded on disk before the first file is written, so that
 * a batch can be undone exactly, even after the process was killed in the middle of it.
 * Internal to the core.
 */
#ifndef SVCSCOPE_UNDO_LOG_H
#define SVCSCOPE_UNDO_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include "core/atomic_file.h"
#include "core/fix_internal.h"
#include "svcscope/util.h"

/* How many batches are kept; older ones are forgotten when a new one completes. */
#define SVC_UNDO_HISTORY 50

/* One path of a batch: state 0 before, 1 after. */
typedef struct svc_undo_path {
    char *path;
    svc_file_state wt[2];
    bool ix_touch;
    svc_ix_entry ix[2];
    char *ixraw[2]; /* raw blob bytes of ENTRY states (the before one: so undo does not depend on
                       git keeping an object nothing refers to any more) */
    size_t ixrawlen[2];
} svc_undo_path;

typedef struct svc_undo_batch {
    char *root;
    bool staged;
    char *what;                  /* what made it, for the list ("svcscope fix --select SVC201") */
    long long when;              /* seconds since the epoch */
    size_t nfixes;
    SVC_VEC(svc_undo_path) t;    /* sorted by path */
    SVC_VEC(char *) dirs;        /* folders the batch creates, removed by undo when empty */
    /* read back only */
    char *id;                    /* its folder in the undo dir */
    bool complete;               /* written whole; false: interrupted (killed, power cut) */
} svc_undo_batch;

void svc_undo_batch_free(svc_undo_batch *b);

/* Records `b` as the newest batch, flushed to disk, before anything of it is written; b->id is set. */
int svc_undo_begin(const char *undo_dir, svc_undo_batch *b, svc_error *err);
/* The batch was written whole: marks it complete and forgets batches beyond the history. */
void svc_undo_complete(const char *undo_dir, const svc_undo_batch *b);
/* Forgets a batch (rolled back before it changed anything, or undone). */
void svc_undo_forget(const char *undo_dir, const char *id);

/*
 * Reading the history: 0; SVC_ENOTFOUND when there is no batch; SVC_EIO when a record or its data
 * cannot be read, or a record is damaged or not svcscope's (err: "<dir>/record: not a readable undo
 * record"): such a batch is neither undone nor skipped, so nothing older is undone in its place.
 */
/* The newest batch not undone yet; SVC_ENOTFOUND ("nothing to undo") when there is none. */
int svc_undo_newest(const char *undo_dir, svc_undo_batch *b, svc_error *err);
/* Every recorded batch, newest first, without their bytes (paths, states, what, when). */
int svc_undo_list_batches(const char *undo_dir, svc_undo_batch **out, size_t *n, svc_error *err);

#endif
