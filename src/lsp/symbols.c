/* workspace/symbol: services, apps, modules, tasks, wrappers and exceptions, ranked as the explorer's go-to ranks them. */
#include <stdlib.h>

#include "lsp/server.h"
#include "lsp/uri.h"
#include "svcscope/util.h"

#define MAX_SYMBOLS 200

/* SymbolKind: File 1, Module 2, Package 4, Class 5, Function 12. */
static int symbol_kind(svc_query_kind kind)
{
    switch (kind) {
    case SVC_QUERY_SERVICE:
    case SVC_QUERY_APP:
    case SVC_QUERY_PACKAGE: return 4;
    case SVC_QUERY_MODULE: return 2;
    case SVC_QUERY_FILE: return 1;
    case SVC_QUERY_EXCEPTION:
    case SVC_QUERY_CLASS: return 5;
    default: return 12;
    }
}

static json_t *location_of(lsp_server *s, const svc_query_symbol *sym)
{
    if (sym->place.file != (size_t)-1)
        return lsp_location_of_place(s, sym->place.file, sym->place.line, sym->place.column, sym->place.end_line,
                                     sym->place.end_column);
    char *uri = lsp_workspace_uri(&s->ws, sym->place.path);  /* a folder without a Python file */
    json_t *loc = json_pack("{s:s, s:{s:{s:i, s:i}, s:{s:i, s:i}}}", "uri", uri, "range", "start", "line", 0,
                            "character", 0, "end", "line", 0, "character", 0);
    free(uri);
    return loc;
}

json_t *lsp_workspace_symbol(lsp_server *s, json_t *params, lsp_error *err)
{
    if (!lsp_workspace_build(&s->ws, &s->docs))
        return lsp_fail(err, LSP_REQUEST_FAILED, "the project could not be read: %s", s->ws.error);
    const char *pattern = json_string_value(json_object_get(params, "query"));
    svc_query_symbols *symbols = svc_query_symbols_new(s->ws.query);
    svc_query_match *matches = svc_xmalloc(MAX_SYMBOLS * sizeof *matches);
    size_t n = svc_query_rank(symbols, pattern ? pattern : "", matches, MAX_SYMBOLS);
    json_t *result = json_array();
    for (size_t i = 0; i < n; i++) {
        const svc_query_symbol *sym = &symbols->items[matches[i].symbol];
        json_array_append_new(result, json_pack("{s:s, s:i, s:o, s:s}", "name", sym->name, "kind",
                                                symbol_kind(sym->kind), "location", location_of(s, sym),
                                                "containerName", svc_query_kind_name(sym->kind)));
    }
    free(matches);
    svc_query_symbols_free(symbols);
    return result;
}
