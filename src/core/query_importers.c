/*
 * Who imports a module or a service: every import statement outside it that names it or
 * something in it, grouped by the Django app, service or top-level package that imports; and
 * the same for every app and service at once, as the edges between them.
 */
#include <stdio.h>
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

/* The site of import `i` of file `f`, which names `imported`. */
static svc_query_import_site import_site(const svc_model *m, size_t f, size_t i, const char *imported)
{
    const svc_facts *facts = m->files[f].facts;
    const svc_import *imp = &facts->imports[i];
    svc_query_import_site s;
    memset(&s, 0, sizeof s);
    s.place = query_place(m, f, imp->span);
    s.import = i;
    s.imported = imported;
    s.enclosing = query_enclosing(facts, imp->scope);
    s.in_test = m->files[f].is_test;
    return s;
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
            svc_vec_push(&g->sites, import_site(m, f, i, imported));
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

/* ---- every app and service ------------------------------------------------------------- */

typedef struct edge {
    size_t from, to;
    site_vec sites;
} edge;

static int compare_nodes(const void *pa, const void *pb)
{
    const svc_query_dependency_node *a = pa, *b = pb;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    int c = strcmp(a->name, b->name);
    if (c) return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

static int compare_edges(const void *pa, const void *pb)
{
    const edge *a = pa, *b = pb;
    if (a->from != b->from) return a->from < b->from ? -1 : 1;
    return a->to < b->to ? -1 : a->to > b->to;
}

static const char *node_module(const svc_model *m, const svc_query_dependency_node *n)
{
    return n->kind == SVC_QUERY_IMPORTER_APP ? m->apps[n->index].module : m->services[n->index].module;
}

/* The node whose module is the longest prefix of `dotted`, or -1. */
static long node_of_name(const svc_model *m, const svc_query_dependencies *d, const char *dotted)
{
    long best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < d->nnodes; i++) {
        const char *mod = node_module(m, &d->nodes[i]);
        if (!mod || !svc_dotted_within(dotted, mod)) continue;
        size_t n = strlen(mod);
        if (best < 0 || n > best_len) {
            best = (long)i;
            best_len = n;
        }
    }
    return best;
}

/* The node of a file: its app or its service, or -1. */
static long node_of_file(const svc_query_dependencies *d, const svc_file *f)
{
    svc_query_importer_kind kind = f->app >= 0 ? SVC_QUERY_IMPORTER_APP : SVC_QUERY_IMPORTER_SERVICE;
    long index = f->app >= 0 ? f->app : f->service;
    if (index < 0) return -1;
    for (size_t i = 0; i < d->nnodes; i++)
        if (d->nodes[i].kind == kind && d->nodes[i].index == index) return (long)i;
    return -1;
}

svc_query_dependencies *svc_query_dependencies_new(const svc_query *q)
{
    const svc_model *m = q->model;
    svc_query_dependencies *out = svc_xcalloc(1, sizeof *out);
    out->arena = svc_arena_new();
    out->nnodes = m->napps + m->nservices;
    out->nodes = svc_arena_alloc(out->arena, (out->nnodes ? out->nnodes : 1) * sizeof *out->nodes);
    for (size_t i = 0; i < m->napps; i++)
        out->nodes[i] = (svc_query_dependency_node){ SVC_QUERY_IMPORTER_APP, m->apps[i].display, (long)i };
    for (size_t i = 0; i < m->nservices; i++)
        out->nodes[m->napps + i] = (svc_query_dependency_node){ SVC_QUERY_IMPORTER_SERVICE, m->services[i].name, (long)i };
    if (out->nnodes > 1) qsort(out->nodes, out->nnodes, sizeof *out->nodes, compare_nodes);

    SVC_VEC(edge) edges = { 0 };
    svc_map *edge_by_key = svc_map_new();
    for (size_t f = 0; f < m->nfiles; f++) {
        const svc_file *file = &m->files[f];
        const svc_facts *facts = file->facts;
        long from = facts ? node_of_file(out, file) : -1;
        for (size_t i = 0; from >= 0 && i < facts->nimports; i++) {
            const svc_import *imp = &facts->imports[i];
            if (imp->unresolved || !imp->module) continue;
            const char *imported = imp->kind == SVC_IMPORT_FROM && imp->target ? imp->target : imp->module;
            long to = node_of_name(m, out, imported);
            if (to < 0 || to == from) continue;
            char key[64];
            snprintf(key, sizeof key, "%ld>%ld", from, to);
            uintptr_t at = (uintptr_t)svc_map_get(edge_by_key, key);
            if (!at) {
                edge e = { (size_t)from, (size_t)to, { 0 } };
                svc_vec_push(&edges, e);
                at = edges.len;
                svc_map_put(edge_by_key, key, (void *)at);
            }
            svc_vec_push(&edges.items[at - 1].sites, import_site(m, f, i, imported));
        }
    }
    svc_map_free(edge_by_key);
    if (edges.len > 1) qsort(edges.items, edges.len, sizeof *edges.items, compare_edges);
    out->nedges = edges.len;
    out->edges = svc_arena_alloc(out->arena, (edges.len ? edges.len : 1) * sizeof *out->edges);
    for (size_t i = 0; i < edges.len; i++) {
        edge *e = &edges.items[i];
        out->edges[i] = (svc_query_dependency){ e->from, e->to, NULL, e->sites.len };
        out->edges[i].sites = query_arena_copy(out->arena, e->sites.items, e->sites.len, sizeof *e->sites.items);
        svc_vec_free(&e->sites);
    }
    svc_vec_free(&edges);
    return out;
}

void svc_query_dependencies_free(svc_query_dependencies *deps)
{
    if (!deps) return;
    svc_arena_free(deps->arena);
    free(deps);
}
