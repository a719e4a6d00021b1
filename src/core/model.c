/*
 * Model: files + facts -> services, apps, tasks, wrappers, exceptions, symbols.
 * Definitions follow spec "Words" (see docs/model.md for the choices where it is silent).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svcscope/model.h"
#include "svcscope/util.h"

/* ---- small helpers ----------------------------------------------------------- */

static const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Folder part of a path ("" for a top-level file), in the arena. */
static char *dirname_of(svc_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? svc_arena_strndup(a, path, (size_t)(slash - path)) : svc_arena_strdup(a, "");
}

static char *join_path(svc_arena *a, const char *dir, const char *name)
{
    return *dir ? svc_arena_printf(a, "%s/%s", dir, name) : svc_arena_strdup(a, name);
}

static bool path_within(const char *path, const char *folder)
{
    if (!*folder) return true;
    size_t n = strlen(folder);
    return strncmp(path, folder, n) == 0 && path[n] == '/';
}

static bool is_identifier(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9') ||
                  (unsigned char)c >= 0x80;
        if (!ok) return false;
    }
    return true;
}

static bool is_test_path(const char *path_in_service)
{
    const char *base = basename_of(path_in_service);
    if (svc_str_starts_with(base, "test_") || svc_str_ends_with(base, "_test.py")) return true;
    /* anything under a `tests` folder */
    for (const char *p = path_in_service; (p = strstr(p, "tests/")) != NULL; p++)
        if (p == path_in_service || p[-1] == '/') return true;
    return false;
}

/* ---- folders and module names ------------------------------------------------ */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct build_ctx {
    svc_model *m;
    svc_map *folder_set;    /* every folder -> (void*)1 */
    svc_map *package_dirs;  /* folders that hold __init__.py */
} build_ctx;

static void collect_folders(build_ctx *b)
{
    svc_model *m = b->m;
    size_t n = svc_source_count(m->source);
    SVC_VEC(char *) folders = { 0 };
    for (size_t i = 0; i < n; i++) {
        const char *path = svc_source_at(m->source, i)->path;
        if (svc_config_excluded(m->config, path)) continue;
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

static bool is_package_dir(const build_ctx *b, const char *dir)
{
    return *dir && svc_map_get(b->package_dirs, dir) != NULL;
}

/*
 * The dotted name Python would import a file as: climb while the folder is a package;
 * the first folder that is not one is the import root (where sys.path would point).
 */
static const char *module_name_for(build_ctx *b, const char *path)
{
    svc_arena *a = b->m->arena;
    const char *base = basename_of(path);
    size_t blen = strlen(base);
    if (blen < 4 || strcmp(base + blen - 3, ".py") != 0) return NULL;
    bool is_init = strcmp(base, "__init__.py") == 0;
    char *dir = dirname_of(a, path);
    if (!is_init && !is_identifier(base, blen - 3)) return NULL;

    /* parts from the innermost outwards */
    SVC_VEC(const char *) parts = { 0 };
    if (!is_init) svc_vec_push(&parts, svc_arena_strndup(a, base, blen - 3));
    char *cur = dir;
    while (is_package_dir(b, cur)) {
        const char *name = basename_of(cur);
        if (!is_identifier(name, strlen(name))) break;
        svc_vec_push(&parts, name);
        cur = dirname_of(a, cur);
    }
    const char *result = NULL;
    if (parts.len) {
        svc_buf buf = { 0 };
        for (size_t i = parts.len; i-- > 0;) {
            svc_buf_puts(&buf, parts.items[i]);
            if (i) svc_buf_putc(&buf, '.');
        }
        result = svc_arena_strdup(a, buf.data);
        svc_buf_free(&buf);
    }
    svc_vec_free(&parts);
    return result;
}

static const char *folder_module(build_ctx *b, const char *folder)
{
    char *init = join_path(b->m->arena, folder, "__init__.py");
    const char *mod = module_name_for(b, init);
    if (mod) return mod;
    /* a folder without __init__.py: its name under the parent's module */
    char *parent = dirname_of(b->m->arena, folder);
    const char *pmod = is_package_dir(b, parent) ? folder_module(b, parent) : NULL;
    return pmod ? svc_arena_printf(b->m->arena, "%s.%s", pmod, basename_of(folder))
                : svc_arena_strdup(b->m->arena, basename_of(folder));
}

/* ---- parsing (threaded) ------------------------------------------------------ */

typedef struct parse_job {
    svc_model *m;
    size_t *source_index; /* per model file: index into the source */
    atomic_size_t next;
    atomic_size_t done;
} parse_job;

static void parse_one(parse_job *job, size_t i)
{
    svc_model *m = job->m;
    svc_file *f = &m->files[i];
    char *bytes = NULL;
    size_t len = 0;
    svc_error err = SVC_ERROR_INIT;
    if (svc_source_read(m->source, job->source_index[i], &bytes, &len, &err) < 0) {
        f->read_error = svc_xstrdup(err.message);
        f->facts = svc_facts_extract(f->path, f->module, f->is_init, "", 0);
    } else {
        f->facts = svc_facts_extract(f->path, f->module, f->is_init, bytes, len);
    }
    free(bytes);
}

static void *parse_worker(void *arg)
{
    parse_job *job = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->m->nfiles) break;
        parse_one(job, i);
        atomic_fetch_add(&job->done, 1);
    }
    return NULL;
}

static void parse_all(svc_model *m, size_t *source_index, const svc_model_options *opts)
{
    parse_job job = { .m = m, .source_index = source_index };
    atomic_init(&job.next, 0);
    atomic_init(&job.done, 0);
    int threads = opts->threads;
    if (threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (int)n : 1;
    }
    if (threads > 64) threads = 64;
    if ((size_t)threads > m->nfiles) threads = m->nfiles ? (int)m->nfiles : 1;
    pthread_t tids[64];
    int started = 0;
    for (int t = 1; t < threads; t++)
        if (pthread_create(&tids[started], NULL, parse_worker, &job) == 0) started++;
    /* The building thread parses too, and reports progress between files. */
    for (;;) {
        size_t i = atomic_fetch_add(&job.next, 1);
        if (i >= m->nfiles) break;
        parse_one(&job, i);
        size_t done = atomic_fetch_add(&job.done, 1) + 1;
        if (opts->progress) opts->progress(opts->progress_ctx, done, m->nfiles);
    }
    for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
    if (opts->progress) opts->progress(opts->progress_ctx, m->nfiles, m->nfiles);
}

/* ---- services root, services, apps ------------------------------------------- */

static void find_services_root(build_ctx *b)
{
    svc_model *m = b->m;
    const char *root = NULL;
    if (m->config && m->config->services_root) {
        char *want = svc_arena_strdup(m->arena, m->config->services_root);
        size_t n = strlen(want);
        while (n > 0 && want[n - 1] == '/') want[--n] = '\0';
        if (svc_str_starts_with(want, "./")) want += 2;
        if (svc_map_get(b->folder_set, want)) root = want;
    } else {
        /* Shallowest folder named `services` that is a package; ties go to the first in path order.
         * Failing that, the shallowest `services` folder with Python in it (a namespace package),
         * so a team that forgot its __init__.py still gets a model, and SVC101 says so. */
        int best_depth = 1 << 30;
        for (int pass = 0; pass < 2 && !root; pass++) {
            for (size_t i = 0; i < m->nfolders; i++) {
                const char *dir = m->folders[i];
                if (strcmp(basename_of(dir), "services") != 0) continue;
                int depth = 0;
                for (const char *p = dir; *p; p++) depth += *p == '/';
                if (depth >= best_depth) continue;
                bool ok = pass == 0 ? is_package_dir(b, dir) : false;
                if (pass == 1) {
                    for (size_t j = 0; j < m->nfiles && !ok; j++) ok = path_within(m->files[j].path, dir);
                }
                if (ok) {
                    root = dir;
                    best_depth = depth;
                }
            }
        }
    }
    if (!root) return;
    m->services_root = root;
    m->services_root_has_init = is_package_dir(b, root);
    m->services_module = folder_module(b, root);
}

static int compare_services(const void *a, const void *b)
{
    return strcmp(((const svc_service *)a)->name, ((const svc_service *)b)->name);
}

static void find_services(build_ctx *b)
{
    svc_model *m = b->m;
    if (!m->services_root) return;
    const char *tasks_name = m->config && m->config->tasks_service ? m->config->tasks_service : "tasks";
    SVC_VEC(svc_service) services = { 0 };
    size_t rootlen = strlen(m->services_root);
    for (size_t i = 0; i < m->nfolders; i++) {
        const char *dir = m->folders[i];
        if (!path_within(dir, m->services_root) || strchr(dir + rootlen + 1, '/')) continue;
        const char *name = dir + rootlen + 1;
        if (name[0] == '.' || strcmp(name, "__pycache__") == 0) continue;
        bool has_python = false;
        for (size_t j = 0; j < m->nfiles && !has_python; j++) has_python = path_within(m->files[j].path, dir);
        if (!has_python) continue; /* templates/, static/ ... are not services */
        svc_service s = { 0 };
        s.name = name;
        s.path = dir;
        s.module = svc_arena_printf(m->arena, "%s.%s", m->services_module, name);
        s.has_init = is_package_dir(b, dir);
        char *tests = join_path(m->arena, dir, "tests");
        s.has_tests = svc_map_get(b->folder_set, tests) != NULL;
        s.tests_has_init = is_package_dir(b, tests);
        s.is_tasks = strcmp(name, tasks_name) == 0;
        s.init_file = -1;
        svc_vec_push(&services, s);
    }
    if (services.len > 1) qsort(services.items, services.len, sizeof *services.items, compare_services);
    m->services = services.items;
    m->nservices = services.len;
    m->tasks_service = -1;
    for (size_t i = 0; i < m->nservices; i++)
        if (m->services[i].is_tasks) m->tasks_service = (int)i;
}

static int compare_apps(const void *a, const void *b)
{
    return strcmp(((const svc_app *)a)->path, ((const svc_app *)b)->path);
}

typedef SVC_VEC(svc_app) app_vec;

static bool app_known(const app_vec *apps, const char *path)
{
    for (size_t i = 0; i < apps->len; i++)
        if (strcmp(apps->items[i].path, path) == 0) return true;
    return false;
}

static bool is_under_services(const svc_model *m, const char *dir)
{
    return m->services_root && (strcmp(dir, m->services_root) == 0 || path_within(dir, m->services_root));
}

/* Module name (dotted) -> folder path, for packages of the repo. */
static const char *package_folder(build_ctx *b, const char *dotted)
{
    const svc_symbol *sym = svc_map_get(b->m->symbols, dotted);
    if (!sym || sym->kind != SVC_SYM_MODULE || !b->m->files[sym->file].is_init) return NULL;
    return dirname_of(b->m->arena, b->m->files[sym->file].path);
}

static void add_app(build_ctx *b, void *vec, const char *dir, svc_app_origin origin)
{
    app_vec *apps = vec;
    if (app_known(apps, dir) || is_under_services(b->m, dir)) return;
    svc_app app = { 0 };
    app.path = dir;
    app.module = folder_module(b, dir);
    app.label = svc_dotted_last(app.module);
    app.origin = origin;
    svc_vec_push(apps, app);
}

static void find_apps(build_ctx *b)
{
    svc_model *m = b->m;
    app_vec apps = { 0 };
    if (m->config && m->config->apps_set) {
        for (size_t i = 0; i < m->config->napps; i++) {
            char *dir = svc_arena_strdup(m->arena, m->config->apps[i]);
            size_t n = strlen(dir);
            while (n > 0 && dir[n - 1] == '/') dir[--n] = '\0';
            add_app(b, &apps, dir, SVC_APP_FROM_CONFIG);
        }
    } else {
        for (size_t i = 0; i < m->nfiles; i++) {
            const svc_file *f = &m->files[i];
            const char *base = basename_of(f->path);
            char *dir = dirname_of(m->arena, f->path);
            if (!*dir || !is_package_dir(b, dir)) continue;
            if (strcmp(base, "apps.py") == 0) add_app(b, &apps, dir, SVC_APP_FROM_APPS_PY);
            else if (strcmp(base, "models.py") == 0) add_app(b, &apps, dir, SVC_APP_FROM_MODELS);
            else if (strcmp(base, "__init__.py") == 0 && strcmp(basename_of(dir), "models") == 0) {
                char *parent = dirname_of(m->arena, dir);
                if (*parent && is_package_dir(b, parent)) add_app(b, &apps, parent, SVC_APP_FROM_MODELS);
            }
        }
        /* INSTALLED_APPS (and the *_APPS lists it is usually built from) in settings modules */
        for (size_t i = 0; i < m->nfiles; i++) {
            const svc_facts *facts = m->files[i].facts;
            if (!facts || !strstr(m->files[i].path, "settings")) continue;
            for (size_t k = 0; k < facts->nassigns; k++) {
                const svc_assign *as = &facts->assigns[k];
                if (!svc_str_ends_with(as->name, "APPS")) continue;
                for (size_t s = 0; s < as->nstrings; s++) {
                    /* "orders", "shop.orders", "orders.apps.OrdersConfig": the longest package prefix */
                    char *name = svc_arena_strdup(m->arena, as->strings[s]);
                    const char *dir = NULL;
                    for (;;) {
                        dir = package_folder(b, name);
                        if (dir) break;
                        char *dot = strrchr(name, '.');
                        if (!dot) break;
                        *dot = '\0';
                    }
                    if (dir && strcmp(basename_of(dir), "apps") == 0 && strchr(name, '.')) {
                        /* "orders.apps" is the AppConfig module; the app is its package */
                        dir = dirname_of(m->arena, dir);
                    }
                    if (dir && *dir) add_app(b, &apps, dir, SVC_APP_FROM_SETTINGS);
                }
            }
        }
    }
    if (apps.len > 1) qsort(apps.items, apps.len, sizeof *apps.items, compare_apps);
    m->apps = apps.items;
    m->napps = apps.len;
}

static void assign_roles(svc_model *m)
{
    SVC_VEC(size_t) *service_files = svc_xcalloc(m->nservices ? m->nservices : 1, sizeof *service_files);
    SVC_VEC(size_t) *app_files = svc_xcalloc(m->napps ? m->napps : 1, sizeof *app_files);
    for (size_t i = 0; i < m->nfiles; i++) {
        svc_file *f = &m->files[i];
        f->service = -1;
        f->app = -1;
        f->role = SVC_ROLE_OTHER;
        if (m->services_root && path_within(f->path, m->services_root)) {
            const char *rest = f->path + strlen(m->services_root) + 1;
            if (!strchr(rest, '/')) {
                f->role = SVC_ROLE_SERVICES_ROOT;
                continue;
            }
            for (size_t s = 0; s < m->nservices; s++) {
                if (path_within(f->path, m->services[s].path)) {
                    f->service = (int)s;
                    const char *in_service = f->path + strlen(m->services[s].path) + 1;
                    f->is_test = is_test_path(in_service);
                    f->role = f->is_test ? SVC_ROLE_SERVICE_TEST : SVC_ROLE_SERVICE;
                    if (strcmp(in_service, "__init__.py") == 0) m->services[s].init_file = (int)i;
                    svc_vec_push(&service_files[s], i);
                    break;
                }
            }
            continue;
        }
        /* the innermost app holding the file */
        size_t best_len = 0;
        for (size_t a = 0; a < m->napps; a++) {
            size_t n = strlen(m->apps[a].path);
            if (path_within(f->path, m->apps[a].path) && n >= best_len) {
                f->app = (int)a;
                best_len = n;
            }
        }
        if (f->app >= 0) {
            f->role = SVC_ROLE_APP;
            svc_vec_push(&app_files[f->app], i);
            f->is_test = is_test_path(f->path + best_len + 1);
        } else {
            f->is_test = is_test_path(f->path);
        }
    }
    for (size_t s = 0; s < m->nservices; s++) {
        m->services[s].files = service_files[s].items;
        m->services[s].nfiles = service_files[s].len;
    }
    for (size_t a = 0; a < m->napps; a++) {
        m->apps[a].files = app_files[a].items;
        m->apps[a].nfiles = app_files[a].len;
    }
    free(service_files);
    free(app_files);
}

/* ---- symbols ------------------------------------------------------------------- */

static void put_symbol(svc_model *m, const char *dotted, svc_symbol_kind kind, size_t file, long def, const char *target,
                       bool overwrite)
{
    svc_symbol *existing = svc_map_get(m->symbols, dotted);
    if (existing && (!overwrite || existing->kind == SVC_SYM_MODULE)) return;
    svc_symbol *sym = svc_arena_alloc(m->arena, sizeof *sym);
    sym->kind = kind;
    sym->file = file;
    sym->def = def;
    sym->target = target;
    svc_map_put(m->symbols, dotted, sym);
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

static void build_symbols(svc_model *m)
{
    /* modules first, so a submodule wins over a same-named attribute */
    for (size_t i = 0; i < m->nfiles; i++)
        if (m->files[i].module) put_symbol(m, m->files[i].module, SVC_SYM_MODULE, i, -1, NULL, true);
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        const svc_facts *facts = f->facts;
        if (!f->module || !facts) continue;
        for (size_t k = 0; k < facts->nimports; k++) {
            const svc_import *imp = &facts->imports[k];
            if (imp->scope != -1 || imp->unresolved) continue;
            if (imp->kind == SVC_IMPORT_STAR) {
                if (imp->module) note_star_import(m, f->module, imp->module);
                continue;
            }
            if (!imp->bound) continue;
            char *name = svc_arena_printf(m->arena, "%s.%s", f->module, imp->bound);
            put_symbol(m, name, SVC_SYM_IMPORT, i, -1, imp->target, true);
        }
        for (size_t k = 0; k < facts->nassigns; k++) {
            const svc_assign *as = &facts->assigns[k];
            char *name = svc_arena_printf(m->arena, "%s.%s", f->module, as->name);
            put_symbol(m, name, SVC_SYM_ASSIGN, i, -1, as->value_chain, true);
        }
        for (size_t k = 0; k < facts->ndefs; k++) {
            const svc_def *d = &facts->defs[k];
            char *name = svc_arena_printf(m->arena, "%s.%s", f->module, d->qualname);
            put_symbol(m, name, SVC_SYM_DEF, i, (long)k, NULL, true);
        }
    }
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

/* ---- exceptions ---------------------------------------------------------------- */

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

static void find_exceptions(svc_model *m)
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

/* ---- tasks and wrappers ------------------------------------------------------ */

static const char *task_decorator(const svc_model *m, const svc_def *d)
{
    for (size_t i = 0; i < d->ndecorators; i++) {
        const svc_decorator *dec = &d->decorators[i];
        const char *callee = dec->callee ? dec->callee : dec->raw;
        const char *last = svc_dotted_last(callee);
        if (strcmp(last, "shared_task") == 0) return callee;
        if (strcmp(last, "task") == 0 && strchr(callee, '.')) return callee;
        if (m->config) {
            for (size_t k = 0; k < m->config->ntask_decorators; k++) {
                const char *want = m->config->task_decorators[k];
                if (strcmp(callee, want) == 0 || strcmp(dec->raw, want) == 0 ||
                    (!strchr(want, '.') && strcmp(last, want) == 0))
                    return callee;
            }
        }
    }
    return NULL;
}

static const char *keyword_arg(const svc_model *m, const svc_def *d, const char *keyword)
{
    for (size_t i = 0; i < d->ndecorators; i++)
        for (size_t k = 0; k < d->decorators[i].nargs; k++) {
            const svc_arg *arg = &d->decorators[i].args[k];
            if (arg->keyword && strcmp(arg->keyword, keyword) == 0) return arg->text;
        }
    return NULL;
}

static char *unquote(svc_arena *a, const char *text)
{
    size_t n = strlen(text);
    if (n >= 2 && (text[0] == '"' || text[0] == '\'') && text[n - 1] == text[0])
        return svc_arena_strndup(a, text + 1, n - 2);
    return NULL;
}

/* The top-level function that contains def index `scope`, or -1. */
static int outermost_function(const svc_facts *facts, int scope)
{
    int found = -1;
    while (scope >= 0) {
        if (facts->defs[scope].kind == SVC_DEF_FUNCTION) found = scope;
        scope = facts->defs[scope].parent;
    }
    return found;
}

static void find_tasks(svc_model *m)
{
    SVC_VEC(svc_task) tasks = { 0 };
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_file *f = &m->files[i];
        for (size_t k = 0; k < f->facts->ndefs; k++) {
            const svc_def *d = &f->facts->defs[k];
            if (d->kind != SVC_DEF_FUNCTION) continue;
            const char *dec = task_decorator(m, d);
            if (!dec) continue;
            svc_task t = { 0 };
            t.at.file = i;
            t.at.def = k;
            t.dotted = f->module ? svc_arena_printf(m->arena, "%s.%s", f->module, d->qualname)
                                 : svc_arena_strdup(m->arena, d->qualname);
            t.decorator = dec;
            t.service = f->service;
            t.in_tasks_service = f->service >= 0 && f->service == m->tasks_service;
            const char *bind = keyword_arg(m, d, "bind");
            t.bind = bind && strcmp(bind, "True") == 0;
            const char *name = keyword_arg(m, d, "name");
            t.celery_name = name ? unquote(m->arena, name) : NULL;
            svc_vec_push(&tasks, t);
        }
    }
    m->tasks = tasks.items;
    m->ntasks = tasks.len;

    /* Wrappers: a function of the task's module, not itself a task, that calls the task's
     * .delay or .apply_async. Its name is free (migration mode); rules judge the name. */
    SVC_VEC(svc_wrapper) wrappers = { 0 };
    SVC_VEC(size_t) *per_task = svc_xcalloc(m->ntasks ? m->ntasks : 1, sizeof *per_task);
    for (size_t t = 0; t < m->ntasks; t++) {
        const svc_task *task = &m->tasks[t];
        const svc_facts *facts = m->files[task->at.file].facts;
        const svc_def *td = &facts->defs[task->at.def];
        for (size_t c = 0; c < facts->ncalls; c++) {
            const svc_call *call = &facts->calls[c];
            if (!call->attr || (strcmp(call->attr, "delay") && strcmp(call->attr, "apply_async"))) continue;
            if (call->ref < 0) continue;
            const svc_ref *ref = &facts->refs[call->ref];
            /* callee is `<task>.delay` where <task> is this module's task (bound at module level) */
            char *want = svc_arena_printf(m->arena, "%s.%s", td->qualname, call->attr);
            bool same = strcmp(ref->raw, want) == 0 && ref->binding == SVC_BIND_MODULE;
            if (!same) continue;
            int fn = outermost_function(facts, call->scope);
            if (fn < 0 || (size_t)fn == task->at.def) continue;
            if (svc_model_task_at(m, task->at.file, (size_t)fn) >= 0) continue;
            bool dup = false;
            for (size_t w = 0; w < per_task[t].len; w++)
                dup |= wrappers.items[per_task[t].items[w]].at.def == (size_t)fn;
            if (dup) continue;
            svc_wrapper w = { 0 };
            w.at.file = task->at.file;
            w.at.def = (size_t)fn;
            const svc_file *f = &m->files[task->at.file];
            w.dotted = f->module ? svc_arena_printf(m->arena, "%s.%s", f->module, facts->defs[fn].qualname)
                                 : svc_arena_strdup(m->arena, facts->defs[fn].qualname);
            w.task = t;
            w.call = c;
            w.named_delay = svc_str_starts_with(facts->defs[fn].name, "delay_");
            svc_vec_push(&per_task[t], wrappers.len);
            svc_vec_push(&wrappers, w);
        }
    }
    for (size_t t = 0; t < m->ntasks; t++) {
        m->tasks[t].wrappers = per_task[t].items;
        m->tasks[t].nwrappers = per_task[t].len;
    }
    free(per_task);
    m->wrappers = wrappers.items;
    m->nwrappers = wrappers.len;
}

long svc_model_task_at(const svc_model *m, size_t file, size_t def)
{
    for (size_t t = 0; t < m->ntasks; t++)
        if (m->tasks[t].at.file == file && m->tasks[t].at.def == def) return (long)t;
    return -1;
}

/* ---- build / free ------------------------------------------------------------ */

int svc_model_build(svc_model **out, svc_source *src, const svc_config *cfg, const svc_model_options *opts,
                    svc_error *err)
{
    svc_model_options defaults = SVC_MODEL_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    svc_model *m = svc_xcalloc(1, sizeof *m);
    m->source = src;
    m->config = cfg;
    m->arena = svc_arena_new();
    m->symbols = svc_map_new();
    m->file_by_path = svc_map_new();
    m->star_imports = svc_map_new();
    m->tasks_service = -1;

    build_ctx b = { .m = m, .folder_set = svc_map_new(), .package_dirs = svc_map_new() };
    collect_folders(&b);

    /* Python files, in source (path) order */
    size_t n = svc_source_count(src);
    size_t *source_index = svc_xcalloc(n ? n : 1, sizeof *source_index);
    m->files = svc_xcalloc(n ? n : 1, sizeof *m->files);
    for (size_t i = 0; i < n; i++) {
        const svc_source_file *sf = svc_source_at(src, i);
        if (!svc_str_ends_with(sf->path, ".py") || svc_config_excluded(cfg, sf->path)) continue;
        svc_file *f = &m->files[m->nfiles];
        f->path = svc_arena_strdup(m->arena, sf->path);
        f->module = module_name_for(&b, sf->path);
        f->is_init = strcmp(basename_of(sf->path), "__init__.py") == 0;
        f->service = f->app = -1;
        svc_map_put(m->file_by_path, f->path, (void *)(uintptr_t)(m->nfiles + 1));
        source_index[m->nfiles++] = i;
    }
    parse_all(m, source_index, opts);
    free(source_index);

    build_symbols(m);
    find_services_root(&b);
    find_services(&b);
    find_apps(&b);
    assign_roles(m);
    find_tasks(m);
    find_exceptions(m);

    svc_map_free(b.folder_set);
    svc_map_free(b.package_dirs);
    *out = m;
    (void)err;
    return 0;
}

void svc_model_free(svc_model *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->nfiles; i++) {
        svc_facts_free((svc_facts *)m->files[i].facts);
        free((char *)m->files[i].read_error);
    }
    free(m->files);
    for (size_t i = 0; i < m->nservices; i++) free(m->services[i].files);
    free(m->services);
    for (size_t i = 0; i < m->napps; i++) free(m->apps[i].files);
    free(m->apps);
    for (size_t i = 0; i < m->ntasks; i++) free(m->tasks[i].wrappers);
    free(m->tasks);
    free(m->wrappers);
    free(m->exceptions);
    free(m->folders);
    svc_map_free(m->symbols);
    svc_map_free(m->file_by_path);
    svc_map_free(m->star_imports);
    svc_arena_free(m->arena);
    free(m);
}
