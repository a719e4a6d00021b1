/* The rule explanation overlay. */
#include <stdlib.h>
#include <string.h>

#include "svcscope/report.h"
#include "svcscope/util.h"
#include "tui/rule_view.h"
#include "tui/status.h"

void rule_view_open(fix_view *v, const svc_rule *r)
{
    char *title = svc_xasprintf("%s %s", r->code, r->name);
    fix_view_show_result(v, title);
    free(title);
    char *text = svc_rule_explanation(r);
    /* The examples keep their indentation whole (cut, not wrapped, as diff lines are); the prose wraps. */
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        char *line = svc_xstrndup(p, n);
        if (strncmp(line, "    ", 4) == 0) fix_view_add_diff(v, line);
        else fix_view_add_note(v, p == text ? TUI_EL_BRANCH : TUI_EL_NORMAL, line);
        free(line);
        p += n + (p[n] == '\n');
    }
    free(text);
}

/* ---- the view ---------------------------------------------------------------------------- */

static void view_hints(const tui_view *view, int y, int cols)
{
    (void)view;
    static const tui_request close[] = { TUI_REQ_RULE_CLOSE };
    tui_hints_draw_only(y, cols, TUI_SCOPE_RULE, close, 1);
}

/* Closing and movement are its own; quitting, help and the like are the app's; other keys do nothing here. */
static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    switch (req) {
    case TUI_REQ_RULE_CLOSE:
    case TUI_REQ_RULE:
    case TUI_REQ_CANCEL: fix_view_close(view->state); return TUI_REACT_ALL;
    case TUI_REQ_QUIT:
    case TUI_REQ_HELP:
    case TUI_REQ_REDRAW:
    case TUI_REQ_SUSPEND: return TUI_REACT_UNHANDLED;
    case TUI_REQ_MOVE_DOWN:
    case TUI_REQ_MOVE_UP:
    case TUI_REQ_PAGE_DOWN:
    case TUI_REQ_PAGE_UP:
    case TUI_REQ_HALF_PAGE_DOWN:
    case TUI_REQ_HALF_PAGE_UP:
    case TUI_REQ_MOVE_FIRST:
    case TUI_REQ_MOVE_LAST: return fix_view_ops.request(view, app, req);
    default: return TUI_REACT_NONE;
    }
}

static void view_draw(tui_view *view, bool focused)
{
    fix_view_ops.draw(view, focused);
}

static void view_init(tui_view *view)
{
    fix_view_ops.init(view);
}

static void view_free(tui_view *view)
{
    fix_view_ops.free(view);
}

static bool view_is_open(const tui_view *view)
{
    return fix_view_ops.is_open(view);
}

static tui_reaction view_wheel(tui_view *view, struct tui_app *app, long lines)
{
    return fix_view_ops.wheel(view, app, lines);
}

const tui_view_ops rule_view_ops = {
    .name = "Rule explanation",
    .scope = TUI_SCOPE_RULE,
    .init = view_init,
    .free = view_free,
    .is_open = view_is_open,
    .draw = view_draw,
    .hints = view_hints,
    .request = view_request,
    .wheel = view_wheel,
};
