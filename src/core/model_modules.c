/*
 * Folders and module names: every folder of the project, which are packages, and the dotted name
 * Python would import each file as. Paths alone decide; no file is read.
 */
#include <stdlib.h>
#include <string.h>

#include "core/model_internal.h"

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void model_collect_folders(build_ctx *b)
{
    svc_model *m = b->m;
    size_t n = svc_source_count(m->source);
    SVC_VEC(char *) folders = { 0 };
    for (size_t i = 0; i < n; i++) {
        const char *path = svc_source_at(m->source, i)->path;
        if (svc_scope_excluded(b->scope, path)) continue;
        /* every ancestor folder */
        for (const char *p = path; (p = strchr(p, '/')) != NULL; p++) {
            char *dir = svc_arena_strndup(m->arena, path, (size_t)(p - path));
            if (!svc_map_get(b->folder_set, dir)) {
                svc_map_put(b->folder_set, dir, (void *)1);
                svc_vec_push(&folders, dir);
            }
        }
        if (strcmp(basename_of(path), "__init__.py") == 0)
            svc_map_put(b->package_dirs, dirname_of(m->arena, path), (void *)1);
    }
    m->folders = folders.items;
    m->nfolders = folders.len;
    if (m->nfolders > 1) qsort(m->folders, m->nfolders, sizeof *m->folders, compare_strings);
}


/*
 * The dotted name of a folder for model_module_name (below), or NULL when no package encloses it:
 * the folders from the outermost package among its ancestors (climbing only through
 * identifier-named folders) down to it. Memoized per folder (build_ctx.prefixes).
 */
typedef struct folder_name {
    const char *top;    /* the outermost package folder, or NULL */
    const char *dotted; /* NULL when top is */
} folder_name;

static folder_name folder_dotted(build_ctx *b, const char *dir)
{
    folder_name none = { NULL, NULL };
    if (!*dir) return none;
    folder_name *known = svc_map_get(b->prefixes, dir);
    if (known) return *known;
    folder_name r = none;
    const char *name = basename_of(dir);
    if (svc_ident_name(name, strlen(name))) {
        folder_name up = folder_dotted(b, dirname_of(b->m->arena, dir));
        if (up.top) {
            r.top = up.top;
            r.dotted = svc_arena_printf(b->m->arena, "%s.%s", up.dotted, name);
        } else if (is_package_dir(b, dir)) {
            r.top = dir;
            r.dotted = name;
        }
    }
    folder_name *memo = svc_arena_alloc(b->m->arena, sizeof *memo);
    *memo = r;
    svc_map_put(b->prefixes, dir, memo);
    return r;
}

/*
 * The dotted name Python would import a file as. The import root (where sys.path would point) is
 * the folder above the outermost package among the file's ancestors; folders between without an
 * __init__.py are namespace packages inside it (`shop/jobs/search.py` with only `shop/__init__.py`
 * is `shop.jobs.search`). A file whose stem is no identifier (a migration `0002_x.py`) cannot be
 * imported, but still gets a dotted name so its relative imports resolve against its package.
 */
const char *model_module_name(build_ctx *b, const char *path)
{
    svc_arena *a = b->m->arena;
    const char *base = basename_of(path);
    size_t blen = strlen(base);
    if (blen < 4 || strcmp(base + blen - 3, ".py") != 0) return NULL;
    bool is_init = strcmp(base, "__init__.py") == 0;
    folder_name dir = folder_dotted(b, dirname_of(a, path));
    if (!dir.top) {
        if (is_init || !svc_ident_name(base, blen - 3)) return NULL;
        return svc_arena_strndup(a, base, blen - 3);
    }
    if (is_init) return dir.dotted;
    return svc_arena_printf(a, "%s.%.*s", dir.dotted, (int)(blen - 3), base);
}

const char *model_folder_module(build_ctx *b, const char *folder)
{
    char *init = join_path(b->m->arena, folder, "__init__.py");
    const char *mod = model_module_name(b, init);
    if (mod) return mod;
    /* a folder without __init__.py: its name under the parent's module */
    char *parent = dirname_of(b->m->arena, folder);
    const char *pmod = is_package_dir(b, parent) ? model_folder_module(b, parent) : NULL;
    return pmod ? svc_arena_printf(b->m->arena, "%s.%s", pmod, basename_of(folder))
                : svc_arena_strdup(b->m->arena, basename_of(folder));
}
