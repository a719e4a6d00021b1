#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "svcscope/gitrepo.h"
#include "svcscope/util.h"

static int fail(svc_error *err, const char *what)
{
    const git_error *e = git_error_last();
    return svc_error_set(err, SVC_EGIT, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

int svc_git_init_commit_all(const char *dir, const char *message, svc_error *err)
{
    git_libgit2_init();
    git_repository *repo = NULL;
    git_index *index = NULL;
    git_signature *sig = NULL;
    git_tree *tree = NULL;
    git_oid tree_id, commit_id;
    int rc = -1;

    git_repository_init_options opts;
    git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    opts.flags = GIT_REPOSITORY_INIT_MKPATH;
    opts.initial_head = "main";
    if (git_repository_init_ext(&repo, dir, &opts) < 0) { fail(err, dir); goto out; }
    if (git_repository_index(&index, repo) < 0) { fail(err, "opening the index"); goto out; }
    if (git_index_add_all(index, NULL, 0, NULL, NULL) < 0 || git_index_write(index) < 0) {
        fail(err, "adding files");
        goto out;
    }
    if (git_index_write_tree(&tree_id, index) < 0 || git_tree_lookup(&tree, repo, &tree_id) < 0) {
        fail(err, "writing the tree");
        goto out;
    }
    /* A fixed author: the user's git identity may not be configured. */
    if (git_signature_now(&sig, "svcscope", "svcscope@example.invalid") < 0) { fail(err, "signature"); goto out; }
    if (git_commit_create_v(&commit_id, repo, "HEAD", sig, sig, NULL, message, tree, 0) < 0) {
        fail(err, "committing");
        goto out;
    }
    rc = 0;
out:
    git_tree_free(tree);
    git_signature_free(sig);
    git_index_free(index);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return rc < 0 ? err->code : 0;
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
    git_libgit2_init();
    git_repository *repo = NULL;
    git_config *cfg = NULL;
    git_buf value = { 0 };
    int rc = 0;
    char real[PATH_MAX];
    if (!realpath(path ? path : ".", real)) {
        rc = svc_error_set(err, SVC_EIO, "%s: %s", path ? path : ".", strerror(errno));
        goto out;
    }
    if (git_repository_open_ext(&repo, real, 0, NULL) < 0) {
        rc = svc_error_set(err, SVC_ENOTFOUND, "%s is not inside a git repository", path ? path : ".");
        goto out;
    }
    const char *workdir = git_repository_workdir(repo);
    if (workdir) out->workdir = without_slash(workdir);
    /* Relative values are relative to where git runs hooks: the work tree, or the git dir of a bare repo. */
    const char *base = out->workdir ? out->workdir : git_repository_path(repo);
    if (git_repository_config_snapshot(&cfg, repo) < 0) {
        rc = fail(err, "reading the git config");
        goto out;
    }
    int found = git_config_get_path(&value, cfg, "core.hooksPath");
    if (found == 0 && value.ptr && *value.ptr) {
        char *dir = value.ptr[0] == '/' ? svc_xstrdup(value.ptr) : svc_xasprintf("%s/%s", base, value.ptr);
        out->hooks_dir = without_slash(dir);
        free(dir);
        out->custom = true;
    } else if (found < 0 && found != GIT_ENOTFOUND) {
        rc = fail(err, "core.hooksPath");
        goto out;
    } else {
        git_error_clear();
        char *dir = svc_xasprintf("%s/hooks", git_repository_commondir(repo));
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
    git_buf_dispose(&value);
    git_config_free(cfg);
    git_repository_free(repo);
    git_libgit2_shutdown();
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
