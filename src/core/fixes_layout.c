/*
 * Layout fixes: SVC101 and SVC104 create an empty `__init__.py`; SVC103 moves a test module into
 * its service's `tests/` folder.
 *
 * Decisions:
 *  - SVC101/SVC104 (SAFE): the file is created empty; no fix when the source already has a file by
 *    that name (an excluded one, say).
 *  - SVC103 (UNSAFE: the module's dotted name changes): the target is `<service>/tests/<file name>`;
 *    no fix when it exists (file or folder), when the file sits in a `tests` folder directly in the
 *    services root (which service it tests is not known), or when a relative import of it cannot be
 *    resolved. Relative imports are rewritten for the new place (`from .invoices import x` becomes
 *    `from ..invoices import x`); the edits name the old path (edit, then move). When the service's
 *    `tests/` folder is not a package yet, the fix also creates `tests/__init__.py`, so the moved
 *    module's relative imports work (a second fix creating it in the same run is refused by the
 *    applier and comes on the next run).
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/source.h"
#include "fixes_internal.h"

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool path_taken(const svc_model *m, const char *path)
{
    if (svc_source_find(m->source, path) >= 0) return true;
    for (size_t i = 0; i < m->nfolders; i++)
        if (strcmp(m->folders[i], path) == 0) return true;
    return false;
}

static const svc_fix *create_init(fx_ctx *ctx, const svc_diagnostic *d)
{
    if (!d->is_folder) return NULL;
    char *path = svc_xasprintf("%s/__init__.py", d->path);
    if (path_taken(ctx->m, path)) {
        free(path);
        return NULL;
    }
    fx_fix fix;
    fx_init(&fix, ctx);
    fx_create(&fix, path, "");
    const svc_fix *out = fx_finish(&fix, SVC_FIX_SAFE, "Create an empty `%s`", path);
    free(path);
    return out;
}

const svc_fix *fx_layout_101(fx_ctx *ctx, const svc_diagnostic *d)
{
    return create_init(ctx, d);
}

const svc_fix *fx_layout_104(fx_ctx *ctx, const svc_diagnostic *d)
{
    return create_init(ctx, d);
}

/* `from <spelling> import`: how module `target` is written relatively from package `pkg`. */
static char *relative_spelling(const char *pkg, const char *target)
{
    size_t np = fx_dotted_count(pkg), nt = fx_dotted_count(target);
    size_t common = 0;
    while (common < np && common < nt) {
        char *a = fx_dotted_part(pkg, common), *b = fx_dotted_part(target, common);
        bool same = strcmp(a, b) == 0;
        free(a);
        free(b);
        if (!same) break;
        common++;
    }
    if (common == 0) return svc_xstrdup(target);
    svc_buf b = { 0 };
    for (size_t i = 0; i < np - common + 1; i++) svc_buf_putc(&b, '.');
    if (common < nt) {
        const char *rest = target;
        for (size_t i = 0; i < common; i++) rest = strchr(rest, '.') + 1;
        svc_buf_puts(&b, rest);
    }
    return svc_buf_detach(&b);
}

const svc_fix *fx_layout_103(fx_ctx *ctx, const svc_diagnostic *d)
{
    const svc_model *m = ctx->m;
    if (d->is_folder || d->file < 0) return NULL;
    const svc_file *f = &m->files[d->file];
    if (f->service < 0 || f->is_init) return NULL;
    const svc_service *s = &m->services[f->service];
    if (strcmp(s->name, "tests") == 0) return NULL;
    char *to = svc_xasprintf("%s/tests/%s", s->path, base_name(f->path));
    char *tests_init = svc_xasprintf("%s/tests/__init__.py", s->path);
    char *pkg = svc_xasprintf("%s.tests", s->module);
    fx_fix fix;
    fx_init(&fix, ctx);
    if (path_taken(m, to) || strcmp(to, f->path) == 0) fx_fail(&fix);

    const svc_facts *facts = f->facts;
    uint32_t last_stmt = UINT32_MAX;
    for (size_t k = 0; k < facts->nimports && !fix.failed; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->level < 1) continue;
        if (imp->stmt_span.byte == last_stmt) continue;
        last_stmt = imp->stmt_span.byte;
        const fx_text *t = fx_text_of(ctx, (size_t)d->file);
        TSNode stmt = t ? fx_node_exact(ctx, (size_t)d->file, imp->stmt_span.byte, imp->stmt_span.end_byte) : (TSNode){ 0 };
        TSNode mod = ts_node_is_null(stmt) ? stmt : ts_node_child_by_field_name(stmt, "module_name", 11);
        if (imp->unresolved || !imp->module || ts_node_is_null(mod) ||
            strcmp(ts_node_type(mod), "relative_import") != 0) {
            fx_fail(&fix);
            break;
        }
        char *spelling = relative_spelling(pkg, imp->module);
        fx_edit(&fix, (size_t)d->file, fx_node_start(t, mod), fx_node_end(t, mod), spelling);
        free(spelling);
    }
    if (!s->tests_has_init && !path_taken(m, tests_init)) fx_create(&fix, tests_init, "");
    fx_move(&fix, f->path, to);
    const svc_fix *out = fx_finish(&fix, SVC_FIX_UNSAFE, "Move `%s` to `%s`", f->path, to);
    free(to);
    free(tests_init);
    free(pkg);
    return out;
}
