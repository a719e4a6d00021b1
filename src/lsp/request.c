/*
 * What every feature shares: failing a request, notifying and logging to the client, and turning
 * a request's document and position into the core's file, row and column, and back into ranges.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/server.h"
#include "lsp/uri.h"
#include "svcscope/util.h"

json_t *lsp_fail(lsp_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return NULL;
}

void lsp_notify(lsp_server *s, const char *method, json_t *params)
{
    json_t *msg = json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method, "params", params);
    if (msg) lsp_transport_write(s->transport, msg);
    json_decref(msg);
}

void lsp_log(lsp_server *s, int type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    svc_buf b = { 0 };
    svc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    text = svc_buf_detach(&b);
    fprintf(stderr, "svcscope lsp: %s\n", text);
    lsp_notify(s, "window/logMessage", json_pack("{s:i, s:s}", "type", type, "message", text));
    free(text);
}

bool lsp_target_of(lsp_server *s, json_t *params, bool position, lsp_target *out, lsp_error *err)
{
    memset(out, 0, sizeof *out);
    const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
    json_t *pos = json_object_get(params, "position");
    json_t *line = json_object_get(pos, "line"), *character = json_object_get(pos, "character");
    if (!uri || (position && (!json_is_integer(line) || !json_is_integer(character) || json_integer_value(line) < 0 ||
                              json_integer_value(character) < 0))) {
        lsp_fail(err, LSP_INVALID_PARAMS, "textDocument.uri%s missing or invalid", position ? " or position" : "");
        return false;
    }
    if (!lsp_workspace_build(&s->ws, &s->docs)) {
        lsp_fail(err, LSP_REQUEST_FAILED, "the project could not be read: %s", s->ws.error);
        return false;
    }
    char *path = lsp_uri_to_path(uri);
    long file = path ? lsp_workspace_file(&s->ws, path) : -1;
    free(path);
    if (file < 0) {
        /* not a Python file of the project: nothing is there, which is not an error */
        err->code = 0;
        return false;
    }
    out->file = (size_t)file;
    out->text = lsp_workspace_text(&s->ws, (size_t)file, &out->len);
    if (position) {
        out->row = (uint32_t)json_integer_value(line);
        out->column = lsp_position_to_column(out->text, out->len, s->encoding, out->row,
                                             (uint32_t)json_integer_value(character));
    }
    return true;
}

void lsp_target_free(lsp_target *t)
{
    free(t->text);
    memset(t, 0, sizeof *t);
}

json_t *lsp_range_of_span(lsp_server *s, const char *text, size_t len, uint32_t row, uint32_t col, uint32_t end_row,
                          uint32_t end_col)
{
    return json_pack("{s:{s:i, s:i}, s:{s:i, s:i}}", "start", "line", (json_int_t)row, "character",
                     (json_int_t)lsp_column_to_character(text, len, s->encoding, row, col), "end", "line",
                     (json_int_t)end_row, "character",
                     (json_int_t)lsp_column_to_character(text, len, s->encoding, end_row, end_col));
}

json_t *lsp_location_of_place(lsp_server *s, size_t file, uint32_t line, uint32_t column, uint32_t end_line,
                              uint32_t end_column)
{
    size_t len;
    char *text = lsp_workspace_text(&s->ws, file, &len);
    uint32_t row = line ? line - 1 : 0, col = column ? column - 1 : 0;
    uint32_t end_row = end_line ? end_line - 1 : row, end_col = end_column ? end_column - 1 : col;
    if (end_row < row || (end_row == row && end_col < col)) {
        end_row = row;
        end_col = col;
    }
    char *uri = lsp_workspace_uri(&s->ws, s->ws.model->files[file].path);
    json_t *loc = json_pack("{s:s, s:o}", "uri", uri, "range", lsp_range_of_span(s, text, len, row, col, end_row, end_col));
    free(uri);
    free(text);
    return loc;
}
