/*
 * `svcscope init`'s proposal and its write (include/svcscope/init.h). The proposal reads the
 * model built with the config in force, so each run starts from what the table already says
 * and adds only what the code shows besides: running it again proposes nothing new.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/atomic_file.h"
#include "core/toml_edit.h"
#include "svcscope/celery.h"
#include "svcscope/init.h"
#include "svcscope/util.h"

#define TABLE "tool.svcscope"

/* Folder names that hold someone else's code, copied in. */
static const char *const VENDORED_NAMES[] = { "vendor", "vendored", "_vendor", "third_party", "thirdparty", NULL };
/* File name globs of generated modules: protobuf and gRPC stubs. */
static const char *const GENERATED_FILES[] = { "*_pb2.py", "*_pb2_grpc.py", NULL };

typedef SVC_VEC(char *) strv;

static void add_setting(svc_init_plan *plan, const char *key, char *value, char *why)
{
    plan->settings = svc_xrealloc(plan->settings, (plan->n + 1) * sizeof *plan->settings);
    plan->settings[plan->n++] = (svc_init_setting){ key ? svc_xstrdup(key) : NULL, value, why };
}

/* A TOML basic string: quotes, backslashes and control characters escaped. */
static void put_toml_string(svc_buf *b, const char *s)
{
    svc_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') svc_buf_printf(b, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f) svc_buf_printf(b, "\\u%04x", *p);
        else svc_buf_putc(b, (char)*p);
    }
    svc_buf_putc(b, '"');
}

static char *toml_string(const char *s)
{
    svc_buf b = { 0 };
    put_toml_string(&b, s);
    return svc_buf_detach(&b);
}

static char *toml_array(char *const *items, size_t n)
{
    svc_buf b = { 0 };
    svc_buf_putc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) svc_buf_puts(&b, ", ");
        put_toml_string(&b, items[i]);
    }
    svc_buf_putc(&b, ']');
    return svc_buf_detach(&b);
}

static bool contains(const strv *v, const char *s)
{
    for (size_t i = 0; i < v->len; i++)
        if (strcmp(v->items[i], s) == 0) return true;
    return false;
}

static void add_unique(strv *v, const char *s)
{
    if (!contains(v, s)) svc_vec_push(v, svc_xstrdup(s));
}

static void free_strv(strv *v)
{
    for (size_t i = 0; i < v->len; i++) free(v->items[i]);
    svc_vec_free(v);
}

/* True when def `inner` is `outer` or nested in it. */
static bool def_within(const svc_facts *f, int inner, size_t outer)
{
    for (int d = inner; d >= 0; d = f->defs[d].parent)
        if ((size_t)d == outer) return true;
    return false;
}

/* `shared_task`, or `<x>.task` as written: what Celery makes tasks with. */
static bool is_celery_task_factory(const svc_ref *r)
{
    const char *name = r->resolved ? r->resolved : r->raw;
    const char *last = svc_dotted_last(name);
    return strcmp(last, "shared_task") == 0 || (strcmp(last, "task") == 0 && strchr(r->raw, '.'));
}

/* True when the function (file, def) uses Celery's task decorator in its body: a decorator of
 * the project that makes tasks by wrapping it. */
static bool wraps_task_factory(const svc_model *m, svc_defref at)
{
    const svc_facts *f = m->files[at.file].facts;
    if (f->defs[at.def].kind != SVC_DEF_FUNCTION) return false;
    for (size_t r = 0; r < f->nrefs; r++) {
        const svc_ref *ref = &f->refs[r];
        if (ref->scope >= 0 && def_within(f, ref->scope, at.def) &&
            (ref->flags & (SVC_REF_CALLED | SVC_REF_DECORATOR | SVC_REF_ARGUMENT)) && is_celery_task_factory(ref))
            return true;
    }
    return false;
}

static char *def_dotted(const svc_model *m, svc_defref at)
{
    const svc_file *file = &m->files[at.file];
    return svc_xasprintf("%s.%s", file->module, file->facts->defs[at.def].qualname);
}

/* Decorators defined in the repository that wrap Celery's, on functions the model does not
 * already take for tasks: what `task-decorators` must name. */
static void find_task_decorators(const svc_model *m, strv *found)
{
    for (size_t fi = 0; fi < m->nfiles; fi++) {
        const svc_facts *f = m->files[fi].facts;
        for (size_t d = 0; d < f->ndefs; d++) {
            const svc_def *def = &f->defs[d];
            if (def->kind != SVC_DEF_FUNCTION || svc_model_task_at(m, fi, d) >= 0) continue;
            for (size_t k = 0; k < def->ndecorators; k++) {
                svc_defref at;
                if (!svc_model_find_def(m, def->decorators[k].callee, &at) || !m->files[at.file].module) continue;
                if (!wraps_task_factory(m, at)) continue;
                char *name = def_dotted(m, at);
                add_unique(found, name);
                free(name);
            }
        }
    }
}

/* Functions whose first parameter is queued in their body (`task.apply_async(...)`, `task.delay(...)`):
 * what `dispatch-functions` must name. Tests and tasks themselves are left out. */
static void find_dispatch_functions(const svc_model *m, strv *found)
{
    for (size_t fi = 0; fi < m->nfiles; fi++) {
        const svc_file *file = &m->files[fi];
        const svc_facts *f = file->facts;
        if (file->is_test || !file->module) continue;
        for (size_t d = 0; d < f->ndefs; d++) {
            const svc_def *def = &f->defs[d];
            if (def->kind != SVC_DEF_FUNCTION || svc_model_task_at(m, fi, d) >= 0) continue;
            bool method = def->parent >= 0 && f->defs[def->parent].kind == SVC_DEF_CLASS;
            size_t first = method ? 1 : 0;
            if (def->nparams <= first) continue;
            const svc_param *p = &def->params[first];
            if (p->kind != SVC_PARAM_NORMAL && p->kind != SVC_PARAM_POSONLY) continue;
            for (size_t c = 0; c < f->ncalls; c++) {
                const svc_call *call = &f->calls[c];
                if (call->scope < 0 || !def_within(f, call->scope, d) || !svc_attr_queues_task(call->attr)) continue;
                size_t pl = strlen(p->name);
                if (strncmp(call->callee_text, p->name, pl) == 0 && call->callee_text[pl] == '.' &&
                    strcmp(call->callee_text + pl + 1, call->attr) == 0) {
                    char *name = def_dotted(m, (svc_defref){ fi, d });
                    add_unique(found, name);
                    free(name);
                    break;
                }
            }
        }
    }
}

/* Vendored folders, generated files and Django migrations the excludes in force let in. */
static void find_excludes(const svc_model *m, strv *found, strv *why)
{
    const svc_config *cfg = m->config;
    for (size_t i = 0; i < m->nfolders; i++) {
        const char *folder = m->folders[i];
        const char *slash = strrchr(folder, '/');
        const char *name = slash ? slash + 1 : folder;
        if (cfg && svc_config_excluded(cfg, folder)) continue;
        for (size_t k = 0; VENDORED_NAMES[k]; k++)
            if (strcmp(name, VENDORED_NAMES[k]) == 0 && !contains(found, folder)) {
                add_unique(found, folder);
                add_unique(why, "vendored code");
            }
    }
    bool migrations = false;
    for (size_t fi = 0; fi < m->nfiles; fi++) {
        const char *path = m->files[fi].path;
        const char *slash = strrchr(path, '/');
        const char *name = slash ? slash + 1 : path;
        for (size_t k = 0; GENERATED_FILES[k]; k++)
            if (svc_glob_match(GENERATED_FILES[k], name)) {
                add_unique(found, GENERATED_FILES[k]);
                add_unique(why, "generated protobuf modules");
            }
        if (!migrations && m->files[fi].app >= 0 && strstr(path, "/migrations/")) migrations = true;
    }
    if (migrations) {
        add_unique(found, "migrations");
        add_unique(why, "Django's generated migrations");
    }
}

/* A list key: the config's entries (their order kept), then what was found (freed here); the
 * key is proposed when the list is not empty. `why` is taken. */
static void propose_list(svc_init_plan *plan, const char *key, char *const *config, size_t n, strv *found, char *why)
{
    strv list = { 0 };
    for (size_t i = 0; i < n; i++) add_unique(&list, config[i]);
    for (size_t i = 0; i < found->len; i++) add_unique(&list, found->items[i]);
    if (list.len) add_setting(plan, key, toml_array(list.items, list.len), why);
    else free(why);
    free_strv(&list);
    free_strv(found);
}

static char *joined(const strv *v, const char *sep)
{
    svc_buf b = { 0 };
    for (size_t i = 0; i < v->len; i++) svc_buf_printf(&b, "%s%s", i ? sep : "", v->items[i]);
    if (!b.data) svc_buf_puts(&b, "");
    return svc_buf_detach(&b);
}

static void propose_layout(svc_init_plan *plan, const svc_model *m)
{
    if (m->services_root) {
        add_setting(plan, "services-root", toml_string(m->services_root),
                    svc_xstrdup(m->config && m->config->services_root
                                    ? "the services package: business logic lives here"
                                    : "the services package (found: the shallowest `services` package)"));
    } else if (m->nservices_root_candidates > 1) {
        strv c = { 0 };
        for (size_t i = 0; i < m->nservices_root_candidates; i++) add_unique(&c, m->services_root_candidates[i]);
        char *list = joined(&c, ", ");
        add_setting(plan, NULL, NULL,
                    svc_xasprintf("services-root: several services packages are equally shallow (%s): set it to one", list));
        free(list);
        free_strv(&c);
    } else {
        plan->migration_mode = true;
        add_setting(plan, NULL, NULL,
                    svc_xstrdup("No services package yet: migration mode. svcscope reports that once (SVC100) and runs"));
        add_setting(plan, NULL, NULL,
                    svc_xstrdup("only the task rules (SVC401, SVC402) until a `services/` package exists, or set"));
        add_setting(plan, NULL, NULL, svc_xstrdup("services-root = \"path/to/services\" here."));
    }
    if (!m->services_root) return;
    if (m->tasks_service >= 0) {
        add_setting(plan, "tasks-service", toml_string(m->services[m->tasks_service].name),
                    svc_xstrdup("the service that holds every Celery task"));
        return;
    }
    /* No tasks service: the one that holds the most tasks, if any does. */
    int best = -1;
    size_t best_count = 0;
    for (size_t s = 0; s < m->nservices; s++) {
        size_t count = 0;
        for (size_t t = 0; t < m->ntasks; t++)
            if (m->tasks[t].service == (int)s) count++;
        if (count > best_count) best = (int)s, best_count = count;
    }
    if (best >= 0)
        add_setting(plan, "tasks-service", toml_string(m->services[best].name),
                    svc_xasprintf("holds %zu of the %zu Celery tasks: the service where tasks live", best_count, m->ntasks));
}

void svc_init_propose(svc_init_plan *plan, const svc_model *m)
{
    memset(plan, 0, sizeof *plan);
    const svc_config *cfg = m->config;
    propose_layout(plan, m);

    static const svc_config no_config;
    if (!cfg) cfg = &no_config;
    strv found = { 0 };
    find_task_decorators(m, &found);
    propose_list(plan, "task-decorators", cfg->task_decorators, cfg->ntask_decorators, &found,
                 svc_xstrdup("the project's decorators that wrap @shared_task or @app.task (those need no entry)"));
    find_dispatch_functions(m, &found);
    propose_list(plan, "dispatch-functions", cfg->dispatch_functions, cfg->ndispatch_functions, &found,
                 svc_xstrdup("helpers that queue the task given as their first argument"));

    if (m->napps && !cfg->apps_set) {
        strv apps = { 0 };
        for (size_t a = 0; a < m->napps && a < 6; a++) add_unique(&apps, m->apps[a].path);
        char *names = joined(&apps, ", ");
        add_setting(plan, NULL, NULL,
                    svc_xasprintf("apps: %zu Django app%s found (%s%s); set `apps` only if one is missing", m->napps,
                                  m->napps == 1 ? "" : "s", names, m->napps > 6 ? ", ..." : ""));
        free(names);
        free_strv(&apps);
    }

    strv why = { 0 };
    find_excludes(m, &found, &why);
    char *reasons = joined(&why, ", ");
    propose_list(plan, "extend-exclude", cfg->extend_exclude, cfg->nextend_exclude, &found,
                 why.len ? svc_xasprintf("not the application: %s", reasons) : svc_xstrdup("not the application"));
    free(reasons);
    free_strv(&why);
}

void svc_init_plan_set_baseline(svc_init_plan *plan, const char *file)
{
    for (size_t i = 0; i < plan->n; i++)
        if (plan->settings[i].key && strcmp(plan->settings[i].key, "baseline") == 0) {
            free(plan->settings[i].value);
            plan->settings[i].value = toml_string(file);
            return;
        }
    add_setting(plan, "baseline", toml_string(file),
                svc_xstrdup("findings recorded by `svcscope init --baseline`: check reports only new ones"));
}

void svc_init_plan_free(svc_init_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++) {
        free(plan->settings[i].key);
        free(plan->settings[i].value);
        free(plan->settings[i].why);
    }
    free(plan->settings);
    memset(plan, 0, sizeof *plan);
}

static svc_toml_setting *as_settings(const svc_init_plan *plan)
{
    svc_toml_setting *s = svc_xcalloc(plan->n + 1, sizeof *s);
    for (size_t i = 0; i < plan->n; i++)
        s[i] = (svc_toml_setting){ plan->settings[i].key, plan->settings[i].value, plan->settings[i].why };
    return s;
}

char *svc_init_plan_text(const svc_init_plan *plan)
{
    svc_toml_setting *s = as_settings(plan);
    char *out = NULL;
    size_t out_len;
    svc_error err = SVC_ERROR_INIT;
    if (svc_toml_set_keys("pyproject.toml", "", 0, TABLE, s, plan->n, "", &out, &out_len, NULL, NULL, &err) != SVC_OK)
        out = svc_xstrdup("");
    free(s);
    return out;
}

int svc_init_edit_prepare(svc_init_edit *edit, const char *root, const svc_init_plan *plan, svc_error *err)
{
    memset(edit, 0, sizeof *edit);
    edit->path = svc_xasprintf("%s/pyproject.toml", root);
    edit->mode = 0644;
    struct stat st;
    int e = svc_file_read(edit->path, &edit->before, &edit->before_len, &st);
    if (e == 0) {
        edit->existed = true;
        edit->mode = st.st_mode & 07777;
    } else if (e == ENOENT) {
        edit->before = svc_xstrdup("");
    } else if (e == EINVAL || e == ELOOP) {
        return svc_error_set(err, SVC_EIO, "pyproject.toml is not a regular file (a link?): it is not rewritten");
    } else {
        return svc_error_set(err, SVC_EIO, "%s: %s", edit->path, strerror(e));
    }
    svc_toml_setting *s = as_settings(plan);
    svc_toml_set_result *results = svc_xcalloc(plan->n + 1, sizeof *results);
    bool made_table = false;
    int rc = svc_toml_set_keys("pyproject.toml", edit->before, edit->before_len, TABLE, s, plan->n,
                               "set the keys by hand (svcscope init prints them) or make it a [tool.svcscope] table",
                               &edit->after, &edit->after_len, results, &made_table, err);
    edit->had_table = !made_table;
    if (rc == SVC_OK) {
        edit->changes = svc_xcalloc(plan->n + 1, sizeof *edit->changes);
        for (size_t i = 0; i < plan->n; i++) {
            if (!plan->settings[i].key) continue;
            if (results[i].change == SVC_TOML_SAME) continue;
            edit->changes[edit->nchanges++] = (svc_init_change){
                results[i].change == SVC_TOML_ADDED ? SVC_INIT_ADDED : SVC_INIT_CHANGED,
                plan->settings[i].key, plan->settings[i].value, plan->settings[i].why,
                results[i].old_value, results[i].line,
            };
            results[i].old_value = NULL;
        }
    }
    svc_toml_set_results_free(results, plan->n);
    free(results);
    free(s);
    return rc;
}

bool svc_init_edit_changes(const svc_init_edit *edit)
{
    return edit->after &&
           (edit->after_len != edit->before_len || memcmp(edit->after, edit->before, edit->before_len) != 0);
}

int svc_init_edit_write(const svc_init_edit *edit, svc_error *err)
{
    svc_file_state expect = { edit->existed, edit->before, edit->before_len, edit->mode };
    svc_file_state want = { true, edit->after, edit->after_len, edit->mode };
    return svc_file_transition(edit->path, &expect, &want, err);
}

void svc_init_edit_free(svc_init_edit *edit)
{
    for (size_t i = 0; i < edit->nchanges; i++) free(edit->changes[i].old_value);
    free(edit->changes);
    free(edit->path);
    free(edit->before);
    free(edit->after);
    memset(edit, 0, sizeof *edit);
}
