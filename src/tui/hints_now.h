/* The keys that apply to what is selected now, for the hint line (hints_now.c). */
#ifndef SVCSCOPE_TUI_HINTS_NOW_H
#define SVCSCOPE_TUI_HINTS_NOW_H

#include <stddef.h>
#include "tui/app.h"

#define TUI_HINTS_NOW_MAX 8   /* room for every request app_hints_now can give */

/* Fills `out` (room for TUI_HINTS_NOW_MAX) with the requests that would act on the selection: fix
 * and why on a finding, callers on a task or wrapper, the next match of a search, back after a
 * jump, undo after a fix. */
size_t app_hints_now(const tui_app *app, tui_request *out, size_t max);

#endif
