/*
 * What each thing on screen looks like, in colour and in monochrome. Meaning never rests
 * on colour alone: the monochrome column uses bold, reverse and underline, and every
 * marker also has a text form (glyphs, letters, words).
 */
#ifndef SVCSCOPE_TUI_THEME_H
#define SVCSCOPE_TUI_THEME_H

#include <curses.h>
#include <stdbool.h>

#include "svcscope/user_config.h"

/*
 * Grey, for what matters less (notes, line numbers): a grey of the 256-colour palette where the
 * terminal has one, else the terminal's own colour, dim. Never black: bold black is invisible on
 * terminals that do not brighten bold (and black on a black background everywhere).
 */
#define TUI_GREY (-2)

/* E(NAME, foreground, background, colour attributes, monochrome attributes); -1 = terminal default. */
#define TUI_THEME(E)                                                         \
    E(NORMAL, -1, -1, A_NORMAL, A_NORMAL)                                    \
    E(DETAIL, COLOR_CYAN, -1, A_NORMAL, A_DIM)                               \
    E(TITLE, COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE)                   \
    E(TITLE_FOCUS, COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD)      \
    E(SELECTED, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_BOLD)                   \
    E(SELECTED_FOCUS, COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE)          \
    E(SEPARATOR, COLOR_BLUE, -1, A_NORMAL, A_NORMAL)                         \
    E(STATUS, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE)                  \
    E(STATUS_ERROR, COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD)      \
    E(PROGRESS, COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_NORMAL)                \
    E(HINT, -1, -1, A_NORMAL, A_NORMAL)                                      \
    E(HINT_KEY, COLOR_CYAN, -1, A_BOLD, A_BOLD)                              \
    E(PROMPT, COLOR_YELLOW, -1, A_BOLD, A_BOLD)                              \
    E(NOTE, TUI_GREY, -1, A_NORMAL, A_DIM)                                  \
    E(ERROR, COLOR_RED, -1, A_BOLD, A_BOLD)                                  \
    E(WARNING, COLOR_YELLOW, -1, A_NORMAL, A_UNDERLINE)                      \
    E(INFO, COLOR_CYAN, -1, A_NORMAL, A_NORMAL)                              \
    E(MESSAGE_ERROR, COLOR_RED, -1, A_NORMAL, A_BOLD)                        \
    E(MESSAGE_WARNING, COLOR_YELLOW, -1, A_NORMAL, A_NORMAL)                 \
    E(MESSAGE_INFO, COLOR_CYAN, -1, A_NORMAL, A_NORMAL)                      \
    E(SPAN_ERROR, COLOR_RED, -1, A_UNDERLINE | A_BOLD, A_UNDERLINE | A_BOLD) \
    E(SPAN_WARNING, COLOR_YELLOW, -1, A_UNDERLINE, A_UNDERLINE)              \
    E(SPAN_INFO, COLOR_CYAN, -1, A_UNDERLINE, A_UNDERLINE)                   \
    E(LINE_NUMBER, TUI_GREY, -1, A_NORMAL, A_DIM)                           \
    E(KEYWORD, COLOR_MAGENTA, -1, A_BOLD, A_BOLD)                            \
    E(STRING, COLOR_GREEN, -1, A_NORMAL, A_NORMAL)                           \
    E(COMMENT, COLOR_BLUE, -1, A_NORMAL, A_DIM)                              \
    E(NUMBER, COLOR_CYAN, -1, A_NORMAL, A_NORMAL)                            \
    E(FUNCTION, COLOR_BLUE, -1, A_BOLD, A_NORMAL)                            \
    E(BUILTIN, COLOR_CYAN, -1, A_NORMAL, A_NORMAL)                           \
    E(TYPE, COLOR_YELLOW, -1, A_NORMAL, A_NORMAL)                            \
    E(CONSTANT, COLOR_MAGENTA, -1, A_NORMAL, A_NORMAL)                       \
    E(PROPERTY, -1, -1, A_NORMAL, A_NORMAL)                                  \
    E(OPERATOR, COLOR_YELLOW, -1, A_NORMAL, A_NORMAL)                        \
    E(ESCAPE, COLOR_RED, -1, A_NORMAL, A_NORMAL)                             \
    E(BRANCH, COLOR_WHITE, -1, A_BOLD, A_BOLD)                               \
    E(SERVICE, COLOR_BLUE, -1, A_BOLD, A_BOLD)                               \
    E(MODULE, -1, -1, A_NORMAL, A_NORMAL)                                    \
    E(TASK, COLOR_MAGENTA, -1, A_BOLD, A_BOLD)                               \
    E(WRAPPER, COLOR_GREEN, -1, A_BOLD, A_NORMAL)                            \
    E(EXCEPTION, COLOR_RED, -1, A_NORMAL, A_NORMAL)                          \
    E(MATCH, COLOR_YELLOW, -1, A_BOLD | A_UNDERLINE, A_UNDERLINE)            \
    E(DELAY_SITE, COLOR_RED, -1, A_BOLD, A_BOLD)                             \
    E(DIFF_ADD, COLOR_GREEN, -1, A_NORMAL, A_BOLD)                           \
    E(DIFF_DEL, COLOR_RED, -1, A_NORMAL, A_DIM)                              \
    E(DIFF_HUNK, COLOR_CYAN, -1, A_NORMAL, A_UNDERLINE)                      \
    E(DIFF_META, -1, -1, A_BOLD, A_BOLD)                                     \
    E(FIXED, COLOR_GREEN, -1, A_BOLD, A_BOLD)

/*
 * The light scheme (theme = "light" in the user settings): the colour column above, but for the
 * elements listed here. On a light background white, yellow and cyan text fade out: such text
 * turns blue, magenta or the terminal's own colour, and greys are darker.
 * L(NAME, foreground, background, colour attributes).
 */
#define TUI_THEME_LIGHT(L)                                   \
    L(TITLE, COLOR_BLUE, -1, A_BOLD)                         \
    L(TITLE_FOCUS, COLOR_WHITE, COLOR_BLUE, A_BOLD)          \
    L(SELECTED, COLOR_BLACK, COLOR_CYAN, A_NORMAL)           \
    L(SELECTED_FOCUS, COLOR_WHITE, COLOR_BLUE, A_BOLD)       \
    L(HINT_KEY, COLOR_BLUE, -1, A_BOLD)                      \
    L(DETAIL, COLOR_BLUE, -1, A_NORMAL)                      \
    L(PROMPT, COLOR_MAGENTA, -1, A_BOLD)                     \
    L(NOTE, TUI_GREY, -1, A_NORMAL)                                   \
    L(WARNING, COLOR_MAGENTA, -1, A_BOLD)                    \
    L(INFO, COLOR_BLUE, -1, A_NORMAL)                        \
    L(MESSAGE_WARNING, COLOR_MAGENTA, -1, A_NORMAL)          \
    L(MESSAGE_INFO, COLOR_BLUE, -1, A_NORMAL)                \
    L(SPAN_WARNING, COLOR_MAGENTA, -1, A_UNDERLINE)          \
    L(SPAN_INFO, COLOR_BLUE, -1, A_UNDERLINE)                \
    L(LINE_NUMBER, TUI_GREY, -1, A_NORMAL)                            \
    L(NUMBER, COLOR_BLUE, -1, A_NORMAL)                      \
    L(BUILTIN, COLOR_BLUE, -1, A_NORMAL)                     \
    L(TYPE, COLOR_MAGENTA, -1, A_NORMAL)                     \
    L(OPERATOR, -1, -1, A_NORMAL)                            \
    L(BRANCH, -1, -1, A_BOLD)                                \
    L(MATCH, COLOR_MAGENTA, -1, A_BOLD | A_UNDERLINE)        \
    L(DIFF_HUNK, COLOR_BLUE, -1, A_NORMAL)

typedef enum tui_element {
#define TUI_THEME_ENUM(name, fg, bg, attrs, mono) TUI_EL_##name,
    TUI_THEME(TUI_THEME_ENUM)
#undef TUI_THEME_ENUM
    TUI_EL_COUNT,
} tui_element;

/*
 * Sets up the colour pairs of `theme`, or the monochrome scheme when `use_color` is false (NO_COLOR,
 * --no-color), the theme is SVC_THEME_MONO or the terminal has no colours.
 */
void tui_theme_init(bool use_color, svc_theme theme);
attr_t tui_attr(tui_element element);
/* The element on the source's cursor line: the same text on a grey background (256 colours),
 * underlined (8 colours) or in reverse (monochrome). */
attr_t tui_attr_cursor_line(tui_element element);

#endif
