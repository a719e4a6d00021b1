/*
 * The fix overlay (`f`, `F`): the diff a fix would write (svc_fix_diff), scrollable, with its
 * added and removed lines coloured (and marked by their `+` / `-` column, so they read without
 * colour); then, after `a` or `s`, what was refused and why. And the session's log of applied
 * fixes, which the problems and source panes mark ("✓ staged", "✓ fixed").
 *
 * The overlay only shows text: which fixes, applying and undoing are the flow's (actions.c),
 * and computing fixes is the core's.
 */
#ifndef SVCSCOPE_TUI_FIX_VIEW_H
#define SVCSCOPE_TUI_FIX_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "svcscope/diagnostic.h"
#include "tui/keys.h"
#include "tui/theme.h"
#include "tui/view.h"

typedef enum fix_view_state {
    FIX_VIEW_CLOSED,
    FIX_VIEW_PREVIEW,   /* a diff, waiting for a / s (A / S when unsafe) or cancel */
    FIX_VIEW_RESULT,    /* what applying refused, and why; any close key closes */
} fix_view_state;

/* A line of the overlay: diff lines are cut (h / l scroll them), notes wrap. */
typedef struct fix_line {
    char *text;
    tui_element element;
    bool wrap;
    int hang;            /* columns before the continuation rows of a wrapped line (an item's bullet) */
} fix_line;

/* A screen row: part of a line, laid out for the box width. */
typedef struct fix_row {
    size_t line;
    size_t offset, length;
    bool first;
} fix_row;

typedef struct fix_view {
    fix_view_state state;
    char *title;
    bool unsafe;                     /* the preview holds an unsafe fix: A / S apply it */
    bool stale;                      /* PREVIEW: one of its files changed since: it cannot be applied */
    const svc_diagnostic **diags;    /* PREVIEW: the findings whose fixes are shown (of the project on screen) */
    size_t ndiags;
    fix_line *lines;
    size_t nlines;
    fix_row *rows;
    size_t nrows;
    int width;                       /* the rows were laid out for it; -1 */
    size_t top;
    int hscroll;
} fix_view;

/* Opens a preview of the fixes of `diags` (copied: the pointers must stay valid while it is open). */
void fix_view_open(fix_view *v, const char *title, bool unsafe, const svc_diagnostic *const *diags, size_t n);
/* Turns the overlay into a result: the title, then notes added after. Forgets the findings. */
void fix_view_show_result(fix_view *v, const char *title);
/* A line of text that wraps. */
void fix_view_add_note(fix_view *v, tui_element element, const char *text);
/* A refusal: "✗ text", wrapped under itself. */
void fix_view_add_item(fix_view *v, tui_element element, const char *text);
/* A unified diff, one line per row, coloured by its first column. */
void fix_view_add_diff(fix_view *v, const char *diff);
void fix_view_close(fix_view *v);
/* Whether the preview writes (or renames) the file `path`. */
bool fix_view_names_file(const fix_view *v, const char *path);
/* One of its files changed since the preview (`path`, or NULL when HEAD moved or too much changed to
 * tell): it says so first. */
void fix_view_mark_stale(fix_view *v, const char *path);

/* The overlay as a view (view.h): a box over the panes (above the status and hint lines), scrolled by
 * movement; its own keys close it, and those that apply are the app's (actions.c). */
extern const tui_view_ops fix_view_ops;

/* ---- the fixes applied in this session ------------------------------------------------------ */

typedef struct tui_fix_entry {
    char *code;
    char *path;               /* the finding's path (a folder for folder findings) */
    char *moved_to;           /* where a move fix took that path, or NULL */
    bool is_folder;
    uint32_t row, col;        /* the finding's place, 0-based, when it was fixed */
    char *line_text;          /* the text of that line then (to find it again after a reload), or NULL */
    char *message;            /* what the fix did */
    bool staged;
    unsigned batch;           /* fixes applied together share it (1, 2, ...); `u` takes back the last one */
} tui_fix_entry;

typedef struct tui_fix_log {
    tui_fix_entry *items;
    size_t len, cap;
    unsigned batches;         /* batches applied so far: the next one is batches + 1 */
    unsigned reloaded;        /* the batches the project on screen was loaded after: the entries of
                                 later ones are "pending" (their findings are still on screen) */
} tui_fix_log;

void tui_fix_log_free(tui_fix_log *log);
/* Adds an entry of batch `batches` (strings copied; line_text may be NULL). */
void tui_fix_log_add(tui_fix_log *log, const svc_diagnostic *d, const char *line_text, bool staged);
/* Forgets the entries of a batch. */
void tui_fix_log_drop_batch(tui_fix_log *log, unsigned batch);
/* The pending entry that fixed finding `d` of the project on screen, or NULL. */
const tui_fix_entry *tui_fix_log_match(const tui_fix_log *log, const svc_diagnostic *d);
/* True for an entry whose finding is gone from the screen (applied before the last reload). */
bool tui_fix_entry_done(const tui_fix_log *log, const tui_fix_entry *e);
/* Where the entry's finding is on screen: its path, or where a move took it once the project was
 * loaded after the fix. */
const char *tui_fix_entry_path(const tui_fix_log *log, const tui_fix_entry *e);
/* "✓ staged" or "✓ fixed" (ASCII "v staged" without UTF-8). */
const char *tui_fix_entry_mark(const tui_fix_entry *e);
/* "staged" or "fixed". */
const char *tui_fix_entry_word(const tui_fix_entry *e);

#endif
