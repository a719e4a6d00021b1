/*
 * The source pane: the selected module, re-read from the source and highlighted, with its
 * findings inline: a severity letter in the gutter, the span underlined, and the code and
 * message on virtual lines below (not file lines: the numbering skips them).
 */
#ifndef SVCSCOPE_TUI_SOURCE_VIEW_H
#define SVCSCOPE_TUI_SOURCE_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include "tui/fix_view.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/project.h"
#include "tui/source_search.h"
#include "tui/view.h"

typedef struct source_row {
    uint32_t line;        /* 0-based line of the file */
    int32_t diag;         /* -1: the line itself; else the finding (index into diags) a message row shows */
    int32_t fixed;        /* -1; else the applied fix (index into fixed) this row shows (diag is then -1) */
    uint32_t offset;      /* message rows: this part of the message text */
    uint32_t length;
    int indent;           /* message rows: columns before the text */
} source_row;

/* A fix applied in this session to a finding of the file shown, and the line it is marked on. */
typedef struct source_fixed {
    uint32_t line;
    size_t entry;         /* index into log->items */
    char *text;           /* "✓ staged SVC404 Add ..." */
} source_fixed;

typedef struct source_view {
    const tui_project *project;
    const tui_fix_log *log;   /* the session's applied fixes (marked "✓ staged" / "✓ fixed"), or NULL */
    long file;            /* model file shown, -1 */
    char *text;
    size_t len;
    unsigned char *styles;    /* theme element per byte */
    size_t *line_start;       /* nlines + 1 offsets */
    uint32_t nlines;
    const svc_diagnostic *diags;  /* the file's findings (a range of project->diags) */
    size_t ndiags;
    char **messages;          /* per finding: "SVC201 message" */
    signed char *line_mark;   /* per line: highest severity of the findings that start there, -1;
                                 -2: none, but a fix was applied there */
    source_fixed *fixed;      /* sorted by line */
    size_t nfixed;
    source_row *rows;
    size_t nrows;
    size_t *line_row;         /* per line: its row */
    int layout_width;         /* width the rows were laid out for */
    uint32_t cursor;          /* 0-based line */
    size_t top;               /* first row shown */
    int hscroll;              /* columns scrolled to the right */
    char *error;              /* why the file could not be shown */
    tui_view cover;           /* what the pane shows instead of the file while `covered` (the
                                 overview of the service or app the tree selects); ops NULL: none */
    bool covered;             /* until a file is opened */
    source_search search;     /* the text searched with `/` (kept from file to file) */
} source_view;

typedef enum source_place {
    SOURCE_PLACE_TOP,     /* the line near the top (a definition) */
    SOURCE_PLACE_THIRD,   /* the line a third down (a finding, a call site) */
} source_place;

/* Shows a model file (kept as is when already shown). */
void source_view_open(source_view *v, long file);
/* Moves the cursor to a 0-based line and scrolls to it. */
void source_view_goto(source_view *v, uint32_t line, source_place place, tui_rect r);
/* Puts the cursor and the scroll back where they were (as far as the file still has the lines). */
void source_view_restore(source_view *v, uint32_t line, size_t top, int hscroll, tui_rect r);

/* The source as a pane (view.h). */
extern const tui_view_ops source_view_ops;

/* The path shown, or NULL. */
const char *source_view_path(const source_view *v);
/* The findings on the cursor's line (a range of project->diags); NULL when none. */
const svc_diagnostic *source_view_cursor_diags(const source_view *v, size_t *count);
/* The text of a 0-based line of the file shown, without its line end (malloc'd), or NULL. */
char *source_view_line_text(const source_view *v, uint32_t line);
/* The log changed: marks and rows again, from the text already read (the file may have changed on disk since). */
void source_view_marks_changed(source_view *v);
/* The line where an applied fix is marked in the file shown (found again by its text), or false. */
bool source_view_fixed_line(const source_view *v, const tui_fix_entry *e, uint32_t *line);

#endif
