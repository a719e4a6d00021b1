/* The rule explanation overlay; the message log (message_log.c) is one of its kind. */
#include <stdio.h>
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

void message_log_view_open(fix_view *v, const tui_message_log *log)
{
    char title[64];
    snprintf(title, sizeof title, "Messages  %zu", log->len);
    fix_view_show_result(v, title);
    if (log->len == 0) fix_view_add_note(v, TUI_EL_NOTE, "No message yet: what the status line says goes here too.");
    for (size_t i = 0; i < log->len; i++) {
        char at[16];
        struct tm tm;
        if (!localtime_r(&log->items[i].at, &tm) || strftime(at, sizeof at, "%H:%M:%S", &tm) == 0) snprintf(at, sizeof at, "--:--:--");
        char *line = svc_xasprintf("%s  %s", at, log->items[i].text);
        fix_view_add_note(v, log->items[i].is_error ? TUI_EL_ERROR : TUI_EL_NORMAL, line);
        free(line);
    }
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
    case TUI_REQ_MESSAGES:
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
