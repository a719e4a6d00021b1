/*
 * Source: the list of files and their bytes, from the work tree, the index or a commit.
 * Git goes through git.c; an ordinary work tree is listed without it (find_plain_repo).
 *
 * The root is the folder the user named. When it sits inside a git work tree, git
 * paths are the root-relative paths with `prefix` in front.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/git.h"
#include "svcscope/source.h"
#include "svcscope/util.h"

#define DEFAULT_MAX_FILE_SIZE (10u * 1024 * 1024)

typedef struct source_entry {
    svc_source_file pub;
    char *path_owned;
    char *content;      /* svc_source_set_content: what the file holds instead of its bytes on disk */
    size_t content_len;
} source_entry;

struct svc_source {
    svc_source_kind kind;
    char *root;         /* absolute, no trailing slash */
    char *prefix;       /* git path of the root inside the work tree ("" or "backend/") */
    svc_repo *repo;
    svc_repo_tree *tree; /* SVC_SOURCE_COMMIT */
    char *git_dir;
    char *branch;
    char *head;
    bool is_git;
    bool head_read;     /* branch and head were looked up */
    char *workdir;      /* a work tree found without libgit2: opened on first need (ensure_repo) */
    uint64_t max_file_size;
    SVC_VEC(source_entry) files;
    SVC_VEC(char *) skipped;   /* "path: why" of what the listing left out (svc_source_skipped_at) */
    SVC_VEC(bool) skipped_io;  /* ... and whether it was an I/O error (unreadable) */
    char *last_conflict;       /* the last conflicted index path said (one line per path) */
    pthread_mutex_t git_lock; /* git objects are not shared across threads without a lock */
};

bool svc_source_skips_folder(const char *name)
{
    static const char *const names[] = {
        ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".eggs", NULL,
    };
    for (size_t i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0) return true;
    return false;
}

static source_entry *add_file(svc_source *src, const char *path, uint64_t size, const unsigned char *oid)
{
    source_entry e = { 0 };
    e.path_owned = svc_xstrdup(path);
    e.pub.path = e.path_owned;
    e.pub.size = size;
    if (oid) {
        e.pub.has_oid = true;
        memcpy(e.pub.oid, oid, 20);
    }
    svc_vec_push(&src->files, e);
    return &src->files.items[src->files.len - 1];
}

static void set_stat(source_entry *e, const struct stat *st)
{
    e->pub.has_stat = true;
    e->pub.mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    e->pub.ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
    e->pub.ino = (uint64_t)st->st_ino;
}

/* ---- plain folder ---------------------------------------------------------- */

static int walk_folder(svc_source *src, svc_buf *rel, svc_error *err)
{
    char *abs = rel->len ? svc_xasprintf("%s/%s", src->root, rel->data) : svc_xstrdup(src->root);
    DIR *dir = opendir(abs);
    if (!dir) {
        int e = errno;
        free(abs);
        /* An unreadable sub-folder is skipped (and said); an unreadable root is an error. */
        if (rel->len == 0) return svc_error_set(err, SVC_EIO, "%s: %s", src->root, strerror(e));
        svc_vec_push(&src->skipped, svc_xasprintf("%s: cannot list the folder (%s), skipped", rel->data, strerror(e)));
        svc_vec_push(&src->skipped_io, true);
        return 0;
    }
    struct dirent *d;
    while ((d = readdir(dir)) != NULL) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0) continue;
        size_t keep = rel->len;
        if (rel->len) svc_buf_putc(rel, '/');
        svc_buf_puts(rel, d->d_name);
        struct stat st;
        char *full = svc_xasprintf("%s/%s", src->root, rel->data);
        /* lstat: symlinks are never followed, so a link loop cannot trap the walk. */
        if (lstat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (!svc_source_skips_folder(d->d_name)) walk_folder(src, rel, err);
            } else if (S_ISREG(st.st_mode)) {
                set_stat(add_file(src, rel->data, (uint64_t)st.st_size, NULL), &st);
            }
        }
        free(full);
        rel->len = keep;
        if (rel->data) rel->data[keep] = '\0';
    }
    closedir(dir);
    free(abs);
    return 0;
}

/* ---- git ------------------------------------------------------------------- */

/* Root-relative path of a git path, or NULL when it is outside the root. */
static const char *strip_prefix(const svc_source *src, const char *git_path)
{
    size_t n = strlen(src->prefix);
    if (strncmp(git_path, src->prefix, n) != 0) return NULL;
    return git_path + n;
}

/* An index entry, from libgit2 or from read_index_file. */
typedef struct idx_entry {
    char *path;
    uint32_t ctime_s, mtime_s, mtime_ns, ino, mode, size;
    unsigned stage;
    unsigned char oid[20];
} idx_entry;
typedef SVC_VEC(idx_entry) idx_vec;

static int compare_idx(const void *a, const void *b)
{
    return strcmp(((const idx_entry *)a)->path, ((const idx_entry *)b)->path);
}

static void free_idx(idx_vec *v)
{
    for (size_t i = 0; i < v->len; i++) free(v->items[i].path);
    svc_vec_free(v);
}

/*
 * True when the file is what the index entry recorded, as git decides it: size, mtime (with
 * nanoseconds when the index has them), ctime seconds and inode; and not "racily clean": an
 * entry whose mtime is not older than the index file itself may have been modified in the
 * same tick after it was hashed, so its id is not trusted.
 */
static bool stat_matches_index(const struct stat *st, const idx_entry *e, int64_t index_mtime)
{
    if ((uint32_t)st->st_size != e->size || (uint32_t)st->st_mtime != e->mtime_s || (uint32_t)st->st_ino != e->ino)
        return false;
    if (e->mtime_ns && (uint32_t)st->st_mtim.tv_nsec != e->mtime_ns) return false;
    if (e->ctime_s && (uint32_t)st->st_ctime != e->ctime_s) return false;
    return (int64_t)e->mtime_s < index_mtime;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Reads a git index file (versions 2 to 4) without libgit2. Returns false when it cannot, or when
 * the index uses what this reader does not follow (a split or sparse index): libgit2 reads it then.
 */
static bool read_index_file(const char *path, idx_vec *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block the open */
    if (fd < 0) return false;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 12 + 20) {
        close(fd);
        return false;
    }
    size_t len = (size_t)st.st_size;
    unsigned char *buf = svc_xmalloc(len);
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    bool ok = got == len && memcmp(buf, "DIRC", 4) == 0;
    uint32_t version = ok ? be32(buf + 4) : 0;
    uint32_t count = ok ? be32(buf + 8) : 0;
    ok = ok && version >= 2 && version <= 4;
    size_t pos = 12;
    const size_t end = len - 20; /* the trailing checksum */
    svc_buf prev = { 0 };
    for (uint32_t i = 0; ok && i < count; i++) {
        if (pos + 62 > end) {
            ok = false;
            break;
        }
        const unsigned char *e = buf + pos;
        idx_entry x = { 0 };
        x.ctime_s = be32(e);
        x.mtime_s = be32(e + 8);
        x.mtime_ns = be32(e + 12);
        x.ino = be32(e + 20);
        x.mode = be32(e + 24);
        x.size = be32(e + 36);
        memcpy(x.oid, e + 40, 20);
        unsigned flags = (unsigned)e[60] << 8 | e[61];
        x.stage = (flags >> 12) & 3;
        size_t at = pos + 62;
        if (flags & 0x4000) { /* extended flags (version 3+) */
            if (version < 3 || at + 2 > end) {
                ok = false;
                break;
            }
            at += 2;
        }
        if (version == 4) {
            /* the path is the previous one minus N bytes, plus a NUL-terminated suffix */
            size_t strip = 0;
            unsigned char c = 0x80;
            for (bool first = true; c & 0x80; first = false) {
                if (at >= end) {
                    ok = false;
                    break;
                }
                c = buf[at++];
                strip = first ? (size_t)(c & 0x7f) : ((strip + 1) << 7) | (c & 0x7f); /* git's varint */
            }
            const unsigned char *nul = ok ? memchr(buf + at, 0, end - at) : NULL;
            if (!nul || strip > prev.len) {
                ok = false;
                break;
            }
            prev.len -= strip;
            svc_buf_append(&prev, (const char *)buf + at, (size_t)(nul - (buf + at)));
            at = (size_t)(nul - buf) + 1;
            x.path = svc_xstrndup(prev.data ? prev.data : "", prev.len);
            pos = at;
        } else {
            const unsigned char *nul = memchr(buf + at, 0, end - at);
            if (!nul) {
                ok = false;
                break;
            }
            x.path = svc_xstrndup((const char *)buf + at, (size_t)(nul - (buf + at)));
            /* entries are padded with 1 to 8 NULs to a multiple of 8 bytes */
            size_t entry_len = (size_t)(nul - e) + 1;
            pos += (entry_len + 7) & ~(size_t)7;
        }
        /* a sparse index holds folders as entries: leave it to libgit2 */
        if ((x.mode & 0170000) == 0040000) ok = false;
        svc_vec_push(out, x);
    }
    /* extensions: a split index ("link") keeps entries elsewhere */
    while (ok && pos + 8 <= end) {
        const unsigned char *ext = buf + pos;
        uint32_t size = be32(ext + 4);
        if (memcmp(ext, "link", 4) == 0 || memcmp(ext, "sdir", 4) == 0) ok = false;
        if (size > end - pos - 8) break;
        pos += 8 + size;
    }
    svc_buf_free(&prev);
    free(buf);
    if (!ok) free_idx(out);
    return ok;
}

/* What the work-tree walk knows about the index. */
typedef struct wt_walk {
    svc_source *src;
    const idx_entry *entries; /* the index, sorted by path (as git keeps it): regular files only */
    size_t nentries;
    int64_t index_mtime;      /* seconds */
    svc_buf git_path;         /* prefix + the walk's current relative path */
} wt_walk;

static char conflicted_marker;
#define CONFLICTED ((void *)&conflicted_marker)

/* First entry whose path is not below the first n bytes of p (then "/" when dir). */
static size_t entry_lower(const wt_walk *w, const char *p, size_t n, bool dir)
{
    size_t lo = 0, hi = w->nentries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *path = w->entries[mid].path;
        int c = strncmp(path, p, n);
        if (c == 0 && dir) c = (unsigned char)path[n] < (unsigned char)'/' ? -1 : 0;
        else if (c == 0) c = path[n] ? 1 : 0;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The index entry of a file (CONFLICTED when it has several stages), or NULL. */
static const void *tracked_entry(const wt_walk *w, const char *path)
{
    size_t n = strlen(path), i = entry_lower(w, path, n, false);
    if (i >= w->nentries || strcmp(w->entries[i].path, path) != 0) return NULL;
    bool several = i + 1 < w->nentries && strcmp(w->entries[i + 1].path, path) == 0;
    return several || w->entries[i].stage > 0 ? CONFLICTED : (const void *)&w->entries[i];
}

/* True when the folder holds tracked files. */
static bool tracked_folder(const wt_walk *w, const char *dir)
{
    size_t n = strlen(dir), i = entry_lower(w, dir, n, true);
    return i < w->nentries && strncmp(w->entries[i].path, dir, n) == 0 && w->entries[i].path[n] == '/';
}

static int ensure_repo(svc_source *src, svc_error *err);

static bool is_ignored(wt_walk *w, const char *git_path)
{
    return ensure_repo(w->src, NULL) == 0 && svc_repo_is_ignored(w->src->repo, git_path);
}

/*
 * Walks a folder of the work tree (dirfd open on it; w->git_path its git path, "" or ending in
 * '/'). Tracked files are listed with their blob id when their stat matches the index; untracked
 * files when .gitignore does not hide them; folders without tracked files are entered only when
 * not ignored and not another repository. Symlinks are never followed nor listed.
 */
static void walk_worktree(wt_walk *w, int dirfd, bool untracked_dir)
{
    DIR *dir = fdopendir(dirfd);
    if (!dir) {
        close(dirfd);
        return;
    }
    size_t keep = w->git_path.len;
    struct dirent *d;
    while ((d = readdir(dir)) != NULL) {
        const char *name = d->d_name;
        if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
        if (strcmp(name, ".git") == 0) continue;
        svc_buf_puts(&w->git_path, name);
        const char *gpath = w->git_path.data;
        unsigned char type = d->d_type;
        struct stat st;
        bool have_st = false;
        if (type == DT_UNKNOWN) {
            if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) goto next;
            have_st = true;
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
        }
        if (type == DT_REG) {
            const void *entry = untracked_dir ? NULL : tracked_entry(w, gpath);
            if (!entry && is_ignored(w, gpath)) goto next;
            if (!have_st && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) goto next;
            if (!S_ISREG(st.st_mode)) goto next;
            const idx_entry *e = entry && entry != CONFLICTED ? entry : NULL;
            bool same = e && stat_matches_index(&st, e, w->index_mtime);
            source_entry *se = add_file(w->src, gpath + strlen(w->src->prefix), (uint64_t)st.st_size,
                                        same ? e->oid : NULL);
            set_stat(se, &st);
        } else if (type == DT_DIR) {
            bool has_tracked = !untracked_dir && tracked_folder(w, gpath);
            int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                /* an unreadable folder is skipped, and said (unless git ignores it anyway) */
                int e = errno;
                if (e != ELOOP && e != ENOTDIR && e != ENOENT && (has_tracked || !is_ignored(w, gpath))) {
                    svc_vec_push(&w->src->skipped, svc_xasprintf("%s: cannot list the folder (%s), skipped",
                                                                 gpath + strlen(w->src->prefix), strerror(e)));
                    svc_vec_push(&w->src->skipped_io, true);
                }
                goto next;
            }
            if (!has_tracked) {
                /* another repository (a nested clone, a submodule) is not ours to list */
                struct stat gst;
                svc_buf_putc(&w->git_path, '/');
                if (fstatat(fd, ".git", &gst, AT_SYMLINK_NOFOLLOW) == 0 || is_ignored(w, w->git_path.data)) {
                    close(fd);
                    goto next;
                }
                w->git_path.len--;
                w->git_path.data[w->git_path.len] = '\0';
            }
            svc_buf_putc(&w->git_path, '/');
            walk_worktree(w, fd, !has_tracked);
        }
    next:
        w->git_path.len = keep;
        if (w->git_path.data) w->git_path.data[keep] = '\0';
    }
    closedir(dir);
}

static int list_worktree(svc_source *src, svc_error *err)
{
    idx_vec entries = { 0 };
    char *index_path = NULL;
    if (src->workdir) {
        index_path = svc_xasprintf("%sindex", src->git_dir);
        struct stat ist;
        if (stat(index_path, &ist) < 0) {
            /* a repository without an index yet (nothing added) */
        } else if (!read_index_file(index_path, &entries)) {
            free(index_path);
            index_path = NULL;
        }
    }
    if (!index_path) {
        /* git.c reads it */
        svc_repo_index *index = NULL;
        int rc = ensure_repo(src, err);
        if (rc < 0 || (rc = svc_repo_index_open(&index, src->repo, err)) < 0) return rc;
        size_t n = svc_repo_index_count(index);
        for (size_t i = 0; i < n; i++) {
            svc_repo_entry e;
            svc_repo_index_at(index, i, &e);
            idx_entry x = { 0 };
            x.path = svc_xstrdup(e.path);
            x.ctime_s = (uint32_t)e.ctime_s;
            x.mtime_s = (uint32_t)e.mtime_s;
            x.mtime_ns = e.mtime_ns;
            x.ino = e.ino;
            x.mode = e.mode;
            x.size = e.file_size;
            x.stage = e.stage;
            memcpy(x.oid, e.oid, 20);
            svc_vec_push(&entries, x);
        }
        const char *p = svc_repo_index_path(index);
        index_path = p ? svc_xstrdup(p) : NULL;
        svc_repo_index_free(index);
    }
    wt_walk w = { .src = src, .index_mtime = INT64_MAX };
    struct stat ist;
    if (index_path && stat(index_path, &ist) == 0) w.index_mtime = (int64_t)ist.st_mtime;
    free(index_path);

    /* Tracked regular files (symlinks and submodules are not read) under the root, in path order
     * (git's; a libgit2 index is sorted the same way, but is sorted again to be sure). */
    size_t prefix_len = strlen(src->prefix), kept = 0;
    for (size_t i = 0; i < entries.len; i++) {
        idx_entry *e = &entries.items[i];
        if ((e->mode & 0170000) != 0100000 || strncmp(e->path, src->prefix, prefix_len) != 0) {
            free(e->path);
            continue;
        }
        entries.items[kept++] = *e;
    }
    entries.len = kept;
    bool sorted = true;
    for (size_t i = 1; i < entries.len && sorted; i++) sorted = strcmp(entries.items[i - 1].path, entries.items[i].path) <= 0;
    if (!sorted) qsort(entries.items, entries.len, sizeof *entries.items, compare_idx);
    w.entries = entries.items;
    w.nentries = entries.len;

    int fd = open(src->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;
    if (fd < 0) {
        rc = svc_error_set(err, SVC_EIO, "%s: %s", src->root, strerror(errno));
    } else {
        svc_buf_puts(&w.git_path, src->prefix);
        walk_worktree(&w, fd, false);
    }
    svc_buf_free(&w.git_path);
    free_idx(&entries);
    return rc;
}

/*
 * The staged files. `index_file`: the index to read instead of the repository's own (in a hook of
 * `git commit -a` or `git commit PATH...`, what is committed is the temporary index git names in
 * GIT_INDEX_FILE), or NULL.
 */
static int list_index(svc_source *src, const char *index_file, svc_error *err)
{
    int rc = 0;
    if (index_file && *index_file && (rc = svc_repo_use_index_file(src->repo, index_file, err)) < 0) return rc;
    svc_repo_index *index = NULL;
    if ((rc = svc_repo_index_open(&index, src->repo, err)) < 0) return rc;
    size_t n = svc_repo_index_count(index);
    for (size_t i = 0; i < n; i++) {
        svc_repo_entry e;
        svc_repo_index_at(index, i, &e);
        /* A conflicted entry has no single staged content: it is left out (and said). */
        if (e.stage > 0) {
            const char *rel = strip_prefix(src, e.path);
            if (rel && (!src->last_conflict || strcmp(src->last_conflict, rel) != 0)) {
                free(src->last_conflict);
                src->last_conflict = svc_xstrdup(rel);
                svc_vec_push(&src->skipped, svc_xasprintf("%s: has merge conflicts in the git index, so its staged "
                                                          "version was not read (resolve them and git add it)", rel));
                svc_vec_push(&src->skipped_io, false);
            }
            continue;
        }
        if ((e.mode & 0170000) != 0100000) continue;
        const char *rel = strip_prefix(src, e.path);
        if (rel) add_file(src, rel, e.file_size, e.oid);
    }
    svc_repo_index_free(index);
    return 0;
}

static void add_commit_file(const char *git_path, uint64_t size, const unsigned char oid[20], void *ctx)
{
    svc_source *src = ctx;
    const char *rel = strip_prefix(src, git_path);
    if (rel) add_file(src, rel, size, oid);
}

static int list_commit(svc_source *src, const char *rev, svc_error *err)
{
    int rc = svc_repo_tree_open(&src->tree, src->repo, rev ? rev : "HEAD", err);
    return rc < 0 ? rc : svc_repo_tree_files(src->repo, src->tree, add_commit_file, src, err);
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const source_entry *)a)->pub.path, ((const source_entry *)b)->pub.path);
}

/* ---- finding a work tree without libgit2 --------------------------------------- */

static bool path_exists(const char *dir, const char *name)
{
    char *p = svc_xasprintf("%s/%s", dir, name);
    struct stat st;
    bool ok = stat(p, &st) == 0;
    free(p);
    return ok;
}

static bool looks_like_git_dir(const char *dir)
{
    return path_exists(dir, "HEAD") && path_exists(dir, "objects") && path_exists(dir, "refs");
}

/* A config that moves the work tree or makes the repository bare. */
static bool unusual_config(const char *git_dir)
{
    char *p = svc_xasprintf("%s/config", git_dir);
    FILE *f = fopen(p, "r");
    free(p);
    if (!f) return false;
    bool unusual = false;
    char line[1024];
    while (!unusual && fgets(line, sizeof line, f)) {
        if (strstr(line, "worktree")) unusual = true;
        char *bare = strstr(line, "bare");
        if (bare && strstr(bare, "true")) unusual = true;
    }
    fclose(f);
    return unusual;
}

typedef enum { REPO_NONE, REPO_FOUND, REPO_ASK_LIBGIT2 } repo_search;

/*
 * The work tree at or above `real` and its git folder, found the way git finds an ordinary
 * repository (a `.git` folder, or a `.git` file naming one). Bare repositories, linked work trees,
 * core.worktree, repositories of another user and whatever else is unusual are left to libgit2.
 * Opening libgit2 costs its global initialisation (it loads the system's TLS certificates), which
 * the common case does not need: the index is read here and libgit2 is opened on first need.
 */
static repo_search find_plain_repo(const char *real, char **workdir, char **git_dir)
{
    char *cur = svc_xstrdup(real);
    repo_search result = REPO_NONE;
    for (;;) {
        char *dotgit = svc_xasprintf("%s/.git", cur);
        struct stat st;
        char *gd = NULL;
        if (lstat(dotgit, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                gd = svc_xstrdup(dotgit);
            } else if (S_ISREG(st.st_mode)) {
                result = REPO_ASK_LIBGIT2; /* a submodule or linked work tree */
            } else {
                result = REPO_ASK_LIBGIT2;
            }
        }
        free(dotgit);
        if (result != REPO_NONE) break;
        if (gd) {
            struct stat gst;
            if (looks_like_git_dir(gd)) {
                if (path_exists(gd, "commondir") || unusual_config(gd) || stat(gd, &gst) < 0 ||
                    gst.st_uid != geteuid()) {
                    result = REPO_ASK_LIBGIT2;
                } else {
                    *workdir = svc_xstrdup(cur);
                    *git_dir = svc_xasprintf("%s/", gd);
                    result = REPO_FOUND;
                }
                free(gd);
                break;
            }
            free(gd);
        } else if (looks_like_git_dir(cur)) {
            result = REPO_ASK_LIBGIT2; /* inside a git folder, or a bare repository */
            break;
        }
        char *slash = strrchr(cur, '/');
        if (!slash || slash == cur) {
            /* the root folder itself */
            if (strcmp(cur, "/") != 0) {
                cur[1] = '\0';
                continue;
            }
            break;
        }
        *slash = '\0';
    }
    free(cur);
    return result;
}

/* Opens the repository through git.c when a work tree was found without it. */
static int ensure_repo(svc_source *src, svc_error *err)
{
    if (src->repo) return 0;
    if (!src->workdir) return svc_error_set(err, SVC_EGIT, "%s: not a git repository", src->root);
    pthread_mutex_lock(&src->git_lock);
    int rc = src->repo ? 0 : svc_repo_open_workdir(&src->repo, src->workdir, err);
    pthread_mutex_unlock(&src->git_lock);
    return rc;
}

int svc_source_open(svc_source **out, const char *path, const svc_source_options *opts, svc_error *err)
{
    svc_source_options defaults = SVC_SOURCE_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    *out = NULL;
    char real[PATH_MAX];
    if (!realpath(path, real)) return svc_error_set(err, SVC_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) return svc_error_set(err, SVC_EUSAGE, "%s: not a folder", path);

    svc_source *src = svc_xcalloc(1, sizeof *src);
    pthread_mutex_init(&src->git_lock, NULL);
    src->kind = opts->kind;
    src->root = svc_xstrdup(real);
    src->prefix = svc_xstrdup("");
    src->max_file_size = opts->max_file_size ? opts->max_file_size : DEFAULT_MAX_FILE_SIZE;

    int rc = 0;
    char *workdir = NULL, *git_dir = NULL;
    repo_search found = opts->kind == SVC_SOURCE_WORKTREE ? find_plain_repo(real, &workdir, &git_dir) : REPO_ASK_LIBGIT2;
    if (found == REPO_FOUND) {
        src->is_git = true;
        src->workdir = workdir;
        src->git_dir = git_dir;
        size_t n = strlen(workdir);
        if (strncmp(real, workdir, n) == 0 && real[n] == '/') {
            free(src->prefix);
            src->prefix = svc_xasprintf("%s/", real + n + 1);
        }
        rc = list_worktree(src, err);
    } else if (found == REPO_ASK_LIBGIT2 && svc_repo_open(&src->repo, real, NULL) == 0) {
        src->is_git = true;
        src->head_read = true;
        const char *wd_path = svc_repo_workdir(src->repo);
        src->git_dir = svc_xstrdup(svc_repo_git_dir(src->repo));
        if (!wd_path) {
            svc_source_free(src);
            return svc_error_set(err, SVC_EUSAGE, "%s: a bare repository has no work tree; clone it first", path);
        }
        char wd[PATH_MAX];
        if (realpath(wd_path, wd)) {
            size_t n = strlen(wd);
            if (strncmp(real, wd, n) == 0 && real[n] == '/') {
                free(src->prefix);
                src->prefix = svc_xasprintf("%s/", real + n + 1);
            }
        }
        svc_repo_read_head(src->repo, &src->branch, &src->head);
        switch (opts->kind) {
        case SVC_SOURCE_WORKTREE: rc = list_worktree(src, err); break;
        case SVC_SOURCE_INDEX: rc = list_index(src, opts->index_file, err); break;
        case SVC_SOURCE_COMMIT: rc = list_commit(src, opts->rev, err); break;
        }
    } else {
        if (opts->kind != SVC_SOURCE_WORKTREE) {
            svc_source_free(src);
            return svc_error_set(err, SVC_EUSAGE, "%s: not a git repository, so there is no %s to read", path,
                                 opts->kind == SVC_SOURCE_INDEX ? "index" : "commit");
        }
        svc_buf rel = { 0 };
        rc = walk_folder(src, &rel, err);
        svc_buf_free(&rel);
    }
    if (rc < 0) {
        svc_source_free(src);
        return rc;
    }
    if (src->files.len > 1) qsort(src->files.items, src->files.len, sizeof *src->files.items, compare_entries);
    *out = src;
    return 0;
}

void svc_source_free(svc_source *src)
{
    if (!src) return;
    for (size_t i = 0; i < src->files.len; i++) {
        free(src->files.items[i].path_owned);
        free(src->files.items[i].content);
    }
    svc_vec_free(&src->files);
    for (size_t i = 0; i < src->skipped.len; i++) free(src->skipped.items[i]);
    svc_vec_free(&src->skipped);
    svc_vec_free(&src->skipped_io);
    free(src->last_conflict);
    svc_repo_tree_free(src->tree);
    svc_repo_free(src->repo);
    free(src->workdir);
    pthread_mutex_destroy(&src->git_lock);
    free(src->root);
    free(src->prefix);
    free(src->git_dir);
    free(src->branch);
    free(src->head);
    free(src);
}

const char *svc_source_root(const svc_source *src) { return src->root; }
bool svc_source_is_git(const svc_source *src) { return src->is_git; }
svc_source_kind svc_source_kind_of(const svc_source *src) { return src->kind; }
/* Branch and head are looked up on first use: they need git.c, which a work tree can do without. */
static void ensure_head(const svc_source *csrc)
{
    svc_source *src = SVC_UNCONST(svc_source *, csrc);
    if (src->head_read || ensure_repo(src, NULL) < 0) return;
    pthread_mutex_lock(&src->git_lock);
    if (!src->head_read) svc_repo_read_head(src->repo, &src->branch, &src->head);
    src->head_read = true;
    pthread_mutex_unlock(&src->git_lock);
}

const char *svc_source_branch(const svc_source *src)
{
    ensure_head(src);
    return src->branch;
}

const char *svc_source_head(const svc_source *src)
{
    ensure_head(src);
    return src->head;
}
const char *svc_source_git_dir(const svc_source *src) { return src->git_dir; }
size_t svc_source_count(const svc_source *src) { return src->files.len; }

const svc_source_file *svc_source_at(const svc_source *src, size_t i)
{
    return i < src->files.len ? &src->files.items[i].pub : NULL;
}

long svc_source_find(const svc_source *src, const char *path)
{
    size_t lo = 0, hi = src->files.len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(src->files.items[mid].pub.path, path);
        if (c == 0) return (long)mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

static int read_blob(const svc_source *src, const svc_source_file *f, char **bytes, size_t *len, svc_error *err)
{
    svc_source *mut = SVC_UNCONST(svc_source *, src);
    pthread_mutex_lock(&mut->git_lock);
    int rc = svc_repo_read_blob(src->repo, f->oid, bytes, len, f->path, err);
    pthread_mutex_unlock(&mut->git_lock);
    return rc;
}

static int read_worktree_file(const svc_source *src, const svc_source_file *f, char **bytes, size_t *len,
                              svc_error *err)
{
    char *full = svc_xasprintf("%s/%s", src->root, f->path);
    /* O_NONBLOCK: a file replaced by a FIFO since the listing must not block the open */
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    free(full);
    if (fd < 0) return svc_error_set(err, SVC_EIO, "%s: %s", f->path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return svc_error_set(err, SVC_EIO, "%s: not a regular file", f->path);
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = svc_xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = svc_xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(buf);
            close(fd);
            return svc_error_set(err, SVC_EIO, "%s: %s", f->path, strerror(e));
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > src->max_file_size) break;
    }
    close(fd);
    buf[n] = '\0';
    *bytes = buf;
    *len = n;
    return 0;
}

int svc_source_read(const svc_source *src, size_t i, char **bytes, size_t *len, svc_error *err)
{
    *bytes = NULL;
    *len = 0;
    const svc_source_file *f = svc_source_at(src, i);
    if (!f) return svc_error_set(err, SVC_ENOTFOUND, "no file number %zu", i);
    const source_entry *e = &src->files.items[i];
    if (e->content && f->size <= src->max_file_size) {
        *bytes = svc_xmalloc(e->content_len + 1);
        memcpy(*bytes, e->content, e->content_len);
        (*bytes)[e->content_len] = '\0';
        *len = e->content_len;
        return 0;
    }
    if (f->size > src->max_file_size)
        return svc_error_set(err, SVC_EIO, "%s: larger than the %llu byte limit (max-file-size), skipped",
                             f->path, (unsigned long long)src->max_file_size);
    if (src->kind == SVC_SOURCE_WORKTREE) {
        int rc = read_worktree_file(src, f, bytes, len, err);
        if (rc == 0 && *len > src->max_file_size) {
            free(*bytes);
            *bytes = NULL;
            *len = 0;
            return svc_error_set(err, SVC_EIO, "%s: larger than the %llu byte limit (max-file-size), skipped",
                                 f->path, (unsigned long long)src->max_file_size);
        }
        return rc;
    }
    return read_blob(src, f, bytes, len, err);
}

int svc_source_set_content(svc_source *src, const char *path, const char *bytes, size_t len, svc_error *err)
{
    long i = svc_source_find(src, path);
    if (i < 0) return svc_error_set(err, SVC_ENOTFOUND, "%s: not a file of the source", path);
    source_entry *e = &src->files.items[i];
    free(e->content);
    e->content = svc_xmalloc(len + 1);
    memcpy(e->content, bytes, len);
    e->content[len] = '\0';
    e->content_len = len;
    /* Neither the blob id nor the stat describes these bytes: caches key them by their content. */
    e->pub.size = len;
    e->pub.has_oid = false;
    e->pub.has_stat = false;
    return 0;
}

typedef SVC_VEC(char *) path_vec;

typedef struct changed_paths {
    const svc_source *src;
    path_vec paths;
} changed_paths;

static void add_changed_path(const char *git_path, void *ctx)
{
    changed_paths *c = ctx;
    const char *rel = strip_prefix(c->src, git_path);
    if (rel) svc_vec_push(&c->paths, svc_xstrdup(rel));
}

/* The tree of `rev` compared with the source's content, through `compare`; under the git lock. */
typedef int compare_fn(svc_repo *repo, const svc_repo_tree *old_tree, svc_repo_side side, const svc_repo_tree *tree,
                       void *ctx, svc_error *err);

static int compare_with_rev(const svc_source *src, const char *rev, compare_fn *compare, void *ctx, svc_error *err)
{
    if (!src->is_git) return svc_error_set(err, SVC_EUSAGE, "--diff needs a git repository");
    svc_source *mut = SVC_UNCONST(svc_source *, src);
    int rc = ensure_repo(mut, err);
    if (rc < 0) return rc;
    static const svc_repo_side side_of[] = {
        [SVC_SOURCE_WORKTREE] = SVC_REPO_SIDE_WORKDIR,
        [SVC_SOURCE_INDEX] = SVC_REPO_SIDE_INDEX,
        [SVC_SOURCE_COMMIT] = SVC_REPO_SIDE_TREE,
    };
    svc_repo_tree *old_tree = NULL;
    pthread_mutex_lock(&mut->git_lock);
    rc = svc_repo_tree_open(&old_tree, src->repo, rev, err);
    if (rc == 0) rc = compare(src->repo, old_tree, side_of[src->kind], src->tree, ctx, err);
    pthread_mutex_unlock(&mut->git_lock);
    svc_repo_tree_free(old_tree);
    return rc;
}

static int compare_changed(svc_repo *repo, const svc_repo_tree *old_tree, svc_repo_side side, const svc_repo_tree *tree,
                           void *ctx, svc_error *err)
{
    return svc_repo_changed_files(repo, old_tree, side, tree, add_changed_path, ctx, err);
}

int svc_source_changed_since(const svc_source *src, const char *rev, char ***paths, size_t *npaths, svc_error *err)
{
    *paths = NULL;
    *npaths = 0;
    changed_paths changed = { src, { 0 } };
    int rc = compare_with_rev(src, rev, compare_changed, &changed, err);
    if (rc < 0) {
        svc_source_free_paths(changed.paths.items, changed.paths.len);
        return rc;
    }
    *paths = changed.paths.items;
    *npaths = changed.paths.len;
    return 0;
}

typedef struct renamed_paths {
    const svc_source *src;
    path_vec from, to;
} renamed_paths;

static void add_renamed_path(const char *old_path, const char *new_path, void *ctx)
{
    renamed_paths *r = ctx;
    const char *from = strip_prefix(r->src, old_path), *to = strip_prefix(r->src, new_path);
    if (!from || !to) return;
    svc_vec_push(&r->from, svc_xstrdup(from));
    svc_vec_push(&r->to, svc_xstrdup(to));
}

static int compare_renamed(svc_repo *repo, const svc_repo_tree *old_tree, svc_repo_side side, const svc_repo_tree *tree,
                           void *ctx, svc_error *err)
{
    return svc_repo_renamed_files(repo, old_tree, side, tree, add_renamed_path, ctx, err);
}

int svc_source_renamed_since(const svc_source *src, const char *rev, char ***from, char ***to, size_t *n,
                             svc_error *err)
{
    *from = *to = NULL;
    *n = 0;
    renamed_paths r = { src, { 0 }, { 0 } };
    int rc = compare_with_rev(src, rev, compare_renamed, &r, err);
    if (rc < 0) {
        svc_source_free_paths(r.from.items, r.from.len);
        svc_source_free_paths(r.to.items, r.to.len);
        return rc;
    }
    *from = r.from.items;
    *to = r.to.items;
    *n = r.from.len;
    return 0;
}

size_t svc_source_skipped_count(const svc_source *src) { return src->skipped.len; }

const char *svc_source_skipped_at(const svc_source *src, size_t i, bool *io_error)
{
    if (i >= src->skipped.len) return NULL;
    if (io_error) *io_error = src->skipped_io.items[i];
    return src->skipped.items[i];
}

uint64_t svc_source_max_file_size(const svc_source *src) { return src->max_file_size; }

void svc_source_free_paths(char **paths, size_t npaths)
{
    for (size_t i = 0; i < npaths; i++) free(paths[i]);
    free(paths);
}
