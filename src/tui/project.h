/*
 * A repository as the TUI shows it: source, config, model, findings (from svc_check) and
 * the cross-reference, built together and then read-only. The TUI never runs a rule itself.
 */
#ifndef SVCSCOPE_TUI_PROJECT_H
#define SVCSCOPE_TUI_PROJECT_H

#include <stddef.h>
#include "svcscope/config.h"
#include "svcscope/diagnostic.h"
#include "svcscope/model.h"
#include "svcscope/query.h"
#include "svcscope/xref.h"

typedef enum tui_load_phase {
    TUI_LOAD_OPENING,   /* listing files, reading the config */
    TUI_LOAD_PARSING,   /* facts of each file (progress counts files) */
    TUI_LOAD_CHECKING,  /* the rules */
    TUI_LOAD_INDEXING,  /* callers */
    TUI_LOAD_DONE,
} tui_load_phase;

const char *tui_load_phase_name(tui_load_phase phase);

typedef struct tui_project {
    char *root;                  /* absolute path of the repo root */
    char *name;                  /* its folder name */
    svc_source *source;
    svc_config config;
    svc_model *model;
    svc_diagnostics *diags;      /* sorted by path, row, column, code */
    svc_xref *xref;
    svc_xref_reader *reader;     /* source lines of call sites, read lazily */
    svc_query *query;            /* the questions the panes ask (definitions, who triggers a task) */
    size_t counts[3];            /* findings by svc_severity */
    size_t *file_first;          /* per model file: index of its first finding */
    size_t *file_count;          /* per model file: how many findings */
} tui_project;

typedef struct tui_project_callbacks {
    void (*phase)(void *ctx, tui_load_phase phase);
    svc_progress_fn progress;    /* files parsed */
    void *ctx;
} tui_project_callbacks;

int tui_project_open(tui_project **out, const char *root, const tui_project_callbacks *cb, svc_error *err);
void tui_project_free(tui_project *project);

/* The findings of a model file (a range of project->diags). */
const svc_diagnostic *tui_project_file_diags(const tui_project *project, long file, size_t *count);
/* Index of a finding inside project->diags. */
size_t tui_project_diag_index(const tui_project *project, const svc_diagnostic *d);

#endif
