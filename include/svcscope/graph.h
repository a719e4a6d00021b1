/*
 * Graph: the cross-reference drawn as Graphviz dot or Mermaid.
 *
 * Nodes: one per task (its wrappers and the task together: "delay_x → _x"), and one per
 * module that triggers a task or that a task's body runs. Clusters: one per service (the
 * tasks service has a sub-cluster per tasks module), per Django app, or per top-level
 * package; in migration mode (no services package) everything is clustered by its top
 * package. Edges are aggregated per calling module: one edge "module -> task" with the
 * number of call sites, never one per site. A trigger inside a task or wrapper starts at
 * that task's node (task chains). Direct .delay/.apply_async/signatures outside the tasks
 * service are red dashed edges; a task's calls into the repo are grey dotted edges labelled
 * with the functions it runs.
 */
#ifndef SVCSCOPE_GRAPH_H
#define SVCSCOPE_GRAPH_H

#include <stdbool.h>
#include "svcscope/xref.h"

typedef enum svc_graph_format { SVC_GRAPH_DOT, SVC_GRAPH_MERMAID } svc_graph_format;

typedef struct svc_graph_options {
    svc_graph_format format;
    bool include_tests;   /* draw call sites in test modules too (default: left out) */
} svc_graph_options;

#define SVC_GRAPH_OPTIONS_INIT { SVC_GRAPH_DOT, false }

/* The whole graph as text (malloc'd, caller frees); never NULL. */
char *svc_graph_render(const svc_xref *xref, const svc_graph_options *opts);

#endif
