/*
 * The one file that talks to libgit2 (see git.h for what it offers).
 *
 * Why a wrapper rather than libgit2 in each user: one initialisation, one way of turning its
 * errors into messages, and its types and version changes kept in one place. No libgit2 type
 * crosses git.h: the handles are opaque structs holding the libgit2 object, the index entries and
 * hunks plain structs copied out, the object ids 20 bytes. So nothing else in the project includes
 * git2.h, and nm shows git_* symbols in this object only.
 *
 * Initialisation: git_libgit2_init runs once per process, through pthread_once, on the first call
 * that needs it; not before, as it costs (it loads the system's TLS certificates) and reading an
 * ordinary work tree never gets here. It is never shut down: the model's reader threads may still
 * hold a repository, a pthread_once cannot run again, and the process ends soon after.
 *
 * Errors: fail() makes every libgit2 failure SVC_EGIT "<what>: <libgit2's reason>" and clears
 * libgit2's own record, so a later failure never shows an earlier reason. A failure that is not an
 * error (no repository here, a path nobody ignores) is cleared without a message.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>
#include <git2/sys/repository.h>

#include "core/git.h"
#include "svcscope/util.h"

struct svc_repo {
    git_repository *git;
};

struct svc_repo_tree {
    git_tree *git;
};

struct svc_repo_index {
    git_index *git;
};

static void init_libgit2(void)
{
    /* A failure shows in the first call that needs libgit2. */
    (void)git_libgit2_init();
}

static void ensure_libgit2(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_libgit2);
}

static int fail(svc_error *err, const char *what)
{
    const git_error *e = git_error_last();
    int rc = svc_error_set(err, SVC_EGIT, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
    git_error_clear();
    return rc;
}

static void copy_bytes(const char *p, size_t n, char **bytes, size_t *len)
{
    *bytes = svc_xmalloc(n + 1);
    if (n) memcpy(*bytes, p, n);
    (*bytes)[n] = '\0';
    *len = n;
}

static git_oid to_git_oid(const unsigned char oid[20])
{
    git_oid id;
    memcpy(id.id, oid, 20);
    return id;
}

/* ---- repositories ---------------------------------------------------------------------------- */

static int open_repo(svc_repo **out, const char *path, unsigned flags, svc_error *err)
{
    *out = NULL;
    ensure_libgit2();
    git_repository *git = NULL;
    if (git_repository_open_ext(&git, path, flags, NULL) < 0) return fail(err, path);
    *out = svc_xcalloc(1, sizeof **out);
    (*out)->git = git;
    return 0;
}

int svc_repo_open(svc_repo **out, const char *path, svc_error *err) { return open_repo(out, path, 0, err); }

int svc_repo_open_workdir(svc_repo **out, const char *workdir, svc_error *err)
{
    return open_repo(out, workdir, GIT_REPOSITORY_OPEN_NO_SEARCH, err);
}

void svc_repo_free(svc_repo *repo)
{
    if (!repo) return;
    git_repository_free(repo->git);
    free(repo);
}

const char *svc_repo_workdir(const svc_repo *repo) { return git_repository_workdir(repo->git); }
const char *svc_repo_git_dir(const svc_repo *repo) { return git_repository_path(repo->git); }
const char *svc_repo_common_dir(const svc_repo *repo) { return git_repository_commondir(repo->git); }

void svc_repo_read_head(svc_repo *repo, char **branch, char **short_id)
{
    *branch = NULL;
    *short_id = NULL;
    git_reference *head = NULL;
    if (git_repository_head(&head, repo->git) == 0) {
        *branch = svc_xstrdup(git_reference_is_branch(head) ? git_reference_shorthand(head) : "(detached)");
        const git_oid *id = git_reference_target(head);
        if (id) {
            char hex[GIT_OID_HEXSZ + 1];
            git_oid_tostr(hex, sizeof hex, id);
            *short_id = svc_xstrndup(hex, 7);
        }
        git_reference_free(head);
    } else if (git_repository_head_unborn(repo->git) == 1) {
        git_reference *ref = NULL;
        if (git_reference_lookup(&ref, repo->git, "HEAD") == 0) {
            const char *target = git_reference_symbolic_target(ref);
            if (target && svc_str_starts_with(target, "refs/heads/")) *branch = svc_xstrdup(target + 11);
            git_reference_free(ref);
        }
    }
    git_error_clear();
}

bool svc_repo_is_ignored(svc_repo *repo, const char *git_path)
{
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, repo->git, git_path) < 0) {
        git_error_clear();
        return false;
    }
    return ignored != 0;
}

int svc_repo_config_path(svc_repo *repo, const char *key, char **value, svc_error *err)
{
    *value = NULL;
    git_config *cfg = NULL;
    if (git_repository_config_snapshot(&cfg, repo->git) < 0) return fail(err, "reading the git config");
    git_buf buf = { 0 };
    int rc = git_config_get_path(&buf, cfg, key);
    if (rc == 0) {
        *value = svc_xstrdup(buf.ptr ? buf.ptr : "");
    } else if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        rc = 0;
    } else {
        rc = fail(err, key);
    }
    git_buf_dispose(&buf);
    git_config_free(cfg);
    return rc;
}

int svc_repo_init_commit_all(const char *dir, const char *branch, const char *author, const char *email,
                             const char *message, svc_error *err)
{
    ensure_libgit2();
    git_repository *repo = NULL;
    git_index *index = NULL;
    git_signature *sig = NULL;
    git_tree *tree = NULL;
    git_oid tree_id, commit_id;
    int rc = 0;

    git_repository_init_options opts;
    git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    opts.flags = GIT_REPOSITORY_INIT_MKPATH;
    opts.initial_head = branch;
    if (git_repository_init_ext(&repo, dir, &opts) < 0) rc = fail(err, dir);
    else if (git_repository_index(&index, repo) < 0) rc = fail(err, "opening the index");
    else if (git_index_add_all(index, NULL, 0, NULL, NULL) < 0 || git_index_write(index) < 0)
        rc = fail(err, "adding files");
    else if (git_index_write_tree(&tree_id, index) < 0 || git_tree_lookup(&tree, repo, &tree_id) < 0)
        rc = fail(err, "writing the tree");
    else if (git_signature_now(&sig, author, email) < 0) rc = fail(err, "signature");
    else if (git_commit_create_v(&commit_id, repo, "HEAD", sig, sig, NULL, message, tree, 0) < 0)
        rc = fail(err, "committing");
    git_tree_free(tree);
    git_signature_free(sig);
    git_index_free(index);
    git_repository_free(repo);
    return rc;
}

/* ---- objects --------------------------------------------------------------------------------- */

int svc_repo_read_blob(svc_repo *repo, const unsigned char oid[20], char **bytes, size_t *len, const char *what,
                       svc_error *err)
{
    git_oid id = to_git_oid(oid);
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, repo->git, &id) < 0) return fail(err, what);
    copy_bytes(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), bytes, len);
    git_blob_free(blob);
    return 0;
}

int svc_repo_read_blob_checkout(svc_repo *repo, const unsigned char oid[20], const char *git_path, char **bytes,
                                size_t *len, const char *what, svc_error *err)
{
    git_oid id = to_git_oid(oid);
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, repo->git, &id) < 0) return fail(err, what);
    git_buf out = { 0 };
    git_blob_filter_options opts;
    git_blob_filter_options_init(&opts, GIT_BLOB_FILTER_OPTIONS_VERSION);
    int rc = git_blob_filter(&out, blob, git_path, &opts);
    if (rc < 0) rc = fail(err, what);
    else copy_bytes(out.ptr ? out.ptr : "", out.size, bytes, len);
    git_buf_dispose(&out);
    git_blob_free(blob);
    return rc;
}

int svc_repo_clean(svc_repo *repo, const char *git_path, const char *bytes, size_t len, char **out, size_t *outlen,
                   const char *what, svc_error *err)
{
    git_filter_list *filters = NULL;
    if (git_filter_list_load(&filters, repo->git, NULL, git_path, GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT) < 0)
        return fail(err, what);
    if (!filters) {
        copy_bytes(bytes, len, out, outlen);
        return 0;
    }
    git_buf buf = { 0 };
    int rc = git_filter_list_apply_to_buffer(&buf, filters, bytes, len);
    git_filter_list_free(filters);
    if (rc < 0) rc = fail(err, what);
    else copy_bytes(buf.ptr ? buf.ptr : "", buf.size, out, outlen);
    git_buf_dispose(&buf);
    return rc;
}

int svc_repo_write_blob(svc_repo *repo, const char *bytes, size_t len, unsigned char oid[20], const char *what,
                        svc_error *err)
{
    git_oid id;
    if (git_blob_create_from_buffer(&id, repo->git, bytes, len) < 0) return fail(err, what);
    memcpy(oid, id.id, 20);
    return 0;
}

int svc_repo_hash_blob(const char *bytes, size_t len, unsigned char oid[20], const char *what, svc_error *err)
{
    ensure_libgit2();
    git_oid id;
    if (git_odb_hash(&id, bytes, len, GIT_OBJECT_BLOB) < 0) return fail(err, what);
    memcpy(oid, id.id, 20);
    return 0;
}

/* ---- trees ----------------------------------------------------------------------------------- */

int svc_repo_tree_open(svc_repo_tree **out, svc_repo *repo, const char *rev, svc_error *err)
{
    *out = NULL;
    git_object *obj = NULL, *tree = NULL;
    if (git_revparse_single(&obj, repo->git, rev) < 0) return fail(err, rev);
    int rc = git_object_peel(&tree, obj, GIT_OBJECT_TREE);
    git_object_free(obj);
    if (rc < 0) return fail(err, rev);
    *out = svc_xcalloc(1, sizeof **out);
    (*out)->git = (git_tree *)tree;
    return 0;
}

void svc_repo_tree_free(svc_repo_tree *tree)
{
    if (!tree) return;
    git_tree_free(tree->git);
    free(tree);
}

typedef struct tree_walk {
    git_repository *repo;
    svc_repo_file_fn *each;
    void *ctx;
} tree_walk;

static int tree_walk_entry(const char *root, const git_tree_entry *entry, void *payload)
{
    tree_walk *w = payload;
    git_filemode_t mode = git_tree_entry_filemode(entry);
    bool file = mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || !file) return 0;
    char *path = svc_xasprintf("%s%s", root, git_tree_entry_name(entry));
    uint64_t size = 0;
    git_object *obj = NULL;
    if (git_tree_entry_to_object(&obj, w->repo, entry) == 0) {
        size = (uint64_t)git_blob_rawsize((git_blob *)obj);
        git_object_free(obj);
    }
    w->each(path, size, git_tree_entry_id(entry)->id, w->ctx);
    free(path);
    return 0;
}

int svc_repo_tree_files(svc_repo *repo, const svc_repo_tree *tree, svc_repo_file_fn *each, void *ctx,
                        svc_error *err)
{
    tree_walk w = { repo->git, each, ctx };
    if (git_tree_walk(tree->git, GIT_TREEWALK_PRE, tree_walk_entry, &w) < 0) return fail(err, "reading the commit");
    git_error_clear(); /* a blob whose size could not be read is listed with size 0 */
    return 0;
}

/* The diff between `from` and `to` (`to_tree` when SVC_REPO_SIDE_TREE), untracked files included. */
static int diff_of(git_diff **diff, svc_repo *repo, const svc_repo_tree *from, svc_repo_side to,
                   const svc_repo_tree *to_tree, svc_error *err)
{
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
    int rc = 0;
    switch (to) {
    case SVC_REPO_SIDE_WORKDIR: rc = git_diff_tree_to_workdir_with_index(diff, repo->git, from->git, &opts); break;
    case SVC_REPO_SIDE_INDEX: rc = git_diff_tree_to_index(diff, repo->git, from->git, NULL, &opts); break;
    case SVC_REPO_SIDE_TREE: rc = git_diff_tree_to_tree(diff, repo->git, from->git, to_tree->git, &opts); break;
    }
    return rc < 0 ? fail(err, "computing the changed files") : 0;
}

int svc_repo_changed_files(svc_repo *repo, const svc_repo_tree *from, svc_repo_side to, const svc_repo_tree *to_tree,
                           svc_repo_path_fn *each, void *ctx, svc_error *err)
{
    git_diff *diff = NULL;
    if (diff_of(&diff, repo, from, to, to_tree, err) < 0) return -1;
    size_t n = git_diff_num_deltas(diff);
    for (size_t i = 0; i < n; i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        if (d->status != GIT_DELTA_DELETED) each(d->new_file.path, ctx);
    }
    git_diff_free(diff);
    return 0;
}

int svc_repo_renamed_files(svc_repo *repo, const svc_repo_tree *from, svc_repo_side to, const svc_repo_tree *to_tree,
                           svc_repo_rename_fn *each, void *ctx, svc_error *err)
{
    git_diff *diff = NULL;
    if (diff_of(&diff, repo, from, to, to_tree, err) < 0) return -1;
    git_diff_find_options find;
    git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
    find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
    if (git_diff_find_similar(diff, &find) < 0) {
        git_diff_free(diff);
        return fail(err, "finding renamed files");
    }
    size_t n = git_diff_num_deltas(diff);
    for (size_t i = 0; i < n; i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        if (d->status == GIT_DELTA_RENAMED) each(d->old_file.path, d->new_file.path, ctx);
    }
    git_diff_free(diff);
    return 0;
}

/* ---- the index ------------------------------------------------------------------------------- */

int svc_repo_index_open(svc_repo_index **out, svc_repo *repo, svc_error *err)
{
    *out = NULL;
    git_index *git = NULL;
    if (git_repository_index(&git, repo->git) < 0) return fail(err, "reading the git index");
    *out = svc_xcalloc(1, sizeof **out);
    (*out)->git = git;
    return 0;
}

void svc_repo_index_free(svc_repo_index *index)
{
    if (!index) return;
    git_index_free(index->git);
    free(index);
}

int svc_repo_use_index_file(svc_repo *repo, const char *file, svc_error *err)
{
    git_index *index = NULL;
    if (git_index_open(&index, file) < 0) return fail(err, file);
    int rc = git_repository_set_index(repo->git, index);
    git_index_free(index);
    return rc < 0 ? fail(err, file) : 0;
}

const char *svc_repo_index_path(const svc_repo_index *index) { return git_index_path(index->git); }
size_t svc_repo_index_count(const svc_repo_index *index) { return git_index_entrycount(index->git); }

static void entry_from_git(const git_index_entry *e, svc_repo_entry *out)
{
    memset(out, 0, sizeof *out);
    out->path = e->path;
    out->mode = e->mode;
    out->stage = (unsigned)GIT_INDEX_ENTRY_STAGE(e);
    memcpy(out->oid, e->id.id, 20);
    out->ctime_s = e->ctime.seconds;
    out->ctime_ns = e->ctime.nanoseconds;
    out->mtime_s = e->mtime.seconds;
    out->mtime_ns = e->mtime.nanoseconds;
    out->dev = e->dev;
    out->ino = e->ino;
    out->uid = e->uid;
    out->gid = e->gid;
    out->file_size = e->file_size;
    out->assume_unchanged = (e->flags & GIT_INDEX_ENTRY_VALID) != 0;
    out->skip_worktree = (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) != 0;
    out->intent_to_add = (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) != 0;
}

void svc_repo_index_at(const svc_repo_index *index, size_t i, svc_repo_entry *out)
{
    entry_from_git(git_index_get_byindex(index->git, i), out);
}

bool svc_repo_index_find(const svc_repo_index *index, const char *git_path, unsigned stage, svc_repo_entry *out)
{
    const git_index_entry *e = git_index_get_bypath(index->git, git_path, (int)stage);
    if (!e) return false;
    entry_from_git(e, out);
    return true;
}

int svc_repo_index_reload(svc_repo_index *index, svc_error *err)
{
    if (git_index_read(index->git, 1) < 0) return fail(err, "reading the git index");
    return 0;
}

int svc_repo_index_add(svc_repo_index *index, const svc_repo_entry *entry, const char *what, svc_error *err)
{
    git_index_entry e;
    memset(&e, 0, sizeof e);
    e.path = entry->path;
    e.mode = entry->mode;
    memcpy(e.id.id, entry->oid, 20);
    e.ctime.seconds = entry->ctime_s;
    e.ctime.nanoseconds = entry->ctime_ns;
    e.mtime.seconds = entry->mtime_s;
    e.mtime.nanoseconds = entry->mtime_ns;
    e.dev = entry->dev;
    e.ino = entry->ino;
    e.uid = entry->uid;
    e.gid = entry->gid;
    e.file_size = entry->file_size;
    GIT_INDEX_ENTRY_STAGE_SET(&e, (int)entry->stage);
    if (entry->assume_unchanged) e.flags |= GIT_INDEX_ENTRY_VALID;
    if (entry->skip_worktree) e.flags_extended |= GIT_INDEX_ENTRY_SKIP_WORKTREE;
    if (entry->intent_to_add) e.flags_extended |= GIT_INDEX_ENTRY_INTENT_TO_ADD;
    if (git_index_add(index->git, &e) < 0) return fail(err, what);
    return 0;
}

int svc_repo_index_remove(svc_repo_index *index, const char *git_path, const char *what, svc_error *err)
{
    if (git_index_get_bypath(index->git, git_path, 0) && git_index_remove(index->git, git_path, 0) < 0)
        return fail(err, what);
    return 0;
}

int svc_repo_index_write(svc_repo_index *index, svc_error *err)
{
    int rc = git_index_write(index->git);
    if (rc == GIT_ELOCKED) {
        git_error_clear();
        return svc_error_set(err, SVC_EUNSAFE, "the git index is locked by another git process (%s.lock exists)",
                             git_index_path(index->git));
    }
    if (rc < 0) return fail(err, "writing the git index");
    return 0;
}

/* ---- comparing texts --------------------------------------------------------------------------- */

typedef SVC_VEC(svc_repo_hunk) hunk_vec;

static int collect_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk, void *payload)
{
    (void)delta;
    svc_repo_hunk h = { (size_t)hunk->old_start, (size_t)hunk->old_lines, (size_t)hunk->new_start,
                        (size_t)hunk->new_lines };
    svc_vec_push((hunk_vec *)payload, h);
    return 0;
}

int svc_repo_diff_lines(const char *old_text, size_t old_len, const char *new_text, size_t new_len,
                        svc_repo_hunk **hunks, size_t *nhunks, const char *what, svc_error *err)
{
    *hunks = NULL;
    *nhunks = 0;
    ensure_libgit2();
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_MINIMAL;
    opts.context_lines = 0;
    opts.interhunk_lines = 0;
    hunk_vec v = { 0 };
    if (git_diff_buffers(old_text, old_len, NULL, new_text, new_len, NULL, &opts, NULL, NULL, collect_hunk, NULL, &v) <
        0) {
        svc_vec_free(&v);
        return fail(err, what);
    }
    *hunks = v.items;
    *nhunks = v.len;
    return 0;
}
