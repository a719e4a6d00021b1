/*
 * Symbols: every dotted name the repo defines (modules, defs, imports, assignments) and what it
 * is, and the lookups through them (svc_model_resolve and the like). It uses nothing else of the
 * model's build, so every later phase, app_evidence.c and the rules can ask it.
 */
#include <stdlib.h>
#include <string.h>

#include "core/model_internal.h"

static void put_symbol(svc_model *m, const char *dotted, svc_symbol_kind kind, size_t file, long def, const char *target,
                       bool overwrite, bool incremental)
{
    bool created;
    void **slot = svc_map_slot(m->symbols, dotted, &created);
    svc_symbol *existing = *slot;
    if (existing && (!overwrite || existing->kind == SVC_SYM_MODULE)) return;
    if (existing && incremental && existing->file > file) return; /* a later file bound it */
    svc_symbol *sym = svc_arena_alloc(m->arena, sizeof *sym);
    sym->kind = kind;
    sym->file = file;
    sym->def = def;
    sym->target = target;
    *slot = sym;
}

/* "module.name", in the model's arena (the symbol map keeps its keys). */
static const char *dotted_name(svc_model *m, const char *module, const char *name)
{
    size_t a = strlen(module), n = strlen(name);
    char *s = svc_arena_alloc(m->arena, a + n + 2);
    memcpy(s, module, a);
    s[a] = '.';
    memcpy(s + a + 1, name, n + 1);
    return s;
}

/* Modules a module pulls in with `from x import *`, in source order. */
typedef struct star_list {
    const char **modules;
    size_t len, cap;
} star_list;

static void note_star_import(svc_model *m, const char *module, const char *target)
{
    star_list *list = svc_map_get(m->star_imports, module);
    if (!list) {
        list = svc_arena_alloc(m->arena, sizeof *list);
        svc_map_put(m->star_imports, module, list);
    }
    if (list->len == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 4;
        const char **items = svc_arena_alloc(m->arena, cap * sizeof *items);
        if (list->len) memcpy(items, list->modules, list->len * sizeof *items);
        list->modules = items;
        list->cap = cap;
    }
    list->modules[list->len++] = target;
}

/* Would `from module import *` bind `name`? (__all__ when there is one, else public names) */
static bool star_exports(const svc_model *m, const char *module, const char *name)
{
    const svc_symbol *sym = svc_map_get(m->symbols, module);
    if (!sym || sym->kind != SVC_SYM_MODULE) return false;
    const svc_facts *facts = m->files[sym->file].facts;
    if (facts->has_all) {
        for (size_t i = 0; i < facts->nall; i++)
            if (strcmp(facts->all[i], name) == 0) return true;
        return false;
    }
    return name[0] != '_';
}

/* `<module>.<rest>` through the modules `module` star-imports, or NULL (malloc'd). */
static char *through_star_imports(const svc_model *m, const char *module, const char *rest)
{
    const star_list *list = svc_map_get(m->star_imports, module);
    if (!list) return NULL;
    size_t first_len = strcspn(rest, ".");
    char *first = svc_xstrndup(rest, first_len);
    char *found = NULL;
    for (size_t i = list->len; i-- > 0 && !found;) { /* the last star import wins, as in Python */
        char *candidate = svc_xasprintf("%s.%s", list->modules[i], first);
        if (star_exports(m, list->modules[i], first) && svc_map_get(m->symbols, candidate))
            found = svc_xasprintf("%s.%s", list->modules[i], rest);
        free(candidate);
    }
    free(first);
    return found;
}

/*
 * The symbols of one file: imports, then assignments, then defs, each overwriting what the same
 * name held before. `incremental`: the file is added after files that come after it in path
 * order, so a name one of those already binds is left to it (what a build in path order gives).
 * Returns false when that cannot be reproduced (the module already has `import *`s from another
 * file, whose order would change): the caller then rebuilds everything.
 */
bool model_file_symbols(svc_model *m, size_t i, bool incremental)
{
    const svc_file *f = &m->files[i];
    const svc_facts *facts = f->facts;
    if (!f->module || !facts) return true;
    if (incremental) {
        for (size_t k = 0; k < facts->nimports; k++)
            if (facts->imports[k].kind == SVC_IMPORT_STAR && facts->imports[k].scope == -1 &&
                svc_map_get(m->star_imports, f->module))
                return false;
    }
    for (size_t k = 0; k < facts->nimports; k++) {
        const svc_import *imp = &facts->imports[k];
        if (imp->scope != -1 || imp->unresolved) continue;
        if (imp->kind == SVC_IMPORT_STAR) {
            if (imp->module) note_star_import(m, f->module, imp->module);
            continue;
        }
        if (!imp->bound) continue;
        put_symbol(m, dotted_name(m, f->module, imp->bound), SVC_SYM_IMPORT, i, -1, imp->target, true, incremental);
    }
    for (size_t k = 0; k < facts->nassigns; k++) {
        const svc_assign *as = &facts->assigns[k];
        put_symbol(m, dotted_name(m, f->module, as->name), SVC_SYM_ASSIGN, i, -1, as->value_chain, true,
                   incremental);
    }
    for (size_t k = 0; k < facts->ndefs; k++) {
        const svc_def *d = &facts->defs[k];
        put_symbol(m, dotted_name(m, f->module, d->qualname), SVC_SYM_DEF, i, (long)k, NULL, true, incremental);
    }
    return true;
}

void model_build_symbols(svc_model *m)
{
    /* modules first, so a submodule wins over a same-named attribute */
    for (size_t i = 0; i < m->nfiles; i++)
        if (m->files[i].module) put_symbol(m, m->files[i].module, SVC_SYM_MODULE, i, -1, NULL, true, false);
    for (size_t i = 0; i < m->nfiles; i++) model_file_symbols(m, i, false);
}

const svc_symbol *svc_model_symbol(const svc_model *m, const char *dotted)
{
    return dotted ? svc_map_get(m->symbols, dotted) : NULL;
}

const char *svc_model_resolve(const svc_model *m, const char *dotted)
{
    if (!dotted) return NULL;
    char *cur = svc_xstrdup(dotted);
    const char *result = NULL;
    for (int hops = 0; hops < 32; hops++) {
        const svc_symbol *sym = svc_map_get(m->symbols, cur);
        if (sym) {
            /* a module, a def, or an assignment of a value (not an alias) is where a name ends */
            if (sym->kind == SVC_SYM_MODULE || sym->kind == SVC_SYM_DEF || (sym->kind == SVC_SYM_ASSIGN && !sym->target)) {
                result = cur;
                break;
            }
            if (!sym->target || strcmp(sym->target, cur) == 0) break;
            char *next = svc_xstrdup(sym->target);
            free(cur);
            cur = next;
            continue;
        }
        /* longest known prefix, then what follows it */
        size_t len = strlen(cur);
        const svc_symbol *psym = NULL;
        size_t plen = len;
        while (plen > 0) {
            while (plen > 0 && cur[plen] != '.') plen--;
            if (plen == 0) break;
            cur[plen] = '\0';
            psym = svc_map_get(m->symbols, cur);
            cur[plen] = '.';
            if (psym) break;
            plen--;
        }
        if (psym && psym->kind == SVC_SYM_MODULE) {
            cur[plen] = '\0';
            char *next = through_star_imports(m, cur, cur + plen + 1);
            cur[plen] = '.';
            if (!next) break;
            free(cur);
            cur = next;
            continue;
        }
        if (!psym || psym->kind == SVC_SYM_DEF || !psym->target) break;
        char *next = svc_xasprintf("%s%s", psym->target, cur + plen);
        free(cur);
        cur = next;
    }
    const char *out = result ? svc_arena_strdup(m->arena, result) : NULL;
    free(cur);
    return out;
}

bool svc_model_find_def(const svc_model *m, const char *dotted, svc_defref *out)
{
    const char *name = svc_model_resolve(m, dotted);
    const svc_symbol *sym = name ? svc_map_get(m->symbols, name) : NULL;
    if (!sym || sym->kind != SVC_SYM_DEF) return false;
    out->file = sym->file;
    out->def = (size_t)sym->def;
    return true;
}

long svc_model_file(const svc_model *m, const char *path)
{
    void *v = svc_map_get(m->file_by_path, path);
    return v ? (long)((uintptr_t)v - 1) : -1;
}

int svc_model_service_of(const svc_model *m, const char *dotted)
{
    if (!m->services_module || !dotted || !svc_dotted_within(dotted, m->services_module)) return -1;
    const char *rest = dotted + strlen(m->services_module);
    if (*rest != '.') return -1;
    rest++;
    size_t n = strcspn(rest, ".");
    for (size_t i = 0; i < m->nservices; i++)
        if (strlen(m->services[i].name) == n && strncmp(m->services[i].name, rest, n) == 0) return (int)i;
    return -1;
}

bool svc_model_is_module(const svc_model *m, const char *dotted)
{
    const svc_symbol *sym = svc_model_symbol(m, dotted);
    return sym && sym->kind == SVC_SYM_MODULE;
}

void model_reset_symbols(svc_model *m)
{
    svc_map_free(m->symbols);
    svc_map_free(m->star_imports);
    m->symbols = svc_map_new_borrowed();
    m->star_imports = svc_map_new_borrowed();
}
