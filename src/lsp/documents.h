/* The documents the editor has open: their URI and the text of their buffer, saved or not. */
#ifndef SVCSCOPE_LSP_DOCUMENTS_H
#define SVCSCOPE_LSP_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lsp_document {
    char *uri;
    char *path;       /* absolute path of a file:// URI, else NULL */
    char *text;       /* NUL-terminated; len bytes */
    size_t len;
    int64_t version;
    bool refused;     /* the checker does not read it (too large, binary): the user was told */
} lsp_document;

typedef struct lsp_documents {
    lsp_document *items;
    size_t len, cap;
} lsp_documents;

/* Opens (or replaces) the document at `uri` with a copy of the text. */
lsp_document *lsp_documents_open(lsp_documents *docs, const char *uri, const char *text, size_t len, int64_t version);
/* The open document at `uri`, or NULL. */
lsp_document *lsp_documents_find(lsp_documents *docs, const char *uri);
/* Replaces the text of an open document (full sync). */
void lsp_document_set_text(lsp_document *doc, const char *text, size_t len, int64_t version);
/* Forgets the document at `uri` (nothing when it is not open). */
void lsp_documents_close(lsp_documents *docs, const char *uri);
void lsp_documents_free(lsp_documents *docs);

#endif
