#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "svcscope/quote.h"
#include "svcscope/tree_report.h"
#include "svcscope/util.h"

static long wrapper_at(const svc_model *m, size_t file, size_t def)
{
    for (size_t w = 0; w < m->nwrappers; w++)
        if (m->wrappers[w].at.file == file && m->wrappers[w].at.def == def) return (long)w;
    return -1;
}

static long exception_at(const svc_model *m, size_t file, size_t def)
{
    for (size_t e = 0; e < m->nexceptions; e++)
        if (m->exceptions[e].at.file == file && m->exceptions[e].at.def == def) return (long)e;
    return -1;
}

svc_def_role svc_def_role_of(const svc_model *m, size_t file, size_t def, long *index)
{
    long i;
    if ((i = svc_model_task_at(m, file, def)) >= 0) {
        if (index) *index = i;
        return SVC_DEF_ROLE_TASK;
    }
    if ((i = wrapper_at(m, file, def)) >= 0) {
        if (index) *index = i;
        return SVC_DEF_ROLE_WRAPPER;
    }
    if ((i = exception_at(m, file, def)) >= 0) {
        if (index) *index = i;
        return SVC_DEF_ROLE_EXCEPTION;
    }
    if (index) *index = -1;
    return m->files[file].facts->defs[def].kind == SVC_DEF_CLASS ? SVC_DEF_ROLE_CLASS : SVC_DEF_ROLE_FUNCTION;
}

const char *svc_def_role_name(svc_def_role role)
{
    switch (role) {
    case SVC_DEF_ROLE_FUNCTION: return "def";
    case SVC_DEF_ROLE_CLASS: return "class";
    case SVC_DEF_ROLE_TASK: return "task";
    case SVC_DEF_ROLE_WRAPPER: return "wrapper";
    case SVC_DEF_ROLE_EXCEPTION: return "exception";
    }
    return "def";
}

/* ---- text ---------------------------------------------------------------------- */

/* Tree-drawing prefix: one flag per level, true when that level has more siblings below. */
typedef struct tree_out {
    svc_buf buf;
    bool more[16];
    int depth;
} tree_out;

static void line_start(tree_out *t, bool last)
{
    for (int i = 0; i < t->depth; i++) svc_buf_puts(&t->buf, t->more[i] ? "│   " : "    ");
    svc_buf_puts(&t->buf, last ? "└── " : "├── ");
}

static void push(tree_out *t, bool last)
{
    if (t->depth < 15) t->more[t->depth] = !last;
    t->depth++;
}

static void pop(tree_out *t)
{
    t->depth--;
}

static void text_defs(tree_out *t, const svc_model *m, size_t file)
{
    const svc_facts *facts = m->files[file].facts;
    size_t count = 0, seen = 0;
    for (size_t k = 0; k < facts->ndefs; k++) count += facts->defs[k].parent == -1;
    for (size_t k = 0; k < facts->ndefs; k++) {
        const svc_def *d = &facts->defs[k];
        if (d->parent != -1) continue;
        long idx;
        svc_def_role role = svc_def_role_of(m, file, k, &idx);
        line_start(t, ++seen == count);
        svc_buf_printf(&t->buf, "%s %s  :%u", svc_def_role_name(role), svc_quoted_text(d->name), d->name_span.row + 1);
        if (role == SVC_DEF_ROLE_WRAPPER) {
            const svc_task *task = &m->tasks[m->wrappers[idx].task];
            svc_buf_printf(&t->buf, "  -> %s", svc_quoted_text(task->name));
        } else if (role == SVC_DEF_ROLE_TASK && m->tasks[idx].nwrappers == 0) {
            svc_buf_puts(&t->buf, "  (no wrapper)");
        } else if (role == SVC_DEF_ROLE_EXCEPTION && m->exceptions[idx].service >= 0 && !m->exceptions[idx].at_root) {
            svc_buf_puts(&t->buf, "  (not exported at the service root)");
        }
        svc_buf_putc(&t->buf, '\n');
    }
}

static void text_service(tree_out *t, const svc_model *m, const svc_service *s)
{
    svc_buf_printf(&t->buf, "%s/", svc_quoted_text(s->name));
    if (s->is_tasks) svc_buf_puts(&t->buf, "  [tasks service]");
    if (!s->has_init) svc_buf_puts(&t->buf, "  (no __init__.py)");
    if (!s->has_tests) svc_buf_puts(&t->buf, "  (no tests/)");
    svc_buf_putc(&t->buf, '\n');
    size_t skip = strlen(s->path) + 1;
    for (size_t i = 0; i < s->nfiles; i++) {
        const svc_file *f = &m->files[s->files[i]];
        bool last = i + 1 == s->nfiles;
        line_start(t, last);
        svc_buf_printf(&t->buf, "%s%s\n", svc_quoted_path(f->path + skip), f->is_test ? "  (test)" : "");
        if (!f->is_test) {
            push(t, last);
            text_defs(t, m, s->files[i]);
            pop(t);
        }
    }
}

char *svc_tree_text(const svc_model *m)
{
    tree_out t = { 0 };
    if (m->services_root) {
        svc_buf_printf(&t.buf, "%s/  (services root, imported as %s)\n", svc_quoted_path(m->services_root),
                       svc_quoted_text(m->services_module));
        size_t root_files = 0;
        for (size_t i = 0; i < m->nfiles; i++) root_files += m->files[i].role == SVC_ROLE_SERVICES_ROOT;
        size_t total = m->nservices + root_files, seen = 0;
        for (size_t i = 0; i < m->nfiles; i++) {
            if (m->files[i].role != SVC_ROLE_SERVICES_ROOT) continue;
            line_start(&t, ++seen == total);
            svc_buf_printf(&t.buf, "%s\n", svc_quoted_path(strrchr(m->files[i].path, '/') + 1));
        }
        for (size_t s = 0; s < m->nservices; s++) {
            bool last = ++seen == total;
            line_start(&t, last);
            push(&t, last);
            text_service(&t, m, &m->services[s]);
            pop(&t);
        }
    } else {
        svc_buf_puts(&t.buf, "No services package found (SVC100): add a top-level services/ package with an "
                             "__init__.py, or set services-root in [tool.svcscope].\n");
    }

    svc_buf_printf(&t.buf, "\nDjango apps (%zu)\n", m->napps);
    static const char *const origins[] = { "apps.py", "models", "INSTALLED_APPS", "config" };
    for (size_t a = 0; a < m->napps; a++) {
        line_start(&t, a + 1 == m->napps);
        svc_buf_printf(&t.buf, "%s  %s/  (%s, %zu modules)\n", svc_quoted_text(m->apps[a].display),
                       svc_quoted_path(m->apps[a].path),
                       origins[m->apps[a].origin], m->apps[a].nfiles);
    }

    size_t outside = 0;
    for (size_t i = 0; i < m->ntasks; i++) outside += !m->tasks[i].in_tasks_service;
    if (outside) {
        svc_buf_printf(&t.buf, "\nCelery tasks outside the tasks service (%zu)\n", outside);
        size_t seen = 0;
        for (size_t i = 0; i < m->ntasks; i++) {
            const svc_task *task = &m->tasks[i];
            if (task->in_tasks_service) continue;
            line_start(&t, ++seen == outside);
            svc_buf_printf(&t.buf, "%s:%u  task %s", svc_quoted_path(m->files[task->at.file].path),
                           task->name_span.row + 1, svc_quoted_text(task->name));
            for (size_t w = 0; w < task->nwrappers; w++) {
                const svc_wrapper *wr = &m->wrappers[task->wrappers[w]];
                svc_buf_printf(&t.buf, "%s%s", w ? ", " : "  <- ",
                               svc_quoted_text(m->files[wr->at.file].facts->defs[wr->at.def].name));
            }
            svc_buf_putc(&t.buf, '\n');
        }
    }
    size_t ntasks_in = m->ntasks - outside;
    svc_buf_printf(&t.buf, "\n%zu Python files, %zu services, %zu apps, %zu tasks (%zu in the tasks service), %zu "
                           "wrappers, %zu exceptions\n",
                   m->nfiles, m->nservices, m->napps, m->ntasks, ntasks_in, m->nwrappers, m->nexceptions);
    return svc_buf_detach(&t.buf);
}

/* ---- json ---------------------------------------------------------------------- */

static json_t *json_location(const svc_model *m, svc_defref at)
{
    const svc_def *d = &m->files[at.file].facts->defs[at.def];
    return json_pack("{s:s, s:i, s:i}", "filename", m->files[at.file].path, "row", (json_int_t)d->name_span.row + 1,
                     "column", (json_int_t)d->name_span.col + 1);
}

static json_t *json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *json_defs(const svc_model *m, size_t file)
{
    json_t *arr = json_array();
    const svc_facts *facts = m->files[file].facts;
    for (size_t k = 0; k < facts->ndefs; k++) {
        const svc_def *d = &facts->defs[k];
        if (d->parent != -1) continue;
        svc_def_role role = svc_def_role_of(m, file, k, NULL);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:i}", "kind", svc_def_role_name(role), "name", d->name,
                                             "row", (json_int_t)d->name_span.row + 1, "column",
                                             (json_int_t)d->name_span.col + 1));
    }
    return arr;
}

char *svc_tree_json(const svc_model *m)
{
    json_t *root = json_object();
    json_object_set_new(root, "services_root", json_str_or_null(m->services_root));
    json_object_set_new(root, "services_module", json_str_or_null(m->services_module));
    json_object_set_new(root, "tasks_service",
                        m->tasks_service >= 0 ? json_string(m->services[m->tasks_service].path) : json_null());

    json_t *services = json_array();
    for (size_t s = 0; s < m->nservices; s++) {
        const svc_service *sv = &m->services[s];
        json_t *modules = json_array();
        for (size_t i = 0; i < sv->nfiles; i++) {
            const svc_file *f = &m->files[sv->files[i]];
            json_array_append_new(modules, json_pack("{s:s, s:o, s:b, s:o}", "path", f->path, "module",
                                                     json_str_or_null(f->module), "is_test", f->is_test, "defs",
                                                     json_defs(m, sv->files[i])));
        }
        json_array_append_new(services, json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:o}", "name", sv->name, "path",
                                                  sv->path, "module", sv->module, "has_init", sv->has_init,
                                                  "has_tests", sv->has_tests, "tests_has_init", sv->tests_has_init,
                                                  "is_tasks_service", sv->is_tasks, "modules", modules));
    }
    json_object_set_new(root, "services", services);

    static const char *const origins[] = { "apps.py", "models", "INSTALLED_APPS", "config" };
    json_t *apps = json_array();
    for (size_t a = 0; a < m->napps; a++) {
        json_t *files = json_array();
        for (size_t i = 0; i < m->apps[a].nfiles; i++) json_array_append_new(files, json_string(m->files[m->apps[a].files[i]].path));
        json_array_append_new(apps, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "label", m->apps[a].label, "display", m->apps[a].display, "path",
                                              m->apps[a].path, "module", m->apps[a].module, "found_by",
                                              origins[m->apps[a].origin], "files", files));
    }
    json_object_set_new(root, "apps", apps);

    json_t *tasks = json_array();
    for (size_t t = 0; t < m->ntasks; t++) {
        const svc_task *task = &m->tasks[t];
        json_t *wrappers = json_array();
        for (size_t w = 0; w < task->nwrappers; w++)
            json_array_append_new(wrappers, json_string(m->wrappers[task->wrappers[w]].dotted));
        json_array_append_new(
            tasks, json_pack("{s:s, s:o, s:s, s:b, s:b, s:o, s:o}", "name", task->dotted, "location",
                             json_location(m, task->at), "decorator", task->decorator, "in_tasks_service",
                             task->in_tasks_service, "bind", task->bind, "celery_name",
                             json_str_or_null(task->celery_name), "wrappers", wrappers));
    }
    json_object_set_new(root, "tasks", tasks);

    json_t *wrappers = json_array();
    for (size_t w = 0; w < m->nwrappers; w++)
        json_array_append_new(wrappers, json_pack("{s:s, s:o, s:s}", "name", m->wrappers[w].dotted, "location",
                                                  json_location(m, m->wrappers[w].at), "task",
                                                  m->tasks[m->wrappers[w].task].dotted));
    json_object_set_new(root, "wrappers", wrappers);

    json_t *exceptions = json_array();
    for (size_t e = 0; e < m->nexceptions; e++) {
        const svc_exception *ex = &m->exceptions[e];
        json_array_append_new(exceptions,
                              json_pack("{s:s, s:o, s:o, s:b}", "name", ex->dotted, "location", json_location(m, ex->at),
                                        "service", ex->service >= 0 ? json_string(m->services[ex->service].name) : json_null(),
                                        "at_service_root", ex->at_root));
    }
    json_object_set_new(root, "exceptions", exceptions);

    json_t *errors = json_array();
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        if (f->read_error)
            json_array_append_new(errors, json_pack("{s:s, s:s}", "filename", f->path, "message", f->read_error));
        else if (f->facts->nerrors)
            json_array_append_new(errors, json_pack("{s:s, s:i, s:s}", "filename", f->path, "row",
                                                    (json_int_t)f->facts->errors[0].row + 1, "message", "syntax error"));
    }
    json_object_set_new(root, "file_errors", errors);
    json_object_set_new(root, "python_files", json_integer((json_int_t)m->nfiles));

    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    char *safe = svc_quote_json(text);
    char *out = svc_xasprintf("%s\n", safe);
    free(safe);
    free(text);
    return out;
}
