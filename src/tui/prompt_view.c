/* The filter prompt, which is also the source's search prompt. */
#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/prompt_view.h"
#include "tui/status.h"
#include "tui/text.h"

#define CTRL_C 3
#define CTRL_U 21

void prompt_view_open(prompt_view *p, struct tui_app *app)
{
    /* An overview in the source's place has nothing to search: the tree is filtered then. */
    bool own = app->panes[app->focus].ops->set_filter && app_scope(app, app->focus) != TUI_SCOPE_OVERVIEW;
    p->target = own ? app->focus : TUI_PANE_TREE;
    app_focus(app, p->target);
    const tui_view *v = &app->panes[p->target];
    p->label = v->ops->filter_label;
    snprintf(p->text, sizeof p->text, "%s", v->ops->filter(v));
    p->open = true;
}

static bool view_is_open(const tui_view *view)
{
    const prompt_view *p = view->state;
    return p->open;
}

/* "Filter tree by name: text" (or "Search the source: text"), with the cursor after the text. */
static void view_hints(const tui_view *view, int y, int cols)
{
    const prompt_view *p = view->state;
    char label[64];
    snprintf(label, sizeof label, "%s: ", p->label);
    tui_prompt_draw(y, cols, label, p->text);
}

/* The filter follows the text on every key. */
static tui_reaction apply(prompt_view *p, tui_app *app)
{
    tui_view *v = &app->panes[p->target];
    v->ops->set_filter(v, p->text);
    return TUI_REACT_ALL;
}

static tui_reaction view_key(tui_view *view, tui_app *app, int key)
{
    prompt_view *p = view->state;
    size_t len = strlen(p->text);
    if (key == TUI_KEY_ESC) {
        p->text[0] = '\0';
        p->open = false;
        return apply(p, app);
    }
    if (key == TUI_KEY_ENTER) {
        p->open = false;
        /* The tree's selection may be another node now: the panes follow it. */
        return p->target == TUI_PANE_TREE ? TUI_REACT_ALL | TUI_REACT_FOLLOW : TUI_REACT_ALL;
    }
    if (key == TUI_KEY_FN(KEY_BACKSPACE)) {
        /* Drop the last code point, not the last byte. */
        while (len > 0 && ((unsigned char)p->text[len - 1] & 0xC0) == 0x80) len--;
        if (len > 0) len--;
        p->text[len] = '\0';
        return apply(p, app);
    }
    if (key == CTRL_U) {
        p->text[0] = '\0';
        return apply(p, app);
    }
    if (key == CTRL_C) return TUI_REACT_QUIT;
    if (TUI_KEY_IS_FN(key) || key < 32 || key == 127) return TUI_REACT_NONE;
    char utf8[4];
    size_t n = svc_utf8_encode((uint32_t)key, utf8);
    if (len + n >= sizeof p->text) return TUI_REACT_NONE;
    memcpy(p->text + len, utf8, n);
    p->text[len + n] = '\0';
    return apply(p, app);
}

const tui_view_ops prompt_view_ops = {
    .name = "Filter",
    .scope = TUI_SCOPE_GLOBAL,
    .cursor = true,
    .is_open = view_is_open,
    .hints = view_hints,
    .key = view_key,
};
