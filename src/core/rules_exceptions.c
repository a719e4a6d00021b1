/*
 * Exception rules, SVC301-SVC303: exceptions of a service live at the service's root and are
 * used by their bare name. Read from the model (its exceptions, symbols and files' facts).
 *
 * Decisions where spec/RULES.md is silent:
 *  - SVC301 looks at top-level exception classes of a service's modules (role SERVICE: test
 *    modules are not the service's interface). Private classes (`_Internal`) are not reported:
 *    they are not meant to be used from outside. A folder named `tests` directly in the services
 *    root is not a service (see rules_layout.c) and is skipped. When the service root already
 *    binds the same name to something else, the message says so (a plain import would clash);
 *    when the root declares `__all__`, the message says to add the name there too.
 *  - SVC302 "holds exceptions only": the module (a file, or a package's `__init__.py`) has at
 *    least one exception of the repo at top level (defined there, or imported: a package that
 *    re-exports them) and nothing else but imports, a docstring, dunder assignments (`__all__`)
 *    and aliases of exceptions (`Failed = PaymentError`). A top-level function, a class that is
 *    not an exception or any other assignment (a constant) makes it a module with more in it.
 *    Both `from services.billing import errors` and `import services.billing.errors [as e]` are
 *    reported, at the imported name; `from services.billing.errors import X` is not (that is
 *    SVC201's deep import). Imports inside functions count too.
 *  - SVC303 is reported for a qualified use (`billing.PaymentError`, `services.billing.PaymentError`,
 *    `refunds.RefundError` through a module that holds more than exceptions), but not for
 *    `errors.PaymentError` through an import that SVC302 reports: that use is part of the SVC302
 *    finding, whose fix rewrites it (examples/demo/VIOLATIONS.md, orders/admin.py:19).
 *    Only `raise`, `except` and `isinstance`/`issubclass` uses count (not base classes).
 *  - "Outside the service" means: in a file that is not in the same service (the service's own
 *    tests are inside it; the services root's own files are outside every service).
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "rules_internal.h"

/* ---- helpers ------------------------------------------------------------------- */

static bool is_tests_pseudo_service(const svc_model *m, int service)
{
    return service >= 0 && strcmp(m->services[service].name, "tests") == 0;
}

/* Index of the model exception with this dotted name, or -1. */
static long exception_named(svc_map *by_name, const char *dotted)
{
    if (!dotted) return -1;
    void *v = svc_map_get(by_name, dotted);
    return v ? (long)((uintptr_t)v - 1) : -1;
}

static svc_map *index_exceptions(const svc_model *m)
{
    svc_map *by_name = svc_map_new();
    for (size_t i = 0; i < m->nexceptions; i++)
        svc_map_put(by_name, m->exceptions[i].dotted, (void *)(uintptr_t)(i + 1));
    return by_name;
}

static const char *def_name(const svc_model *m, svc_defref at)
{
    return m->files[at.file].facts->defs[at.def].name;
}

static bool is_dunder(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && svc_str_starts_with(name, "__") && svc_str_ends_with(name, "__");
}

/* ---- SVC301 ---------------------------------------------------------------------- */

static void check_not_at_root(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    for (size_t i = 0; i < m->nexceptions; i++) {
        const svc_exception *e = &m->exceptions[i];
        if (e->at_root || e->service < 0 || is_tests_pseudo_service(m, e->service)) continue;
        const svc_file *f = &m->files[e->at.file];
        if (f->role != SVC_ROLE_SERVICE || !f->module) continue;
        const svc_def *d = &f->facts->defs[e->at.def];
        if (d->name[0] == '_') continue;
        const svc_service *s = &m->services[e->service];
        const char *init = svc_arena_printf(ctx->out->arena, "%s/__init__.py", s->path);
        size_t slen = strlen(s->module);
        const char *rel = svc_dotted_within(f->module, s->module) ? f->module + slen : "";
        if (!*rel) {
            /* defined in the service's __init__.py, but the name is bound again later */
            svc_report(ctx, "SVC301", e->at.file, d->name_span,
                       "Exception `%s` is rebound later in `%s`, so it cannot be imported from the service root: "
                       "give one of the two a different name",
                       d->name, init);
            continue;
        }
        /* "and to its `__all__`" when the root declares one */
        const char *all = s->init_file >= 0 && m->files[s->init_file].facts->has_all ? " (and to its `__all__`)" : "";
        const char *at_root = svc_arena_printf(ctx->out->arena, "%s.%s", s->module, d->name);
        const char *clash = svc_model_symbol(m, at_root) ? svc_model_resolve(m, at_root) : NULL;
        if (clash && strcmp(clash, e->dotted) != 0)
            svc_report(ctx, "SVC301", e->at.file, d->name_span,
                       "Exception `%s` is not available at the root of service `%s`: `%s` already binds `%s` to "
                       "`%s`; rename one of them and add `from %s import %s` to %s%s",
                       d->name, s->name, init, d->name, clash, rel, d->name, init, all);
        else
            svc_report(ctx, "SVC301", e->at.file, d->name_span,
                       "Exception `%s` is not available at the root of service `%s`: add `from %s import %s` to %s%s",
                       d->name, s->name, rel, d->name, init, all);
    }
}

/* ---- SVC302 ---------------------------------------------------------------------- */

/* True when a module file holds exceptions and nothing else that code would import it for. */
static bool holds_exceptions_only(const svc_model *m, svc_map *by_name, size_t file)
{
    const svc_file *f = &m->files[file];
    const svc_facts *facts = f->facts;
    if (!f->module || !facts || facts->binary) return false;
    size_t held = 0;
    for (size_t k = 0; k < facts->ndefs; k++) {
        const svc_def *d = &facts->defs[k];
        if (d->parent != -1) continue;
        if (d->kind == SVC_DEF_FUNCTION) return false;
        if (!svc_model_is_exception_class(m, file, k)) return false;
        held++;
    }
    for (size_t k = 0; k < facts->nassigns; k++) {
        const svc_assign *as = &facts->assigns[k];
        if (is_dunder(as->name)) continue;
        if (as->value_chain && exception_named(by_name, svc_model_resolve(m, as->value_chain)) >= 0) {
            held++;
            continue;
        }
        /* `Failed = PaymentError` where PaymentError is a class of this very file */
        if (as->value_chain) {
            svc_defref at;
            if (svc_model_find_def(m, as->value_chain, &at) && svc_model_is_exception_class(m, at.file, at.def)) {
                held++;
                continue;
            }
        }
        return false;
    }
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->scope != -1 || imp->kind == SVC_IMPORT_STAR || imp->unresolved || !imp->target) continue;
        if (exception_named(by_name, svc_model_resolve(m, imp->target)) >= 0) held++;
    }
    return held > 0;
}

/*
 * SVC302 for the imports of file i. `only` caches holds_exceptions_only per file (0 unknown,
 * 1 yes, 2 no); `flagged[k]` gets the module an import k was reported for, so that SVC303 leaves
 * the uses through that import to this finding.
 */
static void check_exceptions_module_import(svc_check_ctx *ctx, svc_map *by_name, size_t i, unsigned char *only,
                                           const char **flagged)
{
    const svc_model *m = ctx->model;
    const svc_file *f = &m->files[i];
    const svc_facts *facts = f->facts;
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->unresolved || imp->kind == SVC_IMPORT_STAR) continue;
        const char *wanted = imp->kind == SVC_IMPORT_FROM ? imp->target : imp->module;
        if (!wanted) continue;
        const char *mod = svc_model_resolve(m, wanted);
        if (!mod || !svc_model_is_module(m, mod)) continue;
        size_t target_file = svc_model_symbol(m, mod)->file;
        const svc_file *tf = &m->files[target_file];
        int service = tf->service;
        if (service < 0 || service == f->service || tf->role != SVC_ROLE_SERVICE) continue;
        if (is_tests_pseudo_service(m, service)) continue;
        if ((long)target_file == (long)m->services[service].init_file) continue;
        if (!only[target_file]) only[target_file] = holds_exceptions_only(m, by_name, target_file) ? 1 : 2;
        if (only[target_file] != 1) continue;
        flagged[k] = mod;

        /* the exception names this file uses through the import */
        const svc_service *s = &m->services[service];
        svc_buf names = { 0 }, missing = { 0 };
        size_t nnames = 0;
        size_t wlen = strlen(wanted);
        for (size_t r = 0; r < facts->nrefs; r++) {
            const svc_ref *ref = &facts->refs[r];
            if (ref->binding != SVC_BIND_IMPORT || ref->import_index != (int)k || !ref->resolved) continue;
            if (!svc_dotted_within(ref->resolved, wanted) || ref->resolved[wlen] != '.') continue;
            const char *member = ref->resolved + wlen + 1;
            size_t mlen = strcspn(member, ".");
            char *name = svc_xstrndup(member, mlen);
            char *quoted = svc_xasprintf("`%s`", name);
            if (!names.data || !strstr(names.data, quoted)) {
                if (nnames) svc_buf_puts(&names, ", ");
                svc_buf_puts(&names, quoted);
                nnames++;
                /* not importable from the root yet (SVC301 reports it) */
                char *at_root = svc_xasprintf("%s.%s", s->module, name);
                char *in_module = svc_xasprintf("%s.%s", mod, name);
                const char *r2 = svc_model_resolve(m, at_root);
                const char *here = svc_model_resolve(m, in_module);
                free(in_module);
                if (!r2 || !here || strcmp(r2, here) != 0) {
                    svc_buf_puts(&missing, missing.len ? ", " : "");
                    svc_buf_puts(&missing, quoted);
                }
                free(at_root);
            }
            free(quoted);
            free(name);
        }
        const char *shown = svc_dotted_last(mod);
        if (nnames && missing.len)
            svc_report(ctx, "SVC302", i, imp->span,
                       "`%s` is a module of service `%s` that holds only exceptions: import %s from `%s` "
                       "and use %s bare (export %s from %s/__init__.py first, see SVC301)",
                       shown, s->name, names.data, s->module, nnames == 1 ? "it" : "them", missing.data,
                       s->path);
        else if (nnames)
            svc_report(ctx, "SVC302", i, imp->span,
                       "`%s` is a module of service `%s` that holds only exceptions: import %s from `%s` "
                       "and use %s bare",
                       shown, s->name, names.data, s->module, nnames == 1 ? "it" : "them");
        else
            svc_report(ctx, "SVC302", i, imp->span,
                       "`%s` is a module of service `%s` that holds only exceptions: import the exceptions "
                       "you need by name from `%s`",
                       shown, s->name, s->module);
        svc_buf_free(&names);
        svc_buf_free(&missing);
    }
}

/* ---- SVC303 ---------------------------------------------------------------------- */

/* True when the ref goes through an import that SVC302 reported, qualified by that very module. */
static bool part_of_302(const svc_model *m, const svc_ref *ref, const char *const *flagged)
{
    if (ref->binding != SVC_BIND_IMPORT || ref->import_index < 0 || !flagged[ref->import_index]) return false;
    const char *dot = strrchr(ref->resolved, '.');
    if (!dot) return false;
    char *qualifier = svc_xstrndup(ref->resolved, (size_t)(dot - ref->resolved));
    const char *mod = svc_model_resolve(m, qualifier);
    free(qualifier);
    return mod && strcmp(mod, flagged[ref->import_index]) == 0;
}

static void check_qualified(svc_check_ctx *ctx, svc_map *by_name, size_t i, const char *const *flagged)
{
    const svc_model *m = ctx->model;
    const unsigned uses = SVC_REF_RAISE | SVC_REF_EXCEPT | SVC_REF_ISINSTANCE;
    const svc_file *f = &m->files[i];
    const svc_facts *facts = f->facts;
    for (size_t r = 0; r < facts->nrefs; r++) {
        const svc_ref *ref = &facts->refs[r];
        if (!(ref->flags & uses) || !ref->resolved || !strchr(ref->raw, '.')) continue;
        long x = exception_named(by_name, svc_model_resolve(m, ref->resolved));
        if (x < 0) continue;
        const svc_exception *e = &m->exceptions[x];
        if (e->service < 0 || e->service == f->service || is_tests_pseudo_service(m, e->service)) continue;
        if (part_of_302(m, ref, flagged)) continue;
        const svc_service *s = &m->services[e->service];
        const char *name = def_name(m, e->at);
        if (e->at_root)
            svc_report(ctx, "SVC303", i, ref->span,
                       "Exception `%s` of service `%s` is used qualified as `%s`: add `from %s import %s` "
                       "and use `%s`",
                       name, s->name, ref->raw, s->module, name, name);
        else
            svc_report(ctx, "SVC303", i, ref->span,
                       "Exception `%s` of service `%s` is used qualified as `%s`: export it from "
                       "%s/__init__.py (SVC301), then add `from %s import %s` and use `%s`",
                       name, s->name, ref->raw, s->path, s->module, name, name);
    }
}

void svc_check_exceptions(svc_check_ctx *ctx)
{
    const svc_model *m = ctx->model;
    if (!m->services_root) return; /* no services, no service exceptions (SVC100 says so) */
    svc_map *by_name = index_exceptions(m);
    check_not_at_root(ctx);
    unsigned char *only = svc_xcalloc(m->nfiles ? m->nfiles : 1, 1);
    for (size_t i = 0; i < m->nfiles; i++) {
        size_t n = m->files[i].facts->nimports;
        const char **flagged = svc_xcalloc(n ? n : 1, sizeof *flagged);
        check_exceptions_module_import(ctx, by_name, i, only, flagged);
        check_qualified(ctx, by_name, i, flagged);
        free(flagged);
    }
    free(only);
    svc_map_free(by_name);
}
