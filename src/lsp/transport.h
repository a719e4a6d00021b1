/*
 * The wire of the Language Server Protocol: messages framed by a `Content-Length` header, read
 * from one file descriptor and written to another. Nothing else is ever written to the output.
 */
#ifndef SVCSCOPE_LSP_TRANSPORT_H
#define SVCSCOPE_LSP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

typedef struct lsp_transport lsp_transport;

typedef enum lsp_read_status {
    LSP_READ_MESSAGE,     /* *body holds one message (malloc'd, NUL-terminated) */
    LSP_READ_EOF,         /* the input ended (or failed) */
    LSP_READ_TOO_LARGE,   /* a message over the size limit: its bytes were skipped */
    LSP_READ_BAD_HEADER,  /* a header block without a valid Content-Length: skipped */
} lsp_read_status;

lsp_transport *lsp_transport_new(int in_fd, int out_fd, size_t max_body);
void lsp_transport_free(lsp_transport *t);
/* Reads the next message; blocks until one is there or the input ends. */
lsp_read_status lsp_transport_read(lsp_transport *t, char **body, size_t *len);
/* True when bytes of another message are already there (read, or readable without waiting). */
bool lsp_transport_pending(lsp_transport *t);
/* Writes one message (steals nothing: the caller keeps `message`); false when the output failed. */
bool lsp_transport_write(lsp_transport *t, const json_t *message);

#endif
