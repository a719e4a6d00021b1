/* What one pane does to the others: following the tree, jumping to findings and call sites, fixes. */
#ifndef SVCSCOPE_TUI_ACTIONS_H
#define SVCSCOPE_TUI_ACTIONS_H

#include "tui/app.h"

/* The source, callers and tree follow the tree's selection when it changed. */
void app_follow_tree(tui_app *app);
/* Shows a finding: its module in the source (cursor on it), its node in the tree. */
void app_show_finding(tui_app *app, const svc_diagnostic *d, bool focus_source);
/* n / N: the next or previous finding in the project after the source cursor. */
void app_next_finding(tui_app *app, bool forward);
/* c: the callers of the task or wrapper under the focused pane's selection or cursor. */
void app_show_callers(tui_app *app);
/* The task or wrapper the source cursor's line defines, calls or uses; false for none. */
bool app_task_at_cursor(const tui_app *app, svc_xref_match *match);
/* d: the definition of the name on the source cursor's line; a menu when the line names several. */
void app_go_to_definition(tui_app *app);
/* Enter in the definitions menu: the definition selected. */
void app_pick_definition(tui_app *app);
/* i: the rule of the finding here, explained in an overlay. */
void app_explain_rule(tui_app *app);
/* Enter on a call site: its line in the source. */
void app_open_site(tui_app *app);
/* Enter on a line of the overview: its file and line in the source, or its service or app in the tree. */
void app_open_overview_line(tui_app *app);
/* Enter on an import line in the dependencies view: its line in the source, the view closed. */
void app_open_dependency_site(tui_app *app);
/* e: $EDITOR at the focused pane's line, then a reload. */
void app_edit(tui_app *app);
/* f / F: the diff of the fix of the finding here, or of every fixable finding of its code. */
void app_fix_preview(tui_app *app, bool all_of_code);
/* a / s (A / S for unsafe fixes) in the preview: applies, logs, reloads; refusals stay in the overlay. */
void app_fix_apply(tui_app *app, bool stage, bool unsafe_confirmed);
/* u: undoes the last fix batch of this session. */
void app_fix_undo(tui_app *app);
/* Whether a batch applied in this session is there to undo. */
bool app_fix_can_undo(const tui_app *app);
/* Enter on an applied fix in the problems pane: its place in the source. */
void app_show_applied(tui_app *app, const tui_fix_entry *e);
/* The log changed: the panes mark what it holds. */
void app_fix_marks_changed(tui_app *app);

#endif
