/*
 * Graph rendering of the cross-reference (see graph.h for what is drawn). First a small
 * format-free graph (clusters, nodes, aggregated edges), then one printer per format.
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/graph.h"
#include "svcscope/quote.h"
#include "svcscope/util.h"

typedef enum node_kind { NODE_TASK, NODE_TASK_MISPLACED, NODE_MODULE } node_kind;

typedef struct gnode {
    node_kind kind;
    const char *label;
    int cluster;
} gnode;

typedef struct gcluster {
    const char *key;       /* unique: "service:tasks", "module:services.tasks.email_tasks", "app:orders" ... */
    const char *label;
    const char *prefix;    /* module prefix stripped from its nodes' labels, or NULL */
    int parent;            /* -1 at top level */
} gcluster;

typedef enum edge_kind {
    EDGE_TRIGGER,          /* calls a wrapper (or passes it as a value) */
    EDGE_DIRECT,           /* .delay/.apply_async/signature inside the tasks service, outside wrappers */
    EDGE_DIRECT_OUTSIDE,   /* the same outside the tasks service (what SVC402 flags) */
    EDGE_RUNS,             /* a task's body calls a function of the repo */
} edge_kind;

typedef struct gedge {
    int from, to;
    edge_kind kind;
    size_t count;
    unsigned kinds;        /* EDGE_DIRECT*: bit per svc_xref_kind seen */
    SVC_VEC(const char *) names; /* EDGE_RUNS: functions run, in first-seen order */
} gedge;

typedef struct graph {
    const svc_xref *x;
    const svc_model *m;
    bool include_tests;
    bool migration;        /* no services package */
    svc_arena *arena;
    SVC_VEC(gnode) nodes;
    SVC_VEC(gcluster) clusters;
    SVC_VEC(gedge) edges;
    svc_map *cluster_by_key;  /* key -> index + 1 */
    svc_map *node_by_key;     /* "task:N" / "file:N" -> index + 1 */
    svc_map *edge_by_key;     /* "from>to>kind" -> index + 1 */
} graph;

/* ---- building ------------------------------------------------------------------------ */

static int get_cluster(graph *g, const char *key, const char *label, const char *prefix, int parent)
{
    void *v = svc_map_get(g->cluster_by_key, key);
    if (v) return (int)((uintptr_t)v - 1);
    gcluster c = { svc_arena_strdup(g->arena, key), svc_arena_strdup(g->arena, label),
                   prefix ? svc_arena_strdup(g->arena, prefix) : NULL, parent };
    svc_vec_push(&g->clusters, c);
    svc_map_put(g->cluster_by_key, key, (void *)(uintptr_t)g->clusters.len);
    return (int)g->clusters.len - 1;
}

static const char *top_package(graph *g, const svc_file *f)
{
    if (f->module) return svc_arena_strndup(g->arena, f->module, strcspn(f->module, "."));
    const char *slash = strchr(f->path, '/');
    return slash ? svc_arena_strndup(g->arena, f->path, (size_t)(slash - f->path)) : NULL;
}

/* The cluster a file's node goes in. */
static int file_cluster(graph *g, size_t file)
{
    const svc_model *m = g->m;
    const svc_file *f = &m->files[file];
    if (!g->migration && f->service >= 0) {
        const svc_service *s = &m->services[f->service];
        char *key = svc_arena_printf(g->arena, "service:%s", s->name);
        return get_cluster(g, key, s->module, s->module, -1);
    }
    if (!g->migration && f->app >= 0) {
        const svc_app *a = &m->apps[f->app];
        char *key = svc_arena_printf(g->arena, "app:%s", a->path);
        char *label = svc_arena_printf(g->arena, "%s (app)", a->module);
        return get_cluster(g, key, label, a->module, -1);
    }
    const char *top = top_package(g, f);
    if (!top) return get_cluster(g, "top:", "(top level)", NULL, -1);
    char *key = svc_arena_printf(g->arena, "package:%s", top);
    return get_cluster(g, key, top, f->module ? top : NULL, -1);
}

/* A label relative to the cluster's module: "views" in "orders (app)". */
static const char *relative_label(graph *g, int cluster, const char *module)
{
    const char *prefix = cluster >= 0 ? g->clusters.items[cluster].prefix : NULL;
    if (prefix && svc_dotted_within(module, prefix)) {
        size_t n = strlen(prefix);
        if (module[n] == '.') return module + n + 1;
        return svc_arena_printf(g->arena, "%s (package)", svc_dotted_last(module));
    }
    return module;
}

static int add_node(graph *g, const char *key, node_kind kind, const char *label, int cluster)
{
    gnode n = { kind, label, cluster };
    svc_vec_push(&g->nodes, n);
    svc_map_put(g->node_by_key, key, (void *)(uintptr_t)g->nodes.len);
    return (int)g->nodes.len - 1;
}

static int node_of(graph *g, const char *key)
{
    void *v = svc_map_get(g->node_by_key, key);
    return v ? (int)((uintptr_t)v - 1) : -1;
}

static void add_task_node(graph *g, size_t t)
{
    const svc_model *m = g->m;
    const svc_task *task = &m->tasks[t];
    const svc_file *f = &m->files[task->at.file];
    int cluster;
    if (!g->migration && task->in_tasks_service) {
        const svc_service *s = &m->services[task->service];
        int parent = get_cluster(g, svc_arena_printf(g->arena, "service:%s", s->name), s->module, s->module, -1);
        const char *module = f->module ? f->module : f->path;
        cluster = get_cluster(g, svc_arena_printf(g->arena, "module:%s", module), svc_dotted_last(module), NULL,
                              parent);
    } else {
        cluster = file_cluster(g, task->at.file);
    }
    svc_buf label = { 0 };
    for (size_t i = 0; i < task->nwrappers; i++) {
        const svc_wrapper *w = &m->wrappers[task->wrappers[i]];
        svc_buf_printf(&label, "%s%s", i ? ", " : "", m->files[w->at.file].facts->defs[w->at.def].name);
    }
    const char *tname = task->name;
    if (task->nwrappers) svc_buf_printf(&label, " \xe2\x86\x92 %s", tname);
    else svc_buf_printf(&label, "%s (no wrapper)", tname);
    /* outside the tasks service the module says where the task is */
    if (g->migration || !task->in_tasks_service)
        svc_buf_printf(&label, "\n%s", f->module ? f->module : f->path);
    const char *text = svc_arena_strdup(g->arena, label.data);
    svc_buf_free(&label);
    node_kind kind = !g->migration && !task->in_tasks_service ? NODE_TASK_MISPLACED : NODE_TASK;
    add_node(g, svc_arena_printf(g->arena, "task:%zu", t), kind, text, cluster);
}

static int module_node(graph *g, size_t file)
{
    char *key = svc_arena_printf(g->arena, "file:%zu", file);
    int n = node_of(g, key);
    if (n >= 0) return n;
    const svc_file *f = &g->m->files[file];
    int cluster;
    if (!g->migration && f->service >= 0 && f->service == g->m->tasks_service && f->module &&
        svc_map_get(g->cluster_by_key, svc_arena_printf(g->arena, "module:%s", f->module))) {
        /* a tasks module that has tasks: its node sits with them */
        cluster = get_cluster(g, svc_arena_printf(g->arena, "module:%s", f->module), "", NULL, -1);
        return add_node(g, key, NODE_MODULE, "(other functions)", cluster);
    }
    cluster = file_cluster(g, file);
    return add_node(g, key, NODE_MODULE, relative_label(g, cluster, f->module ? f->module : f->path), cluster);
}

/* The node a site starts from: the task whose body or wrapper holds it, else its module. */
static int source_node(graph *g, const svc_xref_site *s)
{
    const svc_model *m = g->m;
    const svc_facts *facts = m->files[s->file].facts;
    int fn = -1;
    for (int scope = s->scope; scope >= 0; scope = facts->defs[scope].parent)
        if (facts->defs[scope].kind == SVC_DEF_FUNCTION) fn = scope;
    if (fn >= 0) {
        long t = svc_model_task_at(m, s->file, (size_t)fn);
        if (t < 0)
            for (size_t w = 0; w < m->nwrappers && t < 0; w++)
                if (m->wrappers[w].at.file == s->file && m->wrappers[w].at.def == (size_t)fn) t = (long)m->wrappers[w].task;
        if (t >= 0) return node_of(g, svc_arena_printf(g->arena, "task:%ld", t));
    }
    return module_node(g, s->file);
}

static gedge *get_edge(graph *g, int from, int to, edge_kind kind)
{
    char *key = svc_arena_printf(g->arena, "%d>%d>%d", from, to, (int)kind);
    void *v = svc_map_get(g->edge_by_key, key);
    if (v) return &g->edges.items[(uintptr_t)v - 1];
    gedge e;
    memset(&e, 0, sizeof e);
    e.from = from;
    e.to = to;
    e.kind = kind;
    svc_vec_push(&g->edges, e);
    svc_map_put(g->edge_by_key, key, (void *)(uintptr_t)g->edges.len);
    return &g->edges.items[g->edges.len - 1];
}

static bool keep(const graph *g, const svc_xref_site *s)
{
    return g->include_tests || !g->m->files[s->file].is_test;
}

static void add_edges(graph *g, size_t t)
{
    const svc_model *m = g->m;
    const svc_task *task = &m->tasks[t];
    int tnode = node_of(g, svc_arena_printf(g->arena, "task:%zu", t));
    for (size_t i = 0; i < task->nwrappers; i++) {
        const svc_xref_wrapper *xw = &g->x->wrappers[task->wrappers[i]];
        for (size_t k = 0; k < xw->nsites; k++) {
            if (!keep(g, &xw->sites[k])) continue;
            /* a task that re-queues itself through its wrapper is a loop on its node */
            get_edge(g, source_node(g, &xw->sites[k]), tnode, EDGE_TRIGGER)->count++;
        }
    }
    const svc_xref_task *xt = &g->x->tasks[t];
    for (size_t k = 0; k < xt->ndirect; k++) {
        const svc_xref_site *s = &xt->direct[k];
        if (!keep(g, s)) continue;
        /* only what queues the task: not in-process calls nor plain references (mocks) */
        if (!svc_xref_kind_queues(s->kind)) continue;
        int from = source_node(g, s);
        edge_kind kind = svc_xref_site_outside_tasks_service(g->x, s) ? EDGE_DIRECT_OUTSIDE : EDGE_DIRECT;
        gedge *e = get_edge(g, from, tnode, kind);
        e->count++;
        e->kinds |= 1u << s->kind;
    }
    for (size_t k = 0; k < xt->ncallees; k++) {
        const svc_xref_callee *ce = &xt->callees[k];
        if (ce->def.file == task->at.file) continue; /* helpers of the tasks module itself */
        if (svc_model_task_at(m, ce->def.file, ce->def.def) >= 0) continue;
        bool is_wrapper = false;
        for (size_t w = 0; w < m->nwrappers && !is_wrapper; w++)
            is_wrapper = m->wrappers[w].at.file == ce->def.file && m->wrappers[w].at.def == ce->def.def;
        if (is_wrapper) continue; /* drawn as a trigger edge */
        int to = module_node(g, ce->def.file);
        gedge *e = get_edge(g, tnode, to, EDGE_RUNS);
        const char *fname = m->files[ce->def.file].facts->defs[ce->def.def].qualname;
        bool seen = false;
        for (size_t n = 0; n < e->names.len && !seen; n++) seen = strcmp(e->names.items[n], fname) == 0;
        if (!seen) {
            svc_vec_push(&e->names, fname);
            e->count++;
        }
    }
}

static void build(graph *g)
{
    const svc_model *m = g->m;
    for (size_t t = 0; t < m->ntasks; t++) add_task_node(g, t);
    for (size_t t = 0; t < m->ntasks; t++) add_edges(g, t);
}

/* ---- labels ---------------------------------------------------------------------------- */

static const char *edge_label(graph *g, const gedge *e)
{
    switch (e->kind) {
    case EDGE_TRIGGER:
        return svc_arena_printf(g->arena, "%zu %s", e->count, e->count == 1 ? "call" : "calls");
    case EDGE_DIRECT:
    case EDGE_DIRECT_OUTSIDE: {
        svc_buf b = { 0 };
        const svc_xref_kind order[] = { SVC_XREF_DELAY, SVC_XREF_APPLY_ASYNC, SVC_XREF_SIGNATURE, SVC_XREF_SEND_TASK };
        const char *names[] = { ".delay", ".apply_async", "signature", "send_task" };
        for (size_t i = 0; i < 4; i++)
            if (e->kinds & (1u << order[i])) svc_buf_printf(&b, "%s%s", b.len ? "/" : "", names[i]);
        svc_buf_printf(&b, " (%zu)", e->count);
        const char *s = svc_arena_strdup(g->arena, b.data);
        svc_buf_free(&b);
        return s;
    }
    case EDGE_RUNS: {
        svc_buf b = { 0 };
        size_t shown = e->names.len > 3 ? 2 : e->names.len;
        for (size_t i = 0; i < shown; i++) svc_buf_printf(&b, "%s%s", i ? ", " : "", e->names.items[i]);
        if (shown < e->names.len) svc_buf_printf(&b, " +%zu", e->names.len - shown);
        const char *s = svc_arena_strdup(g->arena, b.data);
        svc_buf_free(&b);
        return s;
    }
    }
    return "";
}

typedef struct sort_item {
    const graph *g;
    int index;
} sort_item;

static int compare_items(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    const gcluster *ca = &a->g->clusters.items[a->index], *cb = &b->g->clusters.items[b->index];
    int c = strcmp(ca->label, cb->label);
    if (c) return c;
    return strcmp(ca->key, cb->key);
}

/* Children of `parent` (-1: top level), sorted by label; caller frees. */
static int *children_of(const graph *g, int parent, size_t *n)
{
    sort_item *items = svc_xcalloc(g->clusters.len + 1, sizeof *items);
    size_t k = 0;
    for (size_t i = 0; i < g->clusters.len; i++)
        if (g->clusters.items[i].parent == parent) items[k++] = (sort_item){ g, (int)i };
    if (k > 1) qsort(items, k, sizeof *items, compare_items);
    int *out = svc_xcalloc(k + 1, sizeof *out);
    for (size_t i = 0; i < k; i++) out[i] = items[i].index;
    free(items);
    *n = k;
    return out;
}

/* ---- dot ------------------------------------------------------------------------------- */

/*
 * A quoted dot string. Labels break lines with '\n'; any other control character or bad byte
 * (names come from the repository) is shown as its escape (svc_quote_escape), whose backslash
 * is doubled so that Graphviz draws it as it is and a terminal never receives the raw byte.
 */
static void dot_string(svc_buf *b, const char *s)
{
    svc_buf_putc(b, '"');
    for (size_t n = strlen(s); n > 0;) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s, n, &cp);
        char escape[SVC_QUOTE_ESCAPE_MAX];
        if (cp == '"' || cp == '\\') {
            svc_buf_putc(b, '\\');
            svc_buf_putc(b, (char)cp);
        } else if (cp == '\n') {
            svc_buf_puts(b, "\\n");
        } else if (svc_quote_escape(cp, escape)) {
            for (const char *e = escape; *e; e++) {
                if (*e == '\\') svc_buf_putc(b, '\\');
                svc_buf_putc(b, *e);
            }
        } else {
            svc_buf_append(b, s, len);
        }
        s += len;
        n -= len;
    }
    svc_buf_putc(b, '"');
}

/* cluster_<key with anything but [A-Za-z0-9_] as '_'>_<index> (unique, and readable). */
static void dot_cluster_id(svc_buf *b, const graph *g, int c)
{
    svc_buf_puts(b, "cluster_");
    for (const char *s = g->clusters.items[c].key; *s; s++) {
        char ch = *s;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
        svc_buf_putc(b, ok ? ch : '_');
    }
    svc_buf_printf(b, "_%d", c);
}

static void indent(svc_buf *b, int depth)
{
    for (int i = 0; i < depth; i++) svc_buf_puts(b, "  ");
}

static void dot_node(svc_buf *b, const graph *g, int n, int depth)
{
    const gnode *node = &g->nodes.items[n];
    indent(b, depth);
    svc_buf_printf(b, "n%d [label=", n);
    dot_string(b, node->label);
    if (node->kind == NODE_TASK) svc_buf_puts(b, ", style=\"rounded,filled\", fillcolor=\"#e8f0fe\", color=\"#4a6fa5\"");
    else if (node->kind == NODE_TASK_MISPLACED)
        svc_buf_puts(b, ", style=\"rounded,filled\", fillcolor=\"#fde8e8\", color=\"#cc0000\"");
    svc_buf_puts(b, "];\n");
}

static void dot_cluster(svc_buf *b, const graph *g, int c, int depth)
{
    indent(b, depth);
    svc_buf_puts(b, "subgraph ");
    dot_cluster_id(b, g, c);
    svc_buf_puts(b, " {\n");
    indent(b, depth + 1);
    svc_buf_puts(b, "label=");
    dot_string(b, g->clusters.items[c].label);
    svc_buf_puts(b, "; style=\"rounded\"; color=\"#999999\";\n");
    size_t nk;
    int *kids = children_of(g, c, &nk);
    for (size_t i = 0; i < nk; i++) dot_cluster(b, g, kids[i], depth + 1);
    free(kids);
    for (size_t n = 0; n < g->nodes.len; n++)
        if (g->nodes.items[n].cluster == c) dot_node(b, g, (int)n, depth + 1);
    indent(b, depth);
    svc_buf_puts(b, "}\n");
}

static char *render_dot(graph *g)
{
    svc_buf b = { 0 };
    svc_buf_puts(&b, "// svcscope graph: who triggers which Celery task. Solid: calls of a task's wrapper,\n"
                     "// counted per calling module. Red dashed: .delay/.apply_async outside the tasks service.\n"
                     "// Grey dotted: what a task's body runs.\n");
    svc_buf_puts(&b, "digraph svcscope {\n"
                     "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.25, ranksep=0.9];\n"
                     "  node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=10];\n"
                     "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#333333\"];\n");
    if (g->m->ntasks == 0) svc_buf_puts(&b, "  label=\"no Celery tasks found\";\n");
    size_t nk;
    int *top = children_of(g, -1, &nk);
    for (size_t i = 0; i < nk; i++) dot_cluster(&b, g, top[i], 1);
    free(top);
    for (size_t n = 0; n < g->nodes.len; n++)
        if (g->nodes.items[n].cluster < 0) dot_node(&b, g, (int)n, 1);
    for (size_t i = 0; i < g->edges.len; i++) {
        const gedge *e = &g->edges.items[i];
        svc_buf_printf(&b, "  n%d -> n%d [label=", e->from, e->to);
        dot_string(&b, edge_label(g, e));
        switch (e->kind) {
        case EDGE_TRIGGER:
            /* heavier for more call sites, so the busy paths stand out */
            if (e->count > 1) svc_buf_printf(&b, ", penwidth=%.1f", e->count >= 8 ? 3.0 : 1.0 + (double)e->count / 4.0);
            break;
        case EDGE_DIRECT: svc_buf_puts(&b, ", style=dashed"); break;
        case EDGE_DIRECT_OUTSIDE: svc_buf_puts(&b, ", style=dashed, color=\"#cc0000\", fontcolor=\"#cc0000\""); break;
        case EDGE_RUNS: svc_buf_puts(&b, ", style=dotted, color=\"#888888\", fontcolor=\"#666666\""); break;
        }
        svc_buf_puts(&b, "];\n");
    }
    svc_buf_puts(&b, "}\n");
    return svc_buf_detach(&b);
}

/* ---- mermaid --------------------------------------------------------------------------- */

/* A quoted Mermaid string: its entities, <br/> for line breaks, escapes for control characters. */
static void mermaid_string(svc_buf *b, const char *s)
{
    svc_buf_putc(b, '"');
    for (size_t n = strlen(s); n > 0;) {
        uint32_t cp;
        size_t len = svc_utf8_decode(s, n, &cp);
        char escape[SVC_QUOTE_ESCAPE_MAX];
        switch (cp) {
        case '"': svc_buf_puts(b, "#quot;"); break;
        case '<': svc_buf_puts(b, "#lt;"); break;
        case '>': svc_buf_puts(b, "#gt;"); break;
        case '\n': svc_buf_puts(b, "<br/>"); break;
        default:
            if (svc_quote_escape(cp, escape)) svc_buf_puts(b, escape);
            else svc_buf_append(b, s, len);
        }
        s += len;
        n -= len;
    }
    svc_buf_putc(b, '"');
}

static void mermaid_node(svc_buf *b, const graph *g, int n, int depth)
{
    indent(b, depth);
    svc_buf_printf(b, "n%d[", n);
    mermaid_string(b, g->nodes.items[n].label);
    svc_buf_puts(b, "]\n");
}

static void mermaid_cluster(svc_buf *b, const graph *g, int c, int depth)
{
    indent(b, depth);
    svc_buf_printf(b, "subgraph c%d[", c);
    mermaid_string(b, g->clusters.items[c].label);
    svc_buf_puts(b, "]\n");
    size_t nk;
    int *kids = children_of(g, c, &nk);
    for (size_t i = 0; i < nk; i++) mermaid_cluster(b, g, kids[i], depth + 1);
    free(kids);
    for (size_t n = 0; n < g->nodes.len; n++)
        if (g->nodes.items[n].cluster == c) mermaid_node(b, g, (int)n, depth + 1);
    indent(b, depth);
    svc_buf_puts(b, "end\n");
}

/* Mermaid arrows: `-->|"label"|` (solid), `-.->|"label"|` (dashed). */
static char *render_mermaid(graph *g)
{
    svc_buf b = { 0 };
    svc_buf_puts(&b, "%% svcscope graph: who triggers which Celery task. Solid: calls of a task's wrapper,\n"
                     "%% counted per calling module. Red dashed: .delay/.apply_async outside the tasks service.\n"
                     "%% Grey dotted: what a task's body runs.\n"
                     "flowchart LR\n");
    if (g->m->ntasks == 0) svc_buf_puts(&b, "  empty[\"no Celery tasks found\"]\n");
    size_t nk;
    int *top = children_of(g, -1, &nk);
    for (size_t i = 0; i < nk; i++) mermaid_cluster(&b, g, top[i], 1);
    free(top);
    for (size_t n = 0; n < g->nodes.len; n++)
        if (g->nodes.items[n].cluster < 0) mermaid_node(&b, g, (int)n, 1);
    SVC_VEC(size_t) outside = { 0 };
    SVC_VEC(size_t) runs = { 0 };
    for (size_t i = 0; i < g->edges.len; i++) {
        const gedge *e = &g->edges.items[i];
        const char *arrow = e->kind == EDGE_TRIGGER ? "-->" : "-.->";
        svc_buf_printf(&b, "  n%d %s|", e->from, arrow);
        mermaid_string(&b, edge_label(g, e));
        svc_buf_printf(&b, "| n%d\n", e->to);
        if (e->kind == EDGE_DIRECT_OUTSIDE) svc_vec_push(&outside, i);
        if (e->kind == EDGE_RUNS) svc_vec_push(&runs, i);
    }
    svc_buf_puts(&b, "  classDef task fill:#e8f0fe,stroke:#4a6fa5\n"
                     "  classDef misplaced fill:#fde8e8,stroke:#cc0000\n");
    for (int kind = NODE_TASK; kind <= NODE_TASK_MISPLACED; kind++) {
        bool any = false;
        for (size_t n = 0; n < g->nodes.len; n++) {
            if ((int)g->nodes.items[n].kind != kind) continue;
            svc_buf_printf(&b, "%sn%zu", any ? "," : "  class ", n);
            any = true;
        }
        if (any) svc_buf_printf(&b, " %s\n", kind == NODE_TASK ? "task" : "misplaced");
    }
    /* linkStyle takes edge indexes in declaration order */
    for (size_t i = 0; i < outside.len; i++)
        svc_buf_printf(&b, "  linkStyle %zu stroke:#cc0000,color:#cc0000\n", outside.items[i]);
    for (size_t i = 0; i < runs.len; i++)
        svc_buf_printf(&b, "  linkStyle %zu stroke:#888888,stroke-dasharray:2 3\n", runs.items[i]);
    svc_vec_free(&outside);
    svc_vec_free(&runs);
    return svc_buf_detach(&b);
}

/* ---- entry ----------------------------------------------------------------------------- */

char *svc_graph_render(const svc_xref *x, const svc_graph_options *opts)
{
    svc_graph_options defaults = SVC_GRAPH_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    graph g;
    memset(&g, 0, sizeof g);
    g.x = x;
    g.m = x->model;
    g.include_tests = opts->include_tests;
    g.migration = g.m->services_root == NULL;
    g.arena = svc_arena_new();
    g.cluster_by_key = svc_map_new();
    g.node_by_key = svc_map_new();
    g.edge_by_key = svc_map_new();
    build(&g);
    char *out = opts->format == SVC_GRAPH_MERMAID ? render_mermaid(&g) : render_dot(&g);
    for (size_t i = 0; i < g.edges.len; i++) svc_vec_free(&g.edges.items[i].names);
    svc_vec_free(&g.edges);
    svc_vec_free(&g.nodes);
    svc_vec_free(&g.clusters);
    svc_map_free(g.cluster_by_key);
    svc_map_free(g.node_by_key);
    svc_map_free(g.edge_by_key);
    svc_arena_free(g.arena);
    return out;
}
