/*
 * Building the project's model for the server: config, source (with the open buffers laid over
 * their files: svc_source_set_content), model, query and findings, in that order, all or none.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/uri.h"
#include "lsp/workspace.h"
#include "svcscope/rules.h"
#include "svcscope/util.h"

void lsp_workspace_init(lsp_workspace *ws, const svc_model_options *model_options)
{
    memset(ws, 0, sizeof *ws);
    ws->model_options = *model_options;
    svc_config_init(&ws->config);
    ws->stale = true;
}

static void drop_build(lsp_workspace *ws)
{
    svc_diagnostics_free(ws->diags);
    svc_query_free(ws->query);
    svc_model_free(ws->model);
    svc_source_free(ws->source);
    svc_config_free(&ws->config);
    svc_config_init(&ws->config);
    ws->diags = NULL;
    ws->query = NULL;
    ws->model = NULL;
    ws->source = NULL;
}

void lsp_workspace_set_root(lsp_workspace *ws, const char *root)
{
    char real[PATH_MAX];
    free(ws->root);
    ws->root = svc_xstrdup(realpath(root, real) ? real : root);
    ws->stale = true;
}

bool lsp_workspace_build(lsp_workspace *ws, const lsp_documents *docs)
{
    if (!ws->stale) return ws->model != NULL;
    drop_build(ws);
    free(ws->error);
    ws->error = NULL;
    ws->stale = false;
    if (!ws->root) {
        ws->error = svc_xstrdup("no workspace folder");
        return false;
    }
    svc_error err = SVC_ERROR_INIT;
    svc_source_options so = SVC_SOURCE_OPTIONS_INIT;
    int rc = svc_config_load(&ws->config, ws->root, &err);
    so.max_file_size = ws->config.max_file_size;
    if (rc == 0) rc = svc_source_open(&ws->source, ws->root, &so, &err);
    for (size_t i = 0; rc == 0 && i < docs->len; i++) {
        char *rel = docs->items[i].path ? lsp_workspace_relative(ws, docs->items[i].path) : NULL;
        svc_error ignored = SVC_ERROR_INIT;
        /* a buffer of a file not listed (new, ignored) is not part of the project */
        if (rel) svc_source_set_content(ws->source, rel, docs->items[i].text, docs->items[i].len, &ignored);
        free(rel);
    }
    if (rc == 0) rc = svc_model_build(&ws->model, ws->source, &ws->config, &ws->model_options, &err);
    if (rc < 0) {
        ws->error = svc_xstrdup(err.message);
        drop_build(ws);
        return false;
    }
    ws->query = svc_query_new(ws->model, NULL);
    svc_check_options co = { 0 };
    ws->diags = svc_check(ws->model, &co);
    return true;
}

void lsp_workspace_free(lsp_workspace *ws)
{
    drop_build(ws);
    svc_config_free(&ws->config);
    free(ws->root);
    free(ws->error);
    memset(ws, 0, sizeof *ws);
}

char *lsp_workspace_relative(const lsp_workspace *ws, const char *path)
{
    if (!ws->root || !path) return NULL;
    char real[PATH_MAX];
    const char *p = realpath(path, real) ? real : path;
    size_t n = strlen(ws->root);
    if (strncmp(p, ws->root, n) != 0 || p[n] != '/' || !p[n + 1]) return NULL;
    return svc_xstrdup(p + n + 1);
}

long lsp_workspace_file(const lsp_workspace *ws, const char *path)
{
    if (!ws->model) return -1;
    char *rel = lsp_workspace_relative(ws, path);
    long file = rel ? svc_model_file(ws->model, rel) : -1;
    free(rel);
    return file;
}

char *lsp_workspace_text(const lsp_workspace *ws, size_t file, size_t *len)
{
    *len = 0;
    long at = ws->model && file < ws->model->nfiles ? svc_source_find(ws->source, ws->model->files[file].path) : -1;
    char *bytes = NULL;
    svc_error err = SVC_ERROR_INIT;
    if (at < 0 || svc_source_read(ws->source, (size_t)at, &bytes, len, &err) < 0) {
        *len = 0;
        return svc_xstrdup("");
    }
    return bytes;
}

char *lsp_workspace_uri(const lsp_workspace *ws, const char *relative)
{
    char *abs = svc_xasprintf("%s/%s", ws->root, relative);
    char *uri = lsp_uri_from_path(abs);
    free(abs);
    return uri;
}
