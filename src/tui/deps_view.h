/*
 * Dependencies (`D`): which Django apps and services import which, over the whole screen. A
 * matrix (importers as rows, the imported as numbered columns, import counts in the cells) when
 * it fits, else a list of edges "from → to  N imports"; an edge with an import the rules flag
 * (a deep service import, a service importing an app beyond its models) is marked, and the list
 * puts such edges first. Enter on an edge lists its import lines; Enter on a line opens it in the
 * source (the app does that: it is a jump); Esc goes back to the edges, then closes.
 */
#ifndef SVCSCOPE_TUI_DEPS_VIEW_H
#define SVCSCOPE_TUI_DEPS_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/query.h"
#include "tui/list.h"
#include "tui/project.h"
#include "tui/view.h"

typedef struct deps_view {
    bool open;
    const tui_project *project;     /* what `deps` answers for */
    svc_query_dependencies *deps;
    bool *site_flagged;             /* per site of every edge, edge after edge: a finding flags it */
    size_t *first_site;             /* per edge: its first entry in site_flagged */
    size_t *flagged;                /* per edge: its sites flagged */
    size_t *by_concern;             /* edges, flagged ones first, then by from and to */
    size_t *shown;                  /* the matrix's nodes: those with an edge, in node order */
    size_t nshown;
    size_t row, col;                /* the matrix's cell selected, into `shown` */
    tui_list edges;                 /* the list's edge selected, into `by_concern` */
    long edge;                      /* the edge whose import lines are listed, -1: the edges */
    tui_list sites;
} deps_view;

/* Opens on the edges of `project`. */
void deps_view_open(deps_view *v, const tui_project *project);
void deps_view_close(deps_view *v);

/* The import line selected (while lines are listed): its file and 1-based line; false when none. */
bool deps_view_selected_site(const deps_view *v, const char **path, uint32_t *line);

/* The view as an overlay (view.h): opening a line is the app's (a jump). */
extern const tui_view_ops deps_view_ops;

#endif
