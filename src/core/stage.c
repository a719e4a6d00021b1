/*
 * Staging fixes: the git index side of fix_apply.c, through git.c. Only the entries a fix
 * changes are touched (one entry added or removed by path); every other entry, its stat data
 * included, is written back as it was read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fix_internal.h"
#include "core/git.h"
#include "core/line_starts.h"
#include "svcscope/util.h"

struct svc_git {
    svc_repo *repo;
    svc_repo_index *index;
    char *workdir;  /* absolute, with a trailing slash */
    char *git_dir;  /* with a trailing slash */
    char *prefix;   /* the root inside the work tree: "" or "backend/" */
};

/* The git path of a root-relative path (malloc'd). */
static char *git_path(const svc_git *g, const char *path) { return svc_xasprintf("%s%s", g->prefix, path); }

int svc_git_open(svc_git **out, const char *root, svc_error *err)
{
    *out = NULL;
    svc_repo *repo = NULL;
    if (svc_repo_open(&repo, root, NULL) < 0)
        return svc_error_set(err, SVC_ENOTFOUND, "%s: not inside a git repository", root);
    const char *workdir = svc_repo_workdir(repo);
    if (!workdir) {
        svc_repo_free(repo);
        return svc_error_set(err, SVC_EUSAGE, "%s: a bare repository has no work tree; clone it first", root);
    }
    svc_git *g = svc_xcalloc(1, sizeof *g);
    g->repo = repo;
    g->git_dir = svc_xstrdup(svc_repo_git_dir(repo));
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
    int rc = svc_repo_index_open(&g->index, repo, err);
    if (rc < 0) {
        svc_git_free(g);
        return rc;
    }
    *out = g;
    return 0;
}

void svc_git_free(svc_git *g)
{
    if (!g) return;
    svc_repo_index_free(g->index);
    svc_repo_free(g->repo);
    free(g->workdir);
    free(g->git_dir);
    free(g->prefix);
    free(g);
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

int svc_git_reload_index(svc_git *g, svc_error *err) { return svc_repo_index_reload(g->index, err); }

void svc_git_entry(svc_git *g, const char *path, svc_ix_entry *out)
{
    memset(out, 0, sizeof *out);
    char *gp = git_path(g, path);
    svc_repo_entry e;
    if (svc_repo_index_find(g->index, gp, 0, &e)) {
        out->mode = e.mode;
        if (e.mode == SVC_REPO_MODE_FILE || e.mode == SVC_REPO_MODE_EXECUTABLE) {
            out->state = SVC_IX_ENTRY;
            memcpy(out->oid, e.oid, 20);
            if (e.assume_unchanged) out->flags |= SVC_IX_ASSUME_UNCHANGED;
            if (e.skip_worktree) out->flags |= SVC_IX_SKIP_WORKTREE;
            if (e.intent_to_add) out->flags |= SVC_IX_INTENT_TO_ADD;
        } else {
            out->state = SVC_IX_OTHER;
        }
    } else {
        for (unsigned stage = 1; stage <= 3; stage++)
            if (svc_repo_index_find(g->index, gp, stage, &e)) out->state = SVC_IX_CONFLICT;
    }
    free(gp);
}

int svc_git_blob_raw(svc_git *g, const unsigned char oid[20], char **bytes, size_t *len, svc_error *err)
{
    return svc_repo_read_blob(g->repo, oid, bytes, len, "reading a staged file", err);
}

int svc_git_blob_text(svc_git *g, const char *path, const unsigned char oid[20], char **bytes, size_t *len,
                      svc_error *err)
{
    char *gp = git_path(g, path);
    int rc = svc_repo_read_blob_checkout(g->repo, oid, gp, bytes, len, path, err);
    free(gp);
    return rc;
}

int svc_git_clean(svc_git *g, const char *path, const char *bytes, size_t len, char **out, size_t *outlen,
                  svc_error *err)
{
    char *gp = git_path(g, path);
    int rc = svc_repo_clean(g->repo, gp, bytes, len, out, outlen, path, err);
    free(gp);
    return rc;
}

int svc_git_hash_worktree(svc_git *g, const char *path, const char *bytes, size_t len, unsigned char oid[20],
                          svc_error *err)
{
    char *clean = NULL;
    size_t n = 0;
    int rc = svc_git_clean(g, path, bytes, len, &clean, &n, err);
    if (rc < 0) return rc;
    rc = svc_repo_hash_blob(clean, n, oid, path, err);
    free(clean);
    return rc;
}

void svc_git_hash_raw(const char *bytes, size_t len, unsigned char oid[20])
{
    if (svc_repo_hash_blob(bytes, len, oid, "hashing", NULL) < 0) memset(oid, 0, 20);
}

bool svc_git_racily_clean(svc_git *g, const char *path)
{
    char *gp = git_path(g, path);
    svc_repo_entry e;
    bool found = svc_repo_index_find(g->index, gp, 0, &e);
    free(gp);
    char *index_path = svc_xasprintf("%sindex", g->git_dir);
    struct stat st;
    bool racy = !found || stat(index_path, &st) < 0 || (int64_t)e.mtime_s >= (int64_t)st.st_mtime;
    free(index_path);
    return racy;
}

/* True when the work tree file at `path` hashes to `oid`; fills `st`. */
static bool worktree_matches(svc_git *g, const char *path, const unsigned char oid[20], struct stat *st)
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
            same = memcmp(h, oid, 20) == 0;
        svc_buf_free(&b);
    }
    close(fd);
    return same;
}

int svc_git_set_entry(svc_git *g, const char *path, const svc_ix_entry *want, const char *blob, size_t len,
                      svc_error *err)
{
    char *gp = git_path(g, path);
    int rc = 0;
    if (want->state == SVC_IX_ABSENT) {
        rc = svc_repo_index_remove(g->index, gp, path, err);
        free(gp);
        return rc;
    }
    svc_repo_entry e;
    memset(&e, 0, sizeof e);
    rc = svc_repo_write_blob(g->repo, blob, len, e.oid, path, err);
    if (rc < 0) {
        free(gp);
        return rc;
    }
    e.path = gp;
    e.mode = want->mode ? want->mode : SVC_REPO_MODE_FILE;
    e.file_size = (uint32_t)len;
    /* The flags the entry had (or had before, for undo): the index would otherwise clear them, and a
     * skip-worktree file's local edits would become ordinary changes. */
    e.assume_unchanged = want->flags & SVC_IX_ASSUME_UNCHANGED;
    e.skip_worktree = want->flags & SVC_IX_SKIP_WORKTREE;
    e.intent_to_add = want->flags & SVC_IX_INTENT_TO_ADD;
    struct stat st;
    if (worktree_matches(g, path, e.oid, &st)) {
        /* Clean: git may trust the stat data. Otherwise it stays zero, so git reads the file. */
        e.ctime_s = (int32_t)st.st_ctim.tv_sec;
        e.ctime_ns = (uint32_t)st.st_ctim.tv_nsec;
        e.mtime_s = (int32_t)st.st_mtim.tv_sec;
        e.mtime_ns = (uint32_t)st.st_mtim.tv_nsec;
        e.dev = (uint32_t)st.st_dev;
        e.ino = (uint32_t)st.st_ino;
        e.uid = (uint32_t)st.st_uid;
        e.gid = (uint32_t)st.st_gid;
        e.file_size = (uint32_t)st.st_size;
    }
    rc = svc_repo_index_add(g->index, &e, path, err);
    free(gp);
    return rc;
}

int svc_git_write_index(svc_git *g, svc_error *err) { return svc_repo_index_write(g->index, err); }

/* ---- mapping an edit onto the index version --------------------------------------------- */

struct svc_line_map {
    const char *wt, *ix;
    size_t wtlen, ixlen;
    size_t *wstart, nw; /* line starts; wstart[nw] = wtlen */
    size_t *istart, ni;
    long *map;          /* per work tree line: the staged line it is, or -1 (an unstaged change) */
    bool identical;
};


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
    svc_repo_hunk *hunks = NULL;
    size_t nhunks = 0;
    int rc = svc_repo_diff_lines(ix, ixlen, wt, wtlen, &hunks, &nhunks, "comparing the file with its staged version",
                                 err);
    if (rc < 0) {
        svc_line_map_free(m);
        *out = NULL;
        return rc;
    }
    /* Lines between hunks are equal; hunk lines are the user's unstaged changes. */
    size_t w = 0, i = 0;
    for (size_t h = 0; h <= nhunks; h++) {
        size_t w0 = m->nw, i0 = m->ni;
        if (h < nhunks) {
            const svc_repo_hunk *hk = &hunks[h];
            w0 = hk->new_lines ? hk->new_start - 1 : hk->new_start;
            i0 = hk->old_lines ? hk->old_start - 1 : hk->old_start;
        }
        while (w < w0 && w < m->nw) m->map[w++] = i < m->ni ? (long)i++ : -1;
        if (h == nhunks) break;
        i = i0 + hunks[h].old_lines;
        for (size_t k = 0; k < hunks[h].new_lines && w < m->nw; k++) m->map[w++] = -1;
    }
    while (w < m->nw) m->map[w++] = -1;
    free(hunks);
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
