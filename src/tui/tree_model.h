/*
 * The tree the explorer shows, built from a project: services root → services → modules →
 * definitions, the tasks service, Celery tasks (all of them in migration mode, else those
 * outside the tasks service), the Django apps, and other files that have findings. The tasks
 * and the other files are grouped by Django app, else service, else top-level folder.
 * Nodes are stored in preorder, so a node's subtree is the range [index, end).
 */
#ifndef SVCSCOPE_TUI_TREE_MODEL_H
#define SVCSCOPE_TUI_TREE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "svcscope/tree_report.h"
#include "tui/project.h"

typedef enum tree_kind {
    TREE_BRANCH,   /* a top-level branch */
    TREE_SERVICE,
    TREE_APP,
    TREE_FOLDER,   /* a folder with findings that belongs to nothing else */
    TREE_FILE,
    TREE_DEF,
} tree_kind;

typedef struct tree_node {
    tree_kind kind;
    const char *label;       /* what is shown: "billing/", "errors.py", "PaymentError" */
    const char *note;        /* quieter text after the label, or NULL */
    const char *folder;      /* repo-relative folder whose folder findings land here, or NULL */
    int depth;
    long parent;             /* -1 for a top-level branch */
    size_t end;              /* one past the last node of its subtree */
    long file, def;          /* model file and def index, -1 when none */
    svc_def_role role;       /* TREE_DEF */
    long index;              /* TREE_DEF: task, wrapper or exception index; else -1 */
    unsigned counts[3];      /* findings by severity, its subtree included */
    bool expanded;
    bool is_test;
    bool grouping;           /* groups files whose own place is another branch's node: the
                                folder's findings and going to the folder land there */
} tree_node;

typedef struct tree_model {
    tree_node *items;
    size_t len, cap;
    struct svc_arena *arena;
} tree_model;

void tree_model_build(tree_model *t, const tui_project *project);
void tree_model_free(tree_model *t);
/* "Branch/child/grandchild" labels: identifies a node across reloads. Malloc'd. */
char *tree_model_key(const tree_model *t, size_t node);

#endif
