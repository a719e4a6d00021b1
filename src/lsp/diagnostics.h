/* A finding as the protocol's Diagnostic, shared by publishing and code actions. */
#ifndef SVCSCOPE_LSP_DIAGNOSTICS_H
#define SVCSCOPE_LSP_DIAGNOSTICS_H

#include "lsp/server.h"
#include "svcscope/diagnostic.h"

/* The Diagnostic of a finding of a file whose text is given. */
json_t *lsp_diagnostic_json(lsp_server *s, const svc_diagnostic *d, const char *text, size_t len);

#endif
