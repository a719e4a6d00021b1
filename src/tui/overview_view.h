/*
 * The overview of a service, a Django app or a module that defines tasks, shown in the source
 * pane's place instead of a stale file while the tree selects one (source_view's cover). A
 * service's overview: its public API (what __init__.py exports, __all__), modules, exceptions
 * (exported or not), tasks with their wrappers, each wrapper's callers and the task's other
 * triggers, its findings, and who imports it. An app's: the services it imports. A tasks
 * module's: its tasks as in the service's, and a line that opens its source. Every line with a
 * place is a target: a file and line for the source, or a folder for the tree. Answers come
 * from the core's query API, asked once per selection.
 */
#ifndef SVCSCOPE_TUI_OVERVIEW_VIEW_H
#define SVCSCOPE_TUI_OVERVIEW_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include "tui/list.h"
#include "tui/project.h"
#include "tui/theme.h"
#include "tui/tree_model.h"
#include "tui/view.h"

typedef struct overview_row {
    const char *text;
    tui_element element;
    int indent;          /* columns before the text */
    long file;           /* Enter: this file of the model in the source, -1 for none */
    uint32_t line;       /* 0-based */
    const char *folder;  /* Enter: this service's or app's folder in the tree, or NULL */
    long task, wrapper;  /* the task or the wrapper the line names (callers), or -1 */
} overview_row;

typedef enum overview_kind { OVERVIEW_SERVICE, OVERVIEW_APP, OVERVIEW_MODULE } overview_kind;

typedef struct overview_view {
    const tui_project *project;
    overview_kind kind;
    long index;          /* model service, app or file index, -1 when nothing is shown */
    overview_row *rows;
    tui_list list;
    struct svc_arena *arena;
} overview_view;

/* The overview as a view (view.h) that covers the source pane. */
extern const tui_view_ops overview_view_ops;

/* Shows the overview of the service, app or tasks module a tree node stands for (kept when
 * already shown); false for any other node. */
bool overview_view_show(overview_view *v, const tui_project *project, const tree_node *node);
/* The selected row, or NULL. */
const overview_row *overview_view_selected(const overview_view *v);

#endif
