#include <string.h>

#include <git2.h>

#include "svcscope/gitrepo.h"

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
