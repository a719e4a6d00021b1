/* The explorer: start-up, the main loop (terminal or script), drawing the frame, dispatching keys. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/highlight.h"
#include "tui/screen_dump.h"
#include "tui/status.h"
#include "tui/terminal.h"
#include "tui/text.h"
#include "tui/theme.h"

#define LOADING_POLL_MS 100

void app_message(tui_app *app, bool is_error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->message, sizeof app->message, fmt, ap);
    va_end(ap);
    app->message_is_error = is_error;
}

void app_relayout(tui_app *app)
{
    tui_layout_compute(&app->layout, COLS, LINES, app->front, app->zoomed);
}

void app_focus(tui_app *app, tui_pane pane)
{
    app->focus = pane;
    app->front[pane >= TUI_PANE_PROBLEMS] = pane;
    if (app->zoomed != TUI_PANE_COUNT) app->zoomed = pane;
    app_relayout(app);
}

void app_reload(tui_app *app)
{
    if (app->loader) {
        app_message(app, false, "already loading");
        return;
    }
    svc_error err = SVC_ERROR_INIT;
    app->loader = tui_loader_start(app->root, &err);
    if (!app->loader) app_message(app, true, "%s", err.message);
}

/* Takes a finished load (waiting for it when asked) and shows it in every pane. */
static void take_load(tui_app *app, bool wait)
{
    tui_project *project = NULL;
    svc_error err = SVC_ERROR_INIT;
    if (!app->loader || !tui_loader_finish(app->loader, wait, &project, &err)) return;
    app->loader = NULL;
    if (!project) {
        snprintf(app->load_error, sizeof app->load_error, "%s", err.message);
        app_message(app, true, "could not load: %s", err.message);
        return;
    }
    app->load_error[0] = '\0';
    tui_project *old = app->project;
    app->project = project;
    tree_view_load(&app->tree, project);
    source_view_set_project(&app->source, project, app->layout.body[TUI_PANE_SOURCE]);
    problems_view_set_project(&app->problems, project);
    callers_view_set_project(&app->callers, project);
    const tree_node *selected = tree_view_selected(&app->tree);
    /* The panes keep what they showed: the tree selection is already followed. */
    app->followed_node = old && selected ? (long)(selected - app->tree.model.items) : -1;
    tui_project_free(old);
}

/* ---- drawing -------------------------------------------------------------------------------- */

static tui_scope scope_of(tui_pane pane)
{
    static const tui_scope scopes[TUI_PANE_COUNT] = { TUI_SCOPE_TREE, TUI_SCOPE_SOURCE, TUI_SCOPE_PROBLEMS,
                                                      TUI_SCOPE_CALLERS };
    return pane < TUI_PANE_COUNT ? scopes[pane] : TUI_SCOPE_GLOBAL;
}

static void pane_info(tui_app *app, tui_pane pane, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!app->project) return;
    switch (pane) {
    case TUI_PANE_TREE: tree_view_title(&app->tree, buf, size); break;
    case TUI_PANE_SOURCE: source_view_title(&app->source, buf, size); break;
    case TUI_PANE_PROBLEMS: problems_view_title(&app->problems, buf, size); break;
    case TUI_PANE_CALLERS: callers_view_title(&app->callers, buf, size); break;
    case TUI_PANE_COUNT: break;
    }
}

static void draw_title(tui_app *app, tui_pane pane)
{
    tui_rect r = app->layout.title[pane];
    attr_t attr = tui_attr(app->focus == pane ? TUI_EL_TITLE_FOCUS : TUI_EL_TITLE);
    tui_fill(r.y, r.x, r.w, attr);
    char name[64];
    if (app->layout.tabbed[pane]) {
        /* Two panes share this place: both names, the one shown in brackets. */
        tui_pane first = pane <= TUI_PANE_SOURCE ? TUI_PANE_TREE : TUI_PANE_PROBLEMS;
        tui_pane second = tui_pane_partner(first);
        snprintf(name, sizeof name, " %s%s%s %s%s%s", first == pane ? "[" : "", tui_pane_name(first),
                 first == pane ? "]" : "", second == pane ? "[" : "", tui_pane_name(second), second == pane ? "]" : "");
    } else {
        snprintf(name, sizeof name, " %s%s", tui_pane_name(pane), app->zoomed == pane ? " (zoomed, z restores)" : "");
    }
    int x = tui_put(r.y, r.x, r.w, name, attr);
    char info[600];
    pane_info(app, pane, info, sizeof info);
    if (info[0] && r.w - x > 4) {
        x += tui_put(r.y, r.x + x, r.w - x, "  ", attr);
        tui_put_tail(r.y, r.x + x, r.w - x - 1, info, attr);
    }
}

static void draw_loading(tui_app *app, tui_rect r)
{
    for (int i = 0; i < r.h; i++) tui_fill(r.y + i, r.x, r.w, tui_attr(TUI_EL_NORMAL));
    if (r.h < 1) return;
    if (app->load_error[0] && !app->loader) {
        const char *msg = app->load_error;
        size_t n = strlen(msg), at = 0;
        int row = 0;
        tui_put(r.y + row++, r.x + 1, r.w - 1, "Could not load the repository:", tui_attr(TUI_EL_ERROR));
        while (at < n && row < r.h - 1) {
            size_t part = tui_wrap(msg + at, n - at, r.w - 2);
            tui_putn(r.y + row++, r.x + 1, r.w - 1, msg + at, part, tui_attr(TUI_EL_NORMAL));
            at += part;
            while (at < n && msg[at] == ' ') at++;
        }
        if (row < r.h) tui_put(r.y + row, r.x + 1, r.w - 1, "R tries again, q quits.", tui_attr(TUI_EL_NOTE));
        return;
    }
    tui_put(r.y, r.x + 1, r.w - 1, "Loading ", tui_attr(TUI_EL_NORMAL));
    tui_put_tail(r.y, r.x + 9, r.w - 10, app->root, tui_attr(TUI_EL_BRANCH));
    if (app->loader && r.h > 1) {
        tui_load_status st;
        tui_loader_status(app->loader, &st);
        char line[128];
        if (st.phase == TUI_LOAD_PARSING && st.total)
            snprintf(line, sizeof line, "%s: %zu of %zu files", tui_load_phase_name(st.phase), st.done, st.total);
        else
            snprintf(line, sizeof line, "%s…", tui_load_phase_name(st.phase));
        tui_put(r.y + 1, r.x + 1, r.w - 1, line, tui_attr(TUI_EL_NOTE));
    }
}

static void draw_pane(tui_app *app, tui_pane pane)
{
    tui_rect r = app->layout.body[pane];
    bool focused = app->focus == pane;
    if (!app->project) {
        if (pane == TUI_PANE_TREE || app->zoomed == pane) draw_loading(app, r);
        else for (int i = 0; i < r.h; i++) tui_fill(r.y + i, r.x, r.w, tui_attr(TUI_EL_NORMAL));
        return;
    }
    switch (pane) {
    case TUI_PANE_TREE: tree_view_draw(&app->tree, r, focused); break;
    case TUI_PANE_SOURCE: source_view_draw(&app->source, r, focused); break;
    case TUI_PANE_PROBLEMS: problems_view_draw(&app->problems, r, focused); break;
    case TUI_PANE_CALLERS: callers_view_draw(&app->callers, r, focused); break;
    case TUI_PANE_COUNT: break;
    }
}

static void draw_separators(const tui_layout *l)
{
    const char *bar = tui_glyph("│", "|");
    int bands[2][2] = { { 0, l->top_h }, { l->top_h, l->status_row } };
    for (int b = 0; b < 2; b++) {
        if (l->separator_x[b] < 0) continue;
        for (int y = bands[b][0]; y < bands[b][1]; y++)
            tui_put(y, l->separator_x[b], 1, bar, tui_attr(y == bands[b][0] ? TUI_EL_TITLE : TUI_EL_SEPARATOR));
    }
}

static void draw_too_small(void)
{
    char lines[3][96];
    snprintf(lines[0], sizeof lines[0], "Terminal too small: %dx%d", COLS, LINES);
    snprintf(lines[1], sizeof lines[1], "svcscope needs %dx%d", TUI_MIN_COLS, TUI_MIN_LINES);
    snprintf(lines[2], sizeof lines[2], "enlarge it, or q to quit");
    int top = LINES > 3 ? (LINES - 3) / 2 : 0;
    for (int i = 0; i < 3 && top + i < LINES; i++) {
        int w = (int)tui_text_width(lines[i]);
        int x = w < COLS ? (COLS - w) / 2 : 0;
        tui_put(top + i, x, COLS - x, lines[i], tui_attr(i == 0 ? TUI_EL_ERROR : TUI_EL_NORMAL));
    }
}

static void draw_bottom(tui_app *app)
{
    tui_status st = { 0 };
    st.repo = app->project ? app->project->name : NULL;
    if (!st.repo) {
        const char *slash = strrchr(app->root, '/');
        st.repo = slash && slash[1] ? slash + 1 : app->root;
    }
    if (app->project) {
        st.branch = svc_source_branch(app->project->source);
        st.head = svc_source_head(app->project->source);
        st.counts = app->project->counts;
    }
    st.loading = app->loader != NULL;
    if (app->loader) tui_loader_status(app->loader, &st.load);
    st.message = app->message;
    st.message_is_error = app->message_is_error;
    tui_status_draw(app->layout.status_row, COLS, &st);
    if (app->prompt_open) {
        char label[64];
        snprintf(label, sizeof label, "Filter %s: ", app->prompt_pane == TUI_PANE_TREE ? "tree by name" : "problems");
        tui_prompt_draw(app->layout.hint_row, COLS, label, app->prompt);
    } else {
        tui_hints_draw(app->layout.hint_row, COLS, help_view_is_open(&app->help) ? TUI_SCOPE_GLOBAL : scope_of(app->focus));
    }
}

static void draw(tui_app *app)
{
    erase();
    if (app->layout.too_small) {
        draw_too_small();
        curs_set(0);
        refresh();
        return;
    }
    for (int p = 0; p < TUI_PANE_COUNT; p++) {
        if (!app->layout.shown[p]) continue;
        draw_pane(app, (tui_pane)p);
        draw_title(app, (tui_pane)p);
    }
    draw_separators(&app->layout);
    if (help_view_is_open(&app->help)) help_view_draw(&app->help, COLS, LINES);
    draw_bottom(app);
    curs_set(app->prompt_open ? 1 : 0);
    refresh();
}

/* ---- keys ------------------------------------------------------------------------------------- */

static void apply_filter(tui_app *app)
{
    if (app->prompt_pane == TUI_PANE_TREE) tree_view_set_filter(&app->tree, app->prompt);
    else problems_view_set_filter(&app->problems, app->prompt);
}

static void open_prompt(tui_app *app)
{
    app->prompt_pane = app->focus == TUI_PANE_PROBLEMS ? TUI_PANE_PROBLEMS : TUI_PANE_TREE;
    app_focus(app, app->prompt_pane);
    const char *current = app->prompt_pane == TUI_PANE_TREE ? app->tree.filter : app->problems.filter;
    snprintf(app->prompt, sizeof app->prompt, "%s", current);
    app->prompt_open = true;
}

static void prompt_key(tui_app *app, int key)
{
    size_t len = strlen(app->prompt);
    if (key == TUI_KEY_ESC) {
        app->prompt[0] = '\0';
        apply_filter(app);
        app->prompt_open = false;
    } else if (key == TUI_KEY_ENTER) {
        app->prompt_open = false;
        if (app->prompt_pane == TUI_PANE_TREE) app_follow_tree(app);
    } else if (key == TUI_KEY_FN(KEY_BACKSPACE)) {
        /* Drop the last code point, not the last byte. */
        while (len > 0 && ((unsigned char)app->prompt[len - 1] & 0xC0) == 0x80) len--;
        if (len > 0) len--;
        app->prompt[len] = '\0';
        apply_filter(app);
    } else if (key == 21) { /* Ctrl-U */
        app->prompt[0] = '\0';
        apply_filter(app);
    } else if (key == 3) { /* Ctrl-C */
        app->quit = true;
    } else if (!TUI_KEY_IS_FN(key) && key >= 32 && key != 127) {
        char utf8[5] = { 0 };
        uint32_t c = (uint32_t)key;
        if (c < 0x80) utf8[0] = (char)c;
        else if (c < 0x800) { utf8[0] = (char)(0xC0 | (c >> 6)); utf8[1] = (char)(0x80 | (c & 0x3F)); }
        else if (c < 0x10000) {
            utf8[0] = (char)(0xE0 | (c >> 12));
            utf8[1] = (char)(0x80 | ((c >> 6) & 0x3F));
            utf8[2] = (char)(0x80 | (c & 0x3F));
        } else {
            utf8[0] = (char)(0xF0 | (c >> 18));
            utf8[1] = (char)(0x80 | ((c >> 12) & 0x3F));
            utf8[2] = (char)(0x80 | ((c >> 6) & 0x3F));
            utf8[3] = (char)(0x80 | (c & 0x3F));
        }
        if (len + strlen(utf8) < sizeof app->prompt) {
            strcat(app->prompt, utf8);
            apply_filter(app);
        }
    }
}

static void cycle_focus(tui_app *app, int step)
{
    app_focus(app, (tui_pane)((app->focus + TUI_PANE_COUNT + step) % TUI_PANE_COUNT));
}

static void cancel(tui_app *app)
{
    if (app->focus == TUI_PANE_PROBLEMS && app->problems.filter[0]) problems_view_set_filter(&app->problems, "");
    else if (app->tree.filter[0]) tree_view_set_filter(&app->tree, "");
    else if (app->zoomed != TUI_PANE_COUNT) {
        app->zoomed = TUI_PANE_COUNT;
        app_relayout(app);
    }
    app->message[0] = '\0';
}

/* Requests that need no project. */
static bool global_request(tui_app *app, tui_request req)
{
    switch (req) {
    case TUI_REQ_QUIT: app->quit = true; return true;
    case TUI_REQ_HELP: help_view_open(&app->help); return true;
    case TUI_REQ_NEXT_PANE: cycle_focus(app, 1); return true;
    case TUI_REQ_PREV_PANE: cycle_focus(app, -1); return true;
    case TUI_REQ_RELOAD: app_reload(app); return true;
    case TUI_REQ_REDRAW: clearok(curscr, TRUE); return true;
    case TUI_REQ_SUSPEND: tui_term_suspend(); return true;
    case TUI_REQ_ZOOM:
        app->zoomed = app->zoomed == TUI_PANE_COUNT ? app->focus : TUI_PANE_COUNT;
        app_relayout(app);
        return true;
    case TUI_REQ_CANCEL: cancel(app); return true;
    default: return false;
    }
}

static void pane_request(tui_app *app, tui_request req)
{
    int height = app->layout.body[app->focus].h;
    switch (app->focus) {
    case TUI_PANE_TREE:
        if (tree_view_request(&app->tree, req, height)) app_follow_tree(app);
        break;
    case TUI_PANE_SOURCE:
        if (req == TUI_REQ_SOURCE_CALLERS) app_show_callers(app);
        else source_view_request(&app->source, req, app->layout.body[TUI_PANE_SOURCE]);
        break;
    case TUI_PANE_PROBLEMS:
        if (req == TUI_REQ_OPEN) {
            const svc_diagnostic *d = problems_view_selected(&app->problems);
            if (d) app_show_finding(app, d, true);
        } else {
            problems_view_request(&app->problems, req, height);
        }
        break;
    case TUI_PANE_CALLERS:
        if (req == TUI_REQ_OPEN_SITE) app_open_site(app);
        else callers_view_request(&app->callers, req, height);
        break;
    case TUI_PANE_COUNT: break;
    }
}

static void handle_key(tui_app *app, int key)
{
    if (app->layout.too_small) {
        if (tui_key_request(key, TUI_SCOPE_GLOBAL) == TUI_REQ_QUIT) app->quit = true;
        return;
    }
    if (app->prompt_open) {
        prompt_key(app, key);
        return;
    }
    app->message[0] = '\0';
    if (help_view_is_open(&app->help)) {
        if (help_view_request(&app->help, tui_key_request(key, TUI_SCOPE_GLOBAL), COLS, LINES))
            help_view_close(&app->help);
        return;
    }
    tui_request req = tui_key_request(key, scope_of(app->focus));
    if (req == TUI_REQ_NONE || global_request(app, req)) return;
    if (!app->project) {
        app_message(app, false, "still loading");
        return;
    }
    switch (req) {
    case TUI_REQ_FILTER: open_prompt(app); break;
    case TUI_REQ_NEXT_VIOLATION: app_next_finding(app, true); break;
    case TUI_REQ_PREV_VIOLATION: app_next_finding(app, false); break;
    case TUI_REQ_CALLERS: app_show_callers(app); break;
    case TUI_REQ_EDIT: app_edit(app); break;
    case TUI_REQ_FIX: app_fix(app); break;
    default: pane_request(app, req); break;
    }
}

/* ---- mouse ------------------------------------------------------------------------------------ */

static void mouse_click(tui_app *app, tui_pane pane, int row, bool twice)
{
    tui_rect r = app->layout.body[pane];
    switch (pane) {
    case TUI_PANE_TREE:
        tree_view_click(&app->tree, row, r.h, twice);
        app_follow_tree(app);
        break;
    case TUI_PANE_SOURCE: source_view_click(&app->source, row, r); break;
    case TUI_PANE_PROBLEMS:
        if (tui_list_click(&app->problems.list, row) && twice) pane_request(app, TUI_REQ_OPEN);
        break;
    case TUI_PANE_CALLERS:
        if (tui_list_click(&app->callers.list, row) && twice) app_open_site(app);
        break;
    case TUI_PANE_COUNT: break;
    }
}

static void mouse_wheel(tui_app *app, tui_pane pane, long delta)
{
    tui_rect r = app->layout.body[pane];
    switch (pane) {
    case TUI_PANE_TREE: tree_view_scroll(&app->tree, delta, r.h); break;
    case TUI_PANE_SOURCE: source_view_scroll(&app->source, delta, r); break;
    case TUI_PANE_PROBLEMS: tui_list_scroll(&app->problems.list, delta, r.h); break;
    case TUI_PANE_CALLERS: tui_list_scroll(&app->callers.list, delta, r.h); break;
    case TUI_PANE_COUNT: break;
    }
}

static void handle_mouse(tui_app *app)
{
    MEVENT ev;
    if (getmouse(&ev) != OK || app->layout.too_small || app->prompt_open || help_view_is_open(&app->help)) return;
    bool on_title = false;
    tui_pane pane = tui_layout_pane_at(&app->layout, ev.y, ev.x, &on_title);
    if (pane == TUI_PANE_COUNT || !app->project) return;
    long wheel = 0;
    if (ev.bstate & BUTTON4_PRESSED) wheel = -3;
#ifdef BUTTON5_PRESSED
    if (ev.bstate & BUTTON5_PRESSED) wheel = 3;
#endif
    if (wheel) {
        mouse_wheel(app, pane, wheel);
        return;
    }
    if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED))) return;
    if (on_title) {
        /* A shared place's title switches to the other pane; any title focuses its pane. */
        app_focus(app, app->layout.tabbed[pane] && app->focus == pane ? tui_pane_partner(pane) : pane);
        return;
    }
    app_focus(app, pane);
    mouse_click(app, pane, ev.y - app->layout.body[pane].y, (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0);
}

/* ---- input ------------------------------------------------------------------------------------ */

static void read_terminal(tui_app *app)
{
    /* Block while idle; poll while a load runs so its progress and completion show. */
    timeout(app->loader ? LOADING_POLL_MS : -1);
    wint_t wch;
    int rc = get_wch(&wch);
    if (rc == ERR) return;
    if (rc == KEY_CODE_YES) {
        if (wch == KEY_RESIZE) {
            app_relayout(app);
            return;
        }
        if (wch == KEY_MOUSE) {
            handle_mouse(app);
            return;
        }
        handle_key(app, tui_key_normalize(TUI_KEY_FN((int)wch)));
        return;
    }
    handle_key(app, tui_key_normalize((int)wch));
}

/* One step of the script; false (with why) when the script is wrong or a dump fails. */
static bool run_script_step(tui_app *app, char *why, size_t size)
{
    tui_step step;
    if (!tui_script_next(app->script, &step, why, size)) return false;
    switch (step.kind) {
    case TUI_STEP_KEY: handle_key(app, step.key); break;
    case TUI_STEP_SAVE_DISPLAY:
    case TUI_STEP_SAVE_ATTRS:
        if (tui_screen_dump(step.arg, step.kind == TUI_STEP_SAVE_ATTRS) < 0) {
            snprintf(why, size, "cannot write %s", step.arg);
            return false;
        }
        break;
    case TUI_STEP_WAIT_LOADED: take_load(app, true); break;
    case TUI_STEP_RESIZE:
        tui_term_resize(step.cols, step.lines);
        app_relayout(app);
        break;
    case TUI_STEP_END: app->quit = true; break;
    }
    return true;
}

static int main_loop(tui_app *app, char *why, size_t size)
{
    while (!app->quit) {
        take_load(app, false);
        draw(app);
        if (!app->headless) read_terminal(app);
        else if (!run_script_step(app, why, size)) return 2;
    }
    return 0;
}

/* ---- start and end ---------------------------------------------------------------------------- */

static void app_free(tui_app *app)
{
    tree_view_free(&app->tree);
    source_view_free(&app->source);
    problems_view_free(&app->problems);
    callers_view_free(&app->callers);
    help_view_close(&app->help);
    tui_project_free(app->project);
    tui_loader_abandon(app->loader);
    tui_script_free(app->script);
    tui_highlight_cleanup();
}

static bool use_color(const tui_options *opts)
{
    const char *no_color = getenv("NO_COLOR");
    return !opts->no_color && !(no_color && *no_color);
}

int tui_run(const char *path, const tui_options *opts)
{
    const char *bad = NULL;
    if (!tui_keys_init(&bad)) {
        fprintf(stderr, "svcscope: bad default key in \"%s\"\n", bad ? bad : "");
        return 2;
    }
    tui_app app;
    memset(&app, 0, sizeof app);
    app.opts = opts ? *opts : (tui_options)TUI_OPTIONS_INIT;
    app.root = path;
    app.followed_node = -1;
    app.focus = TUI_PANE_TREE;
    app.front[0] = TUI_PANE_TREE;
    app.front[1] = TUI_PANE_PROBLEMS;
    app.zoomed = TUI_PANE_COUNT;
    source_view_init(&app.source);
    problems_view_init(&app.problems);
    callers_view_init(&app.callers);

    char why[1200] = "";
    tui_term_options to = { false, 80, 24 };
    const char *script = getenv("SVCSCOPE_SCRIPT");
    if (script && *script) {
        to.headless = app.headless = true;
        const char *size = getenv("SVCSCOPE_SCREEN");
        if (size && *size && !tui_parse_size(size, &to.cols, &to.lines)) {
            fprintf(stderr, "svcscope: SVCSCOPE_SCREEN must be COLSxLINES, like 80x24 (not '%s')\n", size);
            return 2;
        }
        app.script = tui_script_open(script, why, sizeof why);
        if (!app.script) {
            fprintf(stderr, "svcscope: SVCSCOPE_SCRIPT: %s\n", why);
            return 2;
        }
    }
    setlocale(LC_ALL, "");
    tui_text_init();
    /* Loading starts before the terminal is set up: the first screen does not wait for it. */
    app_reload(&app);
    if (!tui_term_open(&to, why, sizeof why)) {
        app_free(&app);
        fprintf(stderr, "svcscope: %s\n", why);
        return 2;
    }
    tui_theme_init(use_color(&app.opts));
    app_relayout(&app);
    int rc = main_loop(&app, why, sizeof why);
    tui_term_close();
    app_free(&app);
    if (rc != 0) fprintf(stderr, "svcscope: script: %s\n", why);
    return rc;
}
