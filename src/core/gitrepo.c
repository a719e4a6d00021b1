/*
 * Small git operations outside reading a source, through git.c: making a repository (the demo,
 * tests) and finding where its hooks live (svcscope install-hook).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/git.h"
#include "svcscope/gitrepo.h"
#include "svcscope/util.h"

int svc_git_init_commit_all(const char *dir, const char *message, svc_error *err)
{
    /* A fixed author: the user's git identity may not be configured. */
    return svc_repo_init_commit_all(dir, "main", "svcscope", "svcscope@example.invalid", message, err);
}

/* A copy of `dir` without the trailing '/' libgit2 puts on folders (the root "/" stays). */
static char *without_slash(const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    return svc_xstrndup(dir, n);
}

int svc_git_find_hooks(svc_git_hooks *out, const char *path, svc_error *err)
{
    memset(out, 0, sizeof *out);
    svc_repo *repo = NULL;
    char *value = NULL;
    int rc = 0;
    char real[PATH_MAX];
    if (!realpath(path ? path : ".", real)) {
        rc = svc_error_set(err, SVC_EIO, "%s: %s", path ? path : ".", strerror(errno));
        goto out;
    }
    if (svc_repo_open(&repo, real, NULL) < 0) {
        rc = svc_error_set(err, SVC_ENOTFOUND, "%s is not inside a git repository", path ? path : ".");
        goto out;
    }
    const char *workdir = svc_repo_workdir(repo);
    if (workdir) out->workdir = without_slash(workdir);
    /* Relative values are relative to where git runs hooks: the work tree, or the git dir of a bare repo. */
    const char *base = out->workdir ? out->workdir : svc_repo_git_dir(repo);
    rc = svc_repo_config_path(repo, "core.hooksPath", &value, err);
    if (rc < 0) goto out;
    if (value && *value) {
        char *dir = value[0] == '/' ? svc_xstrdup(value) : svc_xasprintf("%s/%s", base, value);
        out->hooks_dir = without_slash(dir);
        free(dir);
        out->custom = true;
    } else {
        char *dir = svc_xasprintf("%s/hooks", svc_repo_common_dir(repo));
        /* The common dir ends in '/': "x/.git//hooks" reads badly in messages. */
        char *clean = svc_xstrdup(dir);
        char *w = clean;
        for (const char *r = dir; *r; r++)
            if (!(*r == '/' && w > clean && w[-1] == '/')) *w++ = *r;
        *w = '\0';
        free(dir);
        out->hooks_dir = clean;
    }
out:
    free(value);
    svc_repo_free(repo);
    if (rc < 0) svc_git_hooks_free(out);
    return rc;
}

void svc_git_hooks_free(svc_git_hooks *hooks)
{
    if (!hooks) return;
    free(hooks->hooks_dir);
    free(hooks->workdir);
    memset(hooks, 0, sizeof *hooks);
}
