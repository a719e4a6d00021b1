/* The overview of a service, a Django app or a tasks module: its rows, built from the query API, as a list pane. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/rules.h"
#include "svcscope/util.h"
#include "tui/overview_view.h"
#include "tui/text.h"

typedef SVC_VEC(overview_row) row_vec;

typedef struct builder {
    overview_view *v;
    row_vec rows;
} builder;

static void clear_rows(overview_view *v)
{
    free(v->rows);
    v->rows = NULL;
    v->list = (tui_list){ 0 };
    svc_arena_free(v->arena);
    v->arena = NULL;
}

static void view_free(tui_view *view)
{
    clear_rows(view->state);
}

static overview_row *add(builder *b, int indent, tui_element element, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static overview_row *add(builder *b, int indent, tui_element element, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    overview_row row = { svc_arena_strdup(b->v->arena, text), element, indent, -1, 0, NULL, -1, -1 };
    svc_vec_push(&b->rows, row);
    return &b->rows.items[b->rows.len - 1];
}

/* A row that Enter takes to a 1-based line of a file. */
static void at_place(overview_row *row, const svc_query_place *place)
{
    if (place->file == (size_t)-1) return;
    row->file = (long)place->file;
    row->line = place->line ? place->line - 1 : 0;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void heading(builder *b, const char *title, size_t count, const char *more)
{
    add(b, 0, TUI_EL_BRANCH, "%s  %zu%s", title, count, more ? more : "");
}

static void none(builder *b, const char *what)
{
    add(b, 2, TUI_EL_NOTE, "%s", what);
}

/* ---- a service ----------------------------------------------------------------------------- */

static void add_exports(builder *b, const svc_query_service *s)
{
    heading(b, "Public API", s->nexports, s->has_all ? "  (__all__)" : "  (what __init__.py binds)");
    if (!s->info->has_init) none(b, "no __init__.py: nothing is importable from the service itself");
    else if (s->nexports == 0) none(b, "__init__.py exports nothing");
    for (size_t i = 0; i < s->nexports; i++) {
        const svc_query_export *e = &s->exports[i];
        const char *note = !e->bound ? "  only listed in __all__" : !e->defined ? "  not defined in the repository" : "";
        overview_row *row;
        if (e->defined) {
            row = add(b, 2, TUI_EL_NORMAL, "%s  %s  %s:%u%s", e->name, svc_query_kind_name(e->definition.kind),
                      e->definition.name.path, e->definition.name.line, note);
            at_place(row, &e->definition.name);
        } else {
            add(b, 2, TUI_EL_NOTE, "%s%s", e->name, note);
        }
    }
}

static void add_modules(builder *b, const svc_query_service *s)
{
    heading(b, "Modules", s->nmodules, NULL);
    for (size_t i = 0; i < s->nmodules; i++) {
        overview_row *row = add(b, 2, TUI_EL_MODULE, "%s", s->modules[i].name.path);
        at_place(row, &s->modules[i].name);
    }
}

static void add_exceptions(builder *b, const svc_query_service *s)
{
    heading(b, "Exceptions", s->nexceptions, NULL);
    for (size_t i = 0; i < s->nexceptions; i++) {
        const svc_query_service_exception *e = &s->exceptions[i];
        const char *name = strrchr(e->definition.dotted, '.');
        overview_row *row = add(b, 2, TUI_EL_EXCEPTION, "%s  %s  %s:%u", name ? name + 1 : e->definition.dotted,
                                e->exported ? "exported" : "not exported", e->definition.name.path, e->definition.name.line);
        at_place(row, &e->definition.name);
    }
}

static void add_trigger(builder *b, svc_query *q, const svc_query_trigger *t)
{
    /* The words of `svcscope callers` and the callers pane, from the one place that has them. */
    const char *label = svc_query_trigger_label(q, t);
    overview_row *row = add(b, 6, svc_query_trigger_flagged(q, t) ? TUI_EL_DELAY_SITE : TUI_EL_NORMAL, "%s:%u  in %s%s%s%s%s",
                            t->site.path, t->site.line, t->site.enclosing, label ? "  [" : "", label ? label : "",
                            label ? "]" : "", t->in_test ? "  (test)" : "");
    row->file = (long)t->site.file;
    row->line = t->site.line ? t->site.line - 1 : 0;
}

/* A task's beat schedule entries: what queues it with no code calling it. */
static void add_beat(builder *b, const svc_query_triggers *triggers)
{
    if (!triggers || triggers->nbeat == 0) return;
    add(b, 4, TUI_EL_BRANCH, "beat schedule  %zu", triggers->nbeat);
    for (size_t i = 0; i < triggers->nbeat; i++) {
        const svc_beat_entry *e = triggers->beat[i];
        overview_row *row = add(b, 6, TUI_EL_NORMAL, "%s:%u  %s%s%s%s", e->path, e->line, svc_query_beat_label(e),
                                e->name ? " \"" : "", e->name ? e->name : "", e->name ? "\"" : "");
        row->file = (long)e->file;
        row->line = e->line ? e->line - 1 : 0;
    }
}

/* The triggers through a wrapper (-1: the task's direct uses): the code's first, the tests' after. */
static void add_triggers_of(builder *b, svc_query *q, const svc_query_triggers *triggers, long wrapper)
{
    for (int tests = 0; tests < 2; tests++)
        for (size_t i = 0; triggers && i < triggers->n; i++)
            if (triggers->items[i].wrapper == wrapper && triggers->items[i].in_test == (tests == 1))
                add_trigger(b, q, &triggers->items[i]);
}

/* A task, each wrapper with its caller count and call sites, then the task's other triggers and
 * its beat schedule entries. */
static void add_task(builder *b, svc_query *q, const svc_query_service_task *task)
{
    const svc_model *m = b->v->project->model;
    overview_row *row = add(b, 2, TUI_EL_TASK, "%s %s  %s:%u", tui_glyph("◆", "*"), m->tasks[task->task].name,
                            task->definition.name.path, task->definition.name.line);
    at_place(row, &task->definition.name);
    row->task = (long)task->task;
    svc_query_triggers *triggers = svc_query_triggers_new(q, (svc_xref_match){ true, task->task }, false);
    if (task->nwrappers == 0) none(b, "  no delay_ wrapper");
    for (size_t w = 0; w < task->nwrappers; w++) {
        const svc_query_service_wrapper *wr = &task->wrappers[w];
        const char *name = strrchr(wr->definition.dotted, '.');
        row = add(b, 4, TUI_EL_WRAPPER, "%s %s  %zu %s", tui_glyph("»", ">"), name ? name + 1 : wr->definition.dotted,
                  wr->callers, plural(wr->callers, "caller", "callers"));
        at_place(row, &wr->definition.name);
        row->wrapper = (long)wr->wrapper;
        add_triggers_of(b, q, triggers, (long)wr->wrapper);
    }
    if (task->direct) {
        size_t in_tests = 0;
        for (size_t i = 0; triggers && i < triggers->n; i++) in_tests += triggers->items[i].wrapper < 0 && triggers->items[i].in_test;
        if (in_tests) add(b, 4, TUI_EL_BRANCH, "direct uses  %zu  (%zu in tests)", task->direct, in_tests);
        else add(b, 4, TUI_EL_BRANCH, "direct uses  %zu", task->direct);
        add_triggers_of(b, q, triggers, -1);
    }
    add_beat(b, triggers);
    svc_query_triggers_free(triggers);
}

static void add_tasks(builder *b, svc_query *q, const svc_query_service *s)
{
    heading(b, "Tasks", s->ntasks, NULL);
    for (size_t i = 0; i < s->ntasks; i++) add_task(b, q, &s->tasks[i]);
}

static bool folder_contains(const char *folder, const char *path)
{
    size_t n = strlen(folder);
    return strcmp(folder, ".") == 0 || strcmp(folder, path) == 0 || (strncmp(path, folder, n) == 0 && path[n] == '/');
}

static void add_findings(builder *b, const char *folder)
{
    static const char letter[3] = { 'I', 'W', 'E' };
    static const tui_element element[3] = { TUI_EL_INFO, TUI_EL_WARNING, TUI_EL_ERROR };
    const svc_diagnostics *all = b->v->project->diags;
    size_t count = 0;
    for (size_t k = 0; k < all->len; k++) count += folder_contains(folder, all->items[k].path);
    heading(b, "Findings", count, NULL);
    for (size_t k = 0; k < all->len; k++) {
        const svc_diagnostic *d = &all->items[k];
        if (!folder_contains(folder, d->path)) continue;
        overview_row *row = add(b, 2, element[d->severity], "%c %s %s:%u  %s", letter[d->severity], d->rule->code, d->path,
                                d->span.row + 1, d->message);
        if (d->file >= 0) {
            row->file = d->file;
            row->line = d->span.row;
        } else {
            row->folder = d->path;
        }
    }
}

static const char *importer_kind(svc_query_importer_kind kind)
{
    switch (kind) {
    case SVC_QUERY_IMPORTER_APP: return "app";
    case SVC_QUERY_IMPORTER_SERVICE: return "service";
    case SVC_QUERY_IMPORTER_PACKAGE: return "package";
    }
    return "";
}

/* A group of importers: its name (Enter: its folder in the tree) and each import line. */
static void add_import_group(builder *b, const svc_query_importer *g, const char *label, const char *folder)
{
    overview_row *row = add(b, 2, g->kind == SVC_QUERY_IMPORTER_PACKAGE ? TUI_EL_MODULE : TUI_EL_SERVICE, "%s  %zu %s",
                            label, g->n, plural(g->n, "import", "imports"));
    row->folder = folder;
    for (size_t i = 0; i < g->n; i++) {
        const svc_query_import_site *site = &g->sites[i];
        row = add(b, 4, TUI_EL_NORMAL, "%s:%u  %s%s", site->place.path, site->place.line, site->imported,
                  site->in_test ? "  (test)" : "");
        at_place(row, &site->place);
    }
}

static void add_importers(builder *b, const svc_service *s)
{
    const svc_model *m = b->v->project->model;
    svc_query_importers *im = svc_query_importers_new(b->v->project->query, s->module);
    size_t groups[3] = { 0 };
    for (size_t i = 0; im && i < im->ngroups; i++) groups[im->groups[i].kind]++;
    char more[160];
    snprintf(more, sizeof more, " %s  (%zu %s, %zu %s, %zu other %s)", plural(im ? im->total : 0, "import", "imports"),
             groups[0], plural(groups[0], "app", "apps"), groups[1], plural(groups[1], "service", "services"), groups[2],
             plural(groups[2], "package", "packages"));
    heading(b, "Imported by", im ? im->total : 0, more);
    if (!im || im->ngroups == 0) none(b, "nothing outside the service imports it");
    for (size_t i = 0; im && i < im->ngroups; i++) {
        const svc_query_importer *g = &im->groups[i];
        const char *folder = g->index < 0 ? NULL
                             : g->kind == SVC_QUERY_IMPORTER_APP ? m->apps[g->index].path
                                                                 : m->services[g->index].path;
        char *label = svc_xasprintf("%s %s", importer_kind(g->kind), g->name);
        add_import_group(b, g, label, folder);
        free(label);
    }
    svc_query_importers_free(im);
}

static void build_service(builder *b)
{
    const tui_project *p = b->v->project;
    svc_query *q = p->query;
    const svc_service *info = &p->model->services[b->v->index];
    svc_query_service *s = svc_query_service_new(q, (size_t)b->v->index);
    add(b, 0, TUI_EL_SERVICE, "service %s  %s/%s", info->name, info->path, info->is_tasks ? "  (the tasks service)" : "");
    if (s) {
        if (info->is_tasks || s->ntasks) add_tasks(b, q, s);
        add_exports(b, s);
        add_importers(b, info);
        add_exceptions(b, s);
        add_modules(b, s);
    }
    add_findings(b, info->path);
    svc_query_service_free(s);
}

/* ---- an app ---------------------------------------------------------------------------------- */

/* The tasks an app's modules define (every task, before a codebase has a tasks service), with
 * who triggers each. */
static void add_app_tasks(builder *b, const char *folder)
{
    const tui_project *p = b->v->project;
    const svc_model *m = p->model;
    size_t heading_row = b->rows.len, count = 0;
    add(b, 0, TUI_EL_BRANCH, "Tasks");
    for (size_t f = 0; f < m->nfiles; f++) {
        if (!folder_contains(folder, m->files[f].path)) continue;
        svc_query_tasks *tasks = svc_query_module_tasks_new(p->query, f);
        for (size_t i = 0; tasks && i < tasks->n; i++) add_task(b, p->query, &tasks->items[i]);
        count += tasks ? tasks->n : 0;
        svc_query_tasks_free(tasks);
    }
    b->rows.items[heading_row].text = svc_arena_printf(b->v->arena, "Tasks  %zu", count);
    if (count == 0) none(b, "it defines no Celery task");
}

static void build_app(builder *b)
{
    const svc_model *m = b->v->project->model;
    const svc_app *app = &m->apps[b->v->index];
    add(b, 0, TUI_EL_SERVICE, "app %s  %s/", app->display, app->path);
    size_t used = 0, imports = 0;
    size_t heading_row = b->rows.len;
    add(b, 0, TUI_EL_BRANCH, "Services used");
    for (size_t s = 0; s < m->nservices; s++) {
        svc_query_importers *im = svc_query_importers_new(b->v->project->query, m->services[s].module);
        for (size_t i = 0; im && i < im->ngroups; i++) {
            const svc_query_importer *g = &im->groups[i];
            if (g->kind != SVC_QUERY_IMPORTER_APP || g->index != b->v->index) continue;
            char *label = svc_xasprintf("service %s", m->services[s].name);
            add_import_group(b, g, label, m->services[s].path);
            free(label);
            used++;
            imports += g->n;
        }
        svc_query_importers_free(im);
    }
    b->rows.items[heading_row].text = svc_arena_printf(b->v->arena, "Services used  %zu  (%zu %s)", used, imports,
                                                       plural(imports, "import", "imports"));
    if (used == 0) none(b, "it imports no service");
    add_app_tasks(b, app->path);
    add_findings(b, app->path);
}

/* ---- a tasks module ------------------------------------------------------------------------- */

static void build_module(builder *b)
{
    const tui_project *p = b->v->project;
    const svc_model *m = p->model;
    const svc_file *file = &m->files[b->v->index];
    const char *service = file->service >= 0 ? m->services[file->service].name : NULL;
    add(b, 0, TUI_EL_SERVICE, "tasks module %s%s%s", file->path, service ? "  of service " : "", service ? service : "");
    overview_row *row = add(b, 2, TUI_EL_MODULE, "its source  %s", file->path);
    row->file = b->v->index;
    svc_query_tasks *tasks = svc_query_module_tasks_new(p->query, (size_t)b->v->index);
    heading(b, "Tasks", tasks ? tasks->n : 0, NULL);
    for (size_t i = 0; tasks && i < tasks->n; i++) add_task(b, p->query, &tasks->items[i]);
    svc_query_tasks_free(tasks);
    add_findings(b, file->path);
}

/* ---- the view -------------------------------------------------------------------------------- */

static void build(overview_view *v)
{
    clear_rows(v);
    if (!v->project || v->index < 0) return;
    v->arena = svc_arena_new();
    builder b = { v, { 0 } };
    switch (v->kind) {
    case OVERVIEW_SERVICE: build_service(&b); break;
    case OVERVIEW_APP: build_app(&b); break;
    case OVERVIEW_MODULE: build_module(&b); break;
    }
    v->rows = b.rows.items;
    v->list.count = b.rows.len;
}

static bool defines_tasks(const svc_model *m, long file)
{
    for (size_t t = 0; t < m->ntasks; t++)
        if ((long)m->tasks[t].at.file == file) return true;
    return false;
}

/* Where the overview's subject is: the folder of a service or an app, the path of a module. */
static const char *subject_path(const svc_model *m, overview_kind kind, long index)
{
    switch (kind) {
    case OVERVIEW_SERVICE: return m->services[index].path;
    case OVERVIEW_APP: return m->apps[index].path;
    case OVERVIEW_MODULE: return m->files[index].path;
    }
    return NULL;
}

/* The index of the subject at `path` in a model, or -1. */
static long subject_at(const svc_model *m, overview_kind kind, const char *path)
{
    size_t count = kind == OVERVIEW_SERVICE ? m->nservices : kind == OVERVIEW_APP ? m->napps : m->nfiles;
    for (size_t i = 0; i < count; i++)
        if (strcmp(subject_path(m, kind, (long)i), path) == 0) return (long)i;
    return -1;
}

/* The service, app or tasks module a node shows; false for other nodes. */
static bool node_target(const svc_model *m, const tree_node *n, overview_kind *kind, long *index)
{
    if (!n) return false;
    if (n->kind == TREE_FILE && n->file >= 0 && defines_tasks(m, n->file)) {
        *kind = OVERVIEW_MODULE;
        *index = n->file;
        return true;
    }
    if (!n->folder || (n->kind != TREE_SERVICE && n->kind != TREE_BRANCH && n->kind != TREE_APP)) return false;
    *kind = n->kind == TREE_APP ? OVERVIEW_APP : OVERVIEW_SERVICE;
    *index = subject_at(m, *kind, n->folder);
    return *index >= 0;
}

bool overview_view_show(overview_view *v, const tui_project *project, const tree_node *node)
{
    overview_kind kind;
    long index;
    if (!project || !node_target(project->model, node, &kind, &index)) return false;
    if (v->project == project && v->kind == kind && v->index == index && v->rows) return true;
    v->project = project;
    v->kind = kind;
    v->index = index;
    build(v);
    return true;
}

const overview_row *overview_view_selected(const overview_view *v)
{
    return v->list.count ? &v->rows[v->list.selected] : NULL;
}

/* The same service, app or module (by path) when it is still there; else nothing. */
static void view_set_project(tui_view *view, const tui_project *project)
{
    overview_view *v = view->state;
    char *path = v->project && v->index >= 0 ? svc_xstrdup(subject_path(v->project->model, v->kind, v->index)) : NULL;
    size_t selected = v->list.selected, top = v->list.top;
    clear_rows(v);
    v->project = project;
    v->index = -1;
    if (!path) return;
    v->index = subject_at(project->model, v->kind, path);
    free(path);
    build(v);
    v->list.selected = selected;
    v->list.top = top;
    tui_list_fit(&v->list, 1 << 20);
}

static tui_text_row row_at(const void *state, size_t at)
{
    const overview_row *or = &((const overview_view *)state)->rows[at];
    return (tui_text_row){ or->text, 1 + or->indent, tui_attr(or->element) };
}

static void view_draw(tui_view *view, bool focused)
{
    overview_view *v = view->state;
    tui_rect r = view->rect;
    tui_list_draw_text(&v->list, r, focused, row_at, v);
    if (r.h > 0 && v->index < 0)
        tui_put(r.y, r.x + 1, r.w - 1, "Select a module in the tree to see its source.", tui_attr(TUI_EL_NOTE));
}

static void view_title(const tui_view *view, char *buf, size_t size)
{
    const overview_view *v = view->state;
    buf[0] = '\0';
    if (!v->project || v->index < 0) return;
    snprintf(buf, size, "overview of %s%s", subject_path(v->project->model, v->kind, v->index), v->kind == OVERVIEW_MODULE ? "" : "/");
}

static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    (void)app;
    overview_view *v = view->state;
    return tui_list_request(&v->list, req, view->rect.h) ? TUI_REACT_PANE : TUI_REACT_UNHANDLED;
}

/* Clicks and the wheel work on this list (tui_view_click, tui_view_wheel). */
static tui_list *view_list(tui_view *view)
{
    return &((overview_view *)view->state)->list;
}

static void view_init(tui_view *view)
{
    overview_view *v = view->state;
    memset(v, 0, sizeof *v);
    v->index = -1;
}

const tui_view_ops overview_view_ops = {
    .name = "Overview",
    .scope = TUI_SCOPE_OVERVIEW,
    .activate = TUI_REQ_OVERVIEW_OPEN,
    .init = view_init,
    .free = view_free,
    .set_project = view_set_project,
    .title = view_title,
    .draw = view_draw,
    .request = view_request,
    .list = view_list,
};
