/*
 * The rule explanation overlay (`i`): a finding's rule as `svcscope rules CODE` prints it (why,
 * flagged, instead, fix), titled with its code and name, scrolled over the panes. It holds text
 * only, so it is a fix_view showing notes, drawn and scrolled as the fix overlay is; its keys are
 * its own (TUI_SCOPE_RULE). The message log (`M`) is an overlay of the same kind.
 */
#ifndef SVCSCOPE_TUI_RULE_VIEW_H
#define SVCSCOPE_TUI_RULE_VIEW_H

#include "svcscope/rules.h"
#include "tui/fix_view.h"
#include "tui/message_log.h"
#include "tui/view.h"

/* Opens the overlay on a rule (what was open in it before goes). */
void rule_view_open(fix_view *v, const svc_rule *r);

/* Opens an overlay of this kind on the message log (a line says so when it is empty). */
void message_log_view_open(fix_view *v, const tui_message_log *log);

/* The overlay as a view (view.h): movement scrolls it; its close keys, `i`, `M` and cancel close it. */
extern const tui_view_ops rule_view_ops;

#endif
