/* The callers pane: what `svcscope callers` shows, as a list whose rows Enter opens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "tui/callers_view.h"
#include "tui/text.h"

typedef SVC_VEC(callers_row) row_vec;

static void view_init(tui_view *view)
{
    callers_view *v = view->state;
    memset(v, 0, sizeof *v);
}

static void clear_rows(callers_view *v)
{
    free(v->rows);
    v->rows = NULL;
    v->list = (tui_list){ 0 };
    svc_arena_free(v->arena);
    v->arena = NULL;
}

static void view_free(tui_view *view)
{
    callers_view *v = view->state;
    clear_rows(v);
}

static const svc_def *def_of(const svc_model *m, svc_defref at)
{
    return &m->files[at.file].facts->defs[at.def];
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void push_row(row_vec *rows, callers_row_kind kind, tui_element element, long file,
                     uint32_t line, const char *text)
{
    callers_row row = { kind, text, element, false, false, file, line };
    svc_vec_push(rows, row);
}

/* A site as `svcscope callers` prints it, its label (the CLI's note) first: what a narrow pane
 * must not cut. `!` marks a direct trigger outside the tasks service (SVC402). */
static void push_site(callers_view *v, row_vec *rows, const svc_query_trigger *t)
{
    const tui_project *p = v->project;
    const svc_xref_site *s = &t->site;
    const char *line = svc_xref_reader_line(p->reader, s->file, s->line);
    bool flagged = svc_query_trigger_flagged(p->query, t);
    const char *label = svc_query_trigger_label(p->query, t);
    callers_row row = { CALLERS_SITE, NULL, flagged ? TUI_EL_DELAY_SITE : TUI_EL_NORMAL, flagged, false,
                        (long)s->file, s->line ? s->line - 1 : 0 };
    row.text = svc_arena_printf(v->arena, "%s %s%s%s%s:%u:%u: in %s: %s", flagged ? "!" : " ", label ? "[" : "",
                                label ? label : "", label ? "] " : "", s->path, s->line, s->column, s->enclosing, line);
    svc_vec_push(rows, row);
}

/* The sites of one wrapper, or with -1 the task's direct uses; how many. */
static size_t push_sites(callers_view *v, row_vec *rows, const svc_query_triggers *tr, long wrapper)
{
    size_t n = 0;
    for (size_t i = 0; i < tr->n; i++)
        if (tr->items[i].wrapper == wrapper) {
            push_site(v, rows, &tr->items[i]);
            n++;
        }
    return n;
}

static size_t count_sites(const svc_query_triggers *tr, long wrapper)
{
    size_t n = 0;
    for (size_t i = 0; i < tr->n; i++) n += tr->items[i].wrapper == wrapper;
    return n;
}

static void push_beat(callers_view *v, row_vec *rows, const svc_beat_entry *e)
{
    const char *line = svc_xref_reader_line(v->project->reader, e->file, e->line);
    const char *text = svc_arena_printf(v->arena, "  [%s%s%s%s] %s:%u:%u: in %s: %s", svc_query_beat_label(e),
                                        e->name ? " \"" : "", e->name ? e->name : "", e->name ? "\"" : "", e->path,
                                        e->line, e->column, e->enclosing, line);
    push_row(rows, CALLERS_BEAT, TUI_EL_NORMAL, (long)e->file, e->line - 1, text);
}

/* What the task's body runs, each function once (`svcscope callers`' "runs" lines). */
static void push_runs(callers_view *v, row_vec *rows, size_t t)
{
    const svc_model *m = v->project->model;
    const svc_xref_task *xt = &v->project->xref->tasks[t];
    for (size_t i = 0; i < xt->ncallees; i++) {
        if (svc_query_callee_repeats(xt, i)) continue;
        const svc_xref_callee *ce = &xt->callees[i];
        uint32_t row = def_of(m, ce->def)->name_span.row;
        push_row(rows, CALLERS_RUNS, TUI_EL_NORMAL, (long)ce->def.file, row,
                 svc_arena_printf(v->arena, "  runs %s  %s:%u", ce->dotted, m->files[ce->def.file].path, row + 1));
    }
}

/* The task's whole family, as `svcscope callers TASK` shows it: the task and what it runs, each
 * wrapper with its call sites, the direct uses, the beat schedule entries. A wrapper asked about
 * is underlined and its first site selected. */
static void build(callers_view *v)
{
    clear_rows(v);
    if (!v->project || !v->has_target) return;
    v->arena = svc_arena_new();
    const svc_model *m = v->project->model;
    size_t t = v->target_is_task ? v->target : m->wrappers[v->target].task;
    const svc_task *task = &m->tasks[t];
    svc_query_triggers *tr = svc_query_triggers_new(v->project->query, (svc_xref_match){ true, t }, false);
    row_vec rows = { 0 };
    size_t select = 0;

    callers_row head = { CALLERS_TASK, NULL, TUI_EL_TASK, false, v->target_is_task, (long)task->at.file,
                         def_of(m, task->at)->name_span.row };
    head.text = svc_arena_printf(v->arena, "%s task %s  %s:%u%s", tui_glyph("◆", "*"), def_of(m, task->at)->qualname,
                                 m->files[task->at.file].path, head.line + 1,
                                 task->in_tasks_service ? "" : "  (outside the tasks service)");
    svc_vec_push(&rows, head);
    push_runs(v, &rows, t);
    if (task->nwrappers == 0)
        push_row(&rows, CALLERS_NOTE, TUI_EL_NOTE, -1, 0,
                 svc_arena_printf(v->arena, "  no wrapper: nothing in %s calls %s.delay", m->files[task->at.file].path,
                                  task->name));

    for (size_t i = 0; i < task->nwrappers; i++) {
        size_t w = task->wrappers[i];
        const svc_wrapper *wr = &m->wrappers[w];
        size_t n = count_sites(tr, (long)w);
        bool is_target = !v->target_is_task && w == v->target;
        if (is_target) select = rows.len;
        callers_row group = { CALLERS_WRAPPER, NULL, TUI_EL_WRAPPER, false, is_target, (long)wr->at.file,
                              def_of(m, wr->at)->name_span.row };
        group.text = svc_arena_printf(v->arena, "%s wrap %s  %zu %s", tui_glyph("»", ">"), def_of(m, wr->at)->name, n,
                                      plural(n, "call site", "call sites"));
        svc_vec_push(&rows, group);
        if (push_sites(v, &rows, tr, (long)w) == 0)
            push_row(&rows, CALLERS_NOTE, TUI_EL_NOTE, -1, 0,
                     svc_arena_printf(v->arena, "    no call sites: nothing in the repository calls %s",
                                      def_of(m, wr->at)->name));
    }
    size_t direct = count_sites(tr, -1);
    if (direct) {
        push_row(&rows, CALLERS_DIRECT, TUI_EL_BRANCH, -1, 0,
                 svc_arena_printf(v->arena, "direct uses of %s outside its wrappers  %zu %s",
                                  def_of(m, task->at)->name, direct, plural(direct, "site", "sites")));
        push_sites(v, &rows, tr, -1);
    }
    if (tr->nbeat) {
        push_row(&rows, CALLERS_BEAT_HEAD, TUI_EL_BRANCH, -1, 0,
                 svc_arena_printf(v->arena, "beat schedule  %zu %s", tr->nbeat, plural(tr->nbeat, "entry", "entries")));
        for (size_t i = 0; i < tr->nbeat; i++) push_beat(v, &rows, tr->beat[i]);
    }
    if (tr->n == 0 && tr->nbeat == 0)
        push_row(&rows, CALLERS_NOTE, TUI_EL_NOTE, -1, 0,
                 "no callers: nothing queues or calls it, and no beat schedule entry names it");
    svc_query_triggers_free(tr);
    v->rows = rows.items;
    v->list.count = rows.len;
    /* The first call site of the wrapper asked about, else its heading. */
    if (select + 1 < rows.len && rows.items[select + 1].kind == CALLERS_SITE) select++;
    v->list.selected = select;
    tui_list_fit(&v->list, 1 << 20);
}

void callers_view_show(callers_view *v, bool is_task, size_t index)
{
    if (v->has_target && v->target_is_task == is_task && v->target == index && v->rows) return;
    v->has_target = true;
    v->target_is_task = is_task;
    v->target = index;
    build(v);
}

/* The target is kept when it still exists. */
static void view_set_project(tui_view *view, const tui_project *project)
{
    callers_view *v = view->state;
    const char *dotted = NULL;
    char *old = NULL;
    if (v->project && v->has_target)
        dotted = v->target_is_task ? v->project->model->tasks[v->target].dotted : v->project->model->wrappers[v->target].dotted;
    if (dotted) old = svc_xstrdup(dotted);
    v->project = project;
    v->has_target = false;
    clear_rows(v);
    if (!old) return;
    const svc_model *m = project->model;
    for (size_t i = 0; i < m->ntasks; i++)
        if (v->target_is_task && strcmp(m->tasks[i].dotted, old) == 0) callers_view_show(v, true, i);
    for (size_t i = 0; i < m->nwrappers; i++)
        if (!v->target_is_task && strcmp(m->wrappers[i].dotted, old) == 0) callers_view_show(v, false, i);
    free(old);
}

static tui_text_row row_at(const void *state, size_t at)
{
    const callers_row *cr = &((const callers_view *)state)->rows[at];
    int indent = cr->kind == CALLERS_SITE || cr->kind == CALLERS_BEAT ? 2 : 0;
    return (tui_text_row){ cr->text, indent, tui_attr(cr->element) | (cr->is_target ? A_UNDERLINE : 0) };
}

static void view_draw(tui_view *view, bool focused)
{
    callers_view *v = view->state;
    tui_rect r = view->rect;
    tui_list_draw_text(&v->list, r, focused, row_at, v);
    if (r.h > 0 && !v->has_target)
        tui_put(r.y, r.x + 1, r.w - 1, "Select a task or a delay_ wrapper (c shows its callers).", tui_attr(TUI_EL_NOTE));
}

static void view_title(const tui_view *view, char *buf, size_t size)
{
    const callers_view *v = view->state;
    buf[0] = '\0';
    if (!v->has_target || !v->project) return;
    const svc_model *m = v->project->model;
    if (v->target_is_task) {
        const svc_task *t = &m->tasks[v->target];
        snprintf(buf, size, "task %s", t->name);
    } else {
        const svc_wrapper *w = &m->wrappers[v->target];
        size_t n = v->project->xref->wrappers[v->target].nsites;
        snprintf(buf, size, "%s  %zu %s", m->files[w->at.file].facts->defs[w->at.def].name, n,
                 plural(n, "call site", "call sites"));
    }
}

static tui_reaction view_request(tui_view *view, struct tui_app *app, tui_request req)
{
    (void)app;
    callers_view *v = view->state;
    return tui_list_request(&v->list, req, view->rect.h) ? TUI_REACT_PANE : TUI_REACT_UNHANDLED;
}

const callers_row *callers_view_selected(const callers_view *v)
{
    return v->list.count ? &v->rows[v->list.selected] : NULL;
}

/* ---- the view ---------------------------------------------------------------------------- */

/* Clicks and the wheel work on this list (tui_view_click, tui_view_wheel). */
static tui_list *view_list(tui_view *view)
{
    return &((callers_view *)view->state)->list;
}

/* The row selected whole (a call site's source line is cut in the pane). */
static void view_detail(const tui_view *view, char *buf, size_t size)
{
    const callers_row *row = callers_view_selected(view->state);
    snprintf(buf, size, "%s", row && row->text ? row->text : "");
}

const tui_view_ops callers_view_ops = {
    .name = "Callers",
    .scope = TUI_SCOPE_CALLERS,
    .activate = TUI_REQ_OPEN_SITE,
    .init = view_init,
    .free = view_free,
    .set_project = view_set_project,
    .title = view_title,
    .draw = view_draw,
    .request = view_request,
    .list = view_list,
    .detail = view_detail,
};
