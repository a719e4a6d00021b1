/*
 * The project the server answers about: its config, source, model, query and findings, built by
 * the same core as `svcscope check` and the explorer, with the open documents' unsaved text in
 * place of their files' bytes. Rebuilt whole when a document or a file changes.
 */
#ifndef SVCSCOPE_LSP_WORKSPACE_H
#define SVCSCOPE_LSP_WORKSPACE_H

#include <stdbool.h>
#include "lsp/documents.h"
#include "svcscope/config.h"
#include "svcscope/diagnostic.h"
#include "svcscope/model.h"
#include "svcscope/query.h"

typedef struct lsp_workspace {
    char *root;                   /* absolute project root (NULL until set) */
    svc_model_options model_options;
    svc_config config;
    svc_source *source;
    svc_model *model;
    svc_query *query;
    svc_diagnostics *diags;       /* what svc_check found, fixes computed on demand */
    char *error;                  /* why the last build failed, or NULL */
    bool stale;                   /* a document or a file changed since the build */
} lsp_workspace;

void lsp_workspace_init(lsp_workspace *ws, const svc_model_options *model_options);
/* Sets the project root (an absolute folder); the next build reads it. */
void lsp_workspace_set_root(lsp_workspace *ws, const char *root);
/* Builds when stale (or never built); false, and ws->error says why, when it could not be. */
bool lsp_workspace_build(lsp_workspace *ws, const lsp_documents *docs);
void lsp_workspace_free(lsp_workspace *ws);

/* The repo-relative path of an absolute path inside the project (malloc'd), or NULL. */
char *lsp_workspace_relative(const lsp_workspace *ws, const char *path);
/* The model file of an absolute path, or -1 (not built, outside the project, not a Python file). */
long lsp_workspace_file(const lsp_workspace *ws, const char *path);
/* The bytes of a model file as the model read them (the unsaved buffer of an open one), malloc'd. */
char *lsp_workspace_text(const lsp_workspace *ws, size_t file, size_t *len);
/* The absolute path and file:// URI of a repo-relative path (malloc'd). */
char *lsp_workspace_uri(const lsp_workspace *ws, const char *relative);

#endif
