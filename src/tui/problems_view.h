/* The problems pane: every finding, sortable, filterable by text and severity. */
#ifndef SVCSCOPE_TUI_PROBLEMS_VIEW_H
#define SVCSCOPE_TUI_PROBLEMS_VIEW_H

#include <stdbool.h>
#include "tui/fix_view.h"
#include "tui/keys.h"
#include "tui/layout.h"
#include "tui/list.h"
#include "tui/project.h"
#include "tui/view.h"

typedef enum problems_sort {
    PROBLEMS_BY_PATH,
    PROBLEMS_BY_CODE,
    PROBLEMS_BY_SEVERITY,
    PROBLEMS_SORT_COUNT,
} problems_sort;

/*
 * Rows: the findings shown, then the fixes applied in this session whose findings are gone
 * since the reload ("✓ staged" / "✓ fixed"). A finding fixed but not reloaded yet shows the mark
 * in place of its severity.
 */
typedef struct problems_view {
    const tui_project *project;
    const tui_fix_log *log;   /* the session's applied fixes, or NULL */
    size_t *order;        /* indexes into project->diags of the finding rows */
    size_t nfindings;     /* finding rows; the applied rows follow */
    size_t *applied;      /* indexes into log->items of the applied rows */
    tui_list list;
    problems_sort sort;
    bool show[3];         /* by svc_severity */
    char filter[256];     /* matches code, rule name, path or message (any case) */
} problems_view;

/* The problems as a pane (view.h). On a (re)loaded project, sort, filter and the selected finding are
 * kept when they can be. */
extern const tui_view_ops problems_view_ops;

/* The finding selected, or NULL (also when an applied fix is). */
const svc_diagnostic *problems_view_selected(const problems_view *v);
/* The applied fix selected, or NULL. */
const tui_fix_entry *problems_view_selected_applied(const problems_view *v);
/* The log changed: rows again, the selection kept. */
void problems_view_refresh(problems_view *v);
/* Where "next" starts: a finding (its index in project->diags) or, index (size_t)-1, a path and line. */
typedef struct problems_place {
    size_t index;
    const char *path;
    uint32_t line;        /* 0-based */
} problems_place;

/*
 * The next (or previous) finding the problems show (their text filter and severities), in path
 * and line order from `from` (NULL: the first or the last), folder findings included; around
 * the end to the first (wrapped set). NULL when they show none.
 */
const svc_diagnostic *problems_view_next(const problems_view *v, const problems_place *from, bool forward, bool *wrapped);
/* Selects a finding when it is shown. */
void problems_view_select(problems_view *v, const svc_diagnostic *d, int height);

#endif
