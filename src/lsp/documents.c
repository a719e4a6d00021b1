/* The open documents, kept in the order they were opened (few: a linear search is enough). */
#include <stdlib.h>
#include <string.h>

#include "lsp/documents.h"
#include "lsp/uri.h"
#include "svcscope/util.h"

lsp_document *lsp_documents_find(lsp_documents *docs, const char *uri)
{
    for (size_t i = 0; i < docs->len; i++)
        if (strcmp(docs->items[i].uri, uri) == 0) return &docs->items[i];
    return NULL;
}

void lsp_document_set_text(lsp_document *doc, const char *text, size_t len, int64_t version)
{
    free(doc->text);
    doc->text = svc_xmalloc(len + 1);
    memcpy(doc->text, text, len);
    doc->text[len] = '\0';
    doc->len = len;
    doc->version = version;
}

lsp_document *lsp_documents_open(lsp_documents *docs, const char *uri, const char *text, size_t len, int64_t version)
{
    lsp_document *doc = lsp_documents_find(docs, uri);
    if (!doc) {
        lsp_document fresh = { 0 };
        fresh.uri = svc_xstrdup(uri);
        fresh.path = lsp_uri_to_path(uri);
        svc_vec_push(docs, fresh);
        doc = &docs->items[docs->len - 1];
    }
    lsp_document_set_text(doc, text, len, version);
    return doc;
}

static void document_free(lsp_document *doc)
{
    free(doc->uri);
    free(doc->path);
    free(doc->text);
}

void lsp_documents_close(lsp_documents *docs, const char *uri)
{
    lsp_document *doc = lsp_documents_find(docs, uri);
    if (!doc) return;
    document_free(doc);
    size_t i = (size_t)(doc - docs->items);
    memmove(doc, doc + 1, (docs->len - i - 1) * sizeof *doc);
    docs->len--;
}

void lsp_documents_free(lsp_documents *docs)
{
    for (size_t i = 0; i < docs->len; i++) document_free(&docs->items[i]);
    free(docs->items);
    memset(docs, 0, sizeof *docs);
}
