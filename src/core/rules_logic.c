/*
 * Logic placement, SVC501: no business logic inside a Django app. Read from the model (apps and
 * the roles of files) and the files' facts.
 *
 * Decisions where spec/RULES.md is silent:
 *  - Whether a module is glue is decided by its first path component inside the app: the
 *    module's stem for `orders/helpers.py`, the folder for `orders/views/detail.py` or
 *    `orders/management/commands/x.py`. Test modules (`test_*.py`, `*_test.py`, anything under
 *    `tests/`) and `conftest.py` are glue. Besides the list of RULES.md and config `glue-modules`,
 *    modules named like a hook Django (or Channels) itself looks up are glue too: `validators`,
 *    `checks`, `sitemaps`, `feeds`, `routing`, `fields`, `widgets`.
 *  - "Defines functions" means top-level functions other than Celery tasks and the wrappers of
 *    tasks SVC401 reports (one finding per root cause: SVC401 moves them), so an app's `tasks.py`
 *    that holds only tasks gets SVC401 alone. One finding per module, at the first such function
 *    (so it sits on code in the explorer), naming how many functions and the first three. The
 *    app's own `__init__.py` is never reported; the `__init__.py` of a non-glue sub-package of
 *    the app is (it is that package's code).
 *  - A view/serializer/form class is a class of an app whose base chain (followed through classes
 *    of the repo) has a base whose last name, with a trailing `Mixin` removed, ends in `View`,
 *    `ViewSet`, `Serializer`, `Form` or `FormSet` (`CreateView`, `APIView`, `ModelViewSet`,
 *    `ModelSerializer`, `ModelForm`, `FormMixin`). The class's own name is not looked at (a model
 *    named `PageView` is not a view). A base like `LoginRequiredMixin`, or a mixin of the repo
 *    whose own bases do not lead to such a name, does not make a class a view.
 *  - Like every rule but SVC401/SVC402, SVC501 is silent when there is no services root
 *    (there is nowhere to move the logic to yet; SVC100 says so).
 *  - Function-based views count as view methods: a top-level function of a `views`, `api` or
 *    `viewsets` module whose first parameter is `request`.
 *  - ORM writes are the ones SVC407 uses (svc_orm_write_call in rules_calls.c): `form.save()`,
 *    `serializer.save()` and `super().save()` are Django's own API and are not reported. Calls in
 *    defs nested in the method count. Each write is one finding, at the call.
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "rules_internal.h"

static const char *const glue_modules[] = {
    /* spec/RULES.md */
    "models", "views", "urls", "admin", "apps", "forms", "serializers", "signals", "migrations", "management",
    "templatetags", "middleware", "tests", "api", "permissions", "filters", "viewsets", "consumers",
    "context_processors", "managers", "querysets",
    /* modules Django, its contrib apps or Channels look up by name, and pytest's */
    "validators", "checks", "sitemaps", "feeds", "routing", "fields", "widgets", "conftest",
    NULL,
};

/* The first path component of a path inside an app, without `.py`: "views" for views/detail.py. */
static char *first_component(const char *inside)
{
    size_t n = strcspn(inside, "/");
    if (inside[n] == '\0' && n > 3 && strcmp(inside + n - 3, ".py") == 0) n -= 3;
    return svc_xstrndup(inside, n);
}

static bool is_glue_name(const svc_model *m, const char *name)
{
    for (size_t i = 0; glue_modules[i]; i++)
        if (strcmp(name, glue_modules[i]) == 0) return true;
    if (m->config)
        for (size_t i = 0; i < m->config->nglue_modules; i++)
            if (strcmp(name, m->config->glue_modules[i]) == 0) return true;
    return false;
}

static const char *inside_app(const svc_model *m, const svc_file *f)
{
    return f->path + strlen(m->apps[f->app].path) + 1;
}

/* ---- non-glue modules with functions -------------------------------------------- */

static void check_module(svc_check_ctx *ctx, size_t i)
{
    const svc_model *m = ctx->model;
    const svc_file *f = &m->files[i];
    const char *inside = inside_app(m, f);
    if (strcmp(inside, "__init__.py") == 0 || f->is_test) return;
    char *first = first_component(inside);
    bool glue = is_glue_name(m, first);
    if (glue) {
        free(first);
        return;
    }
    const svc_facts *facts = f->facts;
    size_t count = 0;
    svc_buf names = { 0 };
    const svc_def *first_fn = NULL;
    for (size_t k = 0; k < facts->ndefs; k++) {
        const svc_def *d = &facts->defs[k];
        if (d->parent != -1 || d->kind != SVC_DEF_FUNCTION) continue;
        if (svc_model_task_at(m, i, k) >= 0 || svc_model_is_misplaced_wrapper(m, i, k)) continue;
        if (!first_fn) first_fn = d;
        if (count < 3) svc_buf_printf(&names, "%s`%s`", count ? ", " : "", d->name);
        else if (count == 3) svc_buf_puts(&names, ", ...");
        count++;
    }
    if (count) {
        const svc_app *app = &m->apps[f->app];
        if (count == 1)
            svc_report(ctx, "SVC501", i, first_fn->name_span,
                       "`%s` of Django app `%s` is not Django glue but defines function %s: move it to a "
                       "service and call it from the app",
                       inside, app->display, names.data);
        else
            svc_report(ctx, "SVC501", i, first_fn->name_span,
                       "`%s` of Django app `%s` is not Django glue but defines %zu functions (%s): move them "
                       "to a service and call them from the app",
                       inside, app->display, count, names.data);
    }
    svc_buf_free(&names);
    free(first);
}

/* ---- view/serializer/form methods writing through the ORM --------------------------- */

static bool glue_base_name(const char *base)
{
    static const char *const suffixes[] = { "View", "ViewSet", "Serializer", "Form", "FormSet", NULL };
    const char *last = svc_dotted_last(base);
    size_t n = strlen(last);
    if (n > 5 && strcmp(last + n - 5, "Mixin") == 0) n -= 5;
    for (size_t i = 0; suffixes[i]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n >= k && strncmp(last + n - k, suffixes[i], k) == 0) return true;
    }
    return false;
}

static bool is_glue_class(const svc_model *m, size_t file, size_t def, int depth)
{
    if (depth > 16) return false;
    const svc_def *d = &m->files[file].facts->defs[def];
    if (d->kind != SVC_DEF_CLASS) return false;
    for (size_t b = 0; b < d->nbases; b++) {
        if (glue_base_name(d->bases[b])) return true;
        svc_defref at;
        if (svc_model_find_def(m, d->bases[b], &at) && !(at.file == file && at.def == def) &&
            is_glue_class(m, at.file, at.def, depth + 1))
            return true;
    }
    return false;
}

/* The view method (or function-based view) whose body holds `scope`, or -1. */
static int enclosing_view_function(const svc_facts *facts, int scope, const unsigned char *is_view_fn)
{
    for (int s = scope; s >= 0; s = facts->defs[s].parent)
        if (is_view_fn[s]) return s;
    return -1;
}

static void check_writes(svc_check_ctx *ctx, size_t i)
{
    const svc_model *m = ctx->model;
    const svc_file *f = &m->files[i];
    const svc_facts *facts = f->facts;
    if (!facts->ndefs || f->is_test) return;
    char *first = first_component(inside_app(m, f));
    bool views_module = strcmp(first, "views") == 0 || strcmp(first, "api") == 0 || strcmp(first, "viewsets") == 0;
    free(first);

    unsigned char *is_view_fn = svc_xcalloc(facts->ndefs, 1);
    unsigned char *glue_class = svc_xcalloc(facts->ndefs, 1); /* 0 unknown, 1 yes, 2 no */
    bool any = false;
    for (size_t k = 0; k < facts->ndefs; k++) {
        const svc_def *d = &facts->defs[k];
        if (d->kind != SVC_DEF_FUNCTION) continue;
        if (d->parent >= 0 && facts->defs[d->parent].kind == SVC_DEF_CLASS) {
            if (!glue_class[d->parent]) glue_class[d->parent] = is_glue_class(m, i, (size_t)d->parent, 0) ? 1 : 2;
            if (glue_class[d->parent] == 1) is_view_fn[k] = 1;
        } else if (d->parent == -1 && views_module && d->nparams > 0 && strcmp(d->params[0].name, "request") == 0) {
            is_view_fn[k] = 1;
        }
        any |= is_view_fn[k];
    }
    for (size_t c = 0; any && c < facts->ncalls; c++) {
        const svc_call *call = &facts->calls[c];
        int fn = enclosing_view_function(facts, call->scope, is_view_fn);
        if (fn < 0 || !svc_orm_write_call(m, facts, call)) continue;
        char *callee = svc_callee_one_line(call);
        const svc_def *d = &facts->defs[fn];
        svc_report(ctx, "SVC501", i, call->callee_span,
                   "`%s` writes through the ORM (`%s()`) in a Django app: move the write into a service function "
                   "and call it from here",
                   d->qualname, callee);
        free(callee);
    }
    free(is_view_fn);
    free(glue_class);
}

void svc_check_logic(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    if (!m->services_root) return; /* migration mode: only SVC401/SVC402 run (spec "Words") */
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        if (f->role != SVC_ROLE_APP || f->app < 0) continue;
        check_module(ctx, i);
        check_writes(ctx, i);
    }
}
