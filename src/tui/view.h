/*
 * A view: a pane (tree, source, problems, callers) or an overlay (the fix preview, the help, the
 * filter prompt), as the frame and input see it. As with tig's view_ops and tmux's mode-tree
 * callbacks, the frame and input know views only through their ops; as with htop's reactions,
 * each op that takes input returns what it changed, and the app redraws, follows the tree or
 * reloads from that. A new view is a file with its state and its ops, and a row in the table of
 * views (view_table.c, which says what else names it).
 */
#ifndef SVCSCOPE_TUI_VIEW_H
#define SVCSCOPE_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/project.h"

struct tui_app;

/* What an op did, for the app to act on: flags, or'ed. */
typedef unsigned tui_reaction;
enum {
    TUI_REACT_NONE = 0,            /* handled; nothing on screen changed */
    TUI_REACT_STATUS = 1u << 0,    /* the status line or the hint line changed (a message) */
    TUI_REACT_PANE = 1u << 1,      /* the view's own title or body changed */
    TUI_REACT_ALL = 1u << 2,       /* more than the view changed: the whole frame */
    TUI_REACT_RELAYOUT = 1u << 3,  /* focus, zoom or the panes shown changed: the layout again, the whole frame */
    TUI_REACT_FOLLOW = 1u << 4,    /* the tree's selection moved: the source and the callers follow it */
    TUI_REACT_ACTIVATE = 1u << 5,  /* a double click: the app does what the view's `activate` request does */
    TUI_REACT_RELOAD = 1u << 6,    /* files changed: the project is loaded again (after a load under way) */
    TUI_REACT_QUIT = 1u << 7,      /* the explorer ends */
    TUI_REACT_UNHANDLED = 1u << 8, /* not the view's request: the app's (global, then on the project), or nobody's */
};

typedef struct tui_view tui_view;

/*
 * What a view does. A pane needs `draw` and `request`, an overlay `is_open` and `request` (or
 * `key`); any other op may be NULL and does nothing then (an overlay without `wheel` ignores the
 * wheel). The app's state starts zeroed, then `init` runs. Pane ops other than init, free and
 * set_project are called only once a project is loaded. A reaction other than PANE, STATUS or
 * NONE redraws the whole frame: an op that changes another view returns TUI_REACT_ALL.
 */
typedef struct tui_view_ops {
    const char *name;            /* a pane's title and tab ("Tree"); what an overlay is */
    tui_scope scope;             /* its keys are looked up there, then globally; the hint line shows its hints */
    tui_request activate;        /* what a double click does (what Enter does there), or TUI_REQ_NONE */
    const char *filter_label;    /* with a filter: the prompt's label ("Filter tree by name", "Search the source"); NULL */
    bool cursor;                 /* the terminal cursor shows where `hints` left it (a prompt) */

    void (*init)(tui_view *v);
    void (*free)(tui_view *v);
    /* A (re)loaded project: the view keeps what it shows when it still exists. */
    void (*set_project)(tui_view *v, const tui_project *project);
    /* An overlay: whether it is open. NULL for a pane, which always is. */
    bool (*is_open)(const tui_view *v);

    /* What a pane's title says after its name ("filter: x", "3 of 26"); "" for nothing. */
    void (*title)(const tui_view *v, char *buf, size_t size);
    /* Draws the view in v->rect; `focused`: it has the keys. */
    void (*draw)(tui_view *v, bool focused);
    /* A list pane's selected item whole, for the detail lines under it (layout's `detail`); "" for none. */
    void (*detail)(const tui_view *v, char *buf, size_t size);
    /* The hint line (row y) while the view has the keys; NULL: the hints of `scope`. */
    void (*hints)(const tui_view *v, int y, int cols);

    /* Keys as typed, before the key map (a prompt's text); NULL: keys become requests of `scope`. */
    tui_reaction (*key)(tui_view *v, struct tui_app *app, int key);
    tui_reaction (*request)(tui_view *v, struct tui_app *app, tui_request req);
    /* A click at a row and column of v->rect; `twice`: a double click. */
    tui_reaction (*click)(tui_view *v, struct tui_app *app, int row, int col, bool twice);
    /* The mouse wheel turned: `lines` up (< 0) or down (curses has a macro `scroll`). */
    tui_reaction (*wheel)(tui_view *v, struct tui_app *app, long lines);
    /* A pane that is a plain list: its rows. With `click` or `wheel` NULL, a click selects the row
     * (a double click activates it) and the wheel scrolls the list (tui_view_click, tui_view_wheel). */
    struct tui_list *(*list)(tui_view *v);

    /* The filter: its text, and the text as typed (the prompt sets it on every key). */
    const char *(*filter)(const tui_view *v);
    void (*set_filter)(tui_view *v, const char *text);
} tui_view_ops;

/* A click and a turn of the wheel on a view: its own op, else its list's, else nothing. */
tui_reaction tui_view_click(tui_view *v, struct tui_app *app, int row, int col, bool twice);
tui_reaction tui_view_wheel(tui_view *v, struct tui_app *app, long lines);

struct tui_view {
    const tui_view_ops *ops;
    void *state;                 /* the view's own struct (tree_view, fix_view, ...), held by the app */
    tui_rect rect;               /* where it draws: a pane's body (kept while hidden), or the screen */
    tui_place place;             /* a pane's place on the screen */
};

#endif
