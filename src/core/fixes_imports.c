/*
 * Import fixes: SVC201 (deep import) and SVC202 (deep chain). Both SAFE: one file changes and
 * every use still reaches the same object.
 *
 * Decisions:
 *  - SVC201: `from services.a.b.c import name [as x]` becomes `from services.a import b` and every
 *    use of the bound name (`x`, or `name`) becomes `b.name`. Only `from` imports of a name that is
 *    not itself a module (a depth-4 module would turn into a deep chain, SVC202) and that the
 *    depth-3 module exposes (for deeper names: re-exports it, the same object) get a fix; `import
 *    a.b.c.d` and `from m import *` do not. The depth-3 module is reused when a module-level import
 *    already binds it; else it is imported as its own name, or as `<service>_<module>` when that is
 *    taken (a parameter, a local, another import); else no fix. No fix either when the bound name is
 *    re-exported (in `__all__`, or imported from this module by another file), or when the name is
 *    used in the file other than through this import (a local of the same name, say).
 *    Where the new import goes: in place of the statement when it imported this name alone (or, in
 *    a statement written at column 0 at module level that is alone on its lines, right after the
 *    first such deep import from the same depth-3 module, so that the fixes of several statements
 *    add the same import once); when the statement imports other names too, only this name is
 *    removed from it and the new import goes on the next line with the same indentation.
 *  - SVC202: `b.c.member` becomes `b.member` when the depth-3 module `b` re-exports `member` (it
 *    resolves to what `b.c.member` resolves to); the module hop is deleted in place, so the rest
 *    of the chain and its formatting stay. Otherwise no fix.
 */
#include <stdlib.h>
#include <string.h>

#include "fixes_internal.h"

const svc_fix *fx_imports_201(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->file < 0) return NULL;
    size_t file = (size_t)d->file;
    const svc_facts *facts = m->files[file].facts;
    long k = fx_import_at(facts, d->span);
    if (k < 0) return NULL;
    const svc_import *imp = &facts->imports[k];
    if (imp->kind != SVC_IMPORT_FROM || imp->unresolved || !imp->target || !imp->name || !imp->bound) return NULL;
    if (!fx_is_identifier(imp->name)) return NULL;
    int depth = svc_service_depth(m, imp->target);
    if (depth < 4) return NULL;
    const char *final = svc_model_resolve(m, imp->target);
    if (!final || svc_model_is_module(m, final)) return NULL;
    const fx_text *t = fx_text_of(ctx, file);
    if (!t) return NULL;

    char *d3 = svc_service_prefix(m, imp->target, 3);
    char *d2 = svc_service_prefix(m, imp->target, 2);
    char *member = svc_xasprintf("%s.%s", d3, imp->name);
    const char *d3_final = svc_model_resolve(m, d3);
    const char *member_final = svc_model_resolve(m, member);
    const svc_fix *out = NULL;
    char *stmt = NULL, *alias = NULL;
    if (!d3_final || !svc_model_is_module(m, d3_final) || !member_final || strcmp(member_final, final) != 0)
        goto done;
    if (fx_name_exported(ctx, file, imp->bound) || !fx_name_free(ctx, file, imp->bound, imp->target)) goto done;

    const char *last3 = svc_dotted_last(d3);
    const char *binding = fx_existing_binding(ctx, file, d3);
    if (!binding) {
        if (fx_name_free(ctx, file, last3, d3)) {
            binding = last3;
            stmt = svc_xasprintf("from %s import %s", d2, last3);
        } else {
            alias = svc_xasprintf("%s_%s", svc_dotted_last(d2), last3);
            if (!fx_name_free(ctx, file, alias, d3)) goto done;
            binding = alias;
            stmt = svc_xasprintf("from %s import %s as %s", d2, last3, alias);
        }
    }

    fx_fix fix;
    fx_init(&fix, ctx);
    /* the uses */
    size_t blen = strlen(imp->bound);
    char *qualified = svc_xasprintf("%s.%s", binding, imp->name);
    for (size_t r = 0; r < facts->nrefs; r++) {
        const svc_ref *ref = &facts->refs[r];
        if (ref->binding != SVC_BIND_IMPORT || ref->import_index != k) continue;
        if (ref->head_span.end_byte - ref->head_span.byte != blen ||
            memcmp(t->bytes + ref->head_span.byte, imp->bound, blen) != 0) {
            fx_fail(&fix);
            break;
        }
        fx_edit(&fix, file, ref->head_span.byte, ref->head_span.end_byte, qualified);
    }
    free(qualified);

    /* the import */
    /* A statement with a comment after it is replaced in place, so the comment stays with it. */
    bool top = imp->scope == -1 && imp->stmt_span.col == 0 && fx_only_space_before(t, imp->stmt_span.byte) &&
               fx_only_space_after(t, imp->stmt_span.end_byte) && !fx_comment_after(t, imp->stmt_span.end_byte);
    const svc_import *anchor = imp;
    if (top) {
        for (size_t j = 0; j < facts->nimports; j++) {
            const svc_import *a = &facts->imports[j];
            if (a->scope != -1 || a->stmt_span.col != 0 || a->kind != SVC_IMPORT_FROM || a->unresolved || !a->target)
                continue;
            if (a->stmt_span.byte >= anchor->stmt_span.byte) continue;
            if (!fx_only_space_before(t, a->stmt_span.byte) || !fx_only_space_after(t, a->stmt_span.end_byte)) continue;
            if (svc_service_depth(m, a->target) < 4) continue;
            char *a3 = svc_service_prefix(m, a->target, 3);
            bool same = strcmp(a3, d3) == 0;
            free(a3);
            if (same) anchor = a;
        }
    }
    if (stmt && anchor == imp && imp->stmt_names == 1 && !top) {
        fx_edit(&fix, file, imp->stmt_span.byte, imp->stmt_span.end_byte, stmt);
    } else {
        if (stmt && !fx_only_space_before(t, anchor->stmt_span.byte)) fx_fail(&fix); /* `if x: from ...` */
        if (stmt) {
            char *indent = fx_line_indent(t, anchor->stmt_span.byte);
            uint32_t end = fx_line_end(t, anchor->stmt_span.end_byte);
            char *text = end >= t->len ? svc_xasprintf("%s%s%s", t->nl, indent, stmt)
                                       : svc_xasprintf("%s%s%s", indent, stmt, t->nl);
            uint32_t at = end >= t->len ? t->len : fx_next_line(t, end);
            fx_edit(&fix, file, at, at, text);
            free(text);
            free(indent);
        }
        fx_remove_import(&fix, file, (size_t)k);
    }
    if (stmt && alias)
        out = fx_finish(&fix, SVC_FIX_SAFE, "Import `%s` from `%s` as `%s` and use `%s.%s`", last3, d2, alias, alias,
                        imp->name);
    else if (stmt)
        out = fx_finish(&fix, SVC_FIX_SAFE, "Import `%s` from `%s` and use `%s.%s`", last3, d2, last3, imp->name);
    else
        out = fx_finish(&fix, SVC_FIX_SAFE, "Use `%s.%s` (`%s` is already imported)", binding, imp->name, binding);
done:
    free(stmt);
    free(alias);
    free(member);
    free(d3);
    free(d2);
    return out;
}

const svc_fix *fx_imports_202(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->file < 0) return NULL;
    size_t file = (size_t)d->file;
    const svc_facts *facts = m->files[file].facts;
    const svc_ref *ref = fx_ref_of(facts, d);
    if (!ref || !ref->resolved || !ref->raw) return NULL;
    const fx_text *t = fx_text_of(ctx, file);
    if (!t) return NULL;
    size_t nr = fx_dotted_count(ref->raw), ns = fx_dotted_count(ref->resolved);
    if (svc_service_depth(m, ref->resolved) < 3 || ns < nr) return NULL;
    char *d3 = svc_service_prefix(m, ref->resolved, 3);
    size_t p3 = fx_dotted_count(d3) - 1;  /* index of the depth-3 part in the resolved name */
    size_t shift = ns - nr;                 /* resolved index - raw index */
    const svc_fix *out = NULL;
    uint32_t parts[64][2];
    size_t np = fx_chain_parts(t, ref->span.byte, ref->span.end_byte, parts, 64);
    if (np != nr || p3 < shift) goto done;
    /* the first member past the modules */
    size_t i = p3 + 1;
    for (; i < ns; i++) {
        char *prefix = svc_dotted_head(ref->resolved, i + 1);
        const char *r = svc_model_resolve(m, prefix);
        free(prefix);
        if (!r || !svc_model_is_module(m, r)) break;
    }
    if (i >= ns || i < p3 + 2) goto done;
    char *prefix = svc_dotted_head(ref->resolved, i + 1);
    char *name = fx_dotted_part(ref->resolved, i);
    char *short_name = svc_xasprintf("%s.%s", d3, name);
    const char *want = svc_model_resolve(m, prefix);
    const char *got = svc_model_resolve(m, short_name);
    if (want && got && strcmp(want, got) == 0) {
        size_t j3 = p3 - shift, ji = i - shift;
        fx_fix fix;
        fx_init(&fix, ctx);
        fx_edit(&fix, file, parts[j3][1], parts[ji - 1][1], "");
        char *written3 = svc_xstrndup(t->bytes + parts[j3][0], parts[j3][1] - parts[j3][0]);
        out = fx_finish(&fix, SVC_FIX_SAFE, "Use `%s.%s`, re-exported by `%s`", written3, name, d3);
        free(written3);
    }
    free(prefix);
    free(name);
    free(short_name);
done:
    free(d3);
    return out;
}
