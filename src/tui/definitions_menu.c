/* The definitions menu overlay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "tui/definitions_menu.h"
#include "tui/status.h"
#include "tui/text.h"
#include "tui/theme.h"

void definitions_menu_clear(definitions_menu *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->items[i].name);
        free(m->items[i].path);
    }
    free(m->items);
    free(m->title);
    memset(m, 0, sizeof *m);
}

void definitions_menu_add(definitions_menu *m, const char *name, const char *kind, const char *path, uint32_t line,
                          uint32_t first)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->items[i].line == line && strcmp(m->items[i].path, path) == 0) return;
    m->items = svc_xrealloc(m->items, (m->n + 1) * sizeof *m->items);
    m->items[m->n++] = (definitions_item){ svc_xstrdup(name), kind, svc_xstrdup(path), line, first };
}

void definitions_menu_open(definitions_menu *m, const char *title)
{
    free(m->title);
    m->title = svc_xstrdup(title);
    m->list = (tui_list){ .count = m->n };
    m->open = true;
}

void definitions_menu_close(definitions_menu *m)
{
    m->open = false;
}

const definitions_item *definitions_menu_selected(const definitions_menu *m)
{
    return m->open && m->list.selected < m->n ? &m->items[m->list.selected] : NULL;
}

/* ---- drawing ------------------------------------------------------------------------------ */

static int widest(const definitions_menu *m, size_t field)
{
    size_t w = 0;
    for (size_t i = 0; i < m->n; i++) {
        const char *s = field == 0 ? m->items[i].name : m->items[i].kind;
        size_t n = tui_text_width(s);
        if (n > w) w = n;
    }
    return (int)w;
}

/* The box: as wide as its rows (within the screen), centred, a third down. */
static void geometry(const definitions_menu *m, tui_rect r, int *y, int *x, int *height, int *width)
{
    int want = 0;
    for (size_t i = 0; i < m->n; i++) {
        char where[32];
        snprintf(where, sizeof where, ":%u", m->items[i].line);
        int w = (int)(tui_text_width(m->items[i].path) + strlen(where));
        if (w > want) want = w;
    }
    want += widest(m, 0) + widest(m, 1) + 4 + 6;
    int title = (int)tui_text_width(m->title) + 6;
    if (title > want) want = title;
    *width = want < r.w - 4 ? want : r.w - 4;
    int rows = (int)m->n + 2;
    *height = rows < r.h - 4 ? rows : r.h - 4;
    *x = r.x + (r.w - *width) / 2;
    *y = r.y + (r.h - *height) / 3;
}

static void view_draw(tui_view *view, bool focused)
{
    (void)focused;
    definitions_menu *m = view->state;
    int y, x, height, width;
    geometry(m, view->rect, &y, &x, &height, &width);
    if (height < 3 || width < 12) return;
    int body = height - 2;
    tui_list_fit(&m->list, body);
    tui_box_draw(y, x, height, width, tui_attr(TUI_EL_TITLE));
    int used = tui_put(y, x + 2, width - 4, " ", tui_attr(TUI_EL_TITLE));
    used += tui_put(y, x + 2 + used, width - 4 - used, m->title, tui_attr(TUI_EL_TITLE));
    tui_put(y, x + 2 + used, width - 4 - used, " ", tui_attr(TUI_EL_TITLE));
    int name_w = widest(m, 0), kind_w = widest(m, 1);
    for (int r = 0; r < body; r++) {
        size_t i = m->list.top + (size_t)r;
        int ry = y + 1 + r, rx = x + 1, rw = width - 2;
        bool selected = i == m->list.selected;
        attr_t normal = tui_attr(selected ? TUI_EL_SELECTED_FOCUS : TUI_EL_NORMAL);
        tui_fill(ry, rx, rw, normal);
        if (i >= m->n) continue;
        const definitions_item *it = &m->items[i];
        int col = 1;
        tui_put(ry, rx + col, rw - col, it->name, normal);
        col += name_w + 2;
        if (col < rw) tui_put(ry, rx + col, rw - col, it->kind, selected ? normal : tui_attr(TUI_EL_NOTE));
        col += kind_w + 2;
        if (col < rw) {
            char *where = svc_xasprintf("%s:%u", it->path, it->line);
            tui_put_tail(ry, rx + col, rw - col - 1, where, normal);
            free(where);
        }
    }
    if ((int)m->n > body) {
        char more[64];
        snprintf(more, sizeof more, " %zu-%zu of %zu ", m->list.top + 1, m->list.top + (size_t)body, m->n);
        int w = (int)strlen(more);
        if (w < width - 2) tui_put(y + height - 1, x + width - 1 - w, w, more, tui_attr(TUI_EL_TITLE));
    }
}

static void view_hints(const tui_view *view, int y, int cols)
{
    (void)view;
    static const tui_request keys[] = { TUI_REQ_MENU_PICK, TUI_REQ_MENU_CLOSE };
    tui_hints_draw_only(y, cols, TUI_SCOPE_MENU, keys, 2);
}

/* ---- requests ------------------------------------------------------------------------------ */

static int body_rows(const tui_view *view)
{
    int y, x, height, width;
    geometry(view->state, view->rect, &y, &x, &height, &width);
    return height > 2 ? height - 2 : 1;
}

/* Movement and closing are its own; picking (a jump) and quitting, help and the like are the app's. */
static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    (void)app;
    definitions_menu *m = view->state;
    switch (req) {
    case TUI_REQ_MENU_CLOSE:
    case TUI_REQ_CANCEL: definitions_menu_close(m); return TUI_REACT_ALL;
    case TUI_REQ_MENU_PICK:
    case TUI_REQ_QUIT:
    case TUI_REQ_HELP:
    case TUI_REQ_REDRAW:
    case TUI_REQ_SUSPEND: return TUI_REACT_UNHANDLED;
    default: return tui_list_request(&m->list, req, body_rows(view)) ? TUI_REACT_PANE : TUI_REACT_NONE;
    }
}

static tui_reaction view_wheel(tui_view *view, struct tui_app *app, long lines)
{
    (void)app;
    definitions_menu *m = view->state;
    return tui_list_wheel(&m->list, lines, body_rows(view));
}

/* ---- the view ---------------------------------------------------------------------------- */

static void view_init(tui_view *view)
{
    memset(view->state, 0, sizeof(definitions_menu));
}

static void view_free(tui_view *view)
{
    definitions_menu_clear(view->state);
}

static bool view_is_open(const tui_view *view)
{
    const definitions_menu *m = view->state;
    return m->open;
}

const tui_view_ops definitions_menu_ops = {
    .name = "Definitions",
    .scope = TUI_SCOPE_MENU,
    .init = view_init,
    .free = view_free,
    .is_open = view_is_open,
    .draw = view_draw,
    .hints = view_hints,
    .request = view_request,
    .wheel = view_wheel,
};
