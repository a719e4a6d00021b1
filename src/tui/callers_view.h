/*
 * The callers pane: for a task or a delay_ wrapper, the whole family from svc_xref: the task,
 * each wrapper with its call sites (`path:line: in enclosing: source line`), and the direct
 * uses of the task (.delay, .apply_async, signatures), marked when outside the tasks service.
 */
#ifndef SVCSCOPE_TUI_CALLERS_VIEW_H
#define SVCSCOPE_TUI_CALLERS_VIEW_H

#include <stdbool.h>
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/list.h"
#include "tui/project.h"
#include "tui/theme.h"

typedef enum callers_row_kind {
    CALLERS_TASK,       /* the task itself */
    CALLERS_WRAPPER,    /* a wrapper, heading its sites */
    CALLERS_DIRECT,     /* heading of the direct uses */
    CALLERS_SITE,       /* a use */
    CALLERS_NOTE,       /* "no callers" */
} callers_row_kind;

typedef struct callers_row {
    callers_row_kind kind;
    const char *text;
    tui_element element;
    bool flagged;        /* a direct trigger outside the tasks service (SVC402) */
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

void callers_view_init(callers_view *v);
void callers_view_free(callers_view *v);
/* Shows a (re)loaded project, keeping the target when it still exists. */
void callers_view_set_project(callers_view *v, const tui_project *project);
/* Shows the family of a task or wrapper (kept when it is already shown). */
void callers_view_show(callers_view *v, bool is_task, size_t index);

void callers_view_draw(callers_view *v, tui_rect r, bool focused);
void callers_view_title(const callers_view *v, char *buf, size_t size);
bool callers_view_request(callers_view *v, tui_request req, int height);
/* The selected row, or NULL. */
const callers_row *callers_view_selected(const callers_view *v);

#endif
