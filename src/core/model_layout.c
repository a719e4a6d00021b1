/*
 * The services root, the services in it, and each file's role: where things are, from the
 * folders and the configuration (apps come from model_apps.c, before the roles).
 */
#include <stdlib.h>
#include <string.h>

#include "core/model_internal.h"

static bool is_test_path(const char *path_in_service)
{
    const char *base = basename_of(path_in_service);
    if (svc_str_starts_with(base, "test_") || svc_str_ends_with(base, "_test.py")) return true;
    /* anything under a `tests` folder */
    for (const char *p = path_in_service; (p = strstr(p, "tests/")) != NULL; p++)
        if (p == path_in_service || p[-1] == '/') return true;
    return false;
}

/* True when a Python file of the model is inside the folder (files are sorted by path). */
static bool any_file_within(const svc_model *m, const char *dir)
{
    size_t n = strlen(dir), lo = 0, hi = m->nfiles;
    while (lo < hi) { /* the first path not below "dir/" */
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(m->files[mid].path, dir, n);
        if (c == 0) c = (unsigned char)m->files[mid].path[n] < (unsigned char)'/' ? -1 : 0;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->nfiles && path_within(m->files[lo].path, dir);
}

/*
 * A folder below a tests folder, or below a Django app (a package with apps.py, models.py or
 * models/) that is itself inside another package: `taiga/projects/services/`. The outermost
 * package, the project's own (`shop/` with settings and a models.py), may hold the services root.
 */
static bool inside_app_or_tests(build_ctx *b, const char *dir)
{
    svc_arena *a = b->m->arena;
    for (char *cur = dirname_of(a, dir); *cur; cur = dirname_of(a, cur)) {
        const char *name = basename_of(cur);
        if (strcmp(name, "tests") == 0 || strcmp(name, "test") == 0) return true;
        if (!is_package_dir(b, cur) || !is_package_dir(b, dirname_of(a, cur))) continue;
        if (svc_map_get(b->m->file_by_path, join_path(a, cur, "apps.py")) ||
            svc_map_get(b->m->file_by_path, join_path(a, cur, "models.py")) ||
            svc_map_get(b->m->file_by_path, join_path(a, cur, "models/__init__.py")))
            return true;
    }
    return false;
}

void model_find_services_root(build_ctx *b)
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
        /* Shallowest folder named `services` that is a package. Failing that, the shallowest
         * `services` folder with Python in it (a namespace package), so a team that forgot its
         * __init__.py still gets a model, and SVC101 says so. A `services` package inside a Django
         * app (`taiga/projects/services/`) or under a tests folder is a module of that app or test
         * suite, never the services root. Two candidates at the same depth are not guessed between:
         * there is no root, and SVC100 names them so that `services-root` can settle it. */
        for (int pass = 0; pass < 2 && !root && !m->nservices_root_candidates; pass++) {
            int best_depth = 1 << 30;
            SVC_VEC(const char *) best = { 0 };
            for (size_t i = 0; i < m->nfolders; i++) {
                const char *dir = m->folders[i];
                if (strcmp(basename_of(dir), "services") != 0) continue;
                if (inside_app_or_tests(b, dir)) continue;
                int depth = 0;
                for (const char *p = dir; *p; p++) depth += *p == '/';
                if (depth > best_depth) continue;
                bool ok = pass == 0 ? is_package_dir(b, dir) : any_file_within(m, dir);
                if (!ok) continue;
                if (depth < best_depth) best.len = 0;
                best_depth = depth;
                svc_vec_push(&best, dir);
            }
            if (best.len == 1) root = best.items[0];
            else if (best.len > 1) {
                m->services_root_candidates = svc_arena_alloc(m->arena, best.len * sizeof *best.items);
                memcpy(m->services_root_candidates, best.items, best.len * sizeof *best.items);
                m->nservices_root_candidates = best.len;
            }
            svc_vec_free(&best);
        }
    }
    if (!root) return;
    m->services_root = root;
    m->services_root_has_init = is_package_dir(b, root);
    m->services_module = model_folder_module(b, root);
}

static int compare_services(const void *a, const void *b)
{
    return strcmp(((const svc_service *)a)->name, ((const svc_service *)b)->name);
}

void model_find_services(build_ctx *b)
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
        if (!any_file_within(m, dir)) continue; /* templates/, static/ ... are not services */
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

void model_assign_roles(svc_model *m)
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
