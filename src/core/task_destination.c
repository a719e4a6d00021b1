/*
 * Where SVC401 sends a task: `<tasks service>/<identifier>_tasks.py`.
 *
 * The identifier is a valid Python module name taken from the innermost meaningful package of
 * the task's file (`saleor/plugins/webhook/tasks.py` -> `webhook`); folders that say nothing
 * (`tasks`, `celery`, `apps`, `src`, ...) are skipped, and a file with no such package gives its
 * own name (`scripts/celery-migration-task.py` -> `celery_migration`). Two files may share a
 * destination while their tasks' names differ; where two tasks of different files would meet
 * under one name in one module, their files take the next package out (`a_x`, `b_x`), then
 * their own name, then a number, until nothing collides.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "svcscope/task_destination.h"
#include "svcscope/util.h"

/* Names of folders and modules that say where code runs, not what it is about. */
static bool says_nothing(const char *name)
{
    static const char *const generic[] = { "tasks", "task", "celery", "celery_tasks", "jobs", "job", "workers",
                                           "worker", "background", "async_tasks", "apps", "app", "src", "lib",
                                           "libs", "__init__", "", NULL };
    for (size_t i = 0; generic[i]; i++)
        if (strcmp(name, generic[i]) == 0) return true;
    return false;
}

/* `Celery-Migration-Task` -> "celery_migration_task": lower case, runs of anything but letters
 * and digits become one `_`, no `_` at either end, and "m" before a leading digit. */
static char *sanitize(const char *s, size_t n)
{
    char *out = svc_xmalloc(n + 2);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c)) {
            if (k == 0 && isdigit(c)) out[k++] = 'm';
            out[k++] = (char)tolower(c);
        } else if (k > 0 && out[k - 1] != '_') {
            out[k++] = '_';
        }
    }
    while (k > 0 && out[k - 1] == '_') k--;
    out[k] = '\0';
    return out;
}

/* A module's name without what says it holds tasks: "billing_tasks" -> "billing". */
static void strip_task_suffix(char *name)
{
    static const char *const suffixes[] = { "_tasks", "_task", "_jobs", "_celery", NULL };
    for (size_t i = 0; suffixes[i]; i++)
        if (svc_str_ends_with(name, suffixes[i]) && strlen(name) > strlen(suffixes[i])) {
            name[strlen(name) - strlen(suffixes[i])] = '\0';
            return;
        }
}

typedef struct candidate {
    char **parts;     /* meaningful folders, outermost first, then the file's own name when meaningful */
    size_t nparts;
    size_t nfolders;  /* how many of parts are folders */
    size_t level;     /* how many parts the identifier takes (>= 1), then a number */
    unsigned number;  /* 0: none */
    char *ident;
} candidate;

static void split_path(candidate *c, const char *path)
{
    const char *p = path;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (!slash && n > 3 && strcmp(p + n - 3, ".py") == 0) n -= 3;
        char *part = sanitize(p, n);
        if (!slash) strip_task_suffix(part);
        if (says_nothing(part)) {
            free(part);
        } else {
            c->parts = svc_xrealloc(c->parts, (c->nparts + 1) * sizeof *c->parts);
            c->parts[c->nparts++] = part;
            c->nfolders += slash != NULL;
        }
        if (!slash) break;
        p = slash + 1;
    }
}

/* The identifier at the candidate's level: the innermost `level` folders, joined outermost first;
 * past the folders, the file's own name; past everything, a number. */
static void make_ident(candidate *c)
{
    free(c->ident);
    svc_buf b = { 0 };
    svc_buf_puts(&b, "");
    size_t folders = c->level < c->nfolders ? c->level : c->nfolders;
    for (size_t i = c->nfolders - folders; i < c->nfolders; i++) svc_buf_printf(&b, "%s%s", b.len ? "_" : "", c->parts[i]);
    bool has_own = c->nparts > c->nfolders;
    if (has_own && (c->level > c->nfolders || c->nfolders == 0))
        svc_buf_printf(&b, "%s%s", b.len ? "_" : "", c->parts[c->nparts - 1]);
    if (!b.len) svc_buf_puts(&b, "project");
    if (c->number) svc_buf_printf(&b, "_%u", c->number);
    c->ident = svc_buf_detach(&b);
}

/* Levels beyond which adding parts changes nothing. */
static size_t max_level(const candidate *c)
{
    return c->nfolders + (c->nparts > c->nfolders ? 1 : 0);
}

static const char *bare(const char *name)
{
    while (*name == '_') name++;
    return name;
}

char **svc_task_destinations(const char *const *paths, const char *const *task_names, size_t n)
{
    candidate *c = svc_xcalloc(n ? n : 1, sizeof *c);
    /* one candidate per distinct path */
    size_t *owner = svc_xcalloc(n ? n : 1, sizeof *owner);
    for (size_t i = 0; i < n; i++) {
        owner[i] = i;
        for (size_t j = 0; j < i; j++)
            if (strcmp(paths[j], paths[i]) == 0) {
                owner[i] = owner[j];
                break;
            }
        if (owner[i] != i) continue;
        split_path(&c[i], paths[i]);
        c[i].level = 1;
        make_ident(&c[i]);
    }
    for (int round = 0; round < 64; round++) {
        bool changed = false;
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                candidate *a = &c[owner[i]], *b = &c[owner[j]];
                if (a == b || strcmp(a->ident, b->ident) != 0) continue;
                if (strcmp(bare(task_names[i]), bare(task_names[j])) != 0) continue;
                /* two tasks of one name would meet in one module: both files go one step further */
                bool a_more = a->level < max_level(a), b_more = b->level < max_level(b);
                if (a_more) a->level++;
                if (b_more) b->level++;
                if (!a_more && !b_more) b->number = b->number ? b->number + 1 : 2; /* the later path numbered */
                make_ident(a);
                make_ident(b);
                changed = true;
            }
        if (!changed) break;
    }
    char **out = svc_xcalloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++) out[i] = svc_xstrdup(c[owner[i]].ident);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < c[i].nparts; k++) free(c[i].parts[k]);
        free(c[i].parts);
        free(c[i].ident);
    }
    free(c);
    free(owner);
    return out;
}
