/*
 * The language server: `svcscope lsp` speaks the Language Server Protocol on a pair of file
 * descriptors (stdin and stdout), answering from the core's model, checker, fixes and queries.
 * This header is all the command line sees of the server layer (docs/lsp.md).
 */
#ifndef SVCSCOPE_LSP_H
#define SVCSCOPE_LSP_H

#include <stddef.h>
#include "svcscope/model.h"

typedef struct lsp_options {
    svc_model_options model;             /* how to build (cache, threads), as the program's options say */
    /* The project root for a folder the client names (malloc'd), or NULL to take the folder itself. */
    char *(*find_root)(const char *folder);
    const char *default_root;            /* when the client names no folder (the current folder) */
    size_t max_message;                  /* bytes; 0 = 16 MiB */
} lsp_options;

/* Serves until `exit`; returns the process's exit status: 0 after `shutdown`, 1 without one
 * (the input ended, or `exit` came first), as the protocol says. */
int lsp_serve(int in_fd, int out_fd, const lsp_options *opts);

#endif
