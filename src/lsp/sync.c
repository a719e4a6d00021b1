/*
 * Document synchronisation: the open buffers' text (full, or ranges of it), and the changes that
 * make the findings stale (an edit, a save, a file changed on disk).
 */
#include <stdlib.h>
#include <string.h>

#include "lsp/server.h"
#include "svcscope/util.h"

static void changed(lsp_server *s)
{
    s->ws.stale = true;
    s->diagnostics_due = true;
}

/* A buffer the checker will not read (as such a file on disk): said to the user, once per state. */
static void say_if_unreadable(lsp_server *s, lsp_document *doc)
{
    uint64_t limit = s->ws.source ? svc_source_max_file_size(s->ws.source) : s->ws.config.max_file_size;
    const char *why = NULL;
    if (limit && doc->len > limit) why = "is larger than max-file-size";
    else if (memchr(doc->text, '\0', doc->len)) why = "holds NUL bytes (binary)";
    if (why && !doc->refused) {
        lsp_notify(s, "window/showMessage", json_pack("{s:i, s:s+++}", "type", LSP_LOG_WARNING, "message", doc->uri,
                                                      " ", why, ": svcscope does not check it"));
        lsp_log(s, LSP_LOG_WARNING, "%s %s: not checked", doc->uri, why);
    }
    doc->refused = why != NULL;
}

static const char *uri_of(json_t *params)
{
    return json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
}

void lsp_did_open(lsp_server *s, json_t *params)
{
    json_t *doc = json_object_get(params, "textDocument");
    const char *uri = json_string_value(json_object_get(doc, "uri"));
    json_t *text = json_object_get(doc, "text");
    if (!uri || !json_is_string(text)) return;
    lsp_document *opened = lsp_documents_open(&s->docs, uri, json_string_value(text), json_string_length(text),
                                              json_integer_value(json_object_get(doc, "version")));
    say_if_unreadable(s, opened);
    changed(s);
}

/* Replaces [start, end) of the document's text. */
static void splice(lsp_document *doc, size_t start, size_t end, const char *text, size_t len, int64_t version)
{
    svc_buf b = { 0 };
    svc_buf_append(&b, doc->text, start);
    svc_buf_append(&b, text, len);
    svc_buf_append(&b, doc->text + end, doc->len - end);
    size_t n = b.len;
    char *joined = svc_buf_detach(&b);
    lsp_document_set_text(doc, joined ? joined : "", joined ? n : 0, version);
    free(joined);
}

void lsp_did_change(lsp_server *s, json_t *params)
{
    const char *uri = uri_of(params);
    lsp_document *doc = uri ? lsp_documents_find(&s->docs, uri) : NULL;
    if (!doc) return;
    int64_t version = json_integer_value(json_object_get(json_object_get(params, "textDocument"), "version"));
    size_t i;
    json_t *change;
    json_array_foreach(json_object_get(params, "contentChanges"), i, change) {
        json_t *text = json_object_get(change, "text");
        json_t *range = json_object_get(change, "range");
        if (!json_is_string(text)) continue;
        if (!range) {
            lsp_document_set_text(doc, json_string_value(text), json_string_length(text), version);
            continue;
        }
        json_t *from = json_object_get(range, "start"), *to = json_object_get(range, "end");
        size_t start = lsp_position_to_byte(doc->text, doc->len, s->encoding,
                                            (uint32_t)json_integer_value(json_object_get(from, "line")),
                                            (uint32_t)json_integer_value(json_object_get(from, "character")));
        size_t end = lsp_position_to_byte(doc->text, doc->len, s->encoding,
                                          (uint32_t)json_integer_value(json_object_get(to, "line")),
                                          (uint32_t)json_integer_value(json_object_get(to, "character")));
        if (end < start) end = start;
        splice(doc, start, end, json_string_value(text), json_string_length(text), version);
    }
    say_if_unreadable(s, doc);
    changed(s);
}

void lsp_did_save(lsp_server *s, json_t *params)
{
    (void)params;
    changed(s);
}

void lsp_did_close(lsp_server *s, json_t *params)
{
    const char *uri = uri_of(params);
    if (uri) lsp_documents_close(&s->docs, uri);
    changed(s);
}

void lsp_did_change_watched_files(lsp_server *s, json_t *params)
{
    (void)params;
    changed(s);
}
