/*
 * Builds a tui_project on a background thread so the first screen appears at once.
 * The UI thread sees only the progress until the project is complete, then takes it whole.
 */
#ifndef SVCSCOPE_TUI_LOADER_H
#define SVCSCOPE_TUI_LOADER_H

#include <stdbool.h>
#include "tui/project.h"

typedef struct tui_loader tui_loader;

typedef struct tui_load_status {
    tui_load_phase phase;
    size_t done, total;          /* files parsed, while parsing */
} tui_load_status;

/* Starts loading `root`; NULL (with err) when the thread cannot start. */
tui_loader *tui_loader_start(const char *root, svc_error *err);
void tui_loader_status(tui_loader *loader, tui_load_status *out);
/*
 * When the load has finished (or, with `wait`, once it has), frees the loader and hands over
 * the project (or NULL and the reason in err) and returns true; otherwise returns false.
 */
bool tui_loader_finish(tui_loader *loader, bool wait, tui_project **project, svc_error *err);
/* Forgets a load still running (on quit): the thread frees what it built when it ends. */
void tui_loader_abandon(tui_loader *loader);

#endif
