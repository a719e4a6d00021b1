/* Live reload (live.h): sorting the watcher's changes, debouncing them, asking for the reload. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env/environment.h"
#include "svcscope/source.h"
#include "svcscope/util.h"
#include "tui/app.h"
#include "tui/live.h"

static void forget_changes(live_changes *c)
{
    svc_map_free(c->files);
    memset(c, 0, sizeof *c);
}

void tui_live_free(tui_live *live)
{
    env_watch_free(live->watch);
    live->watch = NULL;
    free(live->root);
    live->root = NULL;
    forget_changes(&live->seen);
}

/* A change of a file the project listed, or of one it would read (a new module, the settings);
 * not an editor's swap, backup or lock file beside them. */
static bool file_matters(const tui_project *project, const char *path)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    if (strncmp(name, ".#", 2) == 0 || svc_str_ends_with(name, "~") || svc_str_ends_with(name, ".pyc")) return false;
    if (project && svc_source_find(project->source, path) >= 0) return true;
    return svc_str_ends_with(name, ".py") || svc_str_ends_with(name, ".pyi") || strcmp(name, "pyproject.toml") == 0 ||
           strcmp(name, ".gitignore") == 0;
}

/* A fix preview shows what would be written to files as they were: once one of them (or the
 * index it would stage into) changes, applying it would be refused, so it says so now. */
static void check_preview(tui_app *app, env_watch_change change, const char *path)
{
    fix_view *v = &app->fix;
    if (v->state != FIX_VIEW_PREVIEW || v->stale) return;
    bool touched = change == ENV_WATCH_OVERFLOW || change == ENV_WATCH_HEAD ||
                   (change == ENV_WATCH_FILE && fix_view_names_file(v, path));
    if (!touched) return;
    fix_view_mark_stale(v, change == ENV_WATCH_FILE ? path : NULL);
    app_message(app, true, "files changed since this preview: it cannot be applied (the preview says more)");
    app_redraw(app, TUI_REACT_ALL);
}

static void on_change(void *ctx, env_watch_change change, const char *path)
{
    tui_app *app = ctx;
    tui_live *live = &app->live;
    live_changes *c = &live->seen;
    switch (change) {
    case ENV_WATCH_FILE:
        if (!file_matters(app->project, path)) return;
        if (!c->files) c->files = svc_map_new();
        if (!c->first[0]) snprintf(c->first, sizeof c->first, "%s", path);
        svc_map_put(c->files, path, (void *)1);
        break;
    case ENV_WATCH_FOLDER: c->folders = true; break;
    case ENV_WATCH_INDEX: c->index = true; break;
    case ENV_WATCH_HEAD: c->head = true; break;
    case ENV_WATCH_OVERFLOW: c->overflow = true; break;
    }
    check_preview(app, change, path);
    int64_t now = env_watch_now_ms();
    if (!live->pending) live->first_ms = now;
    live->pending = true;
    live->last_ms = now;
}

/* "HEAD moved, 3 files changed": what a reload of these changes reloads, short enough for the
 * status line beside the counts. */
static void describe(const live_changes *c, char *out, size_t size)
{
    out[0] = '\0';
    if (c->overflow) {
        snprintf(out, size, "many changes at once");
        return;
    }
    size_t nfiles = c->files ? svc_map_count(c->files) : 0;
    char files[300] = "";
    if (nfiles == 1 && !c->head) snprintf(files, sizeof files, "%s changed", c->first);
    else if (nfiles) snprintf(files, sizeof files, "%zu file%s changed", nfiles, nfiles == 1 ? "" : "s");
    /* HEAD moving rewrites the index too: saying it would add nothing. */
    const char *parts[] = { c->head ? "HEAD moved" : "", files, c->folders && !nfiles ? "folders changed" : "",
                            c->index && !c->head ? "git index changed" : "" };
    size_t len = 0;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (!*parts[i] || len >= size) continue;
        int n = snprintf(out + len, size - len, "%s%s", len ? ", " : "", parts[i]);
        if (n > 0) len += (size_t)n;
    }
}

static void read_changes(tui_app *app)
{
    if (!app->live.watch) return;
    env_watch_read(app->live.watch, on_change, app);
    const char *note = env_watch_take_note(app->live.watch);
    if (note) app_message(app, true, "%s", note);
}

/* Starts watching `root`; false (and off, said once) when it cannot be watched at all. */
static bool open_watch(tui_app *app, const char *root, const char *git_dir)
{
    tui_live *live = &app->live;
    char why[600];
    env_watch_options opts = { env_get()->watch_poll, env_get()->watch_limit };
    live->watch = env_watch_open(root, git_dir, &opts, why, sizeof why);
    if (!live->watch) {
        app_message(app, true, "not following changes: %s", why);
        live->off = true;
        return false;
    }
    live->root = svc_xstrdup(root);
    return true;
}

void tui_live_project_loaded(tui_app *app)
{
    tui_live *live = &app->live;
    if (live->off) return;
    /* Before a first load that worked, the folder alone: fixing what stopped it reloads. */
    const svc_source *src = app->project ? app->project->source : NULL;
    const char *root = src ? svc_source_root(src) : app->root;
    if (live->watch && strcmp(live->root, root) != 0) {
        env_watch_free(live->watch);
        live->watch = NULL;
        free(live->root);
        live->root = NULL;
    }
    bool opened = !live->watch;
    if (opened && !open_watch(app, root, src ? svc_source_git_dir(src) : NULL)) return;
    if (src) {
        env_watch_begin_files(live->watch);
        for (size_t i = 0; i < svc_source_count(src); i++) env_watch_add_file(live->watch, svc_source_at(src, i)->path);
        env_watch_end_files(live->watch);
    }
    /* What changed while this first load ran, before anything was watched: the listing says how
     * each file was when the load began. */
    for (size_t i = 0; opened && src && i < svc_source_count(src); i++) {
        const svc_source_file *f = svc_source_at(src, i);
        if (f->has_stat && env_watch_file_changed(live->watch, f->path, f->mtime_ns, f->ctime_ns)) {
            on_change(app, ENV_WATCH_FILE, f->path);
            break;
        }
    }
    const char *note = env_watch_take_note(live->watch);
    if (note) app_message(app, true, "%s", note);
}

void tui_live_load_started(tui_app *app)
{
    tui_live *live = &app->live;
    read_changes(app);
    /* A load the user asked for (R), or after the explorer's own change, says nothing of them. */
    if (live->asked && !live->own_change) describe(&live->seen, live->loading, sizeof live->loading);
    else live->loading[0] = '\0';
    live->own_change = live->asked = false;
    live->pending = live->git_busy = false;
    forget_changes(&live->seen);
}

void tui_live_take_summary(tui_app *app, char *out, size_t size)
{
    snprintf(out, size, "%s", app->live.loading);
    app->live.loading[0] = '\0';
}

int tui_live_fd(const tui_app *app)
{
    return app->live.watch ? env_watch_fd(app->live.watch) : -1;
}

/* When the changes seen are due to be reloaded. */
static int64_t due_ms(const tui_live *live)
{
    int64_t due = live->last_ms + LIVE_DEBOUNCE_MS;
    int64_t cap = live->first_ms + (live->git_busy ? LIVE_GIT_BUSY_MAX_DELAY_MS : LIVE_MAX_DELAY_MS);
    return due < cap ? due : cap;
}

int tui_live_timeout_ms(const tui_app *app)
{
    const tui_live *live = &app->live;
    if (!live->watch) return -1;
    int wait = env_watch_timeout_ms(live->watch);
    if (live->pending) {
        int64_t left = due_ms(live) - env_watch_now_ms();
        if (left < 0) left = 0;
        if (wait < 0 || left < wait) wait = (int)left;
    }
    return wait;
}

bool tui_live_tick(tui_app *app)
{
    tui_live *live = &app->live;
    if (!live->watch) return false;
    read_changes(app);
    if (!live->pending || tui_live_timeout_ms(app) > 0) return false;
    int64_t now = env_watch_now_ms();
    if (env_watch_git_busy(live->watch) && now < live->first_ms + LIVE_GIT_BUSY_MAX_DELAY_MS) {
        /* git is still writing: the rest of its changes are coming; look again a moment later. */
        live->git_busy = true;
        live->last_ms = now;
        return false;
    }
    /* The changes stay in live->seen until the load starts: it says what it reloads. */
    live->pending = live->git_busy = false;
    /* After the explorer's own change, the load it asked for reads these too. */
    if (live->own_change) return false;
    live->asked = true;
    if (app->loader) app->reload_pending = true;
    else app_reload(app);
    return true;
}

bool tui_live_wait_reload(tui_app *app, int limit_ms, char *why, size_t size)
{
    tui_live *live = &app->live;
    if (!live->watch) {
        snprintf(why, size, ":wait-live: the explorer is not following changes (--no-watch, or nothing loaded yet)");
        return false;
    }
    int64_t end = env_watch_now_ms() + limit_ms;
    for (;;) {
        if (tui_live_tick(app)) return true;
        int64_t now = env_watch_now_ms();
        if (now >= end) break;
        int wait = tui_live_timeout_ms(app);
        if (wait < 0 || wait > end - now) wait = (int)(end - now);
        struct pollfd p = { tui_live_fd(app), POLLIN, 0 };
        if (p.fd >= 0) {
            if (poll(&p, 1, wait) < 0 && errno != EINTR) break;
        } else {
            poll(NULL, 0, wait);
        }
    }
    snprintf(why, size, ":wait-live: no change was reloaded within %d ms", limit_ms);
    return false;
}
