/*
 * Text on the screen in display columns: widths (svc_utf8_cp_width, through the locale), and drawing that
 * clips at a column budget without ever splitting a wide character. Every text drawn goes
 * through here, so no control character from a repository reaches the terminal.
 */
#ifndef SVCSCOPE_TUI_TEXT_H
#define SVCSCOPE_TUI_TEXT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svcscope/util.h"

/* Reads the locale once: non-ASCII is drawn only when the terminal speaks UTF-8. */
void tui_text_init(void);

/*
 * Columns a code point (as svc_utf8_decode gives it) takes on screen: 0, 1 or 2, or the width
 * of its escape for a control character or a bad byte ("\033", drawn in reverse).
 */
int tui_cp_width(uint32_t cp);
size_t tui_text_width(const char *s);

/* The glyph when the terminal speaks UTF-8, else the ASCII stand-in. */
const char *tui_glyph(const char *unicode, const char *ascii);

/* Draws one code point at (y, x); returns its width. */
int tui_put_cp(int y, int x, uint32_t cp, attr_t attr);
/* Draws text in at most `cols` columns; returns the columns used. */
int tui_put(int y, int x, int cols, const char *s, attr_t attr);
int tui_putn(int y, int x, int cols, const char *s, size_t n, attr_t attr);
/* A box's border (corners and lines), the inside left as it is. */
void tui_box_draw(int y, int x, int height, int width, attr_t attr);
/* Spaces over `cols` columns. */
void tui_fill(int y, int x, int cols, attr_t attr);
/*
 * How many bytes of `s` fit in `cols` columns as one wrapped line: up to the last space that
 * fits when there is one, else as much as fits (at least one code point).
 */
size_t tui_wrap(const char *s, size_t n, int cols);
/* A box's border (an overlay's frame) of `height` rows and `width` columns at (y, x). */
void tui_draw_box(int y, int x, int height, int width, attr_t attr);
/* Text that keeps its tail when it has to be cut: "…/views.py". */
int tui_put_tail(int y, int x, int cols, const char *s, attr_t attr);

/*
 * A row of a list scrolled sideways: text is laid out from column 0 as if the row were endless,
 * and what falls in [skip, skip + cols) is drawn at x (a wide character cut by an edge as blanks).
 * `at` is the row's width so far, drawn or not.
 */
typedef struct tui_pen {
    int y, x, cols, skip;
    int at;
} tui_pen;

tui_pen tui_pen_at(int y, int x, int cols, int skip);
/* Lays out text at the pen; returns its width (all of it, not only what shows). */
int tui_pen_put(tui_pen *p, const char *s, attr_t attr);
int tui_pen_putn(tui_pen *p, const char *s, size_t n, attr_t attr);

/*
 * `path` in at most `cols` columns, elided in the middle by whole folders so that it never reads
 * like another path of the same list (`others`, the paths shown with it; may hold `path` itself):
 * the file name stays, then the nearest folder in which it differs from another path with the
 * same file name, then the folders not every path shown shares (outermost first), then the rest,
 * nearest the file name first; each run of folders left out is an ellipsis ("saleor/…/asynchronous/transport.py").
 * When not even the file name fits, its tail. Returns a new string (a copy when `path` fits).
 */
char *tui_path_elide(const char *path, int cols, const char *const *others, size_t nothers);
/*
 * A name (not a path) in at most `cols` columns: cut at the end with an ellipsis, or, when
 * another name of `others` starts the same, in the middle so that its end shows
 * ("populat…ers_task"). Returns a new string.
 */
char *tui_name_elide(const char *name, int cols, const char *const *others, size_t nothers);

#endif
