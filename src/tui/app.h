/*
 * The explorer's state, shared by the main loop (app.c), the frame (frame.c), input
 * (dispatch.c) and the actions between panes (actions.c), and the core API on it (app_core.c):
 * messages, focus, layout, reloads, what the next frame draws. The core calls none of those
 * above it; views reach the app through it and through their reactions (view.h).
 */
#ifndef SVCSCOPE_TUI_APP_H
#define SVCSCOPE_TUI_APP_H

#include <stdbool.h>
#include "svcscope/error.h"
#include "tui/callers_view.h"
#include "tui/definitions_menu.h"
#include "tui/deps_view.h"
#include "tui/fix_view.h"
#include "tui/goto_view.h"
#include "tui/help.h"
#include "tui/jumps.h"
#include "tui/layout.h"
#include "tui/live.h"
#include "tui/loader.h"
#include "tui/overview_view.h"
#include "tui/problems_view.h"
#include "tui/prompt_view.h"
#include "tui/message_log.h"
#include "tui/rule_view.h"
#include "tui/script.h"
#include "tui/source_view.h"
#include "tui/tree_view.h"
#include "tui/tui.h"
#include "tui/view.h"

/* The overlays, bottom first: the top one open takes the keys and the hint line. */
typedef enum tui_overlay {
    TUI_OVERLAY_FIX,
    TUI_OVERLAY_RULE,
    TUI_OVERLAY_MESSAGES,
    TUI_OVERLAY_MENU,
    TUI_OVERLAY_DEPS,
    TUI_OVERLAY_HELP,
    TUI_OVERLAY_PROMPT,
    TUI_OVERLAY_GOTO,
    TUI_OVERLAY_COUNT,
} tui_overlay;

typedef struct tui_app {
    tui_options opts;
    const char *root;
    bool headless;
    tui_script *script;

    tui_project *project;        /* NULL until the first load completes */
    tui_loader *loader;          /* a load under way, or NULL */
    char load_error[1100];       /* why the last load failed, or "" */

    tree_view tree;
    source_view source;
    problems_view problems;
    callers_view callers;
    overview_view overview;      /* covers the source while the tree selects a service or an app */
    tui_view panes[TUI_PANE_COUNT];   /* the panes as the frame and input see them, in Tab order (view_table.c) */
    long followed_node;          /* tree node the other panes last followed, -1 */

    tui_pane focus;
    unsigned focused_at[TUI_PANE_COUNT];  /* when each pane last had the focus (focus_count then), 0: never */
    unsigned focus_count;
    tui_pane zoomed;             /* TUI_PANE_COUNT when not zoomed */
    tui_layout layout;
    svc_layout_sizes sizes;      /* the user's pane sizes ([layout] of the settings; 0 is auto) */
    struct { int band; int from; } drag;   /* a separator being dragged: band 0 top, 1 bottom, 2 between them; -1 none */
    help_view help;
    fix_view fix;                /* the fix preview or its result, over the panes */
    fix_view rule;               /* the rule explanation (i), over the panes */
    fix_view messages;           /* the message log (M), over the panes */
    tui_message_log message_log; /* every status message since the start */
    definitions_menu definitions; /* the definitions of a line (d), to pick one */
    deps_view deps;              /* which apps and services import which (D) */
    tui_jumps jumps;             /* the places jumps left, for going back and forward */
    tui_fix_log fixlog;          /* fixes applied in this session (the panes mark them) */
    /* The finding ] or [ showed last (-1: none) and where the source was then: the next step starts
     * after it while the source has not moved (a folder's finding leaves the source as it was). */
    struct { long index; long file; uint32_t line; } last_step;
    bool reload_pending;         /* files changed while a load was under way: load again after it */
    unsigned loading_batches;    /* fixlog.batches when the load under way started */
    tui_live live;               /* following changes made outside (live.h) */
    /* Told when a load starts (live.h takes the changes it covers); NULL: nobody. A pointer, so
     * that the app's core does not call the layers above it. */
    void (*on_load_start)(struct tui_app *app);

    prompt_view prompt;          /* the filter prompt, on the hint line */
    goto_view go_to;             /* the go-to prompt, over the panes */
    tui_view overlays[TUI_OVERLAY_COUNT];  /* over the panes, bottom first (view_table.c) */

    /* Room for a whole core error (svc_error) and the words the explorer puts around it. */
    char message[sizeof ((svc_error *)0)->message + 256];
    bool message_is_error;
    tui_reaction redraw;         /* what the next frame draws again: TUI_REACT_STATUS, TUI_REACT_ALL */
    unsigned redraw_panes;       /* and these panes (a bit per tui_pane) */
    bool quit;
} tui_app;

void app_message(tui_app *app, bool is_error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_clear_message(tui_app *app);
/* What the next frame draws again: the status and hint lines (TUI_REACT_STATUS), or all (TUI_REACT_ALL). */
void app_redraw(tui_app *app, tui_reaction what);
/* A pane's title and body (and the status and hint lines). */
void app_redraw_pane(tui_app *app, tui_pane pane);
void app_focus(tui_app *app, tui_pane pane);
void app_relayout(tui_app *app);
/* Starts a (re)load in the background unless one is under way. */
void app_reload(tui_app *app);
/* After the program changed files: a reload now, or right after the one under way. */
void app_reload_after_change(tui_app *app);

/* The overlay open on top, which takes the keys, or NULL. */
tui_view *app_top_overlay(tui_app *app);
/* The key scope of a pane: its own keys, then the global ones. */
tui_scope app_scope(const tui_app *app, tui_pane pane);

#endif
