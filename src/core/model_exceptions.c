/*
 * Exceptions: the classes whose base chain reaches Exception or BaseException, and whether a
 * service's exception is importable from its root.
 */
#include <string.h>

#include "core/model_internal.h"

static bool builtin_exception(const char *name)
{
    static const char *const names[] = {
        "BaseException", "Exception", "ArithmeticError", "AssertionError", "AttributeError", "BufferError",
        "EOFError", "ImportError", "LookupError", "IndexError", "KeyError", "MemoryError", "NameError",
        "OSError", "IOError", "EnvironmentError", "ReferenceError", "RuntimeError", "NotImplementedError",
        "RecursionError", "StopIteration", "SyntaxError", "SystemError", "TypeError", "ValueError",
        "UnicodeError", "Warning", "UserWarning", "DeprecationWarning", "ConnectionError", "TimeoutError",
        "PermissionError", "FileNotFoundError", "KeyboardInterrupt", "SystemExit", "GeneratorExit", NULL,
    };
    for (size_t i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0) return true;
    return false;
}

static bool is_exception_rec(const svc_model *m, size_t file, size_t def, int depth)
{
    if (depth > 32) return false;
    const svc_def *d = &m->files[file].facts->defs[def];
    if (d->kind != SVC_DEF_CLASS) return false;
    for (size_t i = 0; i < d->nbases; i++) {
        const char *base = d->bases[i];
        svc_defref ref;
        if (svc_model_find_def(m, base, &ref)) {
            if (is_exception_rec(m, ref.file, ref.def, depth + 1)) return true;
            continue;
        }
        /* Outside the repo: a builtin, or a library class named like one (django's ValidationError). */
        const char *last = svc_dotted_last(base);
        if (builtin_exception(last) || svc_str_ends_with(last, "Error") || svc_str_ends_with(last, "Exception"))
            return true;
    }
    return false;
}

bool svc_model_is_exception_class(const svc_model *m, size_t file, size_t def)
{
    return is_exception_rec(m, file, def, 0);
}

void model_find_exceptions(svc_model *m)
{
    SVC_VEC(svc_exception) out = { 0 };
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        if (!f->module) continue;
        for (size_t k = 0; k < f->facts->ndefs; k++) {
            const svc_def *d = &f->facts->defs[k];
            if (d->kind != SVC_DEF_CLASS || d->parent != -1) continue;
            if (!svc_model_is_exception_class(m, i, k)) continue;
            svc_exception e = { 0 };
            e.at.file = i;
            e.at.def = k;
            e.dotted = svc_arena_printf(m->arena, "%s.%s", f->module, d->qualname);
            e.service = f->service;
            if (f->service >= 0) {
                const char *at_root = svc_arena_printf(m->arena, "%s.%s", m->services[f->service].module, d->name);
                const char *resolved = svc_model_resolve(m, at_root);
                e.at_root = resolved && strcmp(resolved, e.dotted) == 0;
            }
            svc_vec_push(&out, e);
        }
    }
    m->exceptions = out.items;
    m->nexceptions = out.len;
}
