/*
 * Staging fixes: the git index side of fix_apply.c, through libgit2. Only the entries a fix
 * changes are touched (git_index_add / git_index_remove of that one path); every other entry,
 * its stat data included, is written back as it was read.
 *
 * With source.c the only file that talks to libgit2 (gitrepo.c makes repositories for the demo).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "core/fix_internal.h"
#include "svcscope/util.h"

struct svc_git {
    git_repository *repo;
    git_index *index;
    char *workdir;  /* absolute, with a trailing slash */
    char *git_dir;  /* with a trailing slash */
    char *prefix;   /* the root inside the work tree: "" or "backend/" */
};

static int git_fail(svc_error *err, const char *what)
{
    const git_error *e = git_error_last();
    int rc = svc_error_set(err, SVC_EGIT, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
    git_error_clear();
    return rc;
}

int svc_git_open(svc_git **out, const char *root, svc_error *err)
{
    *out = NULL;
    git_libgit2_init();
    git_repository *repo = NULL;
    if (git_repository_open_ext(&repo, root, 0, NULL) < 0) {
        git_error_clear();
        git_libgit2_shutdown();
        return svc_error_set(err, SVC_ENOTFOUND, "%s: not inside a git repository", root);
    }
    const char *workdir = git_repository_workdir(repo);
    if (!workdir) {
        git_repository_free(repo);
        git_libgit2_shutdown();
        return svc_error_set(err, SVC_EUSAGE, "%s: a bare repository has no work tree", root);
    }
    svc_git *g = svc_xcalloc(1, sizeof *g);
    g->repo = repo;
    g->git_dir = svc_xstrdup(git_repository_path(repo));
    char wd[PATH_MAX], real[PATH_MAX];
    g->workdir = svc_xasprintf("%s/", realpath(workdir, wd) ? wd : workdir);
    g->prefix = svc_xstrdup("");
    if (realpath(root, real)) {
        size_t n = strlen(g->workdir);
        if (strncmp(real, g->workdir, n) == 0 && real[n]) {
            free(g->prefix);
            g->prefix = svc_xasprintf("%s/", real + n);
        }
    }
    if (git_repository_index(&g->index, repo) < 0) {
        int rc = git_fail(err, "reading the git index");
        svc_git_free(g);
        return rc;
    }
    *out = g;
    return 0;
}

void svc_git_free(svc_git *g)
{
    if (!g) return;
    git_index_free(g->index);
    git_repository_free(g->repo);
    free(g->workdir);
    free(g->git_dir);
    free(g->prefix);
    free(g);
    git_libgit2_shutdown();
}

const char *svc_git_dir(const svc_git *g) { return g->git_dir; }

bool svc_git_index_locked(const svc_git *g)
{
    char *lock = svc_xasprintf("%sindex.lock", g->git_dir);
    struct stat st;
    bool locked = lstat(lock, &st) == 0;
    free(lock);
    return locked;
}

int svc_git_reload_index(svc_git *g, svc_error *err)
{
    if (git_index_read(g->index, 1) < 0) return git_fail(err, "reading the git index");
    return 0;
}

void svc_git_entry(svc_git *g, const char *path, svc_ix_entry *out)
{
    memset(out, 0, sizeof *out);
    char *gp = svc_xasprintf("%s%s", g->prefix, path);
    const git_index_entry *e = git_index_get_bypath(g->index, gp, 0);
    if (e) {
        if (e->mode == GIT_FILEMODE_BLOB || e->mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
            out->state = SVC_IX_ENTRY;
            out->mode = e->mode;
            memcpy(out->oid, e->id.id, 20);
        } else {
            out->state = SVC_IX_OTHER;
            out->mode = e->mode;
        }
    } else {
        for (int stage = 1; stage <= 3; stage++)
            if (git_index_get_bypath(g->index, gp, stage)) out->state = SVC_IX_CONFLICT;
    }
    free(gp);
}

static void copy_out(const char *p, size_t n, char **bytes, size_t *len)
{
    *bytes = svc_xmalloc(n + 1);
    if (n) memcpy(*bytes, p, n);
    (*bytes)[n] = '\0';
    *len = n;
}

int svc_git_blob_raw(svc_git *g, const unsigned char oid[20], char **bytes, size_t *len, svc_error *err)
{
    git_oid id;
    memcpy(id.id, oid, 20);
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, g->repo, &id) < 0) return git_fail(err, "reading a staged file");
    copy_out(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), bytes, len);
    git_blob_free(blob);
    return 0;
}

int svc_git_blob_text(svc_git *g, const char *path, const unsigned char oid[20], char **bytes, size_t *len,
                      svc_error *err)
{
    git_oid id;
    memcpy(id.id, oid, 20);
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, g->repo, &id) < 0) return git_fail(err, path);
    git_buf out = { 0 };
    git_blob_filter_options opts = GIT_BLOB_FILTER_OPTIONS_INIT;
    char *gp = svc_xasprintf("%s%s", g->prefix, path);
    int rc = git_blob_filter(&out, blob, gp, &opts);
    free(gp);
    if (rc < 0) {
        git_blob_free(blob);
        return git_fail(err, path);
    }
    copy_out(out.ptr ? out.ptr : "", out.size, bytes, len);
    git_buf_dispose(&out);
    git_blob_free(blob);
    return 0;
}

int svc_git_clean(svc_git *g, const char *path, const char *bytes, size_t len, char **out, size_t *outlen,
                  svc_error *err)
{
    git_filter_list *filters = NULL;
    char *gp = svc_xasprintf("%s%s", g->prefix, path);
    int rc = git_filter_list_load(&filters, g->repo, NULL, gp, GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT);
    free(gp);
    if (rc < 0) return git_fail(err, path);
    if (!filters) {
        copy_out(bytes, len, out, outlen);
        return 0;
    }
    git_buf buf = { 0 };
    rc = git_filter_list_apply_to_buffer(&buf, filters, bytes, len);
    git_filter_list_free(filters);
    if (rc < 0) {
        git_buf_dispose(&buf);
        return git_fail(err, path);
    }
    copy_out(buf.ptr ? buf.ptr : "", buf.size, out, outlen);
    git_buf_dispose(&buf);
    return 0;
}

int svc_git_hash_worktree(svc_git *g, const char *path, const char *bytes, size_t len, unsigned char oid[20],
                          svc_error *err)
{
    char *clean = NULL;
    size_t n = 0;
    int rc = svc_git_clean(g, path, bytes, len, &clean, &n, err);
    if (rc < 0) return rc;
    git_oid id;
    rc = git_odb_hash(&id, clean, n, GIT_OBJECT_BLOB);
    free(clean);
    if (rc < 0) return git_fail(err, path);
    memcpy(oid, id.id, 20);
    return 0;
}

/* True when the work tree file at `gp` hashes to `oid`; fills `st`. */
static bool worktree_matches(svc_git *g, const char *path, const git_oid *oid, struct stat *st)
{
    char *full = svc_xasprintf("%s%s%s", g->workdir, g->prefix, path);
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(full);
    if (fd < 0) return false;
    bool same = false;
    if (fstat(fd, st) == 0 && S_ISREG(st->st_mode)) {
        svc_buf b = { 0 };
        char chunk[65536];
        ssize_t r;
        while ((r = read(fd, chunk, sizeof chunk)) > 0) svc_buf_append(&b, chunk, (size_t)r);
        unsigned char h[20];
        svc_error err = SVC_ERROR_INIT;
        if (r == 0 && svc_git_hash_worktree(g, path, b.data ? b.data : "", b.len, h, &err) == 0)
            same = memcmp(h, oid->id, 20) == 0;
        svc_buf_free(&b);
    }
    close(fd);
    return same;
}

int svc_git_set_entry(svc_git *g, const char *path, const svc_ix_entry *want, const char *blob, size_t len,
                      svc_error *err)
{
    char *gp = svc_xasprintf("%s%s", g->prefix, path);
    int rc = 0;
    if (want->state == SVC_IX_ABSENT) {
        if (git_index_get_bypath(g->index, gp, 0) && git_index_remove(g->index, gp, 0) < 0)
            rc = git_fail(err, path);
        free(gp);
        return rc;
    }
    git_oid id;
    if (git_blob_create_from_buffer(&id, g->repo, blob, len) < 0) {
        free(gp);
        return git_fail(err, path);
    }
    git_index_entry e;
    memset(&e, 0, sizeof e);
    e.path = gp;
    e.mode = want->mode ? want->mode : GIT_FILEMODE_BLOB;
    e.id = id;
    e.file_size = (uint32_t)len;
    struct stat st;
    if (worktree_matches(g, path, &id, &st)) {
        /* Clean: git may trust the stat data. Otherwise it stays zero, so git reads the file. */
        e.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
        e.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
        e.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
        e.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
        e.dev = (uint32_t)st.st_dev;
        e.ino = (uint32_t)st.st_ino;
        e.uid = (uint32_t)st.st_uid;
        e.gid = (uint32_t)st.st_gid;
        e.file_size = (uint32_t)st.st_size;
    }
    if (git_index_add(g->index, &e) < 0) rc = git_fail(err, path);
    free(gp);
    return rc;
}

int svc_git_write_index(svc_git *g, svc_error *err)
{
    int rc = git_index_write(g->index);
    if (rc == GIT_ELOCKED) {
        git_error_clear();
        return svc_error_set(err, SVC_EUNSAFE,
                             "the git index is locked by another git process (%sindex.lock exists)", g->git_dir);
    }
    if (rc < 0) return git_fail(err, "writing the git index");
    return 0;
}

/* ---- mapping an edit onto the index version --------------------------------------------- */

static size_t line_start(const char *s, size_t pos)
{
    while (pos > 0 && s[pos - 1] != '\n') pos--;
    return pos;
}

static size_t line_end(const char *s, size_t len, size_t pos)
{
    while (pos < len && s[pos] != '\n') pos++;
    return pos < len ? pos + 1 : len;
}

/* Occurrences of needle in hay (up to 2), the first at *at. */
static int count_matches(const char *hay, size_t haylen, const char *needle, size_t n, size_t *at)
{
    int count = 0;
    if (n > haylen) return 0;
    for (size_t i = 0; i + n <= haylen && count < 2; i++) {
        if (hay[i] != needle[0] || memcmp(hay + i, needle, n) != 0) continue;
        if (!count) *at = i;
        count++;
    }
    return count;
}

bool svc_stage_map_edit(const char *wt, size_t wtlen, const char *ix, size_t ixlen, uint32_t start, uint32_t end,
                        uint32_t *ix_start, uint32_t *ix_end, const char **why)
{
    *why = NULL;
    if (wtlen == ixlen && memcmp(wt, ix, wtlen) == 0) {
        *ix_start = start;
        *ix_end = end;
        return true;
    }
    size_t a = line_start(wt, start);
    size_t b = end < wtlen ? line_end(wt, wtlen, end) : wtlen;
    /* An edit at the very end of a file ending in a newline has no line of its own. */
    bool ambiguous = false;
    for (int level = 0; level <= 3; level++) {
        if (level > 0) {
            if (a > 0) a = line_start(wt, a - 1);
            if (b < wtlen) b = line_end(wt, wtlen, b);
        }
        size_t n = b - a;
        if (n == 0) {
            if (wtlen == 0 && ixlen == 0) {
                *ix_start = *ix_end = 0;
                return true;
            }
            if (a == 0 && b == wtlen) break;
            continue;
        }
        size_t at = 0;
        int c = count_matches(ix, ixlen, wt + a, n, &at);
        if (c == 1) {
            *ix_start = (uint32_t)(at + (start - a));
            *ix_end = (uint32_t)(at + (end - a));
            return true;
        }
        if (c == 0) {
            *why = "the staged version differs around the fix";
            return false;
        }
        ambiguous = true;
        if (a == 0 && b == wtlen) break;
    }
    *why = ambiguous ? "the fixed lines occur more than once in the staged version and the lines around them differ"
                     : "the staged version differs around the fix";
    return false;
}
