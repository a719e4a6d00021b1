/* The watcher's front (env/watch.h): the paths to watch, the git files, and the choice between
 * inotify and polling (with the fallback to polling when inotify refuses). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "env/watch_internal.h"

/* The common git dir: a worktree's git dir names it in `commondir` (often relatively). */
static char *find_common_dir(const char *git_dir)
{
    char *path = svc_xasprintf("%scommondir", git_dir);
    char *line = watch_first_line(path);
    free(path);
    if (!line || !*line) {
        free(line);
        return svc_xstrdup(git_dir);
    }
    size_t n = strlen(line);
    const char *slash = line[n - 1] == '/' ? "" : "/";
    char *dir = line[0] == '/' ? svc_xasprintf("%s%s", line, slash) : svc_xasprintf("%s%s%s", git_dir, line, slash);
    free(line);
    return dir;
}

static void use_polling(env_watch *w)
{
    w->inotify = false;
    watch_poll_snapshot(w);
}

env_watch *env_watch_open(const char *root, const char *git_dir, const env_watch_options *opts, char *why, size_t size)
{
    struct stat st;
    bool found = stat(root, &st) == 0;
    if (!found || !S_ISDIR(st.st_mode)) {
        snprintf(why, size, "cannot watch %s: %s", root, found ? "not a folder" : strerror(errno));
        return NULL;
    }
    env_watch *w = svc_xcalloc(1, sizeof *w);
    w->root = svc_xstrdup(root);
    size_t n = strlen(w->root);
    while (n > 1 && w->root[n - 1] == '/') w->root[--n] = '\0';
    if (git_dir && *git_dir) {
        size_t g = strlen(git_dir);
        w->git_dir = git_dir[g - 1] == '/' ? svc_xstrdup(git_dir) : svc_xasprintf("%s/", git_dir);
        w->common_dir = find_common_dir(w->git_dir);
    }
    w->fd = -1;
    w->max_watches = opts->max_watches;
    w->git_wd = w->common_wd = -1;
    svc_vec_push(&w->folders, svc_xstrdup(""));
    w->inotify = false;
#ifdef HAVE_SYS_INOTIFY_H
    /* watch_inotify_sync turns inotify off itself when it gives up. */
    if (!opts->poll_only && watch_inotify_start(w)) w->inotify = watch_inotify_sync(w);
#endif
    if (!w->inotify) use_polling(w);
    return w;
}

static void free_paths(env_watch *w)
{
    for (size_t i = 0; i < w->files.len; i++) free(w->files.items[i]);
    for (size_t i = 0; i < w->folders.len; i++) free(w->folders.items[i]);
    w->files.len = w->folders.len = 0;
}

void env_watch_free(env_watch *w)
{
    if (!w) return;
#ifdef HAVE_SYS_INOTIFY_H
    watch_inotify_stop(w);
#endif
    free_paths(w);
    svc_map_free(w->seen);
    svc_vec_free(&w->files);
    svc_vec_free(&w->folders);
    for (size_t i = 0; i < w->entries.len; i++) free(w->entries.items[i].path);
    svc_vec_free(&w->entries);
    svc_map_free(w->known);
    free(w->root);
    free(w->git_dir);
    free(w->common_dir);
    free(w);
}

void env_watch_begin_files(env_watch *w)
{
    free_paths(w);
    svc_vec_push(&w->folders, svc_xstrdup(""));
    svc_map_free(w->seen);
    w->seen = svc_map_new();
}

void env_watch_add_file(env_watch *w, const char *path)
{
    svc_vec_push(&w->files, svc_xstrdup(path));
    /* Its folder and their ancestors, each once. */
    const char *slash = strrchr(path, '/');
    if (!slash) return;
    size_t len = (size_t)(slash - path);
    for (size_t end = 1; end <= len; end++) {
        if (end < len && path[end] != '/') continue;
        char *folder = svc_xstrndup(path, end);
        bool created = false;
        svc_map_slot(w->seen, folder, &created);
        if (created) svc_vec_push(&w->folders, folder);
        else free(folder);
    }
}

void env_watch_end_files(env_watch *w)
{
    svc_map_free(w->seen);
    w->seen = NULL;
#ifdef HAVE_SYS_INOTIFY_H
    if (w->inotify && !watch_inotify_sync(w)) {
        use_polling(w);
        return;
    }
#endif
    if (!w->inotify) watch_poll_snapshot(w);
}

int env_watch_fd(const env_watch *w)
{
    return w->inotify ? w->fd : -1;
}

int env_watch_timeout_ms(const env_watch *w)
{
    if (w->inotify) return -1;
    int64_t left = w->next_poll_ms - env_watch_now_ms();
    return left < 0 ? 0 : (int)left;
}

size_t env_watch_read(env_watch *w, env_watch_fn fn, void *ctx)
{
#ifdef HAVE_SYS_INOTIFY_H
    if (w->inotify) {
        size_t n = watch_inotify_read(w, fn, ctx);
        if (w->inotify) return n;
        /* It ran out of watches for a new folder: from now on, polling (everything may have changed). */
        use_polling(w);
        fn(ctx, ENV_WATCH_OVERFLOW, "");
        return n + 1;
    }
#endif
    if (env_watch_now_ms() < w->next_poll_ms) return 0;
    return watch_poll_read(w, fn, ctx);
}

bool env_watch_git_busy(const env_watch *w)
{
    if (!w->git_dir) return false;
    static const char *const locks[] = { "index.lock", "HEAD.lock" };
    for (size_t i = 0; i < 2; i++) {
        char *path = svc_xasprintf("%s%s", w->git_dir, locks[i]);
        struct stat st;
        bool exists = lstat(path, &st) == 0;
        free(path);
        if (exists) return true;
    }
    return false;
}

const char *env_watch_method(const env_watch *w)
{
    return w->inotify ? "inotify" : "polling";
}

const char *env_watch_take_note(env_watch *w)
{
    if (!w->note[0] || w->note_taken) return NULL;
    w->note_taken = true;
    return w->note;
}
