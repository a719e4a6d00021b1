/*
 * Files on disk: see atomic_file.h. Every write of the work tree goes through
 * svc_file_transition, which checks the file it replaces at the last moment and once more after,
 * so that a program writing the same file meanwhile never loses what it wrote.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "svcscope/util.h"

#define CHANGED "changed on disk"

/* ---- reading ---------------------------------------------------------------------------- */

static int read_fd(int fd, char **bytes, size_t *len)
{
    svc_buf b = { 0 };
    char chunk[65536];
    off_t at = 0;
    for (;;) {
        ssize_t r = pread(fd, chunk, sizeof chunk, at);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            svc_buf_free(&b);
            return e;
        }
        if (r == 0) break;
        svc_buf_append(&b, chunk, (size_t)r);
        at += r;
    }
    *len = b.len;
    *bytes = b.data ? svc_buf_detach(&b) : svc_xstrdup("");
    return 0;
}

int svc_file_read(const char *full, char **bytes, size_t *len, struct stat *st)
{
    *bytes = NULL;
    *len = 0;
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK); /* a FIFO must not block */
    if (fd < 0) return errno == ELOOP ? EINVAL : errno;
    int e = 0;
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) e = EINVAL;
    else e = read_fd(fd, bytes, len);
    close(fd);
    return e;
}

/* True when the open file holds `want`'s bytes and mode now. */
static bool fd_holds(int fd, const svc_file_state *want)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != want->len ||
        (st.st_mode & 07777) != want->mode)
        return false;
    char *bytes = NULL;
    size_t len = 0;
    bool same = read_fd(fd, &bytes, &len) == 0 && len == want->len && memcmp(bytes, want->bytes, len) == 0;
    free(bytes);
    return same;
}

bool svc_file_is(const char *full, const svc_file_state *want)
{
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return errno == ENOENT && !want->exists;
    bool same = want->exists && fd_holds(fd, want);
    close(fd);
    return same;
}

/* ---- folders ------------------------------------------------------------------------------ */

void svc_file_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

char *svc_file_dir_of(const char *full)
{
    const char *slash = strrchr(full, '/');
    if (!slash) return svc_xstrdup(".");
    if (slash == full) return svc_xstrdup("/");
    return svc_xstrndup(full, (size_t)(slash - full));
}

static void sync_dir_of(const char *full)
{
    char *dir = svc_file_dir_of(full);
    svc_file_fsync_dir(dir);
    free(dir);
}

int svc_file_mkdir_p(const char *dir, svc_error *err)
{
    char *p = svc_xstrdup(dir);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) < 0 && errno != EEXIST) {
                rc = svc_error_set(err, SVC_EIO, "%s: cannot create the folder: %s", p, strerror(errno));
                break;
            }
            *s = c;
            if (!c) break;
        }
    }
    free(p);
    return rc;
}

/* ---- the exchange seam ------------------------------------------------------------------- */

static bool exchange_enabled = true;

void svc_fs_exchange_set_enabled(bool enabled) { exchange_enabled = enabled; }

int svc_fs_exchange(const char *a, const char *b)
{
    if (!exchange_enabled) {
        errno = ENOSYS;
        return -1;
    }
#if defined(HAVE_RENAMEAT2) && defined(RENAME_EXCHANGE)
    return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#elif defined(HAVE_RENAMEX_NP) && defined(RENAME_SWAP)
    return renamex_np(a, b, RENAME_SWAP);
#else
    (void)a;
    (void)b;
    errno = ENOSYS;
    return -1;
#endif
}

static svc_file_race_hook race_hook;

void svc_file_set_race_hook(svc_file_race_hook hook) { race_hook = hook; }

static void moment(const char *full, const char *what)
{
    if (race_hook) race_hook(full, what);
}

/* The errors that mean "this platform or file system cannot exchange": fall back. */
static bool cannot_exchange(int e) { return e == ENOSYS || e == EINVAL || e == ENOTSUP || e == EOPNOTSUPP; }

/* ---- writing ------------------------------------------------------------------------------ */

/* A new temp file beside `full` holding the bytes with `mode`, written and fsync'd; *tmp its path. */
static int write_temp(const char *full, const char *bytes, size_t len, mode_t mode, char **tmp, svc_error *err)
{
    char *dir = svc_file_dir_of(full);
    const char *base = strrchr(full, '/') ? strrchr(full, '/') + 1 : full;
    *tmp = svc_xasprintf("%s/.%s.svcscope-XXXXXX", dir, base);
    free(dir);
    int fd = mkostemp(*tmp, O_CLOEXEC);
    if (fd < 0) {
        int rc = svc_error_set(err, SVC_EIO, "%s: cannot create a temporary file: %s", full, strerror(errno));
        free(*tmp);
        *tmp = NULL;
        return rc;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, bytes + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) break;
        off += (size_t)w;
    }
    int rc = 0;
    if (off < len || fsync(fd) < 0 || fchmod(fd, mode & 07777) < 0)
        rc = svc_error_set(err, SVC_EIO, "%s: cannot write: %s", full, strerror(errno));
    if (close(fd) < 0 && rc == 0) rc = svc_error_set(err, SVC_EIO, "%s: cannot write: %s", full, strerror(errno));
    if (rc < 0) {
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
    }
    return rc;
}

int svc_file_write_atomic(const char *full, const char *bytes, size_t len, mode_t mode, bool replace, bool sync_dir,
                          svc_error *err)
{
    char *tmp = NULL;
    int rc = write_temp(full, bytes, len, mode, &tmp, err);
    if (rc < 0) return rc;
    if (replace) {
        if (rename(tmp, full) < 0) {
            rc = svc_error_set(err, SVC_EIO, "%s: cannot replace: %s", full, strerror(errno));
            unlink(tmp);
        }
    } else if (link(tmp, full) < 0) {
        int e = errno;
        struct stat st;
        if (e == EEXIST) {
            rc = svc_error_set(err, SVC_EUNSAFE, "%s: already exists; not overwritten", full);
            unlink(tmp);
        } else if (lstat(full, &st) < 0 && errno == ENOENT && rename(tmp, full) == 0) {
            /* A file system without hard links: checked absent just before. */
        } else {
            rc = svc_error_set(err, SVC_EIO, "%s: cannot create: %s", full, strerror(e));
            unlink(tmp);
        }
    } else {
        unlink(tmp);
    }
    if (rc == 0 && sync_dir) sync_dir_of(full);
    free(tmp);
    return rc;
}

static bool same_inode(const struct stat *a, const struct stat *b) { return a->st_ino == b->st_ino && a->st_dev == b->st_dev; }

/* SVC_EUNSAFE; the message leaves the path to the caller, which names it as the user knows it. */
static int changed(const char *full, svc_error *err, const char *tail)
{
    (void)full;
    return svc_error_set(err, SVC_EUNSAFE, CHANGED "%s", tail);
}

/*
 * Another program wrote into the file svcscope replaced, through a descriptor it opened before:
 * its bytes (read from `fd`, still open) go back to `full` in place of `ours`; if even that
 * cannot be done safely they are kept beside it, and the message says where.
 */
static int put_back(const char *full, int fd, const svc_file_state *ours, svc_error *err)
{
    svc_file_state theirs = { .exists = true };
    struct stat st;
    if (fstat(fd, &st) < 0 || read_fd(fd, &theirs.bytes, &theirs.len) != 0)
        return svc_error_set(err, SVC_EIO, "%s: " CHANGED " while it was written, and the other write could not be "
                                           "read back",
                             full);
    theirs.mode = st.st_mode & 07777;
    svc_error e = SVC_ERROR_INIT;
    int rc = ours->exists ? svc_file_transition(full, ours, &theirs, &e)
                          : svc_file_write_atomic(full, theirs.bytes, theirs.len, theirs.mode, false, true, &e);
    if (rc == 0) {
        rc = changed(full, err, " while it was written; the other program's version was put back");
    } else {
        char *rescue = svc_xasprintf("%s.svcscope-rescued", full);
        svc_error e2 = SVC_ERROR_INIT;
        if (svc_file_write_atomic(rescue, theirs.bytes, theirs.len, theirs.mode, false, true, &e2) == 0)
            rc = changed(full, err, " while it was written; the other program's version is kept as "
                                    "<file>.svcscope-rescued");
        else
            rc = svc_error_set(err, SVC_EIO, "%s: " CHANGED " while it was written, and the other version could not "
                                             "be kept: %s",
                               full, e2.message);
        free(rescue);
    }
    free(theirs.bytes);
    return rc;
}

static int replace(const char *full, const svc_file_state *expect, const svc_file_state *want, svc_error *err)
{
    char *tmp = NULL;
    int rc = write_temp(full, want->bytes, want->len, want->mode, &tmp, err);
    if (rc < 0) return rc;
    struct stat before, now;
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &before) < 0 || !fd_holds(fd, expect)) {
        rc = changed(full, err, "");
        goto out;
    }
    moment(full, "checked");
    if (svc_fs_exchange(tmp, full) == 0) {
        /* `full` is ours now, `tmp` what was there: the file checked above, unless it moved. */
        moment(full, "switched");
        if (lstat(tmp, &now) < 0 || !same_inode(&now, &before) || !fd_holds(fd, expect)) {
            if (svc_fs_exchange(tmp, full) == 0) rc = changed(full, err, " while it was written; left as it was");
            else rc = put_back(full, fd, want, err);
            goto out;
        }
        unlink(tmp);
        sync_dir_of(full);
        moment(full, "released");
        if (!fd_holds(fd, expect)) rc = put_back(full, fd, want, err);
        goto out;
    }
    if (!cannot_exchange(errno)) {
        rc = svc_error_set(err, SVC_EIO, "%s: cannot replace: %s", full, strerror(errno));
        goto out;
    }
    /* No exchange call: check the path once more right before the rename, and the replaced file
     * after it through the descriptor, which still reaches it. */
    if (lstat(full, &now) < 0 || !same_inode(&now, &before) || !fd_holds(fd, expect)) {
        rc = changed(full, err, "");
        goto out;
    }
    if (rename(tmp, full) < 0) {
        rc = svc_error_set(err, SVC_EIO, "%s: cannot replace: %s", full, strerror(errno));
        goto out;
    }
    sync_dir_of(full);
    moment(full, "released");
    if (!fd_holds(fd, expect)) rc = put_back(full, fd, want, err);
out:
    if (rc < 0 && tmp) unlink(tmp); /* after a swap back this is our version; else nothing there */
    if (fd >= 0) close(fd);
    free(tmp);
    return rc;
}

static int create(const char *full, const svc_file_state *want, svc_error *err)
{
    svc_error e = SVC_ERROR_INIT;
    int rc = svc_file_write_atomic(full, want->bytes, want->len, want->mode, false, true, &e);
    if (rc == SVC_EUNSAFE) return changed(full, err, " (it exists now)");
    if (rc < 0) svc_error_set(err, rc, "%s", e.message);
    return rc;
}

static int remove_file(const char *full, const svc_file_state *expect, svc_error *err)
{
    struct stat before, now;
    int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &before) < 0 || !fd_holds(fd, expect)) {
        if (fd >= 0) close(fd);
        return changed(full, err, "");
    }
    /* Renamed aside (onto a fresh placeholder), so that what is deleted is what was checked. */
    char *dir = svc_file_dir_of(full);
    const char *base = strrchr(full, '/') ? strrchr(full, '/') + 1 : full;
    char *aside = svc_xasprintf("%s/.%s.svcscope-XXXXXX", dir, base);
    free(dir);
    int rc = 0;
    int pfd = mkostemp(aside, O_CLOEXEC);
    if (pfd < 0) {
        rc = svc_error_set(err, SVC_EIO, "%s: cannot remove: %s", full, strerror(errno));
    } else {
        close(pfd);
        moment(full, "checked");
        if (rename(full, aside) < 0) {
            rc = svc_error_set(err, SVC_EIO, "%s: cannot remove: %s", full, strerror(errno));
            unlink(aside);
        } else if (lstat(aside, &now) < 0 || !same_inode(&now, &before) || !fd_holds(fd, expect)) {
            /* Something else was there, or it was written to: put it back where it was. */
            if (link(aside, full) == 0) {
                unlink(aside);
                rc = changed(full, err, " while it was removed; left as it was");
            } else {
                rc = changed(full, err, " while it was removed; the other program's version is kept as "
                                        ".<file>.svcscope-XXXXXX beside it");
            }
        } else {
            unlink(aside);
            sync_dir_of(full);
            moment(full, "released");
            if (!fd_holds(fd, expect)) rc = put_back(full, fd, &(svc_file_state){ .exists = false }, err);
        }
    }
    free(aside);
    close(fd);
    return rc;
}

int svc_file_transition(const char *full, const svc_file_state *expect, const svc_file_state *want, svc_error *err)
{
    if (!expect->exists && !want->exists) return svc_file_is(full, expect) ? 0 : changed(full, err, "");
    if (!expect->exists) {
        struct stat st;
        if (lstat(full, &st) == 0 || errno != ENOENT) return changed(full, err, " (it exists now)");
        return create(full, want, err);
    }
    if (!want->exists) return remove_file(full, expect, err);
    return replace(full, expect, want, err);
}

void svc_file_remove_leftovers(const char *full, const svc_file_state *a, const svc_file_state *b)
{
    char *dir = svc_file_dir_of(full);
    const char *base = strrchr(full, '/') ? strrchr(full, '/') + 1 : full;
    char *prefix = svc_xasprintf(".%s.svcscope-", base);
    size_t plen = strlen(prefix);
    DIR *d = opendir(dir);
    SVC_VEC(char *) found = { 0 };
    struct dirent *ent;
    while (d && (ent = readdir(d)) != NULL)
        if (strncmp(ent->d_name, prefix, plen) == 0 && strlen(ent->d_name) == plen + 6)
            svc_vec_push(&found, svc_xasprintf("%s/%s", dir, ent->d_name));
    if (d) closedir(d);
    for (size_t i = 0; i < found.len; i++) {
        char *bytes = NULL;
        size_t len = 0;
        struct stat st;
        if (svc_file_read(found.items[i], &bytes, &len, &st) == 0) {
            bool ours = (len == 0) || (a->exists && len == a->len && memcmp(bytes, a->bytes, len) == 0) ||
                        (b->exists && len == b->len && memcmp(bytes, b->bytes, len) == 0);
            if (ours) unlink(found.items[i]);
        }
        free(bytes);
        free(found.items[i]);
    }
    svc_vec_free(&found);
    free(prefix);
    free(dir);
}
