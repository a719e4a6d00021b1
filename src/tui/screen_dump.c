/* Screen dumps: the text of each cell, read back from curses. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "svcscope/util.h"
#include "tui/screen_dump.h"
#include "tui/text.h"

static void put_utf8(svc_buf *b, wchar_t wc)
{
    char out[4];
    svc_buf_append(b, out, svc_utf8_encode((uint32_t)wc, out));
}

static char attr_letter(attr_t attrs, short pair)
{
    char c = ' ';
    if (attrs & A_REVERSE) c = 'r';
    else if (attrs & A_UNDERLINE) c = 'u';
    else if (attrs & A_BOLD) c = 'b';
    else if (attrs & A_DIM) c = 'd';
    if (pair != 0) c = c == ' ' ? 'C' : (char)(c - 'a' + 'A');
    return c;
}

static void trim_trailing_spaces(svc_buf *b, size_t line_start)
{
    while (b->len > line_start && b->data[b->len - 1] == ' ') b->data[--b->len] = '\0';
}

int tui_screen_dump(const char *path, bool attrs)
{
    svc_buf out = { 0 };
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    for (int y = 0; y < rows; y++) {
        size_t line_start = out.len;
        for (int x = 0; x < cols;) {
            cchar_t cell;
            wchar_t wch[CCHARW_MAX + 1] = { 0 };
            attr_t cell_attrs = 0;
            short pair = 0;
            if (mvin_wch(y, x, &cell) == ERR || getcchar(&cell, wch, &cell_attrs, &pair, NULL) == ERR) {
                svc_buf_putc(&out, ' ');
                x++;
                continue;
            }
            int width = wch[0] ? wcwidth(wch[0]) : 1;
            if (width < 1) width = 1;
            if (attrs) {
                for (int i = 0; i < width; i++) svc_buf_putc(&out, attr_letter(cell_attrs, pair));
            } else {
                for (size_t i = 0; i < CCHARW_MAX && wch[i]; i++) put_utf8(&out, wch[i]);
                if (!wch[0]) svc_buf_putc(&out, ' ');
            }
            x += width;
        }
        trim_trailing_spaces(&out, line_start);
        svc_buf_putc(&out, '\n');
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        svc_buf_free(&out);
        return -1;
    }
    size_t written = fwrite(out.data ? out.data : "", 1, out.len, f);
    int rc = written == out.len ? 0 : -1;
    if (fclose(f) != 0) rc = -1;
    svc_buf_free(&out);
    return rc;
}
