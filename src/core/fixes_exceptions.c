/*
 * Exception fixes: SVC301 (export from the service root), SVC302 (exceptions module imported),
 * SVC303 (qualified exception). All SAFE: they add an export, or make one file reach the same
 * classes by their bare names.
 *
 * Decisions:
 *  - SVC301: `from .<module> import Name` goes into the service's `__init__.py`: appended to an
 *    existing `from .<module> import ...` statement written at column 0, else as a new statement after
 *    the last top-level import (before the first statement when there is none); the name is appended
 *    to `__all__` when the file has a literal one. No fix when the service has no `__init__.py`
 *    (SVC101's fix creates it), when the exception is defined in the `__init__.py` itself, when the
 *    root already binds or uses that name, or when the exception's module imports from the service
 *    root (the new import could be circular).
 *  - SVC302: every use of the imported module must be `module.Name...` with `Name` importable from
 *    the service root (SVC301 first otherwise); the names are imported from the root (replacing the
 *    module in a `from <root> import module` statement, else in a new statement) and each use becomes
 *    `Name...`. An import with no use gets no fix; nor does one whose bound name is re-exported, or
 *    when a bare name is already taken in the file by something else. A module-level import of the
 *    same class (by any name) is reused.
 *  - SVC303: only for exceptions already at the root (the message says to do SVC301 first
 *    otherwise); an existing module-level import of the class is reused (even under an alias), else
 *    `from <service> import Name` is appended to an existing `from <service> import ...` or added;
 *    the use becomes bare. No fix when the bare name is bound to anything else in the file.
 */
#include <stdlib.h>
#include <string.h>

#include "fixes_internal.h"

/* ---- SVC301 ----------------------------------------------------------------------------------- */

const svc_fix *fx_exceptions_301(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->file < 0) return NULL;
    const svc_exception *e = NULL;
    for (size_t i = 0; i < m->nexceptions && !e; i++) {
        const svc_exception *x = &m->exceptions[i];
        if ((long)x->at.file != d->file) continue;
        const svc_def *def = &m->files[x->at.file].facts->defs[x->at.def];
        if (def->name_span.byte == d->span.byte && def->name_span.end_byte == d->span.end_byte) e = x;
    }
    if (!e || e->at_root || e->service < 0) return NULL;
    const svc_service *s = &m->services[e->service];
    const svc_file *f = &m->files[e->at.file];
    if (s->init_file < 0 || !f->module || !svc_dotted_within(f->module, s->module)) return NULL;
    const char *rel = f->module + strlen(s->module);
    if (*rel != '.') return NULL;
    const char *name = f->facts->defs[e->at.def].name;
    size_t init = (size_t)s->init_file;
    char *at_root = svc_xasprintf("%s.%s", s->module, name);
    bool taken = svc_model_symbol(m, at_root) != NULL;
    free(at_root);
    if (taken || !fx_text_of(ctx, init) || !fx_name_free(ctx, init, name, e->dotted)) return NULL;
    /* the exception's module importing from the service root: a new import there could be circular */
    for (size_t k = 0; k < f->facts->nimports; k++) {
        const svc_import *imp = &f->facts->imports[k];
        if (!imp->unresolved && imp->module && strcmp(fx_resolve(m, imp->module), s->module) == 0) return NULL;
    }

    fx_fix fix;
    fx_init(&fix, ctx);
    char *spelling = svc_xasprintf("%s", rel); /* ".errors" */
    fx_import_name(&fix, init, f->module, spelling, name, UINT32_MAX);
    bool in_all = m->files[init].facts->has_all && fx_all_append(&fix, init, name);
    const svc_fix *out =
        fx_finish(&fix, SVC_FIX_SAFE, "Add `from %s import %s` to `%s`%s", spelling, name, m->files[init].path,
                  in_all ? " and the name to its `__all__`" : "");
    free(spelling);
    return out;
}

/* ---- SVC302 ----------------------------------------------------------------------------------- */

typedef struct name_use {
    char *name;
    const char *binding;  /* existing binding, or NULL: to import */
} name_use;

const svc_fix *fx_exceptions_302(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->file < 0) return NULL;
    size_t file = (size_t)d->file;
    const svc_facts *facts = m->files[file].facts;
    long k = fx_import_at(facts, d->span);
    if (k < 0) return NULL;
    const svc_import *imp = &facts->imports[k];
    const char *wanted = NULL;
    if (imp->unresolved || !imp->bound) return NULL;
    if (imp->kind == SVC_IMPORT_FROM) wanted = imp->target;
    else if (imp->kind == SVC_IMPORT_MODULE && imp->alias) wanted = imp->module;
    if (!wanted) return NULL;
    const fx_text *t = fx_text_of(ctx, file);
    const char *mod = svc_model_resolve(m, wanted);
    if (!t || !mod || !svc_model_is_module(m, mod)) return NULL;
    char *root = svc_service_depth(m, wanted) >= 2 ? svc_service_prefix(m, wanted, 2) : NULL;
    if (!root || fx_name_exported(ctx, file, imp->bound) || !fx_name_free(ctx, file, imp->bound, wanted)) {
        free(root);
        return NULL;
    }

    SVC_VEC(name_use) names = { 0 };
    fx_fix fix;
    fx_init(&fix, ctx);
    for (size_t r = 0; r < facts->nrefs && !fix.failed; r++) {
        const svc_ref *ref = &facts->refs[r];
        if (ref->binding != SVC_BIND_IMPORT || ref->import_index != k) continue;
        uint32_t parts[64][2];
        size_t np = fx_chain_parts(t, ref->span.byte, ref->span.end_byte, parts, 64);
        if (np < 2 || np != fx_dotted_count(ref->raw)) {
            fx_fail(&fix);
            break;
        }
        char *name = svc_xstrndup(t->bytes + parts[1][0], parts[1][1] - parts[1][0]);
        char *in_module = svc_xasprintf("%s.%s", wanted, name);
        char *at_root = svc_xasprintf("%s.%s", root, name);
        const char *want = svc_model_resolve(m, in_module);
        const char *got = svc_model_resolve(m, at_root);
        const name_use *use = NULL;
        for (size_t i = 0; i < names.len && !use; i++)
            if (strcmp(names.items[i].name, name) == 0) use = &names.items[i];
        if (!want || !got || strcmp(want, got) != 0) {
            fx_fail(&fix);
        } else if (!use) {
            name_use u = { name, fx_existing_binding(ctx, file, in_module) };
            if (!u.binding && !fx_name_free(ctx, file, name, in_module)) fx_fail(&fix);
            svc_vec_push(&names, u);
            use = &names.items[names.len - 1];
            name = NULL;
        }
        if (!fix.failed) fx_edit(&fix, file, parts[0][0], parts[1][1], use->binding ? use->binding : use->name);
        free(name);
        free(in_module);
        free(at_root);
    }
    svc_buf list = { 0 };
    size_t nnew = 0;
    for (size_t i = 0; i < names.len; i++) {
        if (names.items[i].binding) continue;
        if (nnew++) svc_buf_puts(&list, ", ");
        svc_buf_puts(&list, names.items[i].name);
    }
    if (!names.len) fx_fail(&fix);
    if (!nnew) {
        fx_remove_import(&fix, file, (size_t)k);
    } else if (imp->kind == SVC_IMPORT_FROM && strcmp(imp->module, root) == 0) {
        fx_edit(&fix, file, imp->span.byte, imp->span.end_byte, list.data);
    } else if (imp->stmt_names == 1) {
        char *stmt = svc_xasprintf("from %s import %s", root, list.data);
        fx_edit(&fix, file, imp->stmt_span.byte, imp->stmt_span.end_byte, stmt);
        free(stmt);
    } else {
        if (!fx_only_space_before(t, imp->stmt_span.byte)) fx_fail(&fix); /* `if x: from ...` */
        char *indent = fx_line_indent(t, imp->stmt_span.byte);
        uint32_t end = fx_line_end(t, imp->stmt_span.end_byte);
        char *text = end >= t->len ? svc_xasprintf("%sfrom %s import %s", t->nl, root, list.data)
                                   : svc_xasprintf("%sfrom %s import %s%s", indent, root, list.data, t->nl);
        uint32_t at = end >= t->len ? t->len : fx_next_line(t, end);
        fx_edit(&fix, file, at, at, text);
        fx_remove_import(&fix, file, (size_t)k);
        free(text);
        free(indent);
    }
    const svc_fix *out = NULL;
    if (nnew)
        out = fx_finish(&fix, SVC_FIX_SAFE, "Import %s from `%s` and use %s bare", list.data, root,
                        names.len == 1 ? "it" : "them");
    else
        out = fx_finish(&fix, SVC_FIX_SAFE, "Use the exceptions imported from `%s` bare", root);
    svc_buf_free(&list);
    for (size_t i = 0; i < names.len; i++) free(names.items[i].name);
    svc_vec_free(&names);
    free(root);
    return out;
}

/* ---- SVC303 ----------------------------------------------------------------------------------- */

const svc_fix *fx_exceptions_303(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->file < 0) return NULL;
    size_t file = (size_t)d->file;
    const svc_facts *facts = m->files[file].facts;
    const svc_ref *ref = fx_ref_of(facts, d);
    if (!ref || !ref->resolved) return NULL;
    const char *final = svc_model_resolve(m, ref->resolved);
    const svc_exception *e = NULL;
    for (size_t i = 0; final && i < m->nexceptions && !e; i++)
        if (strcmp(m->exceptions[i].dotted, final) == 0) e = &m->exceptions[i];
    if (!e || !e->at_root || e->service < 0 || !fx_text_of(ctx, file)) return NULL;
    const svc_service *s = &m->services[e->service];
    const char *name = m->files[e->at.file].facts->defs[e->at.def].name;
    char *root = svc_service_depth(m, ref->resolved) >= 2 ? svc_service_prefix(m, ref->resolved, 2) : NULL;
    char *at_root = root ? svc_xasprintf("%s.%s", root, name) : NULL;
    if (!at_root || !fx_same(m, at_root, e->dotted)) {
        free(root);
        free(at_root);
        root = svc_xstrdup(s->module);
        at_root = svc_xasprintf("%s.%s", root, name);
    }
    const svc_fix *out = NULL;
    fx_fix fix;
    fx_init(&fix, ctx);
    const char *binding = fx_existing_binding(ctx, file, e->dotted);
    if (!binding) {
        if (!fx_name_free(ctx, file, name, e->dotted)) fx_fail(&fix);
        uint32_t limit = ref->scope == -1 ? ref->span.byte : UINT32_MAX;
        fx_import_name(&fix, file, root, root, name, limit);
        binding = name;
    }
    fx_edit(&fix, file, ref->span.byte, ref->span.end_byte, binding);
    if (binding == name)
        out = fx_finish(&fix, SVC_FIX_SAFE, "Import `%s` from `%s` and use it bare", name, root);
    else
        out = fx_finish(&fix, SVC_FIX_SAFE, "Use `%s` (already imported)", binding);
    free(root);
    free(at_root);
    return out;
}
