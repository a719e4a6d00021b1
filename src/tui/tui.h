/*
 * The interactive explorer: `svcscope [PATH]` and `svcscope --demo`. A curses front on the
 * core: it reads the model, the findings of svc_check (with their fixes) and the
 * cross-reference, and previews, applies and undoes fixes through the core's fix API
 * (svc_fix_diff, svc_fix_apply, svc_fix_undo); it has no rules or fixes of its own, and the
 * core has no curses.
 */
#ifndef SVCSCOPE_TUI_H
#define SVCSCOPE_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include "svcscope/diagnostic.h"
#include "svcscope/model.h"

typedef struct tui_options {
    bool no_color;            /* --no-color; NO_COLOR in the environment does the same */
    bool no_watch;            /* --no-watch: no live reload (`watch = false` in the user config does the same) */
} tui_options;

#define TUI_OPTIONS_INIT { false, false }

/*
 * Runs the explorer on the project rooted at `path` until the user quits. With SVCSCOPE_SCRIPT
 * set, keys come from that file and the screen is virtual (SVCSCOPE_SCREEN=COLSxLINES, default
 * 80x24): see docs/tui-tests.md. Returns an exit status (0, or 2 when it could not run).
 */
int tui_run(const char *path, const tui_options *opts);

#endif
