/*
 * Names in a file: its scopes, what each binds, and the resolution of refs against them.
 *
 * Python makes a name local to a function if it is bound anywhere in it, so a ref cannot be
 * resolved when the walk meets it: the walk records each scope's bindings (facts_bind) and the
 * refs as written, and facts_resolve_all resolves them all once the walk is done. A binding
 * table is an open-addressing hash of (scope, name) into ex->bindings.
 */
#include <stdlib.h>
#include <string.h>

#include "core/facts_internal.h"
#include "svcscope/facts.h"
#include "svcscope/util.h"

/* ---- scopes and bindings ------------------------------------------------------- */

int facts_new_scope(extractor *ex, enum scope_kind kind, int parent, int def)
{
    scope_rec s = { parent, (uint8_t)kind, def };
    svc_vec_push(&ex->scopes, s);
    return (int)ex->scopes.len - 1;
}

int facts_scope_def(const extractor *ex, int scope)
{
    return ex->scopes.items[scope].def;
}

static uint32_t name_hash(int scope, const char *name, uint32_t len)
{
    uint32_t h = 2166136261u ^ (uint32_t)scope * 16777619u;
    for (uint32_t i = 0; i < len; i++) h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h;
}

static binding *lookup(extractor *ex, int scope, const char *name, uint32_t len)
{
    if (!ex->nslots) return NULL;
    uint32_t h = name_hash(scope, name, len);
    for (size_t i = h & (ex->nslots - 1);; i = (i + 1) & (ex->nslots - 1)) {
        int32_t k = ex->slots[i];
        if (k < 0) return NULL;
        binding *b = &ex->bindings.items[k];
        if (b->hash == h && b->scope == scope && b->len == len && memcmp(b->name, name, len) == 0) return b;
    }
}

static void grow_slots(extractor *ex)
{
    size_t n = ex->nslots ? ex->nslots * 2 : 256;
    free(ex->slots);
    ex->slots = svc_xmalloc(n * sizeof *ex->slots);
    memset(ex->slots, 0xff, n * sizeof *ex->slots);
    ex->nslots = n;
    for (size_t k = 0; k < ex->bindings.len; k++) {
        size_t i = ex->bindings.items[k].hash & (n - 1);
        while (ex->slots[i] >= 0) i = (i + 1) & (n - 1);
        ex->slots[i] = (int32_t)k;
    }
}

void facts_bind(extractor *ex, int scope, const char *name, uint32_t len, enum binding_kind kind, int import_index)
{
    if (len == 0) return;
    binding *b = lookup(ex, scope, name, len);
    if (b) {
        /* Equal kinds keep the first (the first of two imports of one name wins). */
        if (kind > b->kind) {
            b->kind = (uint8_t)kind;
            b->import_index = import_index;
        }
        return;
    }
    if ((ex->bindings.len + 1) * 2 > ex->nslots) grow_slots(ex);
    binding nb = { name, len, name_hash(scope, name, len), scope, (uint8_t)kind, import_index };
    svc_vec_push(&ex->bindings, nb);
    size_t i = nb.hash & (ex->nslots - 1);
    while (ex->slots[i] >= 0) i = (i + 1) & (ex->nslots - 1);
    ex->slots[i] = (int32_t)ex->bindings.len - 1;
}

/* Walrus targets and comprehension-free bindings go to the nearest non-comprehension scope. */
int facts_assignment_scope(const extractor *ex, int scope)
{
    while (ex->scopes.items[scope].kind == S_COMPREHENSION) scope = ex->scopes.items[scope].parent;
    return scope;
}

/* ---- names joined in the facts' arena ------------------------------------------ */

const char *facts_concat3(extractor *ex, const char *a, const char *sep, const char *b)
{
    size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
    char *p = svc_arena_alloc(ex->arena, la + ls + lb + 1);
    memcpy(p, a, la);
    memcpy(p + la, sep, ls);
    memcpy(p + la + ls, b, lb);
    p[la + ls + lb] = '\0';
    return p;
}

/* ---- resolution ------------------------------------------------------------------ */

static const char *with_rest(extractor *ex, const char *prefix, const char *rest)
{
    return *rest ? facts_concat3(ex, prefix, "", rest) : prefix;
}

static const char *resolve(extractor *ex, const char *raw, int scope, svc_binding *binding_out, int *import_out)
{
    const char *dot = strchr(raw, '.');
    uint32_t head = dot ? (uint32_t)(dot - raw) : (uint32_t)strlen(raw);
    const char *rest = dot ? dot : "";
    *import_out = -1;
    bool first = true;
    while (scope >= 0) {
        const scope_rec *sc = &ex->scopes.items[scope];
        /* a class body's names are not visible from the functions inside it */
        binding *b = (first || sc->kind != S_CLASS) ? lookup(ex, scope, raw, head) : NULL;
        first = false;
        if (b && b->kind == B_GLOBAL) {
            scope = 0;
            b = lookup(ex, 0, raw, head);
            if (!b) break;
        } else if (b && b->kind == B_NONLOCAL) {
            scope = sc->parent;
            continue;
        }
        if (b) {
            if (b->kind == B_IMPORT) {
                const svc_import *imp = &ex->imports.items[b->import_index];
                *binding_out = SVC_BIND_IMPORT;
                *import_out = b->import_index;
                return imp->target ? with_rest(ex, imp->target, rest) : NULL;
            }
            if (scope == 0) {
                *binding_out = SVC_BIND_MODULE;
                const char *module = ex->facts->module;
                return module && *module ? facts_concat3(ex, module, ".", raw) : raw;
            }
            *binding_out = SVC_BIND_LOCAL;
            return NULL;
        }
        scope = sc->parent;
    }
    *binding_out = SVC_BIND_UNKNOWN;
    return NULL;
}

void facts_resolve_all(extractor *ex)
{
    for (size_t i = 0; i < ex->refs.len; i++) {
        svc_ref *r = &ex->refs.items[i];
        r->resolved = resolve(ex, r->raw, ex->ref_scope.items[i], &r->binding, &r->import_index);
    }
    for (size_t i = 0; i < ex->links.len; i++) {
        const link *l = &ex->links.items[i];
        const svc_ref *r = &ex->refs.items[l->ref];
        const char *name = r->resolved ? r->resolved : r->raw;
        switch (l->kind) {
        case T_ARG:
            ((svc_arg *)l->target)->chain = name;
            break;
        case T_BASE:
            *(const char **)l->target = name;
            break;
        case T_DECORATOR:
            ((svc_decorator *)l->target)->raw = r->raw;
            ((svc_decorator *)l->target)->callee = name;
            break;
        default:
            break;
        }
    }
    for (size_t i = 0; i < ex->assigns.len; i++) {
        if (!ex->assign_has_chain.items[i]) continue;
        svc_assign *a = &ex->assigns.items[i];
        svc_binding b;
        int imp;
        const char *resolved = resolve(ex, a->value_chain, 0, &b, &imp);
        if (resolved) a->value_chain = resolved;
    }
}
