/*
 * The interactive explorer: `svcscope [PATH]` and `svcscope --demo`. A curses front on the
 * core: it reads the model, the findings of svc_check and the cross-reference; it has no
 * rules of its own, and the core has no curses.
 */
#ifndef SVCSCOPE_TUI_H
#define SVCSCOPE_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include "svcscope/diagnostic.h"
#include "svcscope/model.h"

/*
 * Places where actions that are not the TUI's own can plug in later. `fix` is what the `f`
 * key runs on the finding under the selection (the key is reserved for it): it returns 0 when
 * it changed files (the TUI then reloads) and fills `message` for the status line.
 */
typedef struct tui_hooks {
    int (*fix)(void *ctx, const svc_model *model, const svc_diagnostic *finding, char *message, size_t size);
    void *ctx;
} tui_hooks;

typedef struct tui_options {
    bool no_color;            /* --no-color; NO_COLOR in the environment does the same */
    const tui_hooks *hooks;   /* NULL: none */
} tui_options;

#define TUI_OPTIONS_INIT { false, NULL }

/*
 * Runs the explorer on the project rooted at `path` until the user quits. With SVCSCOPE_SCRIPT
 * set, keys come from that file and the screen is virtual (SVCSCOPE_SCREEN=COLSxLINES, default
 * 80x24): see docs/tui-tests.md. Returns an exit status (0, or 2 when it could not run).
 */
int tui_run(const char *path, const tui_options *opts);

#endif
