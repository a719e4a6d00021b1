/*
 * Files on disk for fix_apply.c and undo_log.c: reading without following links, writing
 * atomically, and moving a file from one known state to another without losing a write that
 * another program makes meanwhile. Internal to the core.
 */
#ifndef SVCSCOPE_ATOMIC_FILE_H
#define SVCSCOPE_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include "svcscope/error.h"

/* What a path holds: nothing, or these bytes with this mode (permission bits only). */
typedef struct svc_file_state {
    bool exists;
    char *bytes;
    size_t len;
    mode_t mode;
} svc_file_state;

/* Reads a regular file without following a symlink. 0, or an errno (ENOENT: absent; EINVAL: not
 * a regular file). A FIFO does not block. */
int svc_file_read(const char *full, char **bytes, size_t *len, struct stat *st);

/* True when `full` holds exactly `want` (bytes and mode; absent when !want->exists). */
bool svc_file_is(const char *full, const svc_file_state *want);

/*
 * Writes `full` atomically: a temp file beside it (.name.svcscope-XXXXXX), written, fsync'd,
 * given `mode`, then renamed over it (replace) or hard-linked to it (no replace: SVC_EUNSAFE
 * when it exists), and the folder fsync'd when `sync_dir`. For files nobody else writes (the
 * undo log); the work tree goes through svc_file_transition.
 */
int svc_file_write_atomic(const char *full, const char *bytes, size_t len, mode_t mode, bool replace, bool sync_dir,
                          svc_error *err);

/*
 * Moves `full` from `expect` to `want`, refusing (SVC_EUNSAFE, "changed") when at any moment
 * before the switch the file is not `expect`, so that a concurrent writer never loses bytes:
 *  - replace: the new content is written to a temp file first; then the file is read and
 *    compared; then the two are exchanged in one step (renameat2 RENAME_EXCHANGE on Linux,
 *    renamex_np RENAME_SWAP on macOS) and the replaced file, still open, is compared again; if
 *    it moved, they are exchanged back. Without an exchange call: compared right before a
 *    rename, and again through the still open file after it, whose bytes are put back if they
 *    changed.
 *  - create: hard-linked into place, which fails when something is there.
 *  - remove: renamed aside first, compared, then deleted (or put back when it changed).
 * SVC_EUNSAFE leaves the file as the other writer left it; err says so.
 */
int svc_file_transition(const char *full, const svc_file_state *expect, const svc_file_state *want, svc_error *err);

/* Removes `.name.svcscope-XXXXXX` temp files beside `full` that a killed run left behind, when
 * they hold one of the two given states' bytes (never anything else). */
void svc_file_remove_leftovers(const char *full, const svc_file_state *a, const svc_file_state *b);

/* mkdir -p of `dir` (absolute). */
int svc_file_mkdir_p(const char *dir, svc_error *err);
void svc_file_fsync_dir(const char *dir);
/* The folder part of a path ("." when none). */
char *svc_file_dir_of(const char *full);

/* The exchange seam: swaps two paths atomically. -1 with errno ENOSYS (or the file system's
 * EINVAL) where the platform cannot; callers then fall back. Tests turn it off to cover the
 * fallback. */
int svc_fs_exchange(const char *a, const char *b);
void svc_fs_exchange_set_enabled(bool enabled);

/* For tests: called at the moments a concurrent writer could strike ("checked": after the last
 * check, before the switch; "switched": right after it; "released": after the old file is gone). */
typedef void (*svc_file_race_hook)(const char *full, const char *moment);
void svc_file_set_race_hook(svc_file_race_hook hook);

#endif
