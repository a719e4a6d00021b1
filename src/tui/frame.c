/* Drawing the frame: pane titles and bodies, separators, the bottom lines, overlays, "too small". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/frame.h"
#include "tui/hints_now.h"
#include "tui/status.h"
#include "tui/text.h"
#include "tui/theme.h"

static const char *pane_name(const tui_app *app, tui_pane pane)
{
    return app->panes[pane].ops->name;
}

/* What the pane's title says after its name. */
static void pane_info(tui_app *app, tui_pane pane, char *buf, size_t size)
{
    const tui_view *v = &app->panes[pane];
    buf[0] = '\0';
    if (app->project && v->ops->title) v->ops->title(v, buf, size);
}

static void draw_title(tui_app *app, tui_pane pane)
{
    tui_rect r = app->layout.title[pane];
    attr_t attr = tui_attr(app->focus == pane ? TUI_EL_TITLE_FOCUS : TUI_EL_TITLE);
    tui_fill(r.y, r.x, r.w, attr);
    char name[64];
    if (app->layout.tabbed[pane]) {
        /* Panes share this place: every name, the one shown in brackets. */
        size_t n = 0;
        for (int p = 0; p < TUI_PANE_COUNT && n < sizeof name; p++) {
            if (app->layout.group[p] != app->layout.group[pane]) continue;
            const char *before = p == (int)pane ? "[" : "", *after = p == (int)pane ? "]" : "";
            n += (size_t)snprintf(name + n, sizeof name - n, " %s%s%s", before, pane_name(app, (tui_pane)p), after);
        }
    } else {
        snprintf(name, sizeof name, " %s%s", pane_name(app, pane), app->zoomed == pane ? " (zoomed, z restores)" : "");
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
        char *say = tui_keys_say(app_scope(app, app->focus), 2, TUI_REQ_RELOAD, NULL, "tries again", TUI_REQ_QUIT, NULL,
                                 "quits");
        if (row < r.h && *say) {
            int x = tui_put(r.y + row, r.x + 1, r.w - 1, say, tui_attr(TUI_EL_NOTE));
            tui_put(r.y + row, r.x + 1 + x, r.w - 1 - x, ".", tui_attr(TUI_EL_NOTE));
        }
        free(say);
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

/* The lines under a list pane: its selected item whole, wrapped; the end cut with "…" when even they are short. */
static void draw_detail(tui_app *app, tui_pane pane)
{
    tui_rect r = app->layout.detail[pane];
    const tui_view *v = &app->panes[pane];
    if (r.h <= 0) return;
    for (int i = 0; i < r.h; i++) tui_fill(r.y + i, r.x, r.w, tui_attr(TUI_EL_DETAIL));
    char text[2048] = "";
    if (v->ops->detail) v->ops->detail(v, text, sizeof text);
    size_t n = strlen(text), at = 0;
    for (int row = 0; row < r.h && at < n; row++) {
        bool last = row == r.h - 1;
        int width = r.w - 2 - (last ? 2 : 0);
        size_t part = tui_wrap(text + at, n - at, width > 1 ? width : 1);
        int x = tui_putn(r.y + row, r.x + 1, r.w - 2, text + at, part, tui_attr(TUI_EL_DETAIL));
        at += part;
        while (at < n && text[at] == ' ') at++;
        if (last && at < n) tui_put(r.y + row, r.x + 1 + x + 1, r.w - 2 - x - 1, "…", tui_attr(TUI_EL_DETAIL));
    }
}

static void draw_pane(tui_app *app, tui_pane pane)
{
    tui_view *v = &app->panes[pane];
    tui_rect r = v->rect;
    if (!app->project) {
        /* The tree's place (or the pane zoomed) tells how the load goes. */
        if (pane == TUI_PANE_TREE || app->zoomed == pane) draw_loading(app, r);
        else for (int i = 0; i < r.h; i++) tui_fill(r.y + i, r.x, r.w, tui_attr(TUI_EL_NORMAL));
        return;
    }
    v->ops->draw(v, app->focus == pane);
    draw_detail(app, pane);
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
    char quit[64];
    if (tui_key_label(TUI_REQ_QUIT, TUI_SCOPE_GLOBAL, NULL, quit, sizeof quit))
        snprintf(lines[2], sizeof lines[2], "enlarge it, or %s to quit", quit);
    else
        snprintf(lines[2], sizeof lines[2], "enlarge it");
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
    /* The hint line is the one of the view that has the keys. */
    const tui_view *keys = app_top_overlay(app);
    if (!keys) keys = &app->panes[app->focus];
    if (keys->ops->hints) keys->ops->hints(keys, app->layout.hint_row, COLS);
    else if (keys != &app->panes[app->focus]) tui_hints_draw(app->layout.hint_row, COLS, keys->ops->scope, NULL, 0);
    else {
        tui_request now[TUI_HINTS_NOW_MAX];
        size_t n = app_hints_now(app, now, TUI_HINTS_NOW_MAX);
        tui_hints_draw(app->layout.hint_row, COLS, app_scope(app, app->focus), now, n);
    }
}

static void draw_all(tui_app *app)
{
    erase();
    if (app->layout.too_small) {
        draw_too_small();
        return;
    }
    for (int p = 0; p < TUI_PANE_COUNT; p++) {
        if (!app->layout.shown[p]) continue;
        draw_pane(app, (tui_pane)p);
        draw_title(app, (tui_pane)p);
    }
    draw_separators(&app->layout);
    for (int o = 0; o < TUI_OVERLAY_COUNT; o++) {
        tui_view *v = &app->overlays[o];
        if (v->ops->draw && v->ops->is_open(v)) v->ops->draw(v, true);
    }
    draw_bottom(app);
}

/* Blanks cells as erase() does, so that a pane drawn again looks as it would on a fresh screen. */
static void blank(tui_rect r)
{
    for (int i = 0; i < r.h; i++) tui_fill(r.y + i, r.x, r.w, A_NORMAL);
}

void frame_draw(tui_app *app)
{
    tui_reaction redraw = app->redraw;
    unsigned panes = app->redraw_panes;
    app->redraw = TUI_REACT_NONE;
    app->redraw_panes = 0;
    if (!redraw && !panes) return;
    /* Overlays lie over the panes and "too small" replaces them: such a frame is drawn whole. */
    if ((redraw & TUI_REACT_ALL) || app->layout.too_small || app_top_overlay(app)) {
        draw_all(app);
    } else {
        for (int p = 0; p < TUI_PANE_COUNT; p++) {
            if (!(panes & (1u << p)) || !app->layout.shown[p]) continue;
            blank(app->layout.title[p]);
            blank(app->layout.body[p]);
            draw_pane(app, (tui_pane)p);
            draw_title(app, (tui_pane)p);
        }
        draw_bottom(app);
    }
    const tui_view *top = app_top_overlay(app);
    curs_set(top && top->ops->cursor && !app->layout.too_small ? 1 : 0);
    refresh();
}
