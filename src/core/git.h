/*
 * The core's one door to libgit2 (git.c): repositories, their index, trees, blobs, filters and
 * diffs, with every libgit2 failure turned into an svc_error the same way. Internal to the core:
 * source.c (reading files), stage.c (staging fixes) and gitrepo.c (the demo's repository, hooks)
 * use it, and no libgit2 type crosses it: handles are opaque, object ids are 20 bytes.
 *
 * Errors: a failing call sets `err` to SVC_EGIT "<what>: <libgit2's reason>", where `what` is the
 * caller's word for the thing at stake (a path, a revision) or, where every caller says the same,
 * the function's own ("reading the git index"). `err` may be NULL.
 *
 * Threads: like libgit2's own objects, a handle and what came from it are used by one thread at a
 * time; a caller that shares one (source.c) locks around it.
 */
#ifndef SVCSCOPE_GIT_H
#define SVCSCOPE_GIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/error.h"

/* The modes of regular files in git's index and trees. */
#define SVC_REPO_MODE_FILE 0100644
#define SVC_REPO_MODE_EXECUTABLE 0100755

/* ---- repositories ---------------------------------------------------------------------------- */

typedef struct svc_repo svc_repo;

/* The repository at or above `path`, found as git finds it (bare, linked work trees, .git files). */
int svc_repo_open(svc_repo **out, const char *path, svc_error *err);
/* The repository whose work tree is exactly `workdir` (no search upwards). */
int svc_repo_open_workdir(svc_repo **out, const char *workdir, svc_error *err);
void svc_repo_free(svc_repo *repo);

/* The work tree with a trailing '/', NULL for a bare repository. */
const char *svc_repo_workdir(const svc_repo *repo);
/* The git folder (".git/", or the linked work tree's own), with a trailing '/'. */
const char *svc_repo_git_dir(const svc_repo *repo);
/* The git folder every linked work tree shares, with a trailing '/'. */
const char *svc_repo_common_dir(const svc_repo *repo);

/*
 * HEAD, both malloc'd or NULL: `branch` is the branch name, "(detached)" for a detached HEAD, or
 * the branch an unborn HEAD will make; `short_id` the first 7 hex digits of its commit (NULL when
 * unborn). Failures leave NULL and are not errors.
 */
void svc_repo_read_head(svc_repo *repo, char **branch, char **short_id);

/* True when .gitignore (and info/exclude, core.excludesFile) hides `git_path`; false on failure. */
bool svc_repo_is_ignored(svc_repo *repo, const char *git_path);

/* A path-valued config key (`~/` expanded) from every level git reads; *value NULL when unset.
 * Errors say `key`. */
int svc_repo_config_path(svc_repo *repo, const char *key, char **value, svc_error *err);

/* git init `dir` (made when missing) with HEAD on `branch`, add every file, commit with `message`
 * as `author` <`email`>. */
int svc_repo_init_commit_all(const char *dir, const char *branch, const char *author, const char *email,
                             const char *message, svc_error *err);

/* ---- objects --------------------------------------------------------------------------------- */

/* A blob's bytes as stored (malloc'd, NUL-terminated beyond len); left alone on failure. */
int svc_repo_read_blob(svc_repo *repo, const unsigned char oid[20], char **bytes, size_t *len, const char *what,
                       svc_error *err);
/* A blob's bytes as git would check them out at `git_path` (smudge filters: autocrlf, ident...). */
int svc_repo_read_blob_checkout(svc_repo *repo, const unsigned char oid[20], const char *git_path, char **bytes,
                                size_t *len, const char *what, svc_error *err);
/* Work tree bytes as git would store them at `git_path` (clean filters); a copy when none apply. */
int svc_repo_clean(svc_repo *repo, const char *git_path, const char *bytes, size_t len, char **out, size_t *outlen,
                   const char *what, svc_error *err);
/* Stores bytes as a blob in the object database. */
int svc_repo_write_blob(svc_repo *repo, const char *bytes, size_t len, unsigned char oid[20], const char *what,
                        svc_error *err);
/* The blob id of bytes (no repository needed). */
int svc_repo_hash_blob(const char *bytes, size_t len, unsigned char oid[20], const char *what, svc_error *err);

/* ---- trees ----------------------------------------------------------------------------------- */

typedef struct svc_repo_tree svc_repo_tree;

/* The tree of any revspec ("HEAD", "main~2", a sha, a tree id). Errors say `rev`. */
int svc_repo_tree_open(svc_repo_tree **out, svc_repo *repo, const char *rev, svc_error *err);
void svc_repo_tree_free(svc_repo_tree *tree);

/* Called once per regular file of a tree (executable or not; symlinks and submodules are no files),
 * in git's order, with its git path, size and blob id. */
typedef void svc_repo_file_fn(const char *git_path, uint64_t size, const unsigned char oid[20], void *ctx);
int svc_repo_tree_files(svc_repo *repo, const svc_repo_tree *tree, svc_repo_file_fn *each, void *ctx,
                        svc_error *err);

/* What a tree is compared with. */
typedef enum svc_repo_side {
    SVC_REPO_SIDE_WORKDIR, /* the work tree as the index sees it (tracked and untracked files) */
    SVC_REPO_SIDE_INDEX,   /* the index */
    SVC_REPO_SIDE_TREE,    /* another tree */
} svc_repo_side;

/* Calls `each` with the git path of every file added, changed or untracked (not deleted) between
 * `from` and `to` (`to_tree` when SVC_REPO_SIDE_TREE). */
typedef void svc_repo_path_fn(const char *git_path, void *ctx);
int svc_repo_changed_files(svc_repo *repo, const svc_repo_tree *from, svc_repo_side to, const svc_repo_tree *to_tree,
                           svc_repo_path_fn *each, void *ctx, svc_error *err);

/* Calls `each` with the old and the new git path of every file renamed (moved) between `from` and
 * `to`, as git's rename detection finds them (untracked files count in the work tree). */
typedef void svc_repo_rename_fn(const char *old_path, const char *new_path, void *ctx);
int svc_repo_renamed_files(svc_repo *repo, const svc_repo_tree *from, svc_repo_side to, const svc_repo_tree *to_tree,
                           svc_repo_rename_fn *each, void *ctx, svc_error *err);

/* ---- the index ------------------------------------------------------------------------------- */

typedef struct svc_repo_index svc_repo_index;

/* One index entry. Read: `path` is borrowed from the index until it changes. Stat data is what git
 * recorded (32 bits each, as git keeps it); written as zero, git reads the file to compare. */
typedef struct svc_repo_entry {
    const char *path;      /* git path */
    uint32_t mode;         /* SVC_REPO_MODE_FILE, _EXECUTABLE, or a symlink's, a submodule's... */
    unsigned stage;        /* 0; 1 to 3 for the sides of a merge conflict */
    unsigned char oid[20];
    int32_t ctime_s, mtime_s;
    uint32_t ctime_ns, mtime_ns;
    uint32_t dev, ino, uid, gid, file_size;
    bool assume_unchanged; /* git update-index --assume-unchanged */
    bool skip_worktree;    /* git update-index --skip-worktree, sparse checkout */
    bool intent_to_add;    /* git add -N */
} svc_repo_entry;

/* The repository's index (the one svc_repo_use_index_file named, if it did). */
int svc_repo_index_open(svc_repo_index **out, svc_repo *repo, svc_error *err);
void svc_repo_index_free(svc_repo_index *index);
/* Makes `file` the repository's index, as git does with GIT_INDEX_FILE. Errors say `file`. */
int svc_repo_use_index_file(svc_repo *repo, const char *file, svc_error *err);

/* The index file's path, NULL for an index in memory only. */
const char *svc_repo_index_path(const svc_repo_index *index);
/* Entries in git's order (by path, then stage). */
size_t svc_repo_index_count(const svc_repo_index *index);
void svc_repo_index_at(const svc_repo_index *index, size_t i, svc_repo_entry *out);
/* The entry of `git_path` at `stage`; false when there is none. */
bool svc_repo_index_find(const svc_repo_index *index, const char *git_path, unsigned stage, svc_repo_entry *out);

/* Re-reads the index from disk, dropping what was changed in memory. */
int svc_repo_index_reload(svc_repo_index *index, svc_error *err);
/* Adds or replaces an entry (in memory until svc_repo_index_write). Errors say `what`. */
int svc_repo_index_add(svc_repo_index *index, const svc_repo_entry *entry, const char *what, svc_error *err);
/* Removes the stage-0 entry of `git_path`, if any. Errors say `what`. */
int svc_repo_index_remove(svc_repo_index *index, const char *git_path, const char *what, svc_error *err);
/* Writes the index to disk; SVC_EUNSAFE when another git process holds its lock. */
int svc_repo_index_write(svc_repo_index *index, svc_error *err);

/* ---- comparing texts --------------------------------------------------------------------------- */

/* A run of changed lines, 1-based as in a unified diff (a start is the line before an empty run). */
typedef struct svc_repo_hunk {
    size_t old_start, old_lines;
    size_t new_start, new_lines;
} svc_repo_hunk;

/* The line hunks between two texts: git's minimal diff, as text, without context. *hunks is
 * malloc'd. */
int svc_repo_diff_lines(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
                        svc_repo_hunk **hunks, size_t *nhunks, const char *what, svc_error *err);

#endif
