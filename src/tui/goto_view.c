/* The go-to prompt: ranking as you type, and the jump Enter makes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/source.h"
#include "svcscope/utf8.h"
#include "tui/actions.h"
#include "tui/app.h"
#include "tui/goto_view.h"
#include "tui/status.h"
#include "tui/text.h"
#include "tui/theme.h"

#define CTRL_C 3
#define CTRL_N 14
#define CTRL_P 16
#define CTRL_U 21

/* The box shows at least this many matches when the screen has the rows. */
#define GOTO_MIN_ROWS 10

void goto_view_open(goto_view *g, struct tui_app *app)
{
    g->app = app;
    g->text[0] = '\0';
    g->ranked_on = NULL;
    g->selected = g->top = 0;
    g->open = true;
}

/* Digits only, at least one, and not absurdly many. */
static bool all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 9) return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

bool goto_parse_place(const char *text, char *path, size_t size, unsigned long *line)
{
    *line = 0;
    snprintf(path, size, "%s", text);
    const char *last = strrchr(text, ':');
    if (!last || !all_digits(last + 1, strlen(last + 1))) return false;
    const char *end = last;
    /* path:line:col: the column is read and left (the source has a line cursor). */
    for (const char *p = last; p > text; p--) {
        if (p[-1] != ':') continue;
        if (all_digits(p, (size_t)(last - p))) end = p - 1;
        break;
    }
    if (end == text) return false;
    const char *digits = end == last ? last + 1 : end + 1;
    *line = strtoul(digits, NULL, 10);
    snprintf(path, size, "%.*s", (int)(end - text), text);
    return true;
}

/* What is ranked: the text, or the path of a `path:line`. */
static void rank(goto_view *g)
{
    const svc_query_symbols *symbols = g->app->project->symbols;
    char pattern[sizeof g->text];
    unsigned long line;
    goto_parse_place(g->text, pattern, sizeof pattern, &line);
    g->nmatches = svc_query_rank(symbols, pattern, g->matches, GOTO_MAX_MATCHES);
    g->ranked_on = symbols;
    g->selected = g->top = 0;
}

/* The matches, ranked for the text now and for the project loaded now. */
static void ensure_ranked(goto_view *g)
{
    if (!g->app->project) {
        g->nmatches = 0;
        g->ranked_on = NULL;
    } else if (g->ranked_on != g->app->project->symbols) {
        rank(g);
    }
}

/* ---- going there ------------------------------------------------------------------------- */

static int tree_height(const tui_app *app)
{
    return app->layout.body[TUI_PANE_TREE].h;
}

/* The lines of a file of the project as the source pane counts them, or -1 when it cannot be read. */
static long file_lines(const tui_project *p, const char *path)
{
    long index = svc_source_find(p->source, path);
    char *text = NULL;
    size_t len = 0;
    svc_error err = { 0 };
    if (index < 0 || svc_source_read(p->source, (size_t)index, &text, &len, &err) < 0) return -1;
    long lines = 1;
    for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
    if (lines > 1 && text[len - 1] == '\n') lines--;
    free(text);
    return lines;
}

/* `path:line`: that line of the file in the source, focused; false (and why) when there is none. */
static bool go_to_place(tui_app *app, const char *typed, unsigned long line)
{
    const char *path = strncmp(typed, "./", 2) == 0 ? typed + 2 : typed;
    long file = svc_model_file(app->project->model, path);
    long lines = file >= 0 ? file_lines(app->project, path) : -1;
    if (file < 0 || lines < 0) {
        app_message(app, true, "no file %s in the project", path);
        return false;
    }
    if (line > (unsigned long)lines) {
        app_message(app, true, "%s has %ld lines: no line %lu", path, lines, line);
        return false;
    }
    uint32_t row = line > 0 ? (uint32_t)line - 1 : 0;
    jumps_push(app);
    source_view_open(&app->source, file);
    source_view_goto(&app->source, row, line > 0 ? SOURCE_PLACE_THIRD : SOURCE_PLACE_TOP, app->layout.body[TUI_PANE_SOURCE]);
    /* The tree shows the file (or the definition of the line); the source keeps this line. */
    const svc_facts *facts = app->project->model->files[file].facts;
    long def = -1;
    for (size_t k = 0; k < facts->ndefs && def < 0; k++)
        if (facts->defs[k].parent == -1 && facts->defs[k].span.row <= row && row <= facts->defs[k].span.end_row) def = (long)k;
    tree_view_reveal(&app->tree, file, def, tree_height(app));
    const tree_node *n = tree_view_selected(&app->tree);
    app->followed_node = n ? (long)(n - app->tree.model.items) : -1;
    app_focus(app, TUI_PANE_SOURCE);
    return true;
}

/* The definition a symbol of one of the def kinds stands for; false for the other kinds. */
static bool symbol_def(const svc_model *m, const svc_query_symbol *s, svc_defref *out)
{
    switch (s->kind) {
    case SVC_QUERY_TASK: *out = m->tasks[s->index].at; return true;
    case SVC_QUERY_WRAPPER: *out = m->wrappers[s->index].at; return true;
    case SVC_QUERY_EXCEPTION: *out = m->exceptions[s->index].at; return true;
    default: return false;
    }
}

/* A symbol: selected in the tree (its ancestors expanded), shown as the tree shows it, the tree focused. */
static void go_to_symbol(tui_app *app, const svc_query_symbol *s)
{
    const svc_model *m = app->project->model;
    jumps_push(app);
    svc_defref def;
    bool is_def = symbol_def(m, s, &def);
    bool revealed;
    if (is_def) revealed = tree_view_reveal(&app->tree, (long)def.file, (long)def.def, tree_height(app));
    else if (s->kind == SVC_QUERY_SERVICE) revealed = tree_view_reveal_folder(&app->tree, m->services[s->index].path, tree_height(app));
    else if (s->kind == SVC_QUERY_APP) revealed = tree_view_reveal_folder(&app->tree, m->apps[s->index].path, tree_height(app));
    else revealed = s->place.file != (size_t)-1 && tree_view_reveal(&app->tree, (long)s->place.file, -1, tree_height(app));
    /* The other panes follow the node now selected, even when they followed it before. */
    app->followed_node = -1;
    app_follow_tree(app);
    const tree_node *n = tree_view_selected(&app->tree);
    bool def_shown = is_def && revealed && n && n->kind == TREE_DEF && n->file == (long)def.file && n->def == (long)def.def;
    if (!def_shown && !app->source.covered && s->place.file != (size_t)-1 && s->kind != SVC_QUERY_SERVICE &&
        s->kind != SVC_QUERY_APP) {
        /* Not a node of its own (a file the tree leaves out, a def under a file): its line in the
         * source. A module that has an overview (one that defines tasks) shows the overview. */
        source_view_open(&app->source, (long)s->place.file);
        source_view_goto(&app->source, s->place.line ? s->place.line - 1 : 0, SOURCE_PLACE_TOP,
                         app->layout.body[TUI_PANE_SOURCE]);
    }
    app_focus(app, revealed ? TUI_PANE_TREE : TUI_PANE_SOURCE);
    app_message(app, false, "%s %s", svc_query_kind_name(s->kind), s->name);
}

/* Enter: a `path:line`, else the match selected; false (the prompt stays) when there is nowhere to go. */
static bool go(goto_view *g)
{
    tui_app *app = g->app;
    char path[sizeof g->text];
    unsigned long line;
    if (goto_parse_place(g->text, path, sizeof path, &line)) return go_to_place(app, path, line);
    /* A bare path of the project is its file, whatever ranks first. */
    const char *bare = strncmp(g->text, "./", 2) == 0 ? g->text + 2 : g->text;
    if (strchr(bare, '/') && svc_model_file(app->project->model, bare) >= 0) return go_to_place(app, bare, 0);
    ensure_ranked(g);
    if (g->nmatches == 0) {
        app_message(app, true, "nothing matches %s", g->text);
        return false;
    }
    go_to_symbol(app, &app->project->symbols->items[g->matches[g->selected].symbol]);
    return true;
}

/* ---- the view ---------------------------------------------------------------------------- */

static bool view_is_open(const tui_view *view)
{
    const goto_view *g = view->state;
    return g->open;
}

/* The box: the full width less a margin, from the top, as many rows as the matches (at least 10) need. */
static void geometry(const tui_view *view, size_t nmatches, int *y, int *x, int *height, int *width)
{
    int cols = view->rect.w, lines = view->rect.h;
    *width = cols > 100 ? 96 : cols - 2;
    *x = (cols - *width) / 2;
    *y = lines > 16 ? 1 : 0;
    int rows = (int)(nmatches > GOTO_MIN_ROWS ? nmatches : GOTO_MIN_ROWS);
    int room = lines - 2 - *y;   /* the status and hint lines stay */
    *height = rows + 4 < room ? rows + 4 : room;
}

/* One match: its name (the matched text) first, then its path where room is left, then its kind. */
static void draw_match(const svc_query_symbol *s, int y, int x, int w, bool selected)
{
    attr_t attr = tui_attr(selected ? TUI_EL_SELECTED_FOCUS : TUI_EL_NORMAL);
    attr_t note = selected ? attr : tui_attr(TUI_EL_NOTE);
    tui_fill(y, x, w, attr);
    enum { KIND_W = 10 };
    char where[300] = "";
    if (s->kind != SVC_QUERY_FILE && s->place.path) snprintf(where, sizeof where, "%s", s->place.path);
    if (s->place.line > 1) snprintf(where + strlen(where), sizeof where - strlen(where), ":%u", s->place.line);
    int name_room = w - KIND_W - 2;
    int used = 1 + tui_put(y, x + 1, name_room - 1, s->name, attr);
    /* The path's end says the most (the file); it takes what the name leaves. */
    int where_room = name_room - used - 2, where_w = (int)tui_text_width(where);
    if (where_w > where_room) where_w = where_room;
    if (where_w > 0) tui_put_tail(y, x + name_room - where_w, where_w, where, note);
    tui_put(y, x + w - KIND_W, KIND_W, svc_query_kind_name(s->kind), note);
}

static void view_draw(tui_view *view, bool focused)
{
    (void)focused;
    goto_view *g = view->state;
    ensure_ranked(g);
    int y, x, height, width;
    geometry(view, g->nmatches, &y, &x, &height, &width);
    g->cursor_y = -1;
    if (height < 5 || width < 20) return;
    tui_box_draw(y, x, height, width, tui_attr(TUI_EL_TITLE));
    for (int r = 1; r < height - 1; r++) tui_fill(y + r, x + 1, width - 2, tui_attr(TUI_EL_NORMAL));
    tui_put(y, x + 2, width - 4, " Go to ", tui_attr(TUI_EL_TITLE));
    /* The input line, then a rule, then the matches. */
    int tx = x + 2, tw = width - 4;
    int used = tui_put(y + 1, tx, tw, "> ", tui_attr(TUI_EL_PROMPT));
    used += tui_put_tail(y + 1, tx + used, tw - used - 1, g->text, tui_attr(TUI_EL_NORMAL));
    g->cursor_y = y + 1;
    g->cursor_x = tx + used;
    char count[48];
    snprintf(count, sizeof count, "%zu%s", g->nmatches, g->nmatches == GOTO_MAX_MATCHES ? "+" : "");
    int cw = (int)strlen(count);
    if (used + cw + 2 < tw) tui_put(y + 1, tx + tw - cw, cw, count, tui_attr(TUI_EL_NOTE));
    const char *h = tui_glyph("─", "-");
    for (int c = 1; c < width - 1; c++) tui_put(y + 2, x + c, 1, h, tui_attr(TUI_EL_TITLE));
    size_t body = (size_t)(height - 4);
    if (g->selected < g->top) g->top = g->selected;
    if (g->selected >= g->top + body) g->top = g->selected - body + 1;
    if (g->nmatches == 0 && g->app->project) tui_put(y + 3, tx, tw, g->text[0] ? "no match" : "nothing to go to", tui_attr(TUI_EL_NOTE));
    const svc_query_symbols *symbols = g->ranked_on;
    for (size_t r = 0; r < body && g->top + r < g->nmatches; r++) {
        size_t i = g->top + r;
        if (!symbols || g->matches[i].symbol >= symbols->n) break;
        draw_match(&symbols->items[g->matches[i].symbol], y + 3 + (int)r, x + 1, width - 2, i == g->selected);
    }
}

/* The hint line says the keys; the terminal cursor goes back to the end of the text. */
static void view_hints(const tui_view *view, int y, int cols)
{
    const goto_view *g = view->state;
    tui_fill(y, 0, cols, tui_attr(TUI_EL_NORMAL));
    static const struct {
        const char *key, *what;
    } hints[] = { { "Enter", "go" }, { "Esc", "close" }, { "Up/Down", "select" }, { "path:line", "opens a line" } };
    int x = 0;
    for (size_t i = 0; i < sizeof hints / sizeof *hints && x < cols; i++) {
        x += tui_put(y, x, cols - x, hints[i].key, tui_attr(TUI_EL_HINT_KEY));
        x += tui_put(y, x, cols - x, " ", tui_attr(TUI_EL_HINT));
        x += tui_put(y, x, cols - x, hints[i].what, tui_attr(TUI_EL_HINT));
        x += tui_put(y, x, cols - x, "  ", tui_attr(TUI_EL_HINT));
    }
    if (g->cursor_y >= 0) move(g->cursor_y, g->cursor_x);
}

static void move_selection(goto_view *g, long by)
{
    if (g->nmatches == 0) return;
    long to = (long)g->selected + by;
    if (to < 0) to = 0;
    if (to >= (long)g->nmatches) to = (long)g->nmatches - 1;
    g->selected = (size_t)to;
}

static tui_reaction view_key(tui_view *view, tui_app *app, int key)
{
    goto_view *g = view->state;
    size_t len = strlen(g->text);
    (void)app;
    switch (key) {
    case TUI_KEY_ESC: g->open = false; return TUI_REACT_ALL;
    case TUI_KEY_ENTER:
        if (!g->app->project) return TUI_REACT_NONE;
        if (go(g)) g->open = false;
        return TUI_REACT_ALL | TUI_REACT_STATUS;
    case TUI_KEY_FN(KEY_DOWN):
    case CTRL_N: move_selection(g, 1); return TUI_REACT_ALL;
    case TUI_KEY_FN(KEY_UP):
    case CTRL_P: move_selection(g, -1); return TUI_REACT_ALL;
    case TUI_KEY_FN(KEY_NPAGE): move_selection(g, GOTO_MIN_ROWS); return TUI_REACT_ALL;
    case TUI_KEY_FN(KEY_PPAGE): move_selection(g, -GOTO_MIN_ROWS); return TUI_REACT_ALL;
    case TUI_KEY_FN(KEY_BACKSPACE):
        /* Drop the last code point, not the last byte. */
        while (len > 0 && ((unsigned char)g->text[len - 1] & 0xC0) == 0x80) len--;
        if (len > 0) len--;
        g->text[len] = '\0';
        g->ranked_on = NULL;
        return TUI_REACT_ALL;
    case CTRL_U: g->text[0] = '\0'; g->ranked_on = NULL; return TUI_REACT_ALL;
    case CTRL_C: return TUI_REACT_QUIT;
    default: break;
    }
    if (TUI_KEY_IS_FN(key) || key < 32 || key == 127) return TUI_REACT_NONE;
    char utf8[SVC_UTF8_MAX];
    size_t n = svc_utf8_encode((uint32_t)key, utf8);
    if (len + n >= sizeof g->text) return TUI_REACT_NONE;
    memcpy(g->text + len, utf8, n);
    g->text[len + n] = '\0';
    g->ranked_on = NULL;
    return TUI_REACT_ALL;
}

const tui_view_ops goto_view_ops = {
    .name = "Go to",
    .scope = TUI_SCOPE_GLOBAL,
    .cursor = true,
    .is_open = view_is_open,
    .draw = view_draw,
    .hints = view_hints,
    .key = view_key,
};
