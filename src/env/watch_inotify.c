/*
 * Watching with inotify (Linux; env/watch.h): a watch per folder of the project (inotify is not
 * recursive), on the git dir and on the folders of refs/heads. A folder created later is
 * watched when its creation is read, with what it already holds. The kernel's per-user limit
 * (fs.inotify.max_user_watches) makes inotify_add_watch fail with ENOSPC: then the caller polls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env/watch_internal.h"
#include "svcscope/source.h"

#define TREE_MASK (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR)
#define GIT_MASK (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_ONLYDIR)

static void say_limit(env_watch *w, int e)
{
    if (e == ENOSPC)
        snprintf(w->note, sizeof w->note, "inotify watch limit reached: polling every %d s (fs.inotify.max_user_watches)",
                 ENV_WATCH_POLL_MS / 1000);
    else
        snprintf(w->note, sizeof w->note, "inotify: %s: polling every %d s", strerror(e), ENV_WATCH_POLL_MS / 1000);
}

bool watch_inotify_start(env_watch *w)
{
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        say_limit(w, errno);
        return false;
    }
    return true;
}

void watch_inotify_stop(env_watch *w)
{
    if (w->fd >= 0) close(w->fd);
    w->fd = -1;
    for (size_t i = 0; i < w->wd_cap; i++) free(w->wd_folder[i]);
    free(w->wd_folder);
    w->wd_folder = NULL;
    w->wd_cap = 0;
    for (size_t i = 0; i < w->nrefs_wds; i++) free(w->refs_wd_prefix[i]);
    free(w->refs_wds);
    free(w->refs_wd_prefix);
    w->refs_wds = NULL;
    w->refs_wd_prefix = NULL;
    w->nrefs_wds = 0;
}

/* Gives up inotify after a failure that polling does not have: says why, closes the descriptor. */
static bool give_up(env_watch *w, int e)
{
    say_limit(w, e);
    watch_inotify_stop(w);
    w->inotify = false;
    return false;
}

/* inotify_add_watch, under the limit a test may set (SVCSCOPE_DEBUG_WATCH_LIMIT) as if it were the kernel's. */
static int add_watch(env_watch *w, const char *path, uint32_t mask)
{
    if (w->max_watches && w->nwatches >= w->max_watches) {
        errno = ENOSPC;
        return -1;
    }
    int wd = inotify_add_watch(w->fd, path, mask);
    if (wd >= 0) w->nwatches++;
    return wd;
}

static void remember(env_watch *w, int wd, const char *folder)
{
    if ((size_t)wd >= w->wd_cap) {
        size_t cap = w->wd_cap ? w->wd_cap : 64;
        while (cap <= (size_t)wd) cap *= 2;
        w->wd_folder = svc_xrealloc(w->wd_folder, cap * sizeof *w->wd_folder);
        memset(w->wd_folder + w->wd_cap, 0, (cap - w->wd_cap) * sizeof *w->wd_folder);
        w->wd_cap = cap;
    }
    free(w->wd_folder[wd]);
    w->wd_folder[wd] = svc_xstrdup(folder);
}

/* Watches a work tree folder (relative); false on ENOSPC and the like. A folder that is gone or
 * unreadable is left out: nothing in it can be read either. */
static bool watch_folder(env_watch *w, const char *rel)
{
    char *abs = *rel ? svc_xasprintf("%s/%s", w->root, rel) : svc_xstrdup(w->root);
    int wd = add_watch(w, abs, TREE_MASK);
    int e = errno;
    free(abs);
    if (wd >= 0) {
        remember(w, wd, rel);
        return true;
    }
    return !(e == ENOSPC || e == ENOMEM);
}

/* Calls `watch` on each sub-folder `rel`/NAME of `base``rel` (hidden ones and those a walk skips
 * left out) until it fails; false when it did. */
static bool watch_subfolders(env_watch *w, const char *base, const char *rel, bool (*watch)(env_watch *, const char *))
{
    char *abs = svc_xasprintf("%s%s", base, rel);
    DIR *dir = opendir(abs);
    free(abs);
    if (!dir) return true;
    bool ok = true;
    struct dirent *d;
    while (ok && (d = readdir(dir))) {
        if (d->d_name[0] == '.' || d->d_type == DT_REG || svc_source_skips_folder(d->d_name)) continue;
        char *child = svc_xasprintf("%s/%s", rel, d->d_name);
        char *child_abs = svc_xasprintf("%s%s", base, child);
        struct stat st;
        if (lstat(child_abs, &st) == 0 && S_ISDIR(st.st_mode)) ok = watch(w, child);
        free(child_abs);
        free(child);
    }
    closedir(dir);
    return ok;
}

/* A folder created after the load and what it holds (a `git checkout` brings whole trees). */
static bool watch_new_tree(env_watch *w, const char *rel)
{
    if (!watch_folder(w, rel)) return false;
    char *base = svc_xasprintf("%s/", w->root);
    bool ok = watch_subfolders(w, base, rel, watch_new_tree);
    free(base);
    return ok;
}

/* refs/heads and its folders (branch names with '/'), under the common dir. */
static bool watch_refs(env_watch *w, const char *rel)
{
    char *abs = svc_xasprintf("%s%s", w->common_dir, rel);
    int wd = add_watch(w, abs, GIT_MASK);
    int e = errno;
    free(abs);
    if (wd < 0) return !(e == ENOSPC || e == ENOMEM);
    bool known = false;
    for (size_t i = 0; i < w->nrefs_wds && !known; i++) known = w->refs_wds[i] == wd;
    if (!known) {
        w->refs_wds = svc_xrealloc(w->refs_wds, (w->nrefs_wds + 1) * sizeof *w->refs_wds);
        w->refs_wd_prefix = svc_xrealloc(w->refs_wd_prefix, (w->nrefs_wds + 1) * sizeof *w->refs_wd_prefix);
        w->refs_wds[w->nrefs_wds] = wd;
        w->refs_wd_prefix[w->nrefs_wds++] = svc_xstrdup(rel);
    }
    return watch_subfolders(w, w->common_dir, rel, watch_refs);
}

bool watch_inotify_sync(env_watch *w)
{
    if (w->git_dir && w->git_wd < 0) {
        w->git_wd = add_watch(w, w->git_dir, GIT_MASK);
        if (w->git_wd < 0 && (errno == ENOSPC || errno == ENOMEM)) return give_up(w, errno);
        if (strcmp(w->common_dir, w->git_dir) != 0) {
            w->common_wd = add_watch(w, w->common_dir, GIT_MASK);
            if (w->common_wd < 0 && (errno == ENOSPC || errno == ENOMEM)) return give_up(w, errno);
        }
        if (!watch_refs(w, "refs/heads")) return give_up(w, ENOSPC);
    }
    for (size_t i = 0; i < w->folders.len; i++)
        if (!watch_folder(w, w->folders.items[i])) return give_up(w, ENOSPC);
    return true;
}

static bool is_refs_wd(const env_watch *w, int wd, const char **prefix)
{
    for (size_t i = 0; i < w->nrefs_wds; i++)
        if (w->refs_wds[i] == wd) {
            *prefix = w->refs_wd_prefix[i];
            return true;
        }
    return false;
}

/* A change in the git dir, a common dir or refs/heads: what it means, or -1 for nothing. */
static int git_change(env_watch *w, const struct inotify_event *ev)
{
    const char *name = ev->len ? ev->name : "";
    if (svc_str_ends_with(name, ".lock")) return -1;
    const char *prefix = NULL;
    if (ev->wd == w->git_wd && strcmp(name, "index") == 0) return ENV_WATCH_INDEX;
    if (ev->wd == w->git_wd && strcmp(name, "HEAD") == 0) return ENV_WATCH_HEAD;
    if ((ev->wd == w->git_wd || ev->wd == w->common_wd) && strcmp(name, "packed-refs") == 0) return ENV_WATCH_HEAD;
    if (is_refs_wd(w, ev->wd, &prefix)) {
        char *path = svc_xasprintf("%s/%s", prefix, name);
        if (ev->mask & IN_ISDIR) {
            if (ev->mask & IN_CREATE) watch_refs(w, path);
            free(path);
            return -1;
        }
        char *head = watch_head_ref(w);
        bool moved = head && strcmp(head, path) == 0;
        free(head);
        free(path);
        return moved ? ENV_WATCH_HEAD : -1;
    }
    return -2;
}

size_t watch_inotify_read(env_watch *w, env_watch_fn fn, void *ctx)
{
    size_t n = 0;
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t got = read(w->fd, buf, sizeof buf);
        if (got <= 0) break;
        for (char *p = buf; p < buf + got;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                fn(ctx, ENV_WATCH_OVERFLOW, "");
                n++;
                continue;
            }
            int git = git_change(w, ev);
            if (git == -1) continue;
            if (git >= 0) {
                fn(ctx, (env_watch_change)git, "");
                n++;
                continue;
            }
            if (ev->wd < 0 || (size_t)ev->wd >= w->wd_cap || !w->wd_folder[ev->wd]) continue;
            if (ev->mask & IN_IGNORED) {
                free(w->wd_folder[ev->wd]);
                w->wd_folder[ev->wd] = NULL;
                continue;
            }
            const char *folder = w->wd_folder[ev->wd];
            if (ev->mask & IN_DELETE_SELF) {
                fn(ctx, ENV_WATCH_FOLDER, folder);
                n++;
                continue;
            }
            if (!ev->len) continue;
            char *path = *folder ? svc_xasprintf("%s/%s", folder, ev->name) : svc_xstrdup(ev->name);
            if (ev->mask & IN_ISDIR) {
                if (ev->name[0] == '.' || svc_source_skips_folder(ev->name)) {
                    free(path);
                    continue;
                }
                if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && !watch_new_tree(w, path)) {
                    free(path);
                    give_up(w, ENOSPC);
                    return n;
                }
                fn(ctx, ENV_WATCH_FOLDER, path);
            } else {
                fn(ctx, ENV_WATCH_FILE, path);
            }
            n++;
            free(path);
        }
    }
    return n;
}
