/* The tree pane: expand and collapse, filter by name as you type, finding counts per node. */
#ifndef SVCSCOPE_TUI_TREE_VIEW_H
#define SVCSCOPE_TUI_TREE_VIEW_H

#include <stdbool.h>
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/list.h"
#include "tui/tree_model.h"
#include "tui/view.h"

typedef struct tree_view {
    tree_model model;
    size_t *rows;          /* node index of each visible row */
    tui_list list;
    char filter[256];
    bool *match;           /* per node: its label matches the filter */
    bool *keep;            /* per node: it or a descendant matches */
    int width_needed;      /* columns the widest node takes (tree_view_width_needed), measured per load */
} tree_view;

/* The tree as a pane (view.h). */
extern const tui_view_ops tree_view_ops;

/* The selected node, or NULL when the tree is empty. */
const tree_node *tree_view_selected(const tree_view *v);
/* Selects the node of a file's def (or the file), expanding its ancestors. */
bool tree_view_reveal(tree_view *v, long file, long def, int height);
/* Selects the node of a tree_model_key (a place recorded before a reload, too); false when it is gone. */
bool tree_view_reveal_key(tree_view *v, const char *key, int height);
/* Selects the node whose folder holds `folder` most closely. */
bool tree_view_reveal_folder(tree_view *v, const char *folder, int height);
/* The columns the widest node takes (indentation, glyph, label and counts), notes left out;
 * measured once per project, since the layout asks on every relayout. */
int tree_view_width_needed(const tree_view *v);

#endif
