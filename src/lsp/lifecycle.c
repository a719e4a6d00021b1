/*
 * initialize (the project root, the position encoding, what the server can do), initialized
 * (watching the files that change findings), shutdown and exit.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "lsp/server.h"
#include "lsp/uri.h"
#include "svcscope/util.h"

/* The folder the client opened: the first workspace folder, else rootUri, else rootPath. */
static char *client_folder(json_t *params)
{
    json_t *folders = json_object_get(params, "workspaceFolders");
    if (json_is_array(folders) && json_array_size(folders) > 0) {
        char *path = lsp_uri_to_path(json_string_value(json_object_get(json_array_get(folders, 0), "uri")));
        if (path) return path;
    }
    char *path = lsp_uri_to_path(json_string_value(json_object_get(params, "rootUri")));
    if (path) return path;
    const char *root_path = json_string_value(json_object_get(params, "rootPath"));
    return root_path ? svc_xstrdup(root_path) : NULL;
}

/* UTF-32 (the core's own columns) when the client offers it, else the protocol's default UTF-16. */
static lsp_encoding negotiate_encoding(json_t *params)
{
    json_t *offered = json_object_get(json_object_get(json_object_get(params, "capabilities"), "general"),
                                      "positionEncodings");
    size_t i;
    json_t *v;
    lsp_encoding chosen = LSP_ENCODING_UTF16;
    json_array_foreach(offered, i, v) {
        const char *name = json_string_value(v);
        if (name && strcmp(name, "utf-32") == 0) return LSP_ENCODING_UTF32;
        if (name && strcmp(name, "utf-8") == 0) chosen = LSP_ENCODING_UTF8;
    }
    return chosen;
}

json_t *lsp_initialize(lsp_server *s, json_t *params, lsp_error *err)
{
    if (s->initialized) return lsp_fail(err, LSP_INVALID_REQUEST, "initialize was already received");
    if (!json_is_object(params)) return lsp_fail(err, LSP_INVALID_PARAMS, "initialize needs params");
    char *folder = client_folder(params);
    const char *start = folder ? folder : s->opts->default_root;
    char *root = start && s->opts->find_root ? s->opts->find_root(start) : NULL;
    if (root || start) lsp_workspace_set_root(&s->ws, root ? root : start);
    free(root);
    free(folder);
    s->encoding = negotiate_encoding(params);
    s->initialized = true;
    json_t *capabilities = json_pack(
        "{s:s, s:{s:b, s:i, s:{s:b}}, s:b, s:b, s:{s:[s]}, s:b, s:b}", "positionEncoding",
        lsp_encoding_name(s->encoding), "textDocumentSync", "openClose", 1, "change", 1, "save", "includeText", 0,
        "definitionProvider", 1, "hoverProvider", 1, "codeActionProvider", "codeActionKinds", "quickfix",
        "workspaceSymbolProvider", 1, "callHierarchyProvider", 1);
    return json_pack("{s:o, s:{s:s, s:s}}", "capabilities", capabilities, "serverInfo", "name", "svcscope", "version",
                     PACKAGE_VERSION);
}

void lsp_initialized(lsp_server *s, json_t *params)
{
    (void)params;
    if (!s->ws.root) lsp_log(s, LSP_LOG_WARNING, "no workspace folder: nothing to check");
    /* Python files and the config change findings: ask the client to say when they change (a
     * client that cannot register dynamically answers with an error, which is ignored). */
    json_t *watchers = json_pack("[{s:s}, {s:s}]", "globPattern", "**/*.py", "globPattern", "**/pyproject.toml");
    json_t *request = json_pack("{s:s, s:s, s:s, s:{s:[{s:s, s:s, s:{s:o}}]}}", "jsonrpc", "2.0", "id",
                                "svcscope-watch", "method", "client/registerCapability", "params", "registrations",
                                "id", "svcscope-watch", "method", "workspace/didChangeWatchedFiles",
                                "registerOptions", "watchers", watchers);
    if (request) lsp_transport_write(s->transport, request);
    json_decref(request);
}

json_t *lsp_shutdown(lsp_server *s, json_t *params, lsp_error *err)
{
    (void)params;
    (void)err;
    s->shutdown = true;
    return json_null();
}

void lsp_exit(lsp_server *s, json_t *params)
{
    (void)params;
    s->exit = true;
}
