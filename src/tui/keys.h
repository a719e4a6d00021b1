/*
 * Requests and their default keys, declared once (an X-macro) so the key map, the help
 * screen and the hint line are all generated from the same table and cannot drift. The
 * user's `[keys]` (svcscope/user_config.h) replace the defaults of a request at start-up,
 * in that same table: every reader sees the keys in effect.
 */
#ifndef SVCSCOPE_TUI_KEYS_H
#define SVCSCOPE_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "svcscope/user_config.h"

/* Where a binding applies: the focused pane's scope is looked up before the global one. */
typedef enum tui_scope {
    TUI_SCOPE_GLOBAL,
    TUI_SCOPE_TREE,
    TUI_SCOPE_SOURCE,
    TUI_SCOPE_OVERVIEW,     /* the source pane while it shows an overview (a service, app or tasks module) */
    TUI_SCOPE_PROBLEMS,
    TUI_SCOPE_CALLERS,
    TUI_SCOPE_FIX,          /* the fix preview overlay: only its own keys and movement */
    TUI_SCOPE_RULE,         /* the rule explanation and the message log: closing and movement */
    TUI_SCOPE_MENU,         /* the definitions menu: picking, closing and movement */
    TUI_SCOPE_DEPS,         /* the dependencies view: opening, going back and movement */
    TUI_SCOPE_COUNT,
} tui_scope;

/* Flags of a request: shown on the hint line (a minor one only when the line has room), or kept
 * out of the help (reserved). */
enum { TUI_REQ_HINT = 1u << 0, TUI_REQ_HIDDEN = 1u << 1, TUI_REQ_HINT_MINOR = 1u << 2 };

/*
 * R(NAME, SCOPE, "default keys", flags, "hint label", "help text")
 * Keys are names in the script syntax (docs/tui-tests.md), separated by spaces.
 */
#define TUI_REQUESTS(R)                                                                                      \
    R(QUIT, GLOBAL, "q Q <C-c>", TUI_REQ_HINT, "quit", "Quit")                                              \
    R(HELP, GLOBAL, "? <F1>", TUI_REQ_HINT, "help", "Show this help, or close it")                          \
    R(NEXT_PANE, GLOBAL, "<Tab>", TUI_REQ_HINT, "pane", "Focus the next pane")                               \
    R(PREV_PANE, GLOBAL, "<S-Tab>", 0, "", "Focus the previous pane")                                        \
    R(MOVE_DOWN, GLOBAL, "j <Down>", 0, "", "Move down")                                                     \
    R(MOVE_UP, GLOBAL, "k <Up>", 0, "", "Move up")                                                           \
    R(PAGE_DOWN, GLOBAL, "<PgDn> <C-f>", 0, "", "Page down")                                                 \
    R(PAGE_UP, GLOBAL, "<PgUp> <C-b>", 0, "", "Page up")                                                     \
    R(HALF_PAGE_DOWN, GLOBAL, "<C-d>", 0, "", "Half a page down")                                            \
    R(HALF_PAGE_UP, GLOBAL, "<C-u>", 0, "", "Half a page up")                                                \
    R(MOVE_FIRST, GLOBAL, "g <Home>", 0, "", "Go to the first line")                                         \
    R(MOVE_LAST, GLOBAL, "G <End>", 0, "", "Go to the last line")                                            \
    R(FILTER, GLOBAL, "/", TUI_REQ_HINT, "filter",                                                          \
      "Filter the tree by name, or the problems by code/path/message (Enter keeps, Esc clears)")            \
    R(GOTO, GLOBAL, ": <C-p>", TUI_REQ_HINT, "go to",                                                      \
      "Go to a service, module, task, wrapper, exception, app or file by a part of its name, or path:line") \
    R(NEXT_VIOLATION, GLOBAL, "]", TUI_REQ_HINT, "next finding",                                             \
      "Jump to the next finding the problems show (their filter and severities), from the source cursor")  \
    R(PREV_VIOLATION, GLOBAL, "[", 0, "", "Jump to the previous finding the problems show")                 \
    R(CALLERS, GLOBAL, "c", TUI_REQ_HINT, "callers",                                                         \
      "Show who calls the task or delay_ wrapper under the selection or the cursor")                        \
    R(EDIT, GLOBAL, "e", TUI_REQ_HINT, "edit", "Open $EDITOR at the line, then reload")                     \
    R(RELOAD, GLOBAL, "R", TUI_REQ_HINT | TUI_REQ_HINT_MINOR, "reload", "Reload the repository and check it again")                               \
    R(ZOOM, GLOBAL, "z", TUI_REQ_HINT | TUI_REQ_HINT_MINOR, "zoom", "Zoom the focused pane to the whole screen, or back")                      \
    R(CANCEL, GLOBAL, "<Esc>", 0, "", "Close the overlay or prompt; clear the filter")                      \
    R(REDRAW, GLOBAL, "<C-l>", 0, "", "Redraw the screen")                                                  \
    R(SUSPEND, GLOBAL, "<C-z>", 0, "", "Suspend to the shell (fg resumes)")                                 \
    R(FIX, GLOBAL, "f", TUI_REQ_HINT, "fix",                                                                \
      "Preview the fix of the finding at the source cursor or selected in the problems, to apply it")       \
    R(FIX_ALL, GLOBAL, "F", 0, "fix all",                                                                           \
      "Preview the fixes of every finding with the same code as this one, to apply them together")          \
    R(UNDO, GLOBAL, "u", 0, "undo",                                                                              \
      "Undo the last fix batch applied in this session (files and index), if nothing changed since")        \
    R(RULE, GLOBAL, "i", TUI_REQ_HINT, "why",                                                              \
      "Explain the rule of the finding selected in the problems, at the source cursor or in the tree node")  \
    R(JUMP_BACK, GLOBAL, "<C-o> <Backspace>", TUI_REQ_HINT, "back",                                         \
      "Go back to where the last jump left (pane, file, line and scroll)")                                  \
    R(JUMP_FORWARD, GLOBAL, "<C-n>", 0, "", "Go forward again in the jump list, after going back")          \
    R(DEPENDENCIES, GLOBAL, "D", TUI_REQ_HINT, "deps",                                                      \
      "Show which Django apps and services import which, with the violating imports marked")               \
    R(RESIZE_LEFT, GLOBAL, "H", 0, "",                                                                      \
      "Move the line between the focused pane and its neighbour left (kept in the settings)")              \
    R(RESIZE_RIGHT, GLOBAL, "L", 0, "", "Move the line between the focused pane and its neighbour right")   \
    R(RESIZE_UP, GLOBAL, "K", 0, "", "Move the line between the top and the bottom panes up")               \
    R(RESIZE_DOWN, GLOBAL, "J", 0, "", "Move the line between the top and the bottom panes down")           \
    R(RESIZE_RESET, GLOBAL, "=", 0, "", "Give the panes their automatic sizes again")                       \
    R(MESSAGES, GLOBAL, "M", 0, "messages",                                                                 \
      "Show every status message since the start, whole (the status line cuts long ones)")                 \
    R(LIST_LEFT, GLOBAL, "<LT>", 0, "", "Scroll the focused list or the source left")                           \
    R(LIST_RIGHT, GLOBAL, ">", 0, "", "Scroll the focused list or the source right, to read long rows")         \
    R(TREE_TOGGLE, TREE, "<Enter> <Space>", TUI_REQ_HINT, "open/close", "Expand or collapse the node")      \
    R(TREE_EXPAND, TREE, "l <Right>", 0, "", "Expand the node, or go to its first child")                   \
    R(TREE_COLLAPSE, TREE, "h <Left>", 0, "", "Collapse the node, or go to its parent")                     \
    R(TREE_EXPAND_ALL, TREE, "*", TUI_REQ_HINT | TUI_REQ_HINT_MINOR, "expand all", "Expand every node")                          \
    R(TREE_COLLAPSE_ALL, TREE, "-", 0, "", "Collapse every node but the top-level branches")                \
    R(SCROLL_LEFT, SOURCE, "h <Left>", 0, "", "Scroll left")                                                \
    R(SCROLL_RIGHT, SOURCE, "l <Right>", 0, "", "Scroll right")                                             \
    R(SOURCE_CALLERS, SOURCE, "<Enter>", 0, "", "Show the callers of the task or wrapper at the cursor")    \
    R(SEARCH, SOURCE, "/", TUI_REQ_HINT | TUI_REQ_HINT_MINOR, "search",                                                          \
      "Search the source's text as you type (a capital letter matches case; Enter keeps, Esc clears)")      \
    R(SEARCH_NEXT, SOURCE, "n", 0, "next match", "Go to the next line that matches the search")             \
    R(SEARCH_PREV, SOURCE, "N", 0, "previous match", "Go to the previous line that matches the search")     \
    R(DEFINITION, SOURCE, "d <C-]>", TUI_REQ_HINT, "definition",                                             \
      "Go to the definition of the name on the cursor's line (a menu when the line holds several)")         \
    R(OVERVIEW_OPEN, OVERVIEW, "<Enter>", TUI_REQ_HINT, "open",                                              \
      "Go to the line selected: its place in the source, or its service or app in the tree")               \
    R(OPEN, PROBLEMS, "<Enter>", TUI_REQ_HINT, "open", "Show the finding in the source")                    \
    R(SORT, PROBLEMS, "s", TUI_REQ_HINT, "sort", "Sort by path, code, then severity")                       \
    R(TOGGLE_ERRORS, PROBLEMS, "1", TUI_REQ_HINT | TUI_REQ_HINT_MINOR, "errors", "Show or hide errors")                          \
    R(TOGGLE_WARNINGS, PROBLEMS, "2", TUI_REQ_HINT | TUI_REQ_HINT_MINOR, "warnings", "Show or hide warnings")                    \
    R(TOGGLE_INFO, PROBLEMS, "3", TUI_REQ_HINT | TUI_REQ_HINT_MINOR, "info", "Show or hide info findings")                       \
    R(PROBLEMS_LEFT, PROBLEMS, "h <Left>", 0, "", "Scroll the problems left")                                \
    R(PROBLEMS_RIGHT, PROBLEMS, "l <Right>", 0, "", "Scroll the problems right")                             \
    R(CALLERS_LEFT, CALLERS, "h <Left>", 0, "", "Scroll the callers left")                                   \
    R(CALLERS_RIGHT, CALLERS, "l <Right>", 0, "", "Scroll the callers right")                                \
    R(OPEN_SITE, CALLERS, "<Enter>", TUI_REQ_HINT, "open", "Show the call site in the source")               \
    R(FIX_APPLY, FIX, "a", TUI_REQ_HINT, "apply", "Apply the fix to the files")                              \
    R(FIX_STAGE, FIX, "s", TUI_REQ_HINT, "apply+stage",                                                     \
      "Apply the fix and stage it, and only it: your other changes stay unstaged")                          \
    R(FIX_CANCEL, FIX, "q <Esc>", TUI_REQ_HINT, "close", "Close the preview without changing anything")      \
    R(FIX_APPLY_UNSAFE, FIX, "A", TUI_REQ_HINT, "apply unsafe",                                              \
      "Apply an unsafe fix (a rename or a move: other code may notice)")                                    \
    R(FIX_STAGE_UNSAFE, FIX, "S", TUI_REQ_HINT, "stage unsafe", "Apply an unsafe fix and stage it")          \
    R(FIX_LEFT, FIX, "h <Left>", 0, "", "Scroll the diff left")                                              \
    R(FIX_RIGHT, FIX, "l <Right>", 0, "", "Scroll the diff right")                                            \
    R(RULE_CLOSE, RULE, "q <Esc>", TUI_REQ_HINT, "close", "Close the explanation or the message log")                          \
    R(MENU_PICK, MENU, "<Enter>", TUI_REQ_HINT, "go", "Go to the definition selected")                       \
    R(MENU_CLOSE, MENU, "q <Esc>", TUI_REQ_HINT, "close", "Close the menu without going anywhere")                \
    R(DEPS_OPEN, DEPS, "<Enter>", TUI_REQ_HINT, "open",                                                     \
      "List the import lines of the edge selected, or open the line selected in the source")                \
    R(DEPS_LEFT, DEPS, "h <Left>", 0, "", "Move to the column on the left")                                  \
    R(DEPS_RIGHT, DEPS, "l <Right>", 0, "", "Move to the column on the right")                               \
    R(DEPS_CLOSE, DEPS, "q <Esc>", TUI_REQ_HINT, "back", "Back from the import lines to the edges, or close the view")

typedef enum tui_request {
    TUI_REQ_NONE,
#define TUI_REQ_ENUM(name, scope, keys, flags, hint, help) TUI_REQ_##name,
    TUI_REQUESTS(TUI_REQ_ENUM)
#undef TUI_REQ_ENUM
    TUI_REQ_COUNT,
} tui_request;

typedef struct tui_request_info {
    tui_request request;
    tui_scope scope;
    const char *keys;   /* the keys in effect, as key names: the defaults or the user's; "" = none */
    unsigned flags;
    const char *hint;
    const char *help;
    const char *default_keys;
} tui_request_info;

/* The table, in declaration order, with the keys in effect (after tui_keys_init). */
const tui_request_info *tui_requests(size_t *count);
const char *tui_scope_title(tui_scope scope);

/*
 * Key codes: a Unicode character is itself; a curses function key (KEY_DOWN, ...) is
 * TUI_KEY_FN(code), so the two ranges cannot collide.
 */
#define TUI_KEY_FN_BASE 0x200000
#define TUI_KEY_FN(code) (TUI_KEY_FN_BASE + (code))
#define TUI_KEY_IS_FN(key) ((key) >= TUI_KEY_FN_BASE)
#define TUI_KEY_ENTER '\n'
#define TUI_KEY_ESC 27
#define TUI_KEY_TAB '\t'
#define TUI_KEY_CTRL_BRACKET 29   /* C-], as vim and ctags have it: a definition */

/* Parses one key name at *text ("j", "<Enter>", "<C-d>"), advancing it; -1 when unknown. */
int tui_key_parse(const char **text);
/* Normalises what curses returned: '\r' and KEY_ENTER are Enter, DEL and ^H are Backspace. */
int tui_key_normalize(int key);

/* The request bound to a key in a scope (falling back to the global scope), or TUI_REQ_NONE. */
tui_request tui_key_request(int key, tui_scope scope);

/*
 * Builds the binding table: the default keys, with the user's [keys] (NULL: none) in place of
 * the defaults of the requests they name. A key the user binds to a request is taken from the
 * request that has it by default in the same scope, so that a key means one thing there.
 * False, with "path:line: keys: request: reason" in `why`, for an unknown request, a name that
 * is not a key, one key bound twice in a scope, or quit left without a key; the defaults are
 * then in effect.
 */
bool tui_keys_init(const svc_user_config *uc, char *why, size_t size);
/* Frees what tui_keys_init allocated; the default keys are in effect again. */
void tui_keys_free(void);

/*
 * How people read the key that does `req` in `scope` ("Esc", "C-n", "q"): `prefer` (a key
 * name, "<Esc>") when it does it, else the first of the request's keys that does. False (and
 * "") when no key does it there.
 */
bool tui_key_label(tui_request req, tui_scope scope, const char *prefer, char *buf, size_t size);
/*
 * What keys do, for messages: `n` triples (tui_request, const char *prefer, const char *phrase)
 * make "A applies it, S applies and stages it", leaving out a request no key does in `scope`.
 * Malloc'd; "" when none has a key.
 */
char *tui_keys_say(tui_scope scope, size_t n, ...);

#endif
