/*
 * The server's state and what its feature files share: replying, notifying, logging, and reading
 * positions out of requests. Each request or notification has a handler (dispatch.c names them).
 */
#ifndef SVCSCOPE_LSP_SERVER_H
#define SVCSCOPE_LSP_SERVER_H

#include <stdbool.h>
#include <jansson.h>

#include "lsp/documents.h"
#include "lsp/lsp.h"
#include "lsp/position.h"
#include "lsp/transport.h"
#include "lsp/workspace.h"

/* JSON-RPC and LSP error codes. */
enum {
    LSP_PARSE_ERROR = -32700,
    LSP_INVALID_REQUEST = -32600,
    LSP_METHOD_NOT_FOUND = -32601,
    LSP_INVALID_PARAMS = -32602,
    LSP_INTERNAL_ERROR = -32603,
    LSP_SERVER_NOT_INITIALIZED = -32002,
    LSP_REQUEST_FAILED = -32803,
};

/* window/logMessage types */
enum { LSP_LOG_ERROR = 1, LSP_LOG_WARNING = 2, LSP_LOG_INFO = 3, LSP_LOG_LOG = 4 };

typedef struct lsp_server {
    const lsp_options *opts;
    lsp_transport *transport;
    lsp_documents docs;
    lsp_workspace ws;
    lsp_encoding encoding;
    bool initialized;             /* `initialize` answered */
    bool shutdown;                /* `shutdown` answered */
    bool exit;                    /* `exit` received */
    bool diagnostics_due;         /* publish once the pending messages are read */
    json_t *published;            /* uri -> the diagnostics last published there (to clear and to skip repeats) */
} lsp_server;

/* An error to answer a request with. */
typedef struct lsp_error {
    int code;
    char message[256];
} lsp_error;

/* A request's handler: its result (a new reference; json_null() for none), or NULL with *err set. */
typedef json_t *(*lsp_request_handler)(lsp_server *s, json_t *params, lsp_error *err);
/* A notification's handler. */
typedef void (*lsp_notification_handler)(lsp_server *s, json_t *params);

/* Sets *err and returns NULL, for handlers. */
json_t *lsp_fail(lsp_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sends a notification (takes `params`). */
void lsp_notify(lsp_server *s, const char *method, json_t *params);
/* window/logMessage, and stderr. */
void lsp_log(lsp_server *s, int type, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The open document or file a TextDocumentPositionParams-like `params` names, with the model built:
 * its model file, and its text (malloc'd) for converting positions. False with *err set. */
typedef struct lsp_target {
    size_t file;
    char *text;
    size_t len;
    uint32_t row, column;   /* the position, 0-based, column in code points (when asked for) */
} lsp_target;
bool lsp_target_of(lsp_server *s, json_t *params, bool position, lsp_target *out, lsp_error *err);
void lsp_target_free(lsp_target *t);

/* An LSP Range of a core span (row/column in code points) over a file's text. */
json_t *lsp_range_of_span(lsp_server *s, const char *text, size_t len, uint32_t row, uint32_t col, uint32_t end_row,
                          uint32_t end_col);
/* An LSP Location of a place of the model (1-based line/column in code points, as queries answer). */
json_t *lsp_location_of_place(lsp_server *s, size_t file, uint32_t line, uint32_t column, uint32_t end_line,
                              uint32_t end_column);

/* Handlers, one feature per file. */
json_t *lsp_initialize(lsp_server *s, json_t *params, lsp_error *err);
json_t *lsp_shutdown(lsp_server *s, json_t *params, lsp_error *err);
void lsp_initialized(lsp_server *s, json_t *params);
void lsp_exit(lsp_server *s, json_t *params);
void lsp_did_open(lsp_server *s, json_t *params);
void lsp_did_change(lsp_server *s, json_t *params);
void lsp_did_save(lsp_server *s, json_t *params);
void lsp_did_close(lsp_server *s, json_t *params);
void lsp_did_change_watched_files(lsp_server *s, json_t *params);
json_t *lsp_definition(lsp_server *s, json_t *params, lsp_error *err);
json_t *lsp_hover(lsp_server *s, json_t *params, lsp_error *err);
json_t *lsp_code_action(lsp_server *s, json_t *params, lsp_error *err);
json_t *lsp_workspace_symbol(lsp_server *s, json_t *params, lsp_error *err);
json_t *lsp_prepare_call_hierarchy(lsp_server *s, json_t *params, lsp_error *err);
json_t *lsp_incoming_calls(lsp_server *s, json_t *params, lsp_error *err);
json_t *lsp_outgoing_calls(lsp_server *s, json_t *params, lsp_error *err);

/* Publishes the findings of every file that has some, and clears those that had some. */
void lsp_publish_diagnostics(lsp_server *s);
/* Handles one message's bytes: a request, a notification, or garbage (answered with an error). */
void lsp_dispatch(lsp_server *s, const char *body, size_t len);

#endif
