/* The explorer: start-up, loading, the main loop (terminal or script input), and the end. */
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "env/environment.h"
#include "env/print_error.h"
#include "svcscope/quote.h"
#include "tui/app.h"
#include "tui/dispatch.h"
#include "tui/frame.h"
#include "tui/highlight.h"
#include "tui/screen_dump.h"
#include "tui/terminal.h"
#include "tui/text.h"
#include "tui/theme.h"
#include "tui/view_table.h"

#define LOADING_POLL_MS 100
/* How long `:wait-live` waits for a change to be seen and its reload to start. */
#define SCRIPT_LIVE_LIMIT_MS 5000

/*
 * Takes a finished load (waiting for it when asked) and shows it in every pane. Not while a fix
 * preview is open: it holds findings of the project on screen, so the load waits until it closes.
 */
static void take_load(tui_app *app, bool wait)
{
    tui_project *project = NULL;
    svc_error err = SVC_ERROR_INIT;
    if (app->fix.state == FIX_VIEW_PREVIEW) return;
    if (!app->loader || !tui_loader_finish(app->loader, wait, &project, &err)) return;
    app->loader = NULL;
    char reloaded[sizeof app->live.loading];
    tui_live_take_summary(app, reloaded, sizeof reloaded);
    app_redraw(app, TUI_REACT_ALL);
    unsigned batches = app->loading_batches;
    if (app->reload_pending) {
        /* This load may have read the files before they changed: read them again. */
        app->reload_pending = false;
        app_reload(app);
    }
    if (!project) {
        snprintf(app->load_error, sizeof app->load_error, "%s", err.message);
        app_message(app, true, "could not load: %s", err.message);
        tui_live_project_loaded(app);
        return;
    }
    app->load_error[0] = '\0';
    tui_project *old = app->project;
    app->project = project;
    app->last_step.index = -1;   /* an index into the findings of the project gone */
    /* The fixes applied before this load started are in its files: their findings are gone. */
    app->fixlog.reloaded = batches;
    for (int p = 0; p < TUI_PANE_COUNT; p++)
        if (app->panes[p].ops->set_project) app->panes[p].ops->set_project(&app->panes[p], project);
    for (int o = 0; o < TUI_OVERLAY_COUNT; o++)
        if (app->overlays[o].ops->set_project) app->overlays[o].ops->set_project(&app->overlays[o], project);
    /* The tree's width may follow its names, which this project's are. */
    app_relayout(app);
    const tree_node *selected = tree_view_selected(&app->tree);
    /* The panes keep what they showed: the tree selection is already followed. */
    app->followed_node = old && selected ? (long)(selected - app->tree.model.items) : -1;
    tui_project_free(old);
    tui_live_project_loaded(app);
    if (reloaded[0]) app_message(app, false, "reloaded: %s", reloaded);
}

/* ---- input ------------------------------------------------------------------------------------ */

/*
 * Waits for a key, or for what else has to be shown: a load's progress, a change the watcher saw
 * (live.h). With nothing going on it blocks: no CPU while idle. Curses reads the terminal
 * itself, so an inotify descriptor is waited on with the terminal's by poll(), and curses then
 * asked without waiting; keys it already holds (several read at once) are taken first. Without
 * a descriptor (polling, as on macOS, whose poll() does not take terminals) curses waits alone,
 * until the next look of the watcher at the latest.
 */
static int wait_key(tui_app *app, wint_t *wch)
{
    int wait = app->loader ? LOADING_POLL_MS : -1;
    int live_wait = tui_live_timeout_ms(app);
    if (live_wait >= 0 && (wait < 0 || live_wait < wait)) wait = live_wait;
    int live_fd = tui_live_fd(app);
    if (live_fd < 0) {
        timeout(wait);
        return get_wch(wch);
    }
    timeout(0);
    int rc = get_wch(wch);
    if (rc != ERR) return rc;
    /* A signal (SIGWINCH: curses then has KEY_RESIZE) ends the wait too. */
    struct pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 }, { live_fd, POLLIN, 0 } };
    poll(fds, 2, wait);
    return get_wch(wch);
}

static void read_terminal(tui_app *app)
{
    wint_t wch;
    int rc = wait_key(app, &wch);
    if (rc == ERR) return;
    if (rc == KEY_CODE_YES) {
        if (wch == KEY_RESIZE) {
            app_relayout(app);
            return;
        }
        if (wch == KEY_MOUSE) {
            dispatch_mouse(app);
            return;
        }
        dispatch_key(app, tui_key_normalize(TUI_KEY_FN((int)wch)));
        return;
    }
    dispatch_key(app, tui_key_normalize((int)wch));
}

/* One step of the script; false (with why) when the script is wrong or a dump fails. */
static bool run_script_step(tui_app *app, char *why, size_t size)
{
    tui_step step;
    if (!tui_script_next(app->script, &step, why, size)) return false;
    switch (step.kind) {
    case TUI_STEP_KEY: dispatch_key(app, step.key); break;
    case TUI_STEP_SAVE_DISPLAY:
    case TUI_STEP_SAVE_ATTRS:
        if (tui_screen_dump(step.arg, step.kind == TUI_STEP_SAVE_ATTRS) < 0) {
            snprintf(why, size, "cannot write %s", step.arg);
            return false;
        }
        break;
    case TUI_STEP_WAIT_LOADED:
        /* Every load under way (a fix applied during a load starts another after it); none while
         * a fix preview is open, which keeps the project on screen. */
        while (app->loader && app->fix.state != FIX_VIEW_PREVIEW) take_load(app, true);
        break;
    case TUI_STEP_WAIT_LIVE:
        /* The watcher's changes (after :exec), debounced, then their load taken as above. */
        if (!tui_live_wait_reload(app, SCRIPT_LIVE_LIMIT_MS, why, size)) return false;
        while (app->loader && app->fix.state != FIX_VIEW_PREVIEW) take_load(app, true);
        break;
    case TUI_STEP_RESIZE:
        tui_term_resize(step.cols, step.lines);
        app_relayout(app);
        break;
    case TUI_STEP_EXEC: {
        /* Tests change files between keys with it (docs/tui-tests.md). */
        fflush(NULL);
        int rc = system(step.arg);
        if (rc != 0) {
            int status = rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
            snprintf(why, size, "%s: :exec %s failed (status %d)", tui_script_where(app->script), step.arg, status);
            return false;
        }
        break;
    }
    case TUI_STEP_END: app->quit = true; break;
    }
    return true;
}

static int main_loop(tui_app *app, char *why, size_t size)
{
    while (!app->quit) {
        /* While a load runs, its progress shows. */
        if (app->loader) app_redraw(app, TUI_REACT_ALL);
        /* Scripts take the watcher's changes at :wait-live only, so screens do not depend on timing. */
        if (!app->headless) tui_live_tick(app);
        take_load(app, false);
        frame_draw(app);
        if (!app->headless) read_terminal(app);
        else if (!run_script_step(app, why, size)) return 2;
    }
    return 0;
}

/* ---- start and end ---------------------------------------------------------------------------- */

static void app_free(tui_app *app)
{
    tui_views_free(app);
    jumps_free(&app->jumps);
    tui_message_log_free(&app->message_log);
    tui_fix_log_free(&app->fixlog);
    tui_project_free(app->project);
    tui_loader_abandon(app->loader);
    tui_live_free(&app->live);
    tui_script_free(app->script);
    tui_highlight_cleanup();
}

static bool use_color(const tui_options *opts)
{
    const char *no_color = getenv("NO_COLOR");
    return !opts->no_color && !(no_color && *no_color);
}

static int run(const char *path, const tui_options *opts, svc_theme theme, svc_layout_sizes sizes)
{
    tui_app app;
    memset(&app, 0, sizeof app);
    app.opts = opts ? *opts : (tui_options)TUI_OPTIONS_INIT;
    app.root = path;
    app.followed_node = -1;
    app.last_step.index = -1;
    app.focus = TUI_PANE_TREE;
    app.zoomed = TUI_PANE_COUNT;
    app.sizes = sizes;
    app.drag.band = -1;
    tui_views_init(&app);
    app.source.cover = (tui_view){ .ops = &overview_view_ops, .state = &app.overview };
    overview_view_ops.init(&app.source.cover);
    app.source.log = &app.fixlog;
    app.problems.log = &app.fixlog;
    app.live.off = app.opts.no_watch;
    app.on_load_start = tui_live_load_started;

    char why[1200] = "";
    tui_term_options to = { false, 80, 24 };
    const char *script = getenv("SVCSCOPE_SCRIPT");
    if (script && *script) {
        to.headless = app.headless = true;
        const char *size = getenv("SVCSCOPE_SCREEN");
        if (size && *size && !tui_parse_size(size, &to.cols, &to.lines)) {
            env_print_error("SVCSCOPE_SCREEN must be COLSxLINES, like 80x24 (not '%s')", size);
            return 2;
        }
        app.script = tui_script_open(script, why, sizeof why);
        if (!app.script) {
            env_print_error("SVCSCOPE_SCRIPT: %s", why);
            return 2;
        }
    }
    setlocale(LC_ALL, "");
    tui_text_init();
    /* Loading starts before the terminal is set up: the first screen does not wait for it. */
    app_reload(&app);
    if (!tui_term_open(&to, why, sizeof why)) {
        app_free(&app);
        env_print_error("%s", why);
        return 2;
    }
    tui_theme_init(use_color(&app.opts), theme);
    app_relayout(&app);
    int rc = main_loop(&app, why, sizeof why);
    tui_term_close();
    app_free(&app);
    if (rc != 0) env_print_error("script: %s", why);
    return rc;
}

/*
 * The user settings ($XDG_CONFIG_HOME/svcscope/config.toml) and the keys they bind. A bad file
 * stops here, before the terminal is touched: the message names the file, the line and the key.
 */
static bool load_user_settings(svc_user_config *uc)
{
    svc_error err = SVC_ERROR_INIT;
    char why[1200];
    svc_user_config_init(uc);
    if (svc_user_config_load(uc, env_user_dirs(), &err) != SVC_OK) {
        env_print_error("%s", err.message);
        svc_user_config_free(uc);
        return false;
    }
    if (!tui_keys_init(uc, why, sizeof why)) {
        env_print_error("%s", why);
        svc_user_config_free(uc);
        tui_keys_free();
        return false;
    }
    return true;
}

int tui_run(const char *path, const tui_options *opts)
{
    svc_user_config uc;
    if (!load_user_settings(&uc)) return 2;
    svc_theme theme = uc.theme;
    svc_layout_sizes sizes = uc.layout;
    tui_options with_settings = opts ? *opts : (tui_options)TUI_OPTIONS_INIT;
    if (!uc.watch) with_settings.no_watch = true;
    svc_user_config_free(&uc);
    int rc = run(path, &with_settings, theme, sizes);
    tui_keys_free();
    return rc;
}
