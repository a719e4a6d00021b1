/* textDocument/definition: the name under the cursor resolved as the rules resolve names (svc_query_at). */
#include "lsp/server.h"

json_t *lsp_definition(lsp_server *s, json_t *params, lsp_error *err)
{
    lsp_target t;
    if (!lsp_target_of(s, params, true, &t, err)) return NULL;
    svc_query_names *names = svc_query_at(s->ws.query, t.file, t.row, t.column);
    json_t *result = NULL;
    if (names && names->n > 0 && names->items[0].defined) {
        const svc_query_place *p = &names->items[0].definition.name;
        result = lsp_location_of_place(s, p->file, p->line, p->column, p->end_line, p->end_column);
    }
    svc_query_names_free(names);
    lsp_target_free(&t);
    return result ? result : json_null();
}
