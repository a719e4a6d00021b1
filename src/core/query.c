/*
 * Query: the shared part of the questions (include/svcscope/query.h) and "where is it defined".
 * A definition is found the way the rules resolve names (svc_model_resolve), then described
 * from what the model knows about that file or def (a task, a wrapper, an exception...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/query_internal.h"
#include "svcscope/tree_report.h"
#include "svcscope/utf8.h"

svc_query *svc_query_new(const svc_model *model, const svc_xref *xref)
{
    svc_query *q = svc_xcalloc(1, sizeof *q);
    q->model = model;
    q->xref = xref;
    q->def_names = svc_map_new();
    q->arena = svc_arena_new();
    return q;
}

void svc_query_free(svc_query *q)
{
    if (!q) return;
    svc_xref_free(q->owned_xref);
    svc_map_free(q->def_names);
    svc_arena_free(q->arena);
    free(q);
}

const svc_xref *svc_query_xref(svc_query *q)
{
    if (!q->xref) q->xref = q->owned_xref = svc_xref_build(q->model);
    return q->xref;
}

const char *svc_query_kind_name(svc_query_kind kind)
{
    switch (kind) {
    case SVC_QUERY_SERVICE: return "service";
    case SVC_QUERY_APP: return "app";
    case SVC_QUERY_PACKAGE: return "package";
    case SVC_QUERY_MODULE: return "module";
    case SVC_QUERY_FILE: return "file";
    case SVC_QUERY_TASK: return "task";
    case SVC_QUERY_WRAPPER: return "wrapper";
    case SVC_QUERY_EXCEPTION: return "exception";
    case SVC_QUERY_CLASS: return "class";
    case SVC_QUERY_FUNCTION: return "function";
    case SVC_QUERY_VARIABLE: return "variable";
    case SVC_QUERY_EXTERNAL: return "external";
    }
    return "external";
}

svc_query_place query_place(const svc_model *m, size_t file, svc_span span)
{
    svc_query_place p;
    p.file = file;
    p.path = m->files[file].path;
    p.line = span.row + 1;
    p.column = span.col + 1;
    p.end_line = span.end_row + 1;
    p.end_column = span.end_col + 1;
    return p;
}

void *query_arena_copy(svc_arena *a, const void *items, size_t n, size_t size)
{
    if (!n) return NULL;
    void *out = svc_arena_alloc(a, n * size);
    memcpy(out, items, n * size);
    return out;
}

const char *query_enclosing(const svc_facts *facts, int scope)
{
    return scope >= 0 && (size_t)scope < facts->ndefs ? facts->defs[scope].qualname : "<module>";
}

/* "module.qualname" of a def (the bare qualname in a file that is not importable). */
static const char *def_dotted(const svc_query *q, size_t file, size_t def)
{
    const svc_file *f = &q->model->files[file];
    const char *qualname = f->facts->defs[def].qualname;
    if (!f->module) return qualname;
    char key[48];
    snprintf(key, sizeof key, "%zu:%zu", file, def);
    const char *name = svc_map_get(q->def_names, key);
    if (!name) {
        name = svc_arena_printf(q->arena, "%s.%s", f->module, qualname);
        svc_map_put(q->def_names, key, SVC_UNCONST(void *, name));
    }
    return name;
}

void query_definition_of_def(const svc_query *q, size_t file, size_t def, svc_query_definition *out)
{
    const svc_model *m = q->model;
    const svc_def *d = &m->files[file].facts->defs[def];
    long index;
    svc_def_role role = svc_def_role_of(m, file, def, &index);
    memset(out, 0, sizeof *out);
    out->dotted = def_dotted(q, file, def);
    out->name = query_place(m, file, d->name_span);
    out->span = query_place(m, file, d->span);
    out->def = (long)def;
    out->index = index;
    switch (role) {
    case SVC_DEF_ROLE_TASK:
        out->kind = SVC_QUERY_TASK; /* (a task made by a call: its function, not the assignment) */
        break;
    case SVC_DEF_ROLE_WRAPPER: out->kind = SVC_QUERY_WRAPPER; break;
    case SVC_DEF_ROLE_EXCEPTION: out->kind = SVC_QUERY_EXCEPTION; break;
    case SVC_DEF_ROLE_CLASS: out->kind = SVC_QUERY_CLASS; break;
    case SVC_DEF_ROLE_FUNCTION: out->kind = SVC_QUERY_FUNCTION; break;
    }
}

void query_definition_of_file(const svc_model *m, size_t file, svc_query_definition *out)
{
    const svc_file *f = &m->files[file];
    memset(out, 0, sizeof *out);
    out->dotted = f->module ? f->module : f->path;
    out->kind = f->is_init ? SVC_QUERY_PACKAGE : f->module ? SVC_QUERY_MODULE : SVC_QUERY_FILE;
    out->def = -1;
    out->index = -1;
    if (f->is_init && f->service >= 0 && m->services[f->service].init_file == (int)file) {
        out->kind = SVC_QUERY_SERVICE;
        out->index = f->service;
    } else if (f->is_init && f->app >= 0 && f->module && strcmp(m->apps[f->app].module, f->module) == 0) {
        out->kind = SVC_QUERY_APP;
        out->index = f->app;
    }
    svc_span first = { 0 };
    out->name = query_place(m, file, first);
    svc_span whole = { 0 };
    whole.end_row = f->facts && f->facts->lines ? f->facts->lines - 1 : 0;
    out->span = query_place(m, file, whole);
}

/* The last module-level assignment of `name` in a file. */
static const svc_assign *assign_named(const svc_facts *facts, const char *name)
{
    const svc_assign *found = NULL;
    for (size_t i = 0; i < facts->nassigns; i++)
        if (strcmp(facts->assigns[i].name, name) == 0) found = &facts->assigns[i];
    return found;
}

bool svc_query_define(const svc_query *q, const char *dotted, svc_query_definition *out)
{
    const svc_model *m = q->model;
    const char *name = svc_model_resolve(m, dotted);
    const svc_symbol *sym = name ? svc_model_symbol(m, name) : NULL;
    if (!sym) return false;
    switch (sym->kind) {
    case SVC_SYM_MODULE:
        query_definition_of_file(m, sym->file, out);
        return true;
    case SVC_SYM_DEF:
        query_definition_of_def(q, sym->file, (size_t)sym->def, out);
        return true;
    case SVC_SYM_ASSIGN: {
        const svc_assign *as = assign_named(m->files[sym->file].facts, svc_dotted_last(name));
        if (!as) return false;
        memset(out, 0, sizeof *out);
        out->kind = SVC_QUERY_VARIABLE;
        out->dotted = name;
        out->def = -1;
        out->index = -1;
        out->span = query_place(m, sym->file, as->span);
        out->name = out->span;
        out->name.end_line = out->name.line;
        out->name.end_column = out->name.column + (uint32_t)svc_utf8_codepoints(as->name, strlen(as->name));
        /* a task made by a call (`purge_task = shared_task(purge)`) is the task */
        long t = svc_model_task_named(m, name);
        if (t >= 0 && m->tasks[t].by_call) {
            out->kind = SVC_QUERY_TASK;
            out->index = t;
            out->def = (long)m->tasks[t].at.def;
        }
        return true;
    }
    case SVC_SYM_IMPORT: break;
    }
    return false;
}

bool query_match_of_name(const svc_xref *x, const svc_model *m, const char *dotted, svc_xref_match *out)
{
    if (!dotted) return false;
    const svc_xref_match *match = svc_map_get(x->targets, dotted);
    if (!match) {
        const char *resolved = svc_model_resolve(m, dotted);
        if (resolved) match = svc_map_get(x->targets, resolved);
    }
    if (!match) return false;
    *out = *match;
    return true;
}
