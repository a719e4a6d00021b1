/*
 * Live reload: the explorer follows the repository. Changes seen by the watcher (env/watch.h)
 * are sorted (a file of the project or a new Python file, a folder, the git index, HEAD),
 * debounced (LIVE_DEBOUNCE_MS after the last, at most LIVE_MAX_DELAY_MS after the first, so a
 * checkout of 500 files loads once; while git holds its index or HEAD lock, until it is done) and reloaded through the same load as `R` (which the facts
 * cache makes cheap); the status line then says what was reloaded. An open fix preview whose
 * files changed says so and refuses to apply. Off with --no-watch or `watch = false`.
 */
#ifndef SVCSCOPE_TUI_LIVE_H
#define SVCSCOPE_TUI_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "env/watch.h"

#define LIVE_DEBOUNCE_MS 200
#define LIVE_MAX_DELAY_MS 800
/* While a git command holds its lock (a checkout writing 500 files on a slow disk), longer. */
#define LIVE_GIT_BUSY_MAX_DELAY_MS 5000

typedef struct svc_map svc_map;

/* What changed since the last reload was asked. */
typedef struct live_changes {
    svc_map *files;              /* changed paths (relevant ones), or NULL when none */
    char first[256];             /* the first of them */
    bool folders, index, head, overflow;
} live_changes;

typedef struct tui_live {
    bool off;                    /* --no-watch, or the user config */
    env_watch *watch;            /* NULL until the first load, or when off */
    char *root;                  /* the folder it watches */
    bool pending;                /* changes seen, their reload not asked yet */
    int64_t first_ms, last_ms;   /* when the first and the last of them came */
    bool git_busy;               /* a git command was still writing when they were due */
    live_changes seen;
    bool asked;                  /* a reload of them was asked: the next load says what it reloads */
    bool own_change;             /* the explorer changed files (a fix; set by app_reload_after_change): the next
                                    load says nothing of it */
    char loading[200];           /* what the load under way will say when it is taken, or "" */
} tui_live;

struct tui_app;

/* After each load taken (or failed): starts watching (the first time) and watches the project's files. */
void tui_live_project_loaded(struct tui_app *app);
/* When a load starts: what it will read covers every change seen until now. */
void tui_live_load_started(struct tui_app *app);
/* What the load just finished was for ("" when not a live reload), into out; forgets it. */
void tui_live_take_summary(struct tui_app *app, char *out, size_t size);

/* The descriptor to wait on with the terminal's, or -1. */
int tui_live_fd(const struct tui_app *app);
/* How long the main loop may block before tui_live_tick has work: -1 for as long as it likes. */
int tui_live_timeout_ms(const struct tui_app *app);
/* Reads the changes and asks for a reload when they have settled. True when it asked one. */
bool tui_live_tick(struct tui_app *app);
/* For scripts (`:wait-live`): waits up to `limit_ms` for changes and their reload to start. */
bool tui_live_wait_reload(struct tui_app *app, int limit_ms, char *why, size_t size);

void tui_live_free(tui_live *live);

#endif
