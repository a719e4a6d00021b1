/*
 * Watching by polling (env/watch.h): a stat of every file and folder of the project and of the
 * git files, compared with the last. Works on any POSIX system; costs a stat per path each
 * ENV_WATCH_POLL_MS, which is why inotify is preferred where it exists.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "env/watch_internal.h"
#include "svcscope/source.h"

static int64_t stat_ns(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static watch_stamp stamp_of(const char *path)
{
    watch_stamp s = { 0 };
    struct stat st;
    if (lstat(path, &st) < 0) return s;
    s.exists = true;
    s.is_dir = S_ISDIR(st.st_mode);
#if defined(__APPLE__)
    s.mtime_ns = stat_ns(&st.st_mtimespec);
    s.ctime_ns = stat_ns(&st.st_ctimespec);
#else
    s.mtime_ns = stat_ns(&st.st_mtim);
    s.ctime_ns = stat_ns(&st.st_ctim);
#endif
    s.size = (uint64_t)st.st_size;
    s.ino = (uint64_t)st.st_ino;
    return s;
}

static bool same_stamp(const watch_stamp *a, const watch_stamp *b)
{
    return a->exists == b->exists && a->is_dir == b->is_dir && a->mtime_ns == b->mtime_ns &&
           a->ctime_ns == b->ctime_ns && a->size == b->size && a->ino == b->ino;
}

static watch_stamp stamp_rel(const env_watch *w, const char *rel)
{
    char *abs = *rel ? svc_xasprintf("%s/%s", w->root, rel) : svc_xstrdup(w->root);
    watch_stamp s = stamp_of(abs);
    free(abs);
    return s;
}

/* index, HEAD, packed-refs and the branch HEAD names, in git_stamps order. */
static void git_stamps(const env_watch *w, watch_stamp out[4])
{
    memset(out, 0, 4 * sizeof *out);
    if (!w->git_dir) return;
    const char *names[3] = { "index", "HEAD", "packed-refs" };
    for (int i = 0; i < 3; i++) {
        char *path = svc_xasprintf("%s%s", i == 2 ? w->common_dir : w->git_dir, names[i]);
        out[i] = stamp_of(path);
        free(path);
    }
    char *ref = watch_head_ref(w);
    if (ref) {
        char *path = svc_xasprintf("%s%s", w->common_dir, ref);
        out[3] = stamp_of(path);
        free(path);
        free(ref);
    }
}

static void add_entry(env_watch *w, const char *path, bool is_folder, watch_stamp stamp)
{
    watch_entry e = { svc_xstrdup(path), is_folder, stamp };
    svc_vec_push(&w->entries, e);
    svc_map_put(w->known, path, (void *)(uintptr_t)w->entries.len);
}

/* A path watched before keeps the stamp last seen, so that a change made meanwhile (while the
 * project loaded) is still reported; a new one is stat'ed now. */
static watch_stamp stamp_kept(const env_watch *w, const svc_map *old_known, const watch_entry *old, const char *path)
{
    uintptr_t at = old_known ? (uintptr_t)svc_map_get(old_known, path) : 0;
    return at ? old[at - 1].stamp : stamp_rel(w, path);
}

void watch_poll_snapshot(env_watch *w)
{
    watch_entry *old = w->entries.items;
    size_t nold = w->entries.len;
    svc_map *old_known = w->known;
    memset(&w->entries, 0, sizeof w->entries);
    w->known = svc_map_new();
    for (size_t i = 0; i < w->folders.len; i++)
        add_entry(w, w->folders.items[i], true, stamp_kept(w, old_known, old, w->folders.items[i]));
    for (size_t i = 0; i < w->files.len; i++)
        add_entry(w, w->files.items[i], false, stamp_kept(w, old_known, old, w->files.items[i]));
    if (!old_known) git_stamps(w, w->git_stamps);
    for (size_t i = 0; i < nold; i++) free(old[i].path);
    free(old);
    svc_map_free(old_known);
    w->next_poll_ms = env_watch_now_ms() + ENV_WATCH_POLL_MS;
}

bool env_watch_file_changed(const env_watch *w, const char *path, int64_t mtime_ns, int64_t ctime_ns)
{
    watch_stamp s = stamp_rel(w, path);
    return !s.exists || s.mtime_ns != mtime_ns || s.ctime_ns != ctime_ns;
}

/*
 * A folder's times change when an entry in it is added, removed or renamed: the entries not seen
 * before are reported (and stat'ed from now on); a removed one shows as its own change.
 */
static size_t read_new_entries(env_watch *w, const char *folder, env_watch_fn fn, void *ctx)
{
    char *abs = *folder ? svc_xasprintf("%s/%s", w->root, folder) : svc_xstrdup(w->root);
    DIR *dir = opendir(abs);
    free(abs);
    if (!dir) return 0;
    size_t n = 0;
    struct dirent *d;
    while ((d = readdir(dir))) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0) continue;
        char *path = *folder ? svc_xasprintf("%s/%s", folder, d->d_name) : svc_xstrdup(d->d_name);
        if (!svc_map_get(w->known, path)) {
            watch_stamp s = stamp_rel(w, path);
            bool skip = s.is_dir && (d->d_name[0] == '.' || svc_source_skips_folder(d->d_name));
            if (s.exists && !skip) {
                add_entry(w, path, s.is_dir, s);
                fn(ctx, s.is_dir ? ENV_WATCH_FOLDER : ENV_WATCH_FILE, path);
                n++;
            }
        }
        free(path);
    }
    closedir(dir);
    return n;
}

size_t watch_poll_read(env_watch *w, env_watch_fn fn, void *ctx)
{
    size_t n = 0;
    size_t count = w->entries.len;
    for (size_t i = 0; i < count; i++) {
        watch_entry *e = &w->entries.items[i];
        watch_stamp now = stamp_rel(w, e->path);
        if (same_stamp(&now, &e->stamp)) continue;
        e->stamp = now;
        if (e->is_folder && now.exists) {
            char *folder = svc_xstrdup(e->path);
            n += read_new_entries(w, folder, fn, ctx);
            free(folder);
            continue;
        }
        fn(ctx, e->is_folder ? ENV_WATCH_FOLDER : ENV_WATCH_FILE, e->path);
        n++;
    }
    watch_stamp git[4];
    git_stamps(w, git);
    if (!same_stamp(&git[0], &w->git_stamps[0])) {
        fn(ctx, ENV_WATCH_INDEX, "");
        n++;
    }
    if (!same_stamp(&git[1], &w->git_stamps[1]) || !same_stamp(&git[2], &w->git_stamps[2]) ||
        !same_stamp(&git[3], &w->git_stamps[3])) {
        fn(ctx, ENV_WATCH_HEAD, "");
        n++;
    }
    memcpy(w->git_stamps, git, sizeof git);
    w->next_poll_ms = env_watch_now_ms() + ENV_WATCH_POLL_MS;
    return n;
}
