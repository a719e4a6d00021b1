/*
 * The server's loop: read a message, handle it, and once no other message is waiting publish the
 * findings the changes call for (so a burst of edits costs one rebuild).
 */
#include <stdlib.h>

#include "lsp/server.h"

#define DEFAULT_MAX_MESSAGE (16u * 1024 * 1024)

int lsp_serve(int in_fd, int out_fd, const lsp_options *opts)
{
    lsp_server s = { 0 };
    s.opts = opts;
    s.transport = lsp_transport_new(in_fd, out_fd, opts->max_message ? opts->max_message : DEFAULT_MAX_MESSAGE);
    s.published = json_object();
    lsp_workspace_init(&s.ws, &opts->model);
    while (!s.exit) {
        char *body;
        size_t len;
        lsp_read_status st = lsp_transport_read(s.transport, &body, &len);
        if (st == LSP_READ_EOF) break;
        if (st == LSP_READ_MESSAGE) {
            lsp_dispatch(&s, body, len);
            free(body);
        } else {
            /* no id can be read from what was skipped: the error goes to id null */
            const char *why = st == LSP_READ_TOO_LARGE ? "message larger than the server's limit, skipped"
                                                       : "header without a valid Content-Length, skipped";
            json_t *msg = json_pack("{s:s, s:n, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", "error", "code",
                                    st == LSP_READ_TOO_LARGE ? LSP_INVALID_REQUEST : LSP_PARSE_ERROR, "message", why);
            lsp_transport_write(s.transport, msg);
            json_decref(msg);
            lsp_log(&s, LSP_LOG_WARNING, "%s", why);
        }
        if (s.diagnostics_due && !s.exit && !lsp_transport_pending(s.transport)) {
            s.diagnostics_due = false;
            lsp_publish_diagnostics(&s);
        }
    }
    int status = s.exit && s.shutdown ? 0 : 1;
    lsp_workspace_free(&s.ws);
    lsp_documents_free(&s.docs);
    json_decref(s.published);
    lsp_transport_free(s.transport);
    return status;
}
