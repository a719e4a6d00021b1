/* What the query files share: the query itself and how a def, a file or a span becomes an answer. */
#ifndef SVCSCOPE_QUERY_INTERNAL_H
#define SVCSCOPE_QUERY_INTERNAL_H

#include "svcscope/query.h"
#include "svcscope/util.h"

struct svc_query {
    const svc_model *model;     /* borrowed */
    const svc_xref *xref;       /* borrowed, or owned_xref */
    svc_xref *owned_xref;
    /* the dotted names of defs asked about, made once ("file:def" -> name): answers asked again
     * and again (an editor's) do not grow the model's arena */
    svc_map *def_names;
    svc_arena *arena;
};

/* A facts span of a file as a 1-based place. */
svc_query_place query_place(const svc_model *m, size_t file, svc_span span);
/* The definition of def `def` of `file` (known without resolving: non-importable files too). */
void query_definition_of_def(const svc_query *q, size_t file, size_t def, svc_query_definition *out);
/* The definition of a file as a module or package (service and app packages included). */
void query_definition_of_file(const svc_model *m, size_t file, svc_query_definition *out);
/* The task or wrapper a dotted name designates, followed through re-exports. */
bool query_match_of_name(const svc_xref *x, const svc_model *m, const char *dotted, svc_xref_match *out);
/* A copy of n items of `size` bytes in the arena; NULL when n is 0. */
void *query_arena_copy(struct svc_arena *a, const void *items, size_t n, size_t size);
/* "<module>" or the qualname of a scope. */
const char *query_enclosing(const svc_facts *facts, int scope);

#endif
