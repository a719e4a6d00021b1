/*
 * The definitions menu (`d` on a line that names several definitions): one row per definition
 * (the name as written, its kind, path:line) over the panes; Enter goes to the one selected,
 * Esc closes it. The rows are copies, so a reload under it leaves nothing dangling.
 */
#ifndef SVCSCOPE_TUI_DEFINITIONS_MENU_H
#define SVCSCOPE_TUI_DEFINITIONS_MENU_H

#include <stdbool.h>
#include <stdint.h>
#include "tui/list.h"
#include "tui/view.h"

typedef struct definitions_item {
    char *name;          /* as the line writes it: "payments.charge_order" */
    const char *kind;    /* "function", "task", ... (svc_query_kind_name) */
    char *path;          /* the file that defines it */
    uint32_t line;       /* 1-based: the definition's name */
    uint32_t first;      /* 1-based: its first line (decorators included) */
} definitions_item;

typedef struct definitions_menu {
    bool open;
    char *title;
    definitions_item *items;
    size_t n;
    tui_list list;
} definitions_menu;

/* Empties the menu (closed) for definitions_menu_add and then definitions_menu_open. */
void definitions_menu_clear(definitions_menu *m);
/* Adds a row, unless one goes to the same place; the strings are copied. */
void definitions_menu_add(definitions_menu *m, const char *name, const char *kind, const char *path, uint32_t line,
                          uint32_t first);
/* Shows the rows added since the last clear, the first selected. */
void definitions_menu_open(definitions_menu *m, const char *title);
void definitions_menu_close(definitions_menu *m);
/* The row selected, or NULL. */
const definitions_item *definitions_menu_selected(const definitions_menu *m);

/* The menu as an overlay (view.h): movement selects; its pick key is the app's (it jumps). */
extern const tui_view_ops definitions_menu_ops;

#endif
