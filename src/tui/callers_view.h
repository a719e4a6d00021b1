/*
 * The callers pane: for a task or a delay_ wrapper, what `svcscope callers TASK` shows, from the
 * query API (svc_query_triggers_new): the task and the functions its body runs, each wrapper with
 * its call sites (`path:line:col: in enclosing: source line`), the direct uses of the task, and
 * the beat schedule entries that queue it; each site labelled as the CLI labels it ("[passed as a
 * value]", "[.delay outside the tasks service]", "[called in-process, not queued]"), with `!`
 * where SVC402 flags it.
 */
#ifndef SVCSCOPE_TUI_CALLERS_VIEW_H
#define SVCSCOPE_TUI_CALLERS_VIEW_H

#include <stdbool.h>
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/list.h"
#include "tui/project.h"
#include "tui/theme.h"
#include "tui/view.h"

typedef enum callers_row_kind {
    CALLERS_TASK,       /* the task itself */
    CALLERS_RUNS,       /* a function the task's body runs */
    CALLERS_WRAPPER,    /* a wrapper, heading its sites */
    CALLERS_DIRECT,     /* heading of the direct uses */
    CALLERS_SITE,       /* a use */
    CALLERS_BEAT_HEAD,  /* heading of the beat schedule entries */
    CALLERS_BEAT,       /* a beat schedule entry */
    CALLERS_NOTE,       /* "no callers" */
} callers_row_kind;

typedef struct callers_row {
    callers_row_kind kind;
    const char *text;
    tui_element element;
    bool flagged;        /* a direct trigger that queues outside the tasks service (SVC402) */
    bool is_target;      /* the task or wrapper asked about */
    long file;           /* where Enter goes, -1 for none */
    uint32_t line;       /* 0-based */
} callers_row;

typedef struct callers_view {
    const tui_project *project;
    bool has_target;
    bool target_is_task;
    size_t target;       /* model task or wrapper index */
    callers_row *rows;
    tui_list list;
    struct svc_arena *arena;
} callers_view;

/* The callers as a pane (view.h). On a (re)loaded project, the target is kept when it still exists. */
extern const tui_view_ops callers_view_ops;

/* Shows the family of a task or wrapper (kept when it is already shown). */
void callers_view_show(callers_view *v, bool is_task, size_t index);
/* The selected row, or NULL. */
const callers_row *callers_view_selected(const callers_view *v);

#endif
