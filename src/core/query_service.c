/*
 * A service's overview: its public API (what its __init__.py binds and __all__), its modules,
 * its exceptions (exported or not), and the tasks it defines with each wrapper's caller count.
 */
#include <stdlib.h>
#include <string.h>

#include "core/query_internal.h"

typedef SVC_VEC(svc_query_export) export_vec;

static bool in_all(const svc_facts *facts, const char *name)
{
    for (size_t i = 0; i < facts->nall; i++)
        if (strcmp(facts->all[i], name) == 0) return true;
    return false;
}

static bool listed(const export_vec *v, const char *name)
{
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->items[i].name, name) == 0) return true;
    return false;
}

/* A name `module` binds at top level, as its __init__.py's API would show it. */
static void add_export(const svc_query *q, svc_arena *a, export_vec *v, const svc_facts *init, const char *module,
                       const char *name, bool bound)
{
    if (listed(v, name) || strcmp(name, "__all__") == 0) return;
    bool all = init->has_all && in_all(init, name);
    if (name[0] == '_' && !all) return;
    svc_query_export e;
    memset(&e, 0, sizeof e);
    e.name = name;
    e.in_all = all;
    e.bound = bound;
    e.defined = svc_query_define(q, svc_arena_printf(a, "%s.%s", module, name), &e.definition);
    svc_vec_push(v, e);
}

/* What a module's top level binds, in source order: (name, byte) pairs. */
typedef struct binding {
    const char *name;
    uint32_t byte;
    const char *star;   /* a `from x import *`: the module x */
} binding;

typedef SVC_VEC(binding) binding_vec;

static int compare_bindings(const void *pa, const void *pb)
{
    const binding *a = pa, *b = pb;
    return a->byte < b->byte ? -1 : a->byte > b->byte ? 1 : 0;
}

static void top_level_bindings(const svc_facts *facts, binding_vec *out)
{
    for (size_t i = 0; i < facts->nimports; i++) {
        const svc_import *imp = &facts->imports[i];
        if (imp->scope != -1 || imp->unresolved) continue;
        if (imp->kind == SVC_IMPORT_STAR)
            svc_vec_push(out, ((binding){ NULL, imp->span.byte, imp->module }));
        else if (imp->bound)
            svc_vec_push(out, ((binding){ imp->bound, imp->span.byte, NULL }));
    }
    for (size_t i = 0; i < facts->nassigns; i++)
        svc_vec_push(out, ((binding){ facts->assigns[i].name, facts->assigns[i].span.byte, NULL }));
    for (size_t i = 0; i < facts->ndefs; i++)
        if (facts->defs[i].parent == -1) svc_vec_push(out, ((binding){ facts->defs[i].name, facts->defs[i].span.byte, NULL }));
    if (out->len > 1) qsort(out->items, out->len, sizeof *out->items, compare_bindings);
}

/* Names `from <star> import *` binds: the module's __all__, else its public top-level names. */
static void add_star_exports(const svc_query *q, svc_arena *a, export_vec *v, const svc_facts *init,
                             const char *module, const char *star)
{
    const svc_symbol *sym = svc_model_symbol(q->model, star);
    if (!sym || sym->kind != SVC_SYM_MODULE) return;
    const svc_facts *facts = q->model->files[sym->file].facts;
    if (facts->has_all) {
        for (size_t i = 0; i < facts->nall; i++) add_export(q, a, v, init, module, facts->all[i], true);
        return;
    }
    binding_vec names = { 0 };
    top_level_bindings(facts, &names);
    for (size_t i = 0; i < names.len; i++)
        if (names.items[i].name && names.items[i].name[0] != '_')
            add_export(q, a, v, init, module, names.items[i].name, true);
    svc_vec_free(&names);
}

static void collect_exports(const svc_query *q, svc_query_service *out)
{
    const svc_service *s = out->info;
    if (s->init_file < 0) return;
    const svc_facts *init = q->model->files[s->init_file].facts;
    if (!init) return;
    out->has_all = init->has_all;
    export_vec v = { 0 };
    binding_vec names = { 0 };
    top_level_bindings(init, &names);
    for (size_t i = 0; i < names.len; i++) {
        if (names.items[i].star) add_star_exports(q, out->arena, &v, init, s->module, names.items[i].star);
        else add_export(q, out->arena, &v, init, s->module, names.items[i].name, true);
    }
    svc_vec_free(&names);
    for (size_t i = 0; i < init->nall; i++) add_export(q, out->arena, &v, init, s->module, init->all[i], false);
    out->nexports = v.len;
    out->exports = query_arena_copy(out->arena, v.items, v.len, sizeof *v.items);
    svc_vec_free(&v);
}

static void collect_modules(const svc_query *q, svc_query_service *out)
{
    const svc_service *s = out->info;
    out->modules = svc_arena_alloc(out->arena, (s->nfiles ? s->nfiles : 1) * sizeof *out->modules);
    for (size_t i = 0; i < s->nfiles; i++)
        if (!q->model->files[s->files[i]].is_test)
            query_definition_of_file(q->model, s->files[i], &out->modules[out->nmodules++]);
}

static int compare_exceptions(const void *pa, const void *pb)
{
    const svc_query_service_exception *a = pa, *b = pb;
    if (a->definition.name.file != b->definition.name.file) return a->definition.name.file < b->definition.name.file ? -1 : 1;
    if (a->definition.name.line != b->definition.name.line) return a->definition.name.line < b->definition.name.line ? -1 : 1;
    return 0;
}

static void collect_exceptions(const svc_query *q, svc_query_service *out)
{
    const svc_model *m = q->model;
    out->exceptions = svc_arena_alloc(out->arena, (m->nexceptions ? m->nexceptions : 1) * sizeof *out->exceptions);
    for (size_t e = 0; e < m->nexceptions; e++) {
        const svc_exception *ex = &m->exceptions[e];
        if (ex->service != (int)out->service) continue;
        svc_query_service_exception *o = &out->exceptions[out->nexceptions++];
        o->exception = e;
        o->exported = ex->at_root;
        query_definition_of_def(q, ex->at.file, ex->at.def, &o->definition);
    }
    qsort(out->exceptions, out->nexceptions, sizeof *out->exceptions, compare_exceptions);
}

/* A task with its wrappers, each wrapper's caller count and the task's direct uses. */
static void describe_task(svc_query *q, struct svc_arena *arena, size_t t, svc_query_service_task *o)
{
    const svc_model *m = q->model;
    const svc_xref *x = svc_query_xref(q);
    const svc_task *task = &m->tasks[t];
    memset(o, 0, sizeof *o);
    o->task = t;
    query_definition_of_def(q, task->at.file, task->at.def, &o->definition);
    o->direct = x->tasks[t].ndirect;
    o->nwrappers = task->nwrappers;
    o->wrappers = svc_arena_alloc(arena, (task->nwrappers ? task->nwrappers : 1) * sizeof *o->wrappers);
    for (size_t i = 0; i < task->nwrappers; i++) {
        size_t w = task->wrappers[i];
        o->wrappers[i].wrapper = w;
        o->wrappers[i].callers = x->wrappers[w].nsites;
        query_definition_of_def(q, m->wrappers[w].at.file, m->wrappers[w].at.def, &o->wrappers[i].definition);
    }
}

static void collect_tasks(svc_query *q, svc_query_service *out)
{
    const svc_model *m = q->model;
    out->tasks = svc_arena_alloc(out->arena, (m->ntasks ? m->ntasks : 1) * sizeof *out->tasks);
    for (size_t t = 0; t < m->ntasks; t++)
        if (m->files[m->tasks[t].at.file].service == (int)out->service) describe_task(q, out->arena, t, &out->tasks[out->ntasks++]);
}

svc_query_service *svc_query_service_new(svc_query *q, size_t service)
{
    if (service >= q->model->nservices) return NULL;
    svc_query_service *out = svc_xcalloc(1, sizeof *out);
    out->arena = svc_arena_new();
    out->service = service;
    out->info = &q->model->services[service];
    collect_exports(q, out);
    collect_modules(q, out);
    collect_exceptions(q, out);
    collect_tasks(q, out);
    return out;
}

void svc_query_service_free(svc_query_service *s)
{
    if (!s) return;
    svc_arena_free(s->arena);
    free(s);
}

svc_query_tasks *svc_query_module_tasks_new(svc_query *q, size_t file)
{
    const svc_model *m = q->model;
    if (file >= m->nfiles) return NULL;
    svc_query_tasks *out = svc_xcalloc(1, sizeof *out);
    out->arena = svc_arena_new();
    out->items = svc_arena_alloc(out->arena, (m->ntasks ? m->ntasks : 1) * sizeof *out->items);
    for (size_t t = 0; t < m->ntasks; t++)
        if (m->tasks[t].at.file == file) describe_task(q, out->arena, t, &out->items[out->n++]);
    return out;
}

void svc_query_tasks_free(svc_query_tasks *t)
{
    if (!t) return;
    svc_arena_free(t->arena);
    free(t);
}
