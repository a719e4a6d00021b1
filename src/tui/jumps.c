/* The jump list: places recorded before jumps, and going back and forward between them. */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "tui/app.h"
#include "tui/jumps.h"

static void forget(tui_jump *p)
{
    free(p->path);
    free(p->tree_key);
    memset(p, 0, sizeof *p);
}

/* The tree node the other panes show: the one they followed last, else the one selected. */
static long shown_tree_node(const tui_app *app)
{
    if (app->followed_node >= 0 && (size_t)app->followed_node < app->tree.model.len) return app->followed_node;
    const tree_node *n = tree_view_selected(&app->tree);
    return n ? (long)(n - app->tree.model.items) : -1;
}

static tui_jump here(const tui_app *app)
{
    tui_jump p = { .focus = app->focus };
    const char *path = source_view_path(&app->source);
    if (path) {
        p.path = svc_xstrdup(path);
        p.line = app->source.cursor;
        p.top = app->source.top;
        p.hscroll = app->source.hscroll;
    }
    p.overview = app->source.covered;
    long node = shown_tree_node(app);
    if (node >= 0) p.tree_key = tree_model_key(&app->tree.model, (size_t)node);
    p.tree_top = app->tree.list.top;
    return p;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The same place for the list: the same pane, file and line (scroll aside). */
static bool same_place(const tui_jump *a, const tui_jump *b)
{
    return a->focus == b->focus && same_text(a->path, b->path) && a->line == b->line;
}

/* Appends a place, dropping the oldest when the list is full. */
static void append(tui_jumps *j, tui_jump p)
{
    if (j->len == TUI_JUMPS_MAX) {
        forget(&j->items[0]);
        memmove(j->items, j->items + 1, (TUI_JUMPS_MAX - 1) * sizeof *j->items);
        j->len--;
    }
    j->items[j->len++] = p;
}

static void replace(tui_jump *slot, tui_jump p)
{
    forget(slot);
    *slot = p;
}

void jumps_push(tui_app *app)
{
    tui_jumps *j = &app->jumps;
    while (j->len > j->at) forget(&j->items[--j->len]);
    tui_jump p = here(app);
    if (j->len && same_place(&j->items[j->len - 1], &p)) replace(&j->items[j->len - 1], p);
    else append(j, p);
    j->at = j->len;
}

static void restore(tui_app *app, const tui_jump *p)
{
    int tree_h = app->layout.body[TUI_PANE_TREE].h;
    if (p->tree_key && tree_view_reveal_key(&app->tree, p->tree_key, tree_h)) {
        app->tree.list.top = p->tree_top;
        tui_list_fit(&app->tree.list, tree_h);
        const tree_node *n = tree_view_selected(&app->tree);
        app->followed_node = n ? (long)(n - app->tree.model.items) : -1;
    }
    if (p->path) {
        long file = svc_model_file(app->project->model, p->path);
        if (file >= 0) {
            source_view_open(&app->source, file);
            source_view_restore(&app->source, p->line, p->top, p->hscroll, app->layout.body[TUI_PANE_SOURCE]);
        } else {
            app_message(app, false, "%s is not in the project any more", p->path);
        }
    }
    if (p->overview) app->source.covered = overview_view_show(&app->overview, app->project, tree_view_selected(&app->tree));
    app_focus(app, p->focus);
}

bool jumps_back(tui_app *app)
{
    tui_jumps *j = &app->jumps;
    if (j->len == 0) {
        app_message(app, false, "no jumps yet: nothing to go back to");
        return false;
    }
    tui_jump p = here(app);
    if (j->at == j->len) {
        /* Leaving the newest place: it goes on the list too, so that forward comes back to it. */
        if (same_place(&j->items[j->len - 1], &p)) replace(&j->items[j->len - 1], p);
        else append(j, p);
        j->at = j->len - 1;
    } else {
        replace(&j->items[j->at], p);
    }
    if (j->at == 0) {
        app_message(app, false, "at the oldest place in the jump list");
        return false;
    }
    restore(app, &j->items[--j->at]);
    return true;
}

bool jumps_forward(tui_app *app)
{
    tui_jumps *j = &app->jumps;
    if (j->at + 1 >= j->len) {
        app_message(app, false, "at the newest place in the jump list");
        return false;
    }
    replace(&j->items[j->at], here(app));
    restore(app, &j->items[++j->at]);
    return true;
}

void jumps_free(tui_jumps *j)
{
    for (size_t i = 0; i < j->len; i++) forget(&j->items[i]);
    j->len = j->at = 0;
}
