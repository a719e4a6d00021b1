/* The callers pane. */
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

static const char *site_marker(svc_xref_kind kind)
{
    switch (kind) {
    case SVC_XREF_CALL: return "";
    case SVC_XREF_VALUE: return "[value] ";
    case SVC_XREF_DELAY: return "[.delay] ";
    case SVC_XREF_APPLY_ASYNC: return "[.apply_async] ";
    case SVC_XREF_SIGNATURE: return "[signature] ";
    case SVC_XREF_APPLY: return "[.apply, in-process] ";
    case SVC_XREF_SEND_TASK: return "[send_task] ";
    }
    return "";
}

static void push_site(callers_view *v, row_vec *rows, const svc_xref_site *s, bool direct)
{
    const tui_project *p = v->project;
    const char *line = svc_xref_reader_line(p->reader, s->file, s->line);
    bool flagged = direct && svc_xref_site_outside_tasks_service(p->xref, s);
    callers_row row = { CALLERS_SITE, NULL, flagged ? TUI_EL_DELAY_SITE : TUI_EL_NORMAL, flagged, false,
                        (long)s->file, s->line ? s->line - 1 : 0 };
    /* The markers first: they are what a narrow pane must not cut. */
    row.text = svc_arena_printf(v->arena, "%s %s%s:%u: in %s: %s", flagged ? "!" : " ", direct ? site_marker(s->kind) : "",
                                s->path, s->line, s->enclosing, line);
    svc_vec_push(rows, row);
}

static void build(callers_view *v)
{
    clear_rows(v);
    if (!v->project || !v->has_target) return;
    v->arena = svc_arena_new();
    const svc_model *m = v->project->model;
    const svc_xref *x = v->project->xref;
    size_t t = v->target_is_task ? v->target : m->wrappers[v->target].task;
    const svc_task *task = &m->tasks[t];
    row_vec rows = { 0 };
    size_t select = 0;

    callers_row head = { CALLERS_TASK, NULL, TUI_EL_TASK, false, v->target_is_task, (long)task->at.file,
                         def_of(m, task->at)->name_span.row };
    head.text = svc_arena_printf(v->arena, "%s task %s  %s:%u%s", tui_glyph("◆", "*"), def_of(m, task->at)->qualname,
                                 m->files[task->at.file].path, head.line + 1,
                                 task->in_tasks_service ? "" : "  (outside the tasks service)");
    svc_vec_push(&rows, head);

    for (size_t i = 0; i < task->nwrappers; i++) {
        size_t w = task->wrappers[i];
        const svc_wrapper *wr = &m->wrappers[w];
        const svc_xref_wrapper *xw = &x->wrappers[w];
        bool is_target = !v->target_is_task && w == v->target;
        if (is_target) select = rows.len;
        callers_row group = { CALLERS_WRAPPER, NULL, TUI_EL_WRAPPER, false, is_target, (long)wr->at.file,
                              def_of(m, wr->at)->name_span.row };
        group.text = svc_arena_printf(v->arena, "%s wrap %s  %zu caller%s", tui_glyph("»", ">"),
                                      def_of(m, wr->at)->name, xw->nsites, xw->nsites == 1 ? "" : "s");
        svc_vec_push(&rows, group);
        for (size_t s = 0; s < xw->nsites; s++) push_site(v, &rows, &xw->sites[s], false);
        if (xw->nsites == 0) {
            callers_row note = { CALLERS_NOTE, "    nobody calls it", TUI_EL_NOTE, false, false, -1, 0 };
            svc_vec_push(&rows, note);
        }
    }
    if (task->nwrappers == 0) {
        callers_row note = { CALLERS_NOTE, "  no delay_ wrapper", TUI_EL_NOTE, false, false, -1, 0 };
        svc_vec_push(&rows, note);
    }
    const svc_xref_task *xt = &x->tasks[t];
    if (xt->ndirect) {
        callers_row group = { CALLERS_DIRECT, NULL, TUI_EL_BRANCH, false, false, -1, 0 };
        group.text = svc_arena_printf(v->arena, "direct uses of %s  %zu", def_of(m, task->at)->name, xt->ndirect);
        svc_vec_push(&rows, group);
        for (size_t s = 0; s < xt->ndirect; s++) push_site(v, &rows, &xt->direct[s], true);
    }
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

static void view_draw(tui_view *view, bool focused)
{
    callers_view *v = view->state;
    tui_rect r = view->rect;
    tui_list_draw_begin(&v->list, r.h);
    for (int row = 0; row < r.h; row++) {
        int y = r.y + row;
        size_t at = v->list.top + (size_t)row;
        tui_fill(y, r.x, r.w, tui_attr(TUI_EL_NORMAL));
        if (at >= v->list.count) continue;
        const callers_row *cr = &v->rows[at];
        attr_t sel = tui_list_draw_row(&v->list, at, y, r.x, r.w, focused);
        tui_pen pen = tui_list_pen(&v->list, y, r.x, r.w);
        if (cr->kind == CALLERS_SITE) tui_pen_put(&pen, "  ", sel);
        attr_t attr = tui_attr(cr->element) | (cr->is_target ? A_UNDERLINE : 0);
        tui_pen_put(&pen, cr->text, sel ? sel : attr);
        tui_list_pen_end(&v->list, &pen);
    }
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
        snprintf(buf, size, "%s  %zu caller%s", m->files[w->at.file].facts->defs[w->at.def].name,
                 v->project->xref->wrappers[v->target].nsites, v->project->xref->wrappers[v->target].nsites == 1 ? "" : "s");
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
};
