/* What the two ways of watching (watch_inotify.c, watch_poll.c) share with watch.c. */
#ifndef SVCSCOPE_ENV_WATCH_INTERNAL_H
#define SVCSCOPE_ENV_WATCH_INTERNAL_H

#include <stdint.h>

#include "env/watch.h"
#include "svcscope/util.h"

/* What a stat said of a path, to tell when it changed (polling). */
typedef struct watch_stamp {
    bool exists;
    bool is_dir;
    int64_t mtime_ns, ctime_ns;
    uint64_t size, ino;
} watch_stamp;

typedef struct watch_entry {
    char *path;        /* relative to the root ("" is the root) */
    bool is_folder;
    watch_stamp stamp;
} watch_entry;

struct env_watch {
    char *root;                  /* absolute, no trailing '/' */
    char *git_dir;               /* with a trailing '/', or NULL */
    char *common_dir;            /* where refs live (the main git dir of a worktree), trailing '/', or NULL */
    bool inotify;                /* false: polling */
    char note[256];              /* why it polls although inotify was wanted, or "" */
    bool note_taken;

    SVC_VEC(char *) files;       /* the project's files (relative), as last given */
    SVC_VEC(char *) folders;     /* the folders holding them and their ancestors, "" first */
    svc_map *seen;               /* between begin_files and end_files: the folders already added */

    /* polling */
    SVC_VEC(watch_entry) entries;
    svc_map *known;              /* the paths of entries */
    watch_stamp git_stamps[4];   /* index, HEAD, packed-refs, the branch file */
    int64_t next_poll_ms;

    /* inotify */
    int fd;
    unsigned max_watches;        /* 0, or fewer watches than the kernel allows (tests) */
    unsigned nwatches;           /* watches added (one folder may count twice: it is an upper bound) */
    char **wd_folder;            /* by watch descriptor: relative folder, or NULL */
    size_t wd_cap;
    int git_wd;                  /* the git dir, or -1 */
    int common_wd;               /* the common dir (packed-refs) when it differs, or -1 */
    int *refs_wds;               /* folders under refs/heads */
    size_t nrefs_wds;
    char **refs_wd_prefix;       /* "refs/heads/..." of each, parallel to refs_wds */
};

/* A small file's first line, malloc'd without its newline, or NULL. */
char *watch_first_line(const char *path);
/* The ref HEAD names ("refs/heads/main"), malloc'd, or NULL when detached or unreadable. */
char *watch_head_ref(const env_watch *w);

/* Polling: takes a stamp of every path as things are now; reports what differs from the last. */
void watch_poll_snapshot(env_watch *w);
size_t watch_poll_read(env_watch *w, env_watch_fn fn, void *ctx);

/* inotify: false (with a note) when it cannot be used; then the caller polls. */
bool watch_inotify_start(env_watch *w);
/* Watches the folders of w->folders; false (with a note, inotify closed) when the limit is reached. */
bool watch_inotify_sync(env_watch *w);
size_t watch_inotify_read(env_watch *w, env_watch_fn fn, void *ctx);
void watch_inotify_stop(env_watch *w);

#endif
