/*
 * Watching a project for changes made by others (an editor, `git add`, `git checkout`), for the
 * explorer's live reload. Two ways behind one interface, because inotify is Linux's alone:
 *
 *   - inotify (watch_inotify.c, built where <sys/inotify.h> exists): a watch on each folder
 *     that holds a file of the project, on the git dir (for `index` and `HEAD`) and on its
 *     `refs/heads` folders. The kernel queues events; nothing runs while nothing changes.
 *   - polling (watch_poll.c, everywhere): every ENV_WATCH_POLL_MS, a stat of each file and
 *     folder the project listed, of the index, HEAD, packed-refs and the branch HEAD names.
 *     Used where inotify is missing or refuses (the per-user watch limit, ENOSPC), or when
 *     SVCSCOPE_WATCH=poll asks for it. A stat per file costs little (a few ms for 4,000 files)
 *     and needs no platform API (kqueue would need an open descriptor per file).
 *
 * The watcher reports raw changes, paths relative to the root; deciding what matters and when
 * to reload is the caller's (src/tui/live.c).
 */
#ifndef SVCSCOPE_ENV_WATCH_H
#define SVCSCOPE_ENV_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENV_WATCH_POLL_MS 1000

typedef enum env_watch_change {
    ENV_WATCH_FILE,       /* a file in the work tree was written, created, removed or renamed */
    ENV_WATCH_FOLDER,     /* a folder was created, removed or renamed */
    ENV_WATCH_INDEX,      /* the git index was written (`git add`, a commit, a checkout...) */
    ENV_WATCH_HEAD,       /* HEAD or the branch it names moved (checkout, commit, pull, reset) */
    ENV_WATCH_OVERFLOW,   /* too many changes to tell apart: everything may have changed */
} env_watch_change;

/* One change; `path` is relative to the root ("" for git changes and overflow). */
typedef void (*env_watch_fn)(void *ctx, env_watch_change change, const char *path);

typedef struct env_watch env_watch;

typedef struct env_watch_options {
    bool poll_only;          /* no inotify (SVCSCOPE_WATCH=poll) */
    unsigned max_watches;    /* 0, or a lower inotify watch limit than the kernel's (SVCSCOPE_DEBUG_WATCH_LIMIT) */
} env_watch_options;

/*
 * Starts watching the folder `root` (absolute) and, when `git_dir` is not NULL, the git files in
 * it. Never fails for want of inotify: it falls back to polling and says why in
 * env_watch_take_note. NULL (with why) only when `root` is not a folder.
 */
env_watch *env_watch_open(const char *root, const char *git_dir, const env_watch_options *opts, char *why, size_t size);
void env_watch_free(env_watch *w);

/* The project's files, after each load: folders holding them are watched (inotify) or the files
 * and folders stat'ed (polling). Call begin, add each path (relative, '/'-separated), then end. */
void env_watch_begin_files(env_watch *w);
void env_watch_add_file(env_watch *w, const char *path);
void env_watch_end_files(env_watch *w);

/* Whether the file `path` (relative) differs from what a listing's lstat saw (its times in ns): a
 * change made before the watch began, while the project loaded. */
bool env_watch_file_changed(const env_watch *w, const char *path, int64_t mtime_ns, int64_t ctime_ns);

/* The descriptor that becomes readable on a change, or -1 when polling. */
int env_watch_fd(const env_watch *w);
/* How long a caller may block before env_watch_read should look again: -1 (forever, the
 * descriptor wakes it) with inotify, the polling interval left otherwise. */
int env_watch_timeout_ms(const env_watch *w);
/* Reports the changes since the last call (without blocking); how many. */
size_t env_watch_read(env_watch *w, env_watch_fn fn, void *ctx);

/* A git command is writing (index.lock or HEAD.lock exists): what it changed is not complete yet. */
bool env_watch_git_busy(const env_watch *w);

/* Milliseconds of a monotonic clock (for debouncing). */
int64_t env_watch_now_ms(void);

/* "inotify" or "polling". */
const char *env_watch_method(const env_watch *w);
/* Why it polls when inotify was wanted ("inotify watch limit reached: polling every 1 s"), once: the
 * next call returns NULL. */
const char *env_watch_take_note(env_watch *w);

#endif
