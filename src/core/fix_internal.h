/*
 * What fix_apply.c (the work tree, the plan, undo) needs from stage.c (the git index through
 * libgit2). Internal to the core: nothing outside src/core includes it.
 *
 * Paths here are relative to the project root (the folder the model was read from); stage.c
 * adds the root's prefix inside the git work tree.
 */
#ifndef SVCSCOPE_FIX_INTERNAL_H
#define SVCSCOPE_FIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/error.h"

typedef struct svc_git svc_git;

typedef enum svc_ix_state {
    SVC_IX_ABSENT,    /* no entry: untracked (or not there at all) */
    SVC_IX_ENTRY,     /* one stage-0 entry of a regular file */
    SVC_IX_CONFLICT,  /* stage 1-3 entries: a merge conflict */
    SVC_IX_OTHER,     /* a symlink, submodule or other non-file entry */
} svc_ix_state;

typedef struct svc_ix_entry {
    svc_ix_state state;
    uint32_t mode;            /* 0100644 or 0100755 when ENTRY */
    unsigned char oid[20];
} svc_ix_entry;

/* Opens the repository whose work tree holds `root`; SVC_ENOTFOUND when there is none. */
int svc_git_open(svc_git **out, const char *root, svc_error *err);
void svc_git_free(svc_git *g);
/* The .git folder, with a trailing slash. */
const char *svc_git_dir(const svc_git *g);
/* True when another git process holds the index (index.lock exists). */
bool svc_git_index_locked(const svc_git *g);
/* Re-reads the index from disk. */
int svc_git_reload_index(svc_git *g, svc_error *err);

/* The index entry of a root-relative path. */
void svc_git_entry(svc_git *g, const char *path, svc_ix_entry *out);
/* A blob's bytes: raw (as stored) or as git would check them out at `path` (filters applied). */
int svc_git_blob_raw(svc_git *g, const unsigned char oid[20], char **bytes, size_t *len, svc_error *err);
int svc_git_blob_text(svc_git *g, const char *path, const unsigned char oid[20], char **bytes, size_t *len,
                      svc_error *err);
/* Work tree bytes as git would store them at `path` (clean filters: autocrlf, ident...). */
int svc_git_clean(svc_git *g, const char *path, const char *bytes, size_t len, char **out, size_t *outlen,
                  svc_error *err);
/* The blob id git would give to work tree bytes at `path` (after clean filters). */
int svc_git_hash_worktree(svc_git *g, const char *path, const char *bytes, size_t len, unsigned char oid[20],
                          svc_error *err);

/*
 * Sets one index entry and nothing else: `want->state` ABSENT removes it, ENTRY stores
 * `blob` (raw bytes, as git stores them) with want->mode. The stat data is copied from the
 * work tree file only when that file hashes to the same blob, so git never mistakes a work
 * tree with other edits for a clean one. Written by svc_git_write_index.
 */
int svc_git_set_entry(svc_git *g, const char *path, const svc_ix_entry *want, const char *blob, size_t len,
                      svc_error *err);
int svc_git_write_index(svc_git *g, svc_error *err);

/*
 * Maps the edit [start, end) of the work tree bytes `wt` onto `ix` (the index version,
 * checked-out form): the edit's old text with whole lines around it must occur exactly once
 * in `ix`. Tries the lines of the edit alone, then 1..3 more lines each side, taking the
 * first that is unique. False (and a reason in `why`) when absent or ambiguous.
 */
bool svc_stage_map_edit(const char *wt, size_t wtlen, const char *ix, size_t ixlen, uint32_t start, uint32_t end,
                        uint32_t *ix_start, uint32_t *ix_end, const char **why);

#endif
