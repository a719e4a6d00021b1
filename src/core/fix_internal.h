/*
 * What fix_plan.c and fix_apply.c (the plan, the work tree, undo) need from stage.c (the git index
 * through libgit2). Internal to the core: nothing outside src/core includes it.
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

/* Index entry flags that change what git does with the work tree file; kept as they are by every
 * entry svcscope writes, and put back by undo. */
enum {
    SVC_IX_ASSUME_UNCHANGED = 1, /* git update-index --assume-unchanged */
    SVC_IX_SKIP_WORKTREE = 2,    /* git update-index --skip-worktree, sparse checkout */
    SVC_IX_INTENT_TO_ADD = 4,    /* git add -N */
};

typedef struct svc_ix_entry {
    svc_ix_state state;
    uint32_t mode;            /* 0100644 or 0100755 when ENTRY */
    unsigned char oid[20];
    unsigned flags;           /* SVC_IX_* when ENTRY */
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

/* The blob id of raw bytes. */
void svc_git_hash_raw(const char *bytes, size_t len, unsigned char oid[20]);
/*
 * True when the index entry of `path` is racily clean: its recorded mtime is not older than the
 * index file, so a stat match (which made source.c trust the blob id) does not prove the content.
 */
bool svc_git_racily_clean(svc_git *g, const char *path);

/*
 * Sets one index entry and nothing else: `want->state` ABSENT removes it, ENTRY stores
 * `blob` (raw bytes, as git stores them) with want->mode and want->flags. The stat data is copied from the
 * work tree file only when that file hashes to the same blob, so git never mistakes a work
 * tree with other edits for a clean one. Written by svc_git_write_index.
 */
int svc_git_set_entry(svc_git *g, const char *path, const svc_ix_entry *want, const char *blob, size_t len,
                      svc_error *err);
int svc_git_write_index(svc_git *g, svc_error *err);

/*
 * Maps edits of the work tree bytes onto the staged version (checked-out form) of the file,
 * through a line alignment of the two (git's diff): the lines an edit touches must be lines the
 * user has not changed since staging, so the fix lands on the same code in both. An insertion
 * between two lines needs one of its neighbours unchanged (or the start/end of the file).
 * The map borrows both buffers.
 */
typedef struct svc_line_map svc_line_map;
int svc_stage_align(svc_line_map **out, const char *wt, size_t wtlen, const char *ix, size_t ixlen, svc_error *err);
void svc_line_map_free(svc_line_map *m);
/* False (and why) when the edit touches lines with unstaged changes. `whole_lines`: the text of an
 * insertion ends with a newline (it adds lines rather than changing one). */
bool svc_stage_map_edit(const svc_line_map *m, uint32_t start, uint32_t end, bool whole_lines, uint32_t *ix_start,
                        uint32_t *ix_end, const char **why);

#endif
