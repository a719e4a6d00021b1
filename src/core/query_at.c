/*
 * What is at a position: a def's name, an imported name, or a use (a name or attribute chain),
 * with what it resolves to; every name of a line; the task or wrapper a position designates.
 * Positions are 0-based rows and code-point columns, as the facts' spans are.
 */
#include <stdlib.h>
#include <string.h>

#include "core/query_internal.h"
#include "svcscope/utf8.h"

typedef SVC_VEC(svc_query_name) name_vec;

/* (row, col) inside [start, end) of a span. */
static bool span_holds(svc_span s, uint32_t row, uint32_t col)
{
    if (row < s.row || row > s.end_row) return false;
    if (row == s.row && col < s.col) return false;
    if (row == s.end_row && col >= s.end_col) return false;
    return true;
}

/* Bytes of the first `cps` code points of s. */
static size_t codepoint_bytes(const char *s, size_t cps)
{
    size_t at = 0, len = strlen(s);
    for (size_t i = 0; i < cps && at < len; i++) {
        uint32_t cp;
        at += svc_utf8_decode(s + at, len - at, &cp);
    }
    return at;
}

/* `dotted` without its last `drop` components, in the arena; NULL when it has too few. */
static const char *drop_components(svc_arena *a, const char *dotted, size_t drop)
{
    if (!dotted) return NULL;
    size_t len = strlen(dotted);
    while (drop > 0) {
        while (len > 0 && dotted[len - 1] != '.') len--;
        if (len == 0) return NULL;
        len--;
        drop--;
    }
    return svc_arena_strndup(a, dotted, len);
}

static size_t count_dots(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += *s == '.';
    return n;
}

/* A name of a role at a scope of a file, the rest left empty. */
static svc_query_name name_init(svc_query_name_role role, const svc_facts *facts, int scope)
{
    svc_query_name n;
    memset(&n, 0, sizeof n);
    n.role = role;
    n.scope = scope;
    n.enclosing = query_enclosing(facts, scope);
    return n;
}

static void fill_definition(const svc_query *q, svc_query_name *n)
{
    n->defined = n->dotted && svc_query_define(q, n->dotted, &n->definition);
    n->kind = n->defined ? n->definition.kind : SVC_QUERY_EXTERNAL;
}

/* The absolute name a ref's whole chain stands for, or NULL (locals, builtins). A head no scope
 * binds is the module's own name when a star import provides it (as the cross-reference reads it). */
static const char *ref_dotted(const svc_query *q, svc_arena *a, size_t file, const svc_ref *ref)
{
    const svc_model *m = q->model;
    if (ref->binding == SVC_BIND_IMPORT || ref->binding == SVC_BIND_MODULE) return ref->resolved;
    if (ref->binding != SVC_BIND_UNKNOWN || !m->files[file].module) return NULL;
    const svc_facts *facts = m->files[file].facts;
    for (size_t i = 0; i < facts->nimports; i++)
        if (facts->imports[i].kind == SVC_IMPORT_STAR && facts->imports[i].scope == -1) {
            const char *via = svc_arena_printf(a, "%s.%s", m->files[file].module, ref->raw);
            return svc_model_resolve(m, via) ? via : NULL;
        }
    return NULL;
}

/*
 * A use. `column` (or UINT32_MAX for the whole chain) picks the component of the chain: on `b`
 * of `a.b.c`, the name is `a.b`. The chain must be written on one line without spaces for that;
 * else the whole chain is taken.
 */
static svc_query_name use_name(const svc_query *q, svc_arena *a, size_t file, size_t r, uint32_t column)
{
    const svc_model *m = q->model;
    const svc_facts *facts = m->files[file].facts;
    const svc_ref *ref = &facts->refs[r];
    svc_query_name n = name_init(SVC_QUERY_NAME_USE, facts, ref->scope);
    n.place = query_place(m, file, ref->span);
    n.text = ref->raw;
    n.dotted = ref_dotted(q, a, file, ref);
    n.flags = ref->flags;
    size_t cps = svc_utf8_codepoints(ref->raw, strlen(ref->raw));
    if (column != UINT32_MAX && ref->span.row == ref->span.end_row && ref->span.end_col - ref->span.col == cps &&
        column >= ref->span.col) {
        size_t at = codepoint_bytes(ref->raw, column - ref->span.col);
        const char *end = strchr(ref->raw + at, '.');
        if (end) {
            size_t len = (size_t)(end - ref->raw);
            n.text = svc_arena_strndup(a, ref->raw, len);
            n.dotted = drop_components(a, n.dotted, count_dots(end));
            n.place.end_column = ref->span.col + 1 + (uint32_t)svc_utf8_codepoints(ref->raw, len);
        }
    }
    fill_definition(q, &n);
    return n;
}

static svc_query_name def_name(const svc_query *q, size_t file, size_t d)
{
    const svc_model *m = q->model;
    const svc_facts *facts = m->files[file].facts;
    svc_query_name n = name_init(SVC_QUERY_NAME_DEF, facts, facts->defs[d].parent);
    n.place = query_place(m, file, facts->defs[d].name_span);
    n.text = facts->defs[d].name;
    n.defined = true;
    query_definition_of_def(q, file, d, &n.definition);
    n.dotted = n.definition.dotted;
    n.kind = n.definition.kind;
    return n;
}

/* An imported name (`whole_module`: the module of a from-import, placed on the statement). */
static svc_query_name import_name(const svc_query *q, svc_arena *a, size_t file, size_t i, bool whole_module,
                                  uint32_t column)
{
    const svc_model *m = q->model;
    const svc_facts *facts = m->files[file].facts;
    const svc_import *imp = &facts->imports[i];
    svc_query_name n = name_init(SVC_QUERY_NAME_IMPORT, facts, imp->scope);
    if (whole_module) {
        n.place = query_place(m, file, imp->stmt_span);
        n.text = imp->module;
        n.dotted = imp->unresolved ? NULL : imp->module;
    } else {
        n.place = query_place(m, file, imp->span);
        n.text = imp->kind == SVC_IMPORT_FROM ? imp->name : imp->module;
        n.dotted = imp->unresolved ? NULL : imp->kind == SVC_IMPORT_FROM ? imp->target : imp->module;
        /* `import a.b.c`: the component under the cursor, as for a chain */
        size_t cps = imp->module ? svc_utf8_codepoints(imp->module, strlen(imp->module)) : 0;
        if (imp->kind == SVC_IMPORT_MODULE && column != UINT32_MAX && imp->span.row == imp->span.end_row &&
            column >= imp->span.col && column - imp->span.col < cps) {
            size_t at = codepoint_bytes(imp->module, column - imp->span.col);
            const char *end = strchr(imp->module + at, '.');
            if (end) {
                size_t len = (size_t)(end - imp->module);
                n.text = svc_arena_strndup(a, imp->module, len);
                n.dotted = n.dotted ? n.text : NULL;
                n.place.end_line = n.place.line;
                n.place.end_column = n.place.column + (uint32_t)svc_utf8_codepoints(imp->module, len);
            }
        }
    }
    fill_definition(q, &n);
    return n;
}

/* True when (row, column) is on the `from x` part of a from-import: before its first name. */
static bool on_from_module(const svc_facts *facts, size_t i, uint32_t row, uint32_t column)
{
    const svc_import *imp = &facts->imports[i];
    if (imp->kind == SVC_IMPORT_MODULE || !span_holds(imp->stmt_span, row, column)) return false;
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *o = &facts->imports[k];
        if (o->stmt_span.byte != imp->stmt_span.byte || o->kind == SVC_IMPORT_STAR) continue;
        if (row > o->span.row || (row == o->span.row && column >= o->span.col)) return false;
    }
    return true;
}

static svc_query_names *names_new(void)
{
    svc_query_names *out = svc_xcalloc(1, sizeof *out);
    out->arena = svc_arena_new();
    return out;
}

static void names_finish(svc_query_names *out, name_vec *v)
{
    out->n = v->len;
    out->items = query_arena_copy(out->arena, v->items, v->len, sizeof *v->items);
    svc_vec_free(v);
}

svc_query_names *svc_query_at(const svc_query *q, size_t file, uint32_t row, uint32_t column)
{
    const svc_model *m = q->model;
    name_vec v = { 0 };
    svc_query_names *out = names_new();
    const svc_facts *facts = file < m->nfiles ? m->files[file].facts : NULL;
    if (!facts) {
        names_finish(out, &v);
        return out;
    }
    for (size_t d = 0; d < facts->ndefs && !v.len; d++)
        if (span_holds(facts->defs[d].name_span, row, column)) svc_vec_push(&v, def_name(q, file, d));
    for (size_t i = 0; i < facts->nimports && !v.len; i++) {
        if (facts->imports[i].kind != SVC_IMPORT_STAR && span_holds(facts->imports[i].span, row, column))
            svc_vec_push(&v, import_name(q, out->arena, file, i, false, column));
        else if (on_from_module(facts, i, row, column))
            svc_vec_push(&v, import_name(q, out->arena, file, i, true, column));
    }
    for (size_t r = 0; r < facts->nrefs && !v.len; r++)
        if (span_holds(facts->refs[r].span, row, column)) svc_vec_push(&v, use_name(q, out->arena, file, r, column));
    names_finish(out, &v);
    return out;
}

static int compare_names(const void *pa, const void *pb)
{
    const svc_query_name *a = pa, *b = pb;
    if (a->place.line != b->place.line) return a->place.line < b->place.line ? -1 : 1;
    if (a->place.column != b->place.column) return a->place.column < b->place.column ? -1 : 1;
    return 0;
}

svc_query_names *svc_query_line(const svc_query *q, size_t file, uint32_t row)
{
    const svc_model *m = q->model;
    name_vec v = { 0 };
    svc_query_names *out = names_new();
    const svc_facts *facts = file < m->nfiles ? m->files[file].facts : NULL;
    for (size_t d = 0; facts && d < facts->ndefs; d++)
        if (facts->defs[d].name_span.row == row) svc_vec_push(&v, def_name(q, file, d));
    for (size_t i = 0; facts && i < facts->nimports; i++) {
        const svc_import *imp = &facts->imports[i];
        bool first_of_statement = i == 0 || facts->imports[i - 1].stmt_span.byte != imp->stmt_span.byte;
        if (imp->kind != SVC_IMPORT_MODULE && first_of_statement && imp->stmt_span.row == row)
            svc_vec_push(&v, import_name(q, out->arena, file, i, true, UINT32_MAX));
        if (imp->kind != SVC_IMPORT_STAR && imp->span.row == row)
            svc_vec_push(&v, import_name(q, out->arena, file, i, false, UINT32_MAX));
    }
    for (size_t r = 0; facts && r < facts->nrefs; r++)
        if (facts->refs[r].span.row == row) svc_vec_push(&v, use_name(q, out->arena, file, r, UINT32_MAX));
    if (v.len > 1) qsort(v.items, v.len, sizeof *v.items, compare_names);
    names_finish(out, &v);
    return out;
}

void svc_query_names_free(svc_query_names *names)
{
    if (!names) return;
    svc_arena_free(names->arena);
    free(names);
}

/* ---- the task or wrapper at a position ---------------------------------------------- */

/* A use's chain or one of its prefixes (longest first) that designates a task or wrapper;
 * `task.delay` and the like reach the task through their prefix. */
static bool ref_match(svc_query *q, svc_arena *a, size_t file, size_t r, svc_xref_match *out)
{
    const svc_xref *x = svc_query_xref(q);
    const char *dotted = ref_dotted(q, a, file, &q->model->files[file].facts->refs[r]);
    size_t dots = dotted ? count_dots(dotted) : 0;
    for (size_t drop = 0; dotted && drop <= dots; drop++) {
        const char *prefix = drop_components(a, dotted, drop);
        if (prefix && query_match_of_name(x, q->model, prefix, out)) return true;
    }
    return false;
}

/* The innermost def whose span holds (row, column), or -1. */
static int def_holding(const svc_facts *facts, uint32_t row, uint32_t column)
{
    int found = -1;
    for (size_t d = 0; d < facts->ndefs; d++)
        if (span_holds(facts->defs[d].span, row, column)) found = (int)d; /* parents precede children */
    return found;
}

/* The task or wrapper a def of a file is, looking outwards from `def`. */
static bool enclosing_match(svc_query *q, size_t file, int def, svc_xref_match *out)
{
    const svc_model *m = q->model;
    for (; def >= 0; def = m->files[file].facts->defs[def].parent) {
        long t = svc_model_task_at(m, file, (size_t)def);
        if (t >= 0) {
            *out = (svc_xref_match){ true, (size_t)t };
            return true;
        }
        for (size_t w = 0; w < m->nwrappers; w++)
            if (m->wrappers[w].at.file == file && m->wrappers[w].at.def == (size_t)def) {
                *out = (svc_xref_match){ false, w };
                return true;
            }
    }
    return false;
}

bool svc_query_task_at(svc_query *q, size_t file, uint32_t row, uint32_t column, svc_xref_match *out)
{
    const svc_model *m = q->model;
    const svc_facts *facts = file < m->nfiles ? m->files[file].facts : NULL;
    if (!facts) return false;
    const svc_xref *x = svc_query_xref(q);
    svc_arena *a = svc_arena_new();
    bool found = false;
    /* a name under the cursor: a def, an import, or a use */
    svc_query_names *at = svc_query_at(q, file, row, column);
    if (at->n && at->items[0].role != SVC_QUERY_NAME_USE) {
        const svc_query_name *n = &at->items[0];
        found = n->defined && (n->kind == SVC_QUERY_TASK || n->kind == SVC_QUERY_WRAPPER) &&
                query_match_of_name(x, m, n->definition.dotted, out);
        if (!found && n->role == SVC_QUERY_NAME_DEF && n->definition.def >= 0)
            found = enclosing_match(q, file, (int)n->definition.def, out);
    }
    svc_query_names_free(at);
    for (size_t r = 0; r < facts->nrefs && !found; r++)
        if (span_holds(facts->refs[r].span, row, column)) found = ref_match(q, a, file, r, out);
    /* a beat schedule entry's "task" value (or add_periodic_task signature) on the line */
    for (size_t i = 0; i < m->nbeat && !found; i++)
        if (m->beat[i].file == file && m->beat[i].span.row == row && m->beat[i].task >= 0) {
            *out = (svc_xref_match){ true, (size_t)m->beat[i].task };
            found = true;
        }
    /* anywhere else on the line: the first use on it that designates one */
    for (size_t r = 0; r < facts->nrefs && !found; r++)
        if (facts->refs[r].span.row == row) found = ref_match(q, a, file, r, out);
    if (!found) found = enclosing_match(q, file, def_holding(facts, row, column), out);
    svc_arena_free(a);
    return found;
}
