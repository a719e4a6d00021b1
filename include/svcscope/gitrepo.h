/* Small git operations outside reading a source: making a repository (the demo, tests),
 * finding where its hooks live (svcscope install-hook). */
#ifndef SVCSCOPE_GITREPO_H
#define SVCSCOPE_GITREPO_H

#include <stdbool.h>

#include "svcscope/error.h"

/* git init `dir`, add every file in it, commit with `message` on branch main. */
int svc_git_init_commit_all(const char *dir, const char *message, svc_error *err);

/* Where git looks for the hooks of the repository at or above `path`. */
typedef struct svc_git_hooks {
    char *hooks_dir; /* absolute; core.hooksPath when set, else <common git dir>/hooks */
    char *workdir;   /* absolute top of the work tree, no trailing '/'; NULL for a bare repository */
    bool custom;     /* hooks_dir came from core.hooksPath */
} svc_git_hooks;

/*
 * Finds the hooks folder as git itself would: core.hooksPath from the repository's config
 * (local, global, system; `~/` expanded; a relative value is relative to the top of the work
 * tree, where git runs hooks), else the `hooks` folder of the common git dir (shared by every
 * worktree). The folder need not exist yet. SVC_ENOTFOUND outside a git repository.
 */
int svc_git_find_hooks(svc_git_hooks *out, const char *path, svc_error *err);
void svc_git_hooks_free(svc_git_hooks *hooks);

#endif
