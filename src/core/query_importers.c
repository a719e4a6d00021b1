/*
 * Who imports a module or a service: every import statement outside it that names it or
 * something in it, grouped by the Django app, service or top-level package that imports.
 */
#include <stdlib.h>
#include <string.h>

#include "core/query_internal.h"

typedef SVC_VEC(svc_query_import_site) site_vec;

typedef struct group {
    svc_query_importer_kind kind;
    const char *name;
    long index;
    site_vec sites;
} group;

typedef SVC_VEC(group) group_vec;

/* The absolute name an import names when it is `module` or inside it, else NULL. */
static const char *imported_within(const svc_import *imp, const char *module)
{
    if (imp->unresolved || !imp->module) return NULL;
    if (imp->kind == SVC_IMPORT_FROM && imp->target && svc_dotted_within(imp->target, module)) return imp->target;
    if (svc_dotted_within(imp->module, module)) return imp->module;
    return NULL;
}

/* Who a file belongs to when not to an app or a service, in the arena: its top-level package; for
 * a top-level module, the folder it is in ("scripts" for scripts/run.py), else its name. */
static const char *top_level(svc_arena *a, const svc_file *f)
{
    if (f->module && strchr(f->module, '.')) return svc_arena_strndup(a, f->module, strcspn(f->module, "."));
    size_t n = strcspn(f->path, "/");
    if (f->path[n] == '/') return svc_arena_strndup(a, f->path, n);
    if (f->module) return f->module;
    return svc_arena_strndup(a, f->path, n > 3 && svc_str_ends_with(f->path, ".py") ? n - 3 : n);
}

static group *group_for(group_vec *groups, svc_query_importer_kind kind, const char *name, long index)
{
    for (size_t i = 0; i < groups->len; i++)
        if (groups->items[i].kind == kind && strcmp(groups->items[i].name, name) == 0) return &groups->items[i];
    group g = { kind, name, index, { 0 } };
    svc_vec_push(groups, g);
    return &groups->items[groups->len - 1];
}

static int compare_groups(const void *pa, const void *pb)
{
    const group *a = pa, *b = pb;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    return strcmp(a->name, b->name);
}

svc_query_importers *svc_query_importers_new(const svc_query *q, const char *module)
{
    const svc_model *m = q->model;
    svc_query_importers *out = svc_xcalloc(1, sizeof *out);
    out->arena = svc_arena_new();
    out->module = svc_arena_strdup(out->arena, module ? module : "");
    group_vec groups = { 0 };
    /* files are sorted by path, facts imports by position: sites come out sorted */
    for (size_t f = 0; module && *module && f < m->nfiles; f++) {
        const svc_file *file = &m->files[f];
        const svc_facts *facts = file->facts;
        if (!facts || (file->module && svc_dotted_within(file->module, module))) continue;
        for (size_t i = 0; i < facts->nimports; i++) {
            const svc_import *imp = &facts->imports[i];
            const char *imported = imported_within(imp, module);
            if (!imported) continue;
            group *g;
            if (file->app >= 0)
                g = group_for(&groups, SVC_QUERY_IMPORTER_APP, m->apps[file->app].display, file->app);
            else if (file->service >= 0)
                g = group_for(&groups, SVC_QUERY_IMPORTER_SERVICE, m->services[file->service].name, file->service);
            else
                g = group_for(&groups, SVC_QUERY_IMPORTER_PACKAGE, top_level(out->arena, file), -1);
            svc_query_import_site s;
            memset(&s, 0, sizeof s);
            s.place = query_place(m, f, imp->span);
            s.import = i;
            s.imported = imported;
            s.enclosing = query_enclosing(facts, imp->scope);
            s.in_test = file->is_test;
            svc_vec_push(&g->sites, s);
            out->total++;
        }
    }
    if (groups.len > 1) qsort(groups.items, groups.len, sizeof *groups.items, compare_groups);
    out->ngroups = groups.len;
    out->groups = svc_arena_alloc(out->arena, (groups.len ? groups.len : 1) * sizeof *out->groups);
    for (size_t i = 0; i < groups.len; i++) {
        group *g = &groups.items[i];
        svc_query_importer *o = &out->groups[i];
        o->kind = g->kind;
        o->name = g->name;
        o->index = g->index;
        o->n = g->sites.len;
        o->sites = query_arena_copy(out->arena, g->sites.items, g->sites.len, sizeof *o->sites);
        svc_vec_free(&g->sites);
    }
    svc_vec_free(&groups);
    return out;
}

void svc_query_importers_free(svc_query_importers *importers)
{
    if (!importers) return;
    svc_arena_free(importers->arena);
    free(importers);
}
