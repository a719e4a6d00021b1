/* The tree pane: expand and collapse, filter by name as you type, finding counts per node. */
#ifndef SVCSCOPE_TUI_TREE_VIEW_H
#define SVCSCOPE_TUI_TREE_VIEW_H

#include <stdbool.h>
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/list.h"
#include "tui/tree_model.h"

typedef struct tree_view {
    tree_model model;
    size_t *rows;          /* node index of each visible row */
    tui_list list;
    char filter[256];
    bool *match;           /* per node: its label matches the filter */
    bool *keep;            /* per node: it or a descendant matches */
} tree_view;

/* Shows a (re)loaded project, keeping expanded nodes and the selection when they still exist. */
void tree_view_load(tree_view *v, const tui_project *project);
void tree_view_free(tree_view *v);

void tree_view_draw(tree_view *v, tui_rect r, bool focused);
void tree_view_title(const tree_view *v, char *buf, size_t size);
/* Applies a request; returns true when it was one for the tree. */
bool tree_view_request(tree_view *v, tui_request req, int height);
void tree_view_set_filter(tree_view *v, const char *text);
void tree_view_click(tree_view *v, int row, int height, bool toggle);
void tree_view_scroll(tree_view *v, long delta, int height);

/* The selected node, or NULL when the tree is empty. */
const tree_node *tree_view_selected(const tree_view *v);
/* Selects the node of a file's def (or the file), expanding its ancestors. */
bool tree_view_reveal(tree_view *v, long file, long def, int height);
/* Selects the node whose folder holds `folder` most closely. */
bool tree_view_reveal_folder(tree_view *v, const char *folder, int height);

#endif
