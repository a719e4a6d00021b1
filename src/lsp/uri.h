/* file:// URIs as editors send them, and the absolute paths they name. */
#ifndef SVCSCOPE_LSP_URI_H
#define SVCSCOPE_LSP_URI_H

/* The absolute path of a file:// URI, percent-decoded (malloc'd); NULL for another scheme. */
char *lsp_uri_to_path(const char *uri);
/* The file:// URI of an absolute path, percent-encoded as VS Code and Neovim write them (malloc'd). */
char *lsp_uri_from_path(const char *path);

#endif
