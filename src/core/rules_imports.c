/*
 * Import rules, SVC201-SVC203: how code reaches into services, and what services take from
 * Django apps. They read the facts' resolved imports and references, and the model's services
 * and apps. No fixes here (a separate piece attaches them).
 *
 * Decisions where spec/RULES.md is silent:
 *  - Service depth counts from the services module whatever its name: `domain`=1,
 *    `domain.billing`=2 when the root is src/domain. When the services package is itself inside
 *    a package (`backend.services`), names written from the bare `services` (code run with backend/
 *    on sys.path) count too: both `backend.services.billing` and `services.billing` are depth 2
 *    (service_names.c, which the fixers read alike).
 *  - The service of a name is the part after the services module ("billing"); a file is inside
 *    that service when it sits in `<root>/billing/` (its tests included). Files directly in the
 *    services root are outside every service.
 *  - SVC201 judges `import a.b.c.d` by the module it names (depth of `a.b.c.d`) even though
 *    Python binds `a`; `from m import *` by the names it binds (depth of `m` + 1).
 *    Imports inside functions count too. Unresolvable relative imports are skipped.
 *  - SVC202 counts only the chain as written: a reference whose head is bound by an import
 *    of a name at depth <= 3 and whose resolved name is at depth >= 5. A chain through a name
 *    that an import already binds deeper than 3 (SVC201's finding) is not reported again, so
 *    `from services.a.b import c` + `c.d()` is one finding, on the import. Only references whose
 *    head is bound by an import are followed, never locals or module-level aliases. The member
 *    past the depth-3 module must be a module of the repo (`google_calendar.credentials`, also
 *    when re-exported): `invoices.Invoice.objects` or `invoices.Status.PAID` is attribute access
 *    on a class, not chaining down the package, and is not reported.
 *  - SVC203: the imported name is matched against Django app modules (longest app module
 *    wins); it is fine when its first part after the app is `models`, or when it is a direct
 *    member of the app package that the repo resolves (re-exports followed) to something under the
 *    app's `models` (`from orders import Order` with `from .models import Order` in
 *    orders/__init__.py). Taking a model through another module (`from orders.views import Order`)
 *    is still flagged: it imports from `views`. When the import binds the
 *    app package itself (`import orders`, `from taiga import projects`, and `import orders.models`,
 *    which binds `orders`), the file's uses of that name decide: one use that reaches past
 *    `models` (`orders.views.x`) flags the import, named in the message; no use is fine.
 *    `from orders import *` is flagged (what it takes cannot be told). Names in the services
 *    package are never app imports, even when the services root sits inside an app's folder.
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "rules_internal.h"
#include "service_names.h"

/* ---- services ---------------------------------------------------------------- */

/* True when the file is inside the service a services name belongs to. */
static bool same_service(const svc_model *m, const svc_file *f, const char *dotted)
{
    if (f->service < 0) return false;
    const char *rest = svc_services_rest(m, dotted, NULL);
    if (!rest || !*rest) return false;
    const char *name = m->services[f->service].name;
    size_t n = strcspn(rest, ".");
    return strlen(name) == n && strncmp(name, rest, n) == 0;
}

/* ---- SVC201 deep-service-import ---------------------------------------------- */

/* "... import `google_calendar` from `services.integrations` and use ..." for a name of depth >= 4. */
static void report_deep_import(svc_check_ctx *ctx, size_t file, const svc_import *imp, const char *name,
                               const char *what, int depth)
{
    const svc_model *m = ctx->model;
    char *d3 = svc_service_prefix(m, name, 3);
    char *d2 = svc_service_prefix(m, name, 2);
    const char *d3_last = svc_dotted_last(d3);
    const char *below = name + strlen(d3); /* ".get_credentials" */
    if (*below == '.') below++;
    const char *module = imp->kind == SVC_IMPORT_MODULE ? NULL : imp->module;

    if (imp->kind == SVC_IMPORT_STAR)
        svc_report(ctx, "SVC201", file, imp->span,
                   "`from %s import *` imports names %d levels down; import `%s` from `%s` and use its members "
                   "as `%s.<name>`",
                   imp->module, depth, d3_last, d2, d3_last);
    else if (depth == 4 && module)
        svc_report(ctx, "SVC201", file, imp->span,
                   "`%s` is imported 4 levels down `%s`; import `%s` from `%s` and use `%s.%s`", what, module,
                   d3_last, d2, d3_last, below);
    else if (depth == 4)
        svc_report(ctx, "SVC201", file, imp->span,
                   "`%s` is imported 4 levels down; import `%s` from `%s` and use `%s.%s`", name, d3_last, d2,
                   d3_last, below);
    else if (module)
        svc_report(ctx, "SVC201", file, imp->span,
                   "`%s` is imported %d levels down `%s`; import `%s` from `%s` and use what it exposes "
                   "(`%s` can re-export what you need)",
                   what, depth, module, d3_last, d2, d3);
    else
        svc_report(ctx, "SVC201", file, imp->span,
                   "`%s` is imported %d levels down; import `%s` from `%s` and use what it exposes "
                   "(`%s` can re-export what you need)",
                   name, depth, d3_last, d2, d3);
    free(d3);
    free(d2);
}

static void check_deep_imports(svc_check_ctx *ctx, size_t file)
{
    const svc_model *m = ctx->model;
    const svc_file *f = &m->files[file];
    for (size_t k = 0; k < f->facts->nimports; k++) {
        const svc_import *imp = &f->facts->imports[k];
        if (imp->unresolved || !imp->module) continue;
        const char *name; /* the deepest name the import reaches */
        char *owned = NULL;
        switch (imp->kind) {
        case SVC_IMPORT_MODULE: name = imp->module; break;
        case SVC_IMPORT_FROM: name = imp->target; break;
        case SVC_IMPORT_STAR: name = owned = svc_xasprintf("%s.*", imp->module); break;
        default: continue;
        }
        int depth = name ? svc_service_depth(m, name) : -1;
        if (depth > 3 && !same_service(m, f, name))
            report_deep_import(ctx, file, imp, name, imp->name ? imp->name : name, depth);
        free(owned);
    }
}

/* ---- SVC202 deep-service-chain ----------------------------------------------- */

static void check_deep_chains(svc_check_ctx *ctx, size_t file)
{
    const svc_model *m = ctx->model;
    const svc_file *f = &m->files[file];
    const svc_facts *facts = f->facts;
    for (size_t k = 0; k < facts->nrefs; k++) {
        const svc_ref *ref = &facts->refs[k];
        if (ref->binding != SVC_BIND_IMPORT || !ref->resolved || !ref->raw) continue;
        if (ref->import_index < 0 || (size_t)ref->import_index >= facts->nimports) continue;
        int depth = svc_service_depth(m, ref->resolved);
        if (depth < 5 || same_service(m, f, ref->resolved)) continue;
        const svc_import *imp = &facts->imports[ref->import_index];
        if (imp->unresolved || !imp->target) continue;
        /* the head's depth: 0 for a package above the services module (`backend` of backend.services) */
        int head = svc_service_depth(m, imp->target);
        if (head < 0) {
            if (!svc_dotted_within(ref->resolved, imp->target)) continue;
            head = 0;
        }
        if (head > 3) continue; /* a deep import: SVC201 reports it */
        /* only a chain through a module: `invoices.Invoice.objects` is attribute access on a class */
        char *d4 = svc_service_prefix(m, ref->resolved, 4);
        const char *d4_final = svc_model_resolve(m, d4); /* follows re-exports; a module stays itself */
        bool through_module = d4_final && svc_model_is_module(m, d4_final);
        free(d4);
        if (!through_module) continue;
        /* the depth-3 module as written: the raw chain minus what resolves below depth 3 */
        int raw_parts = svc_dotted_depth(ref->raw);
        int d3_index = raw_parts - (depth - 3);
        char *written3 = d3_index >= 1 ? svc_dotted_head(ref->raw, (size_t)d3_index) : svc_service_prefix(m, ref->resolved, 3);
        char *abs3 = svc_service_prefix(m, ref->resolved, 3);
        char *abs4 = svc_service_prefix(m, ref->resolved, 4);
        svc_report(ctx, "SVC202", file, ref->span,
                   "`%s` chains %d levels down, through module `%s`; go no further than one member of `%s`: "
                   "`%s.%s`, re-exported by `%s` when needed",
                   ref->raw, depth, abs4, written3, written3, svc_dotted_last(ref->resolved), abs3);
        free(abs4);
        free(written3);
        free(abs3);
    }
}

/* ---- SVC203 service-imports-app ---------------------------------------------- */

/* The app whose module is the longest prefix of `dotted`, or -1. */
static int app_of(const svc_model *m, const char *dotted)
{
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < m->napps; i++) {
        const char *mod = m->apps[i].module;
        if (!mod || !svc_dotted_within(dotted, mod)) continue;
        size_t n = strlen(mod);
        if (best < 0 || n > best_len) {
            best = (int)i;
            best_len = n;
        }
    }
    return best;
}

/* True when `dotted` (inside app `app`) is the app's models or something in them. */
static bool is_app_models(const svc_model *m, int app, const char *dotted)
{
    const char *mod = m->apps[app].module;
    char *models = svc_xasprintf("%s.models", mod);
    bool ok = svc_dotted_within(dotted, models);
    const char *member = dotted + strlen(mod);
    if (!ok && *member == '.' && !strchr(member + 1, '.')) {
        /* a member of the app package that re-exports a model: `from orders import Order` */
        const char *resolved = svc_model_resolve(m, dotted);
        ok = resolved && svc_dotted_within(resolved, models);
    }
    free(models);
    return ok;
}

static void check_app_imports(svc_check_ctx *ctx, size_t file)
{
    const svc_model *m = ctx->model;
    const svc_file *f = &m->files[file];
    const svc_facts *facts = f->facts;
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->unresolved || !imp->module) continue;
        const char *name = imp->kind == SVC_IMPORT_FROM ? imp->target : imp->module;
        if (!name) continue;
        if (svc_service_depth(m, name) >= 1) continue; /* the services package, even inside an app */
        int app = app_of(m, name);
        if (app < 0) continue;
        const svc_app *a = &m->apps[app];

        if (imp->kind == SVC_IMPORT_STAR) {
            if (!is_app_models(m, app, name))
                svc_report(ctx, "SVC203", file, imp->span,
                           "`from %s import *` takes everything of `%s` from Django app `%s`; services import "
                           "only an app's models (`%s.models`)",
                           imp->module, imp->module, a->display, a->module);
            continue;
        }
        if (strcmp(name, a->module) != 0 && !is_app_models(m, app, name)) {
            svc_report(ctx, "SVC203", file, imp->span,
                       "`%s` is imported from Django app `%s`; services import only an app's models (`%s.models`)",
                       name, a->display, a->module);
            continue;
        }
        /* The import binds the app package itself: its uses decide. */
        if (!imp->target || strcmp(imp->target, a->module) != 0) continue;
        for (size_t r = 0; r < facts->nrefs; r++) {
            const svc_ref *ref = &facts->refs[r];
            if (ref->binding != SVC_BIND_IMPORT || ref->import_index != (int)k || !ref->resolved) continue;
            if (strcmp(ref->resolved, a->module) == 0 || is_app_models(m, app, ref->resolved)) continue;
            if (svc_service_depth(m, ref->resolved) >= 1) continue;
            svc_report(ctx, "SVC203", file, imp->span,
                       "Django app `%s` is imported and used for `%s`; services import only an app's models "
                       "(`%s.models`)",
                       a->display, ref->resolved, a->module);
            break;
        }
    }
}

/* ---- entry ----------------------------------------------------------------------- */

void svc_check_imports(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    if (!m->services_root) return;
    size_t rootlen = strlen(m->services_root);
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        if (!f->facts) continue;
        check_deep_imports(ctx, i);
        check_deep_chains(ctx, i);
        bool under_root = strncmp(f->path, m->services_root, rootlen) == 0 && f->path[rootlen] == '/';
        if (under_root) check_app_imports(ctx, i);
    }
}
