/*
 * From a message's bytes to its handler: JSON-RPC 2.0 checks (a parse error and an invalid
 * request are answered, and the server goes on), the lifecycle's rules (nothing before
 * `initialize`, no request after `shutdown`), and the method table.
 */
#include <string.h>

#include "lsp/server.h"

typedef struct method {
    const char *name;
    lsp_request_handler request;
    lsp_notification_handler notification;
} method;

static const method methods[] = {
    { "initialize", lsp_initialize, NULL },
    { "initialized", NULL, lsp_initialized },
    { "shutdown", lsp_shutdown, NULL },
    { "exit", NULL, lsp_exit },
    { "textDocument/didOpen", NULL, lsp_did_open },
    { "textDocument/didChange", NULL, lsp_did_change },
    { "textDocument/didSave", NULL, lsp_did_save },
    { "textDocument/didClose", NULL, lsp_did_close },
    { "workspace/didChangeWatchedFiles", NULL, lsp_did_change_watched_files },
    { "textDocument/definition", lsp_definition, NULL },
    { "textDocument/hover", lsp_hover, NULL },
    { "textDocument/codeAction", lsp_code_action, NULL },
    { "workspace/symbol", lsp_workspace_symbol, NULL },
    { "textDocument/prepareCallHierarchy", lsp_prepare_call_hierarchy, NULL },
    { "callHierarchy/incomingCalls", lsp_incoming_calls, NULL },
    { "callHierarchy/outgoingCalls", lsp_outgoing_calls, NULL },
};

static const method *method_named(const char *name)
{
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        if (strcmp(methods[i].name, name) == 0) return &methods[i];
    return NULL;
}

static void reply_error(lsp_server *s, json_t *id, int code, const char *message)
{
    json_t *msg = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", id ? id : json_null(), "error", "code",
                            code, "message", message);
    lsp_transport_write(s->transport, msg);
    json_decref(msg);
}

static void reply_result(lsp_server *s, json_t *id, json_t *result)
{
    json_t *msg = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result", result);
    lsp_transport_write(s->transport, msg);
    json_decref(msg);
}

void lsp_dispatch(lsp_server *s, const char *body, size_t len)
{
    json_error_t jerr;
    json_t *msg = json_loadb(body, len, JSON_ALLOW_NUL, &jerr);
    if (!msg) {
        reply_error(s, NULL, LSP_PARSE_ERROR, jerr.text);
        return;
    }
    json_t *id = json_object_get(msg, "id");
    const char *name = json_string_value(json_object_get(msg, "method"));
    bool valid_id = id && (json_is_string(id) || json_is_integer(id));
    if (!json_is_object(msg) || !json_is_string(json_object_get(msg, "jsonrpc")) ||
        strcmp(json_string_value(json_object_get(msg, "jsonrpc")), "2.0") != 0 || (id && !valid_id && !json_is_null(id))) {
        reply_error(s, valid_id ? id : NULL, LSP_INVALID_REQUEST, "not a JSON-RPC 2.0 message");
        json_decref(msg);
        return;
    }
    if (!name) {
        /* a response to a request of ours (none is made) or an invalid message */
        if (!json_object_get(msg, "result") && !json_object_get(msg, "error"))
            reply_error(s, valid_id ? id : NULL, LSP_INVALID_REQUEST, "a message without a method");
        json_decref(msg);
        return;
    }
    json_t *params = json_object_get(msg, "params");
    const method *m = method_named(name);
    bool is_request = valid_id;
    if (!is_request) {
        /* notifications: unknown ones and $/ ones ($/cancelRequest, $/setTrace) are ignored */
        if (m && m->notification && (s->initialized || strcmp(name, "exit") == 0)) m->notification(s, params);
        json_decref(msg);
        return;
    }
    if (!m || !m->request) {
        reply_error(s, id, LSP_METHOD_NOT_FOUND, name);
    } else if (!s->initialized && m->request != lsp_initialize) {
        reply_error(s, id, LSP_SERVER_NOT_INITIALIZED, "the server is not initialized");
    } else if (s->shutdown) {
        reply_error(s, id, LSP_INVALID_REQUEST, "the server is shut down");
    } else {
        lsp_error err = { 0, "" };
        json_t *result = m->request(s, params, &err);
        if (result) reply_result(s, id, result);
        else if (err.code) reply_error(s, id, err.code, err.message);
        else reply_result(s, id, json_null());
    }
    json_decref(msg);
}
