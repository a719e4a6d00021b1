/* Scope: the excludes in force plus the virtualenvs found among the source's files. */
#include <stdlib.h>
#include <string.h>

#include "svcscope/scope.h"
#include "svcscope/util.h"

struct svc_scope {
    const svc_config *cfg;
    SVC_VEC(char *) virtualenvs; /* sorted folder paths */
};

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The folder a virtualenv marker file makes a virtualenv, or NULL (malloc'd). */
static char *virtualenv_of(const char *path)
{
    static const char activate[] = "/bin/activate";
    static const char *const old_names[] = { "venv", "env", "virtualenv", NULL };
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (strcmp(base, "pyvenv.cfg") == 0) return slash ? svc_xstrndup(path, (size_t)(slash - path)) : NULL;
    if (!svc_str_ends_with(path, activate)) return NULL;
    size_t dir_len = strlen(path) - (sizeof activate - 1);
    const char *name = path;
    for (const char *p = path; p < path + dir_len; p++)
        if (*p == '/') name = p + 1;
    size_t name_len = (size_t)(path + dir_len - name);
    for (size_t i = 0; old_names[i]; i++)
        if (strlen(old_names[i]) == name_len && memcmp(name, old_names[i], name_len) == 0)
            return svc_xstrndup(path, dir_len);
    return NULL;
}

svc_scope *svc_scope_new(const svc_config *cfg, const svc_source *src)
{
    svc_scope *scope = svc_xcalloc(1, sizeof *scope);
    scope->cfg = cfg;
    size_t n = svc_source_count(src);
    for (size_t i = 0; i < n; i++) {
        char *dir = virtualenv_of(svc_source_at(src, i)->path);
        if (dir) svc_vec_push(&scope->virtualenvs, dir);
    }
    if (scope->virtualenvs.len > 1)
        qsort(scope->virtualenvs.items, scope->virtualenvs.len, sizeof *scope->virtualenvs.items, compare_strings);
    return scope;
}

void svc_scope_free(svc_scope *scope)
{
    if (!scope) return;
    for (size_t i = 0; i < scope->virtualenvs.len; i++) free(scope->virtualenvs.items[i]);
    svc_vec_free(&scope->virtualenvs);
    free(scope);
}

static bool within(const char *path, const char *folder)
{
    size_t n = strlen(folder);
    return strncmp(path, folder, n) == 0 && path[n] == '/';
}

bool svc_scope_excluded(const svc_scope *scope, const char *path)
{
    for (size_t i = 0; i < scope->virtualenvs.len; i++)
        if (within(path, scope->virtualenvs.items[i])) return true;
    return scope->cfg && svc_config_excluded(scope->cfg, path);
}

size_t svc_scope_virtualenv_count(const svc_scope *scope)
{
    return scope->virtualenvs.len;
}

const char *svc_scope_virtualenv_at(const svc_scope *scope, size_t i)
{
    return i < scope->virtualenvs.len ? scope->virtualenvs.items[i] : NULL;
}
