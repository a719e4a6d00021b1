/*
 * The explorer's state, shared by the main loop (app.c), the frame (frame.c), input
 * (dispatch.c) and the actions between panes (actions.c).
 */
#ifndef SVCSCOPE_TUI_APP_H
#define SVCSCOPE_TUI_APP_H

#include <stdbool.h>
#include "svcscope/error.h"
#include "tui/callers_view.h"
#include "tui/fix_view.h"
#include "tui/help.h"
#include "tui/layout.h"
#include "tui/loader.h"
#include "tui/problems_view.h"
#include "tui/script.h"
#include "tui/source_view.h"
#include "tui/tree_view.h"
#include "tui/tui.h"

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
    long followed_node;          /* tree node the other panes last followed, -1 */

    tui_pane focus;
    tui_pane front[2];           /* shown pane of each place when they share it */
    tui_pane zoomed;             /* TUI_PANE_COUNT when not zoomed */
    tui_layout layout;
    help_view help;
    fix_view fix;                /* the fix preview or its result, over the panes */
    tui_fix_log fixlog;          /* fixes applied in this session (the panes mark them) */
    bool reload_pending;         /* files changed while a load was under way: load again after it */
    unsigned loading_batches;    /* fixlog.batches when the load under way started */

    bool prompt_open;
    tui_pane prompt_pane;        /* the pane the filter applies to */
    char prompt[256];

    /* Room for a whole core error (svc_error) and the words the explorer puts around it. */
    char message[sizeof ((svc_error *)0)->message + 256];
    bool message_is_error;
    bool quit;
} tui_app;

void app_message(tui_app *app, bool is_error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void app_focus(tui_app *app, tui_pane pane);
void app_relayout(tui_app *app);
/* Starts a (re)load in the background unless one is under way. */
void app_reload(tui_app *app);
/* After the program changed files: a reload now, or right after the one under way. */
void app_reload_after_change(tui_app *app);

/* The key scope of a pane. */
tui_scope app_scope(tui_pane pane);

/* ---- the frame (frame.c) and input (dispatch.c) ---- */

void app_draw(tui_app *app);
void app_handle_key(tui_app *app, int key);
/* Reads the pending mouse event and clicks, focuses or scrolls. */
void app_handle_mouse(tui_app *app);

/* ---- actions between panes (actions.c) ---- */

/* The source, callers and tree follow the tree's selection when it changed. */
void app_follow_tree(tui_app *app);
/* Shows a finding: its module in the source (cursor on it), its node in the tree. */
void app_show_finding(tui_app *app, const svc_diagnostic *d, bool focus_source);
/* n / N: the next or previous finding in the project after the source cursor. */
void app_next_finding(tui_app *app, bool forward);
/* c: the callers of the task or wrapper under the focused pane's selection or cursor. */
void app_show_callers(tui_app *app);
/* Enter on a call site: its line in the source. */
void app_open_site(tui_app *app);
/* e: $EDITOR at the focused pane's line, then a reload. */
void app_edit(tui_app *app);
/* f / F: the diff of the fix of the finding here, or of every fixable finding of its code. */
void app_fix_preview(tui_app *app, bool all_of_code);
/* a / s (A / S for unsafe fixes) in the preview: applies, logs, reloads; refusals stay in the overlay. */
void app_fix_apply(tui_app *app, bool stage, bool unsafe_confirmed);
/* u: undoes the last fix batch of this session. */
void app_fix_undo(tui_app *app);
/* Enter on an applied fix in the problems pane: its place in the source. */
void app_show_applied(tui_app *app, const tui_fix_entry *e);
/* The log changed: the panes mark what it holds. */
void app_fix_marks_changed(tui_app *app);

#endif
