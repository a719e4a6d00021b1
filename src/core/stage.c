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
#include "core/line_starts.h"
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
        return svc_error_set(err, SVC_EUSAGE, "%s: a bare repository has no work tree; clone it first", root);
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
            if (e->flags & GIT_INDEX_ENTRY_VALID) out->flags |= SVC_IX_ASSUME_UNCHANGED;
            if (e->flags_extended & GIT_INDEX_ENTRY_SKIP_WORKTREE) out->flags |= SVC_IX_SKIP_WORKTREE;
            if (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) out->flags |= SVC_IX_INTENT_TO_ADD;
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
    git_blob_filter_options opts;
    git_blob_filter_options_init(&opts, GIT_BLOB_FILTER_OPTIONS_VERSION);
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

void svc_git_hash_raw(const char *bytes, size_t len, unsigned char oid[20])
{
    git_oid id;
    if (git_odb_hash(&id, bytes, len, GIT_OBJECT_BLOB) < 0) {
        git_error_clear();
        memset(oid, 0, 20);
        return;
    }
    memcpy(oid, id.id, 20);
}

bool svc_git_racily_clean(svc_git *g, const char *path)
{
    char *gp = svc_xasprintf("%s%s", g->prefix, path);
    const git_index_entry *e = git_index_get_bypath(g->index, gp, 0);
    free(gp);
    char *index_path = svc_xasprintf("%sindex", g->git_dir);
    struct stat st;
    bool racy = !e || stat(index_path, &st) < 0 || (int64_t)e->mtime.seconds >= (int64_t)st.st_mtime;
    free(index_path);
    return racy;
}

/* True when the work tree file at `gp` hashes to `oid`; fills `st`. */
static bool worktree_matches(svc_git *g, const char *path, const git_oid *oid, struct stat *st)
{
    char *full = svc_xasprintf("%s%s%s", g->workdir, g->prefix, path);
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK); /* a FIFO must not block */
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
    /* The flags the entry had (or had before, for undo): libgit2 would otherwise clear them, and a
     * skip-worktree file's local edits would become ordinary changes. */
    if (want->flags & SVC_IX_ASSUME_UNCHANGED) e.flags |= GIT_INDEX_ENTRY_VALID;
    if (want->flags & SVC_IX_SKIP_WORKTREE) e.flags_extended |= GIT_INDEX_ENTRY_SKIP_WORKTREE;
    if (want->flags & SVC_IX_INTENT_TO_ADD) e.flags_extended |= GIT_INDEX_ENTRY_INTENT_TO_ADD;
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

struct svc_line_map {
    const char *wt, *ix;
    size_t wtlen, ixlen;
    size_t *wstart, nw; /* line starts; wstart[nw] = wtlen */
    size_t *istart, ni;
    long *map;          /* per work tree line: the staged line it is, or -1 (an unstaged change) */
    bool identical;
};

typedef struct hunk_list {
    SVC_VEC(git_diff_hunk) hunks;
} hunk_list;

static int collect_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk, void *payload)
{
    (void)delta;
    hunk_list *l = payload;
    svc_vec_push(&l->hunks, *hunk);
    return 0;
}

int svc_stage_align(svc_line_map **out, const char *wt, size_t wtlen, const char *ix, size_t ixlen, svc_error *err)
{
    svc_line_map *m = svc_xcalloc(1, sizeof *m);
    m->wt = wt;
    m->ix = ix;
    m->wtlen = wtlen;
    m->ixlen = ixlen;
    m->identical = wtlen == ixlen && memcmp(wt, ix, wtlen) == 0;
    m->wstart = svc_line_starts(wt, wtlen, &m->nw);
    m->istart = svc_line_starts(ix, ixlen, &m->ni);
    m->map = svc_xcalloc(m->nw + 1, sizeof *m->map);
    if (m->identical) {
        for (size_t i = 0; i < m->nw; i++) m->map[i] = (long)i;
        *out = m;
        return 0;
    }
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_MINIMAL;
    opts.context_lines = 0;
    opts.interhunk_lines = 0;
    hunk_list l = { { 0 } };
    if (git_diff_buffers(ix, ixlen, NULL, wt, wtlen, NULL, &opts, NULL, NULL, collect_hunk, NULL, &l) < 0) {
        svc_vec_free(&l.hunks);
        svc_line_map_free(m);
        *out = NULL;
        return git_fail(err, "comparing the file with its staged version");
    }
    /* Lines between hunks are equal; hunk lines are the user's unstaged changes. */
    size_t w = 0, i = 0;
    for (size_t h = 0; h <= l.hunks.len; h++) {
        size_t w0 = m->nw, i0 = m->ni;
        if (h < l.hunks.len) {
            const git_diff_hunk *hk = &l.hunks.items[h];
            w0 = hk->new_lines ? (size_t)hk->new_start - 1 : (size_t)hk->new_start;
            i0 = hk->old_lines ? (size_t)hk->old_start - 1 : (size_t)hk->old_start;
        }
        while (w < w0 && w < m->nw) m->map[w++] = i < m->ni ? (long)i++ : -1;
        if (h == l.hunks.len) break;
        i = i0 + (size_t)l.hunks.items[h].old_lines;
        for (int k = 0; k < l.hunks.items[h].new_lines && w < m->nw; k++) m->map[w++] = -1;
    }
    while (w < m->nw) m->map[w++] = -1;
    svc_vec_free(&l.hunks);
    *out = m;
    return 0;
}

void svc_line_map_free(svc_line_map *m)
{
    if (!m) return;
    free(m->wstart);
    free(m->istart);
    free(m->map);
    free(m);
}

/* Work tree line `w` is staged line map[w], byte for byte. */
static bool same_line(const svc_line_map *m, size_t w)
{
    long i = m->map[w];
    if (i < 0 || (size_t)i >= m->ni) return false;
    size_t wn = m->wstart[w + 1] - m->wstart[w], in = m->istart[i + 1] - m->istart[i];
    return wn == in && memcmp(m->wt + m->wstart[w], m->ix + m->istart[i], wn) == 0;
}

static size_t wline_of(const svc_line_map *m, size_t byte)
{
    return svc_line_at(m->wstart, m->nw, byte);
}

bool svc_stage_map_edit(const svc_line_map *m, uint32_t start, uint32_t end, bool whole_lines, uint32_t *ix_start,
                        uint32_t *ix_end, const char **why)
{
    *why = NULL;
    if (m->identical) {
        *ix_start = start;
        *ix_end = end;
        return true;
    }
    static const char *changed = "you changed these lines and did not stage the change";
    bool at_line_start = start == 0 || (start <= m->wtlen && m->wt[start - 1] == '\n');
    if (start == end && at_line_start && whole_lines) {
        /* between two lines: before the staged twin of the next line, or after that of the previous */
        size_t next = start >= m->wtlen ? m->nw : wline_of(m, start);
        size_t at;
        if (next < m->nw && same_line(m, next)) at = m->istart[m->map[next]];
        else if (next > 0 && same_line(m, next - 1)) at = m->istart[m->map[next - 1] + 1];
        else if (next == 0) at = 0;
        else if (next == m->nw) at = m->ixlen;
        else {
            *why = changed;
            return false;
        }
        *ix_start = *ix_end = (uint32_t)at;
        return true;
    }
    /* inside lines: each one touched must be a staged line, the staged ones consecutive */
    size_t first = wline_of(m, start);
    size_t last = end > start ? wline_of(m, end - 1) : first;
    for (size_t w = first; w <= last; w++) {
        if (!same_line(m, w) || (w > first && m->map[w] != m->map[w - 1] + 1)) {
            *why = changed;
            return false;
        }
    }
    *ix_start = (uint32_t)(m->istart[m->map[first]] + (start - m->wstart[first]));
    *ix_end = (uint32_t)(m->istart[m->map[last]] + (end - m->wstart[last]));
    return true;
}
