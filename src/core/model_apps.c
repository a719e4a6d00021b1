/*
 * Django apps: from the configuration's `apps`, else from evidence (an AppConfig subclass in
 * apps.py, a model class in models.py or models/, judged by app_evidence.c) with INSTALLED_APPS
 * as the authority when it lists packages of the repo.
 */
#include <stdlib.h>
#include <string.h>

#include "core/app_evidence.h"
#include "core/model_internal.h"

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

/* A folder named tests or test, or one under it: test doubles, never an app of the project. */
static bool is_test_folder(const char *dir)
{
    for (const char *seg = dir; *seg;) {
        size_t n = strcspn(seg, "/");
        if ((n == 5 && strncmp(seg, "tests", 5) == 0) || (n == 4 && strncmp(seg, "test", 4) == 0)) return true;
        seg += n + (seg[n] == '/');
    }
    return false;
}

static void add_app(build_ctx *b, void *vec, const char *dir, svc_app_origin origin)
{
    app_vec *apps = vec;
    if (app_known(apps, dir) || is_under_services(b->m, dir)) return;
    if (origin != SVC_APP_FROM_CONFIG && is_test_folder(dir)) return;
    svc_app app = { 0 };
    app.path = dir;
    app.module = model_folder_module(b, dir);
    app.label = svc_dotted_last(app.module);
    app.origin = origin;
    svc_vec_push(apps, app);
}

/* The package an AppConfig class names by its literal `name` (Django's app module), or NULL. */
static const char *config_package(build_ctx *b, size_t file, size_t def)
{
    const svc_def *d = &b->m->files[file].facts->defs[def];
    if (d->kind != SVC_DEF_CLASS || !d->name_value || !svc_app_evidence_is_appconfig(b->m, file, def)) return NULL;
    const char *dir = package_folder(b, d->name_value);
    return dir && *dir ? dir : NULL;
}

/* "orders", "shop.orders", "orders.apps.OrdersConfig": an AppConfig class of the repo names its
 * app by `name` ("kobo.apps.KpiConfig" with `name = 'kpi'` is `kpi`); failing that, the longest
 * package prefix names the app. */
static void add_installed_app(build_ctx *b, void *vec, const char *entry)
{
    svc_model *m = b->m;
    svc_defref ref;
    const char *config_dir = svc_model_find_def(m, entry, &ref) ? config_package(b, ref.file, ref.def) : NULL;
    if (config_dir) {
        add_app(b, vec, config_dir, SVC_APP_FROM_SETTINGS);
        return;
    }
    char *name = svc_arena_strdup(m->arena, entry);
    const char *dir = NULL;
    for (;;) {
        dir = package_folder(b, name);
        if (dir) break;
        char *dot = strrchr(name, '.');
        if (!dot) break;
        *dot = '\0';
    }
    /* "orders.apps" is the AppConfig module; the app is its package */
    if (dir && strcmp(basename_of(dir), "apps") == 0 && strchr(name, '.')) dir = dirname_of(m->arena, dir);
    if (dir && *dir) add_app(b, vec, dir, SVC_APP_FROM_SETTINGS);
}

/* The files whose classes can show that their package is an app: apps.py, models.py, models/. */
bool model_is_app_evidence_file(const char *path)
{
    const char *base = basename_of(path);
    if (strcmp(base, "apps.py") == 0 || strcmp(base, "models.py") == 0) return true;
    size_t n = (size_t)(base - path);
    return svc_str_ends_with(base, ".py") && n >= 7 && strncmp(base - 7, "models/", 7) == 0 &&
           (n == 7 || base[-8] == '/');
}

/* Every INSTALLED_APPS entry (and of the *_APPS lists it is usually built from) of the settings
 * modules, settings classes included. */
static void each_installed_entry(build_ctx *b, void (*fn)(build_ctx *, void *, const char *), void *ctx)
{
    svc_model *m = b->m;
    for (size_t i = 0; i < m->nfiles; i++) {
        const svc_facts *facts = m->files[i].facts;
        if (!facts || !strstr(m->files[i].path, "settings")) continue;
        for (size_t k = 0; k < facts->nassigns; k++) {
            const svc_assign *as = &facts->assigns[k];
            if (!svc_str_ends_with(as->name, "APPS")) continue;
            for (size_t s = 0; s < as->nstrings; s++) fn(b, ctx, as->strings[s]);
        }
        for (size_t s = 0; s < facts->nclass_apps; s++) fn(b, ctx, facts->class_apps[s]);
    }
}

/* The module of an entry that names a member of it ("kobo.apps.KpiConfig": `kobo.apps`, whose
 * class says the app); its files go to `vec` when not parsed yet. */
static void need_config_module(build_ctx *b, void *vec, const char *entry)
{
    struct parse_state *ps = b->ps;
    for (size_t n = strlen(entry); n > 0; n--) {
        if (entry[n] != '.') continue;
        bool found = false;
        for (size_t i = model_mod_lower(ps, entry, n); i < ps->nmods && strncmp(ps->mods[i].name, entry, n) == 0 &&
                                                 ps->mods[i].name[n] == '\0';
             i++) {
            found = true;
            if (ps->work[ps->mods[i].file].status == ST_TODO) svc_vec_push((index_vec *)vec, ps->mods[i].file);
        }
        if (found) return;
    }
}

void model_app_config_modules(build_ctx *b, index_vec *out)
{
    each_installed_entry(b, need_config_module, out);
}

/* How an app is shown: its label, or when apps share it, the end of the path that tells them apart
 * ("app/dataloaders", "webhook/dataloaders"). */
static void name_apps(svc_model *m)
{
    for (size_t a = 0; a < m->napps; a++) {
        svc_app *app = &m->apps[a];
        app->display = app->label;
        bool shared = false;
        for (size_t o = 0; o < m->napps && !shared; o++) shared = o != a && strcmp(m->apps[o].label, app->label) == 0;
        if (!shared) continue;
        /* take path segments from the end until no other app's path ends the same way */
        const char *path = app->path, *start = path + strlen(path);
        for (;;) {
            while (start > path && start[-1] != '/') start--;
            bool unique = true;
            for (size_t o = 0; o < m->napps && unique; o++) {
                if (o == a || strcmp(m->apps[o].label, app->label) != 0) continue;
                const char *other = m->apps[o].path;
                size_t n = strlen(start), on = strlen(other);
                unique = !(on >= n && strcmp(other + on - n, start) == 0 && (on == n || other[on - n - 1] == '/'));
            }
            if (unique || start == path) break;
            start--; /* onto the '/' before the segment */
        }
        app->display = start;
    }
}

void model_find_apps(build_ctx *b)
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
        /* Evidence, not file names: an AppConfig subclass in apps.py, a model class in models.py
         * or a models/ package (app_evidence.c). */
        for (size_t i = 0; i < m->nfiles; i++) {
            const svc_file *f = &m->files[i];
            if (!model_is_app_evidence_file(f->path)) continue;
            const char *base = basename_of(f->path);
            char *dir = dirname_of(m->arena, f->path);
            bool in_models = strcmp(basename_of(dir), "models") == 0;
            if (in_models) dir = dirname_of(m->arena, dir);
            if (!*dir || !is_package_dir(b, dir) || app_known(&apps, dir)) continue;
            if (strcmp(base, "apps.py") == 0 && !in_models) {
                /* the app is the package the config's `name` says (`kobo/apps/openrosa/apps/apps.py`
                 * configures `kobo.apps.openrosa`); without a literal name, the folder */
                const svc_facts *facts = f->facts;
                for (size_t d = 0; facts && d < facts->ndefs; d++) {
                    if (facts->defs[d].parent >= 0 || !svc_app_evidence_is_appconfig(m, i, d)) continue;
                    const char *named = config_package(b, i, d);
                    add_app(b, &apps, named ? named : dir, SVC_APP_FROM_APPS_PY);
                }
            } else if (svc_app_evidence_model(m, i)) {
                add_app(b, &apps, dir, SVC_APP_FROM_MODELS);
            }
        }
        /* INSTALLED_APPS, when it lists packages of the repo, is the authority: what it does not
         * list is no app, whatever its models (they belong to a listed app above them). The apps
         * found above keep what showed them. */
        app_vec installed = { 0 };
        each_installed_entry(b, add_installed_app, &installed);
        if (installed.len) {
            size_t kept = 0;
            for (size_t a = 0; a < apps.len; a++)
                if (app_known(&installed, apps.items[a].path)) apps.items[kept++] = apps.items[a];
            apps.len = kept;
            for (size_t a = 0; a < installed.len; a++)
                if (!app_known(&apps, installed.items[a].path)) svc_vec_push(&apps, installed.items[a]);
        }
        svc_vec_free(&installed);
    }
    if (apps.len > 1) qsort(apps.items, apps.len, sizeof *apps.items, compare_apps);
    m->apps = apps.items;
    m->napps = apps.len;
    name_apps(m);
}
