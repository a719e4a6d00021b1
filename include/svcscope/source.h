/*
 * Source: where the files come from. The work tree (respecting .gitignore when it is
 * a git repository, every file when it is a plain folder), the index (staged blobs)
 * or a commit. One interface, so every feature runs on any of them.
 */
#ifndef SVCSCOPE_SOURCE_H
#define SVCSCOPE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/error.h"

typedef enum svc_source_kind {
    SVC_SOURCE_WORKTREE,
    SVC_SOURCE_INDEX,
    SVC_SOURCE_COMMIT,
} svc_source_kind;

typedef struct svc_source_file {
    const char *path;   /* relative to the repo root, '/' separated */
    uint64_t size;
    bool has_oid;       /* the git blob id is known (index/commit, or tracked and unchanged) */
    unsigned char oid[20];
    /* Work tree files: what lstat said when the list was made (caches key files without a
     * blob id by it). has_oid is false for a tracked file whose stat differs from the index
     * or that is "racily clean" (modified in the second the index was written). */
    bool has_stat;
    int64_t mtime_ns, ctime_ns;
    uint64_t ino;
} svc_source_file;

typedef struct svc_source svc_source;

typedef struct svc_source_options {
    svc_source_kind kind;
    const char *rev;         /* SVC_SOURCE_COMMIT: any revspec ("HEAD", "main~2", a sha) */
    uint64_t max_file_size;  /* files larger are listed with size but not read; 0 = default (10 MiB) */
    /* SVC_SOURCE_INDEX: the index file to read instead of the repository's own, as git's
     * GIT_INDEX_FILE names it (the temporary index a hook of `git commit -a` is given); NULL or ""
     * for the repository's. The core reads no environment: callers pass it. */
    const char *index_file;
} svc_source_options;

#define SVC_SOURCE_OPTIONS_INIT { SVC_SOURCE_WORKTREE, NULL, 0, NULL }

/* Folders a plain-folder walk never enters (VCS folders, tool caches, environments: `.git`,
 * `node_modules`, `.venv`, `__pycache__`...), whatever the config says. */
bool svc_source_skips_folder(const char *name);

/* Opens `path` (a folder inside a git work tree, the work tree itself, or any folder). */
int svc_source_open(svc_source **out, const char *path, const svc_source_options *opts, svc_error *err);
void svc_source_free(svc_source *src);

/* Absolute path of the root that file paths are relative to. */
const char *svc_source_root(const svc_source *src);
/* True when backed by a git repository. */
bool svc_source_is_git(const svc_source *src);
svc_source_kind svc_source_kind_of(const svc_source *src);
/* Branch name ("main"), "(detached)", or NULL outside git; and short HEAD id or NULL. */
const char *svc_source_branch(const svc_source *src);
const char *svc_source_head(const svc_source *src);
/* Path of the .git directory (for caches), NULL outside git. */
const char *svc_source_git_dir(const svc_source *src);

/* All files, sorted by path. */
size_t svc_source_count(const svc_source *src);
const svc_source_file *svc_source_at(const svc_source *src, size_t i);
/* Index of the file with that path, or -1. */
long svc_source_find(const svc_source *src, const char *path);

/* What the listing had to leave out, one "path: why" line each, in the order met: folders that
 * cannot be listed (io_error: permissions...), and with SVC_SOURCE_INDEX the paths whose index
 * entries hold a merge conflict (no single staged content). Owned by the source. */
size_t svc_source_skipped_count(const svc_source *src);
const char *svc_source_skipped_at(const svc_source *src, size_t i, bool *io_error);

/* The file size limit in force: svc_source_options.max_file_size, or the default (10 MiB). */
uint64_t svc_source_max_file_size(const svc_source *src);

/* Reads a file's bytes (malloc'd, NUL-terminated beyond len). Thread-safe. */
int svc_source_read(const svc_source *src, size_t i, char **bytes, size_t *len, svc_error *err);

/*
 * Makes a listed file hold `bytes` instead of what the source stores (an editor's unsaved buffer):
 * svc_source_read returns a copy of them from then on, and the file's size is theirs with neither a
 * blob id nor a stat, so caches key it by its content. The bytes are copied. SVC_ENOTFOUND when the
 * source does not list `path` (a new file is read once it is saved and listed).
 */
int svc_source_set_content(svc_source *src, const char *path, const char *bytes, size_t len, svc_error *err);

/* Paths changed between `rev` and the source's content (for --diff), sorted; caller frees. */
int svc_source_changed_since(const svc_source *src, const char *rev, char ***paths, size_t *npaths, svc_error *err);
void svc_source_free_paths(char **paths, size_t npaths);
/* Files moved between `rev` and the source's content, as git's rename detection finds them: the
 * path at `rev` in (*from)[i], the path now in (*to)[i]; free both with svc_source_free_paths. */
int svc_source_renamed_since(const svc_source *src, const char *rev, char ***from, char ***to, size_t *n,
                             svc_error *err);

#endif
