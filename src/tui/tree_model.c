/* Building the explorer's tree from the model, and counting the findings of each node. */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "tui/tree_model.h"

static size_t open_node(tree_model *t, tree_kind kind, long parent, const char *label, const char *note)
{
    svc_vec_reserve(t, 1);
    tree_node *n = &t->items[t->len];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->label = svc_arena_strdup(t->arena, label);
    n->note = note ? svc_arena_strdup(t->arena, note) : NULL;
    n->parent = parent;
    n->depth = parent >= 0 ? t->items[parent].depth + 1 : 0;
    n->file = n->def = n->index = -1;
    n->expanded = kind == TREE_BRANCH;
    return t->len++;
}

static void close_node(tree_model *t, size_t node)
{
    t->items[node].end = t->len;
}

static void leaf(tree_model *t, size_t node)
{
    close_node(t, node);
}

static bool is_task_or_wrapper(svc_def_role role)
{
    return role == SVC_DEF_ROLE_TASK || role == SVC_DEF_ROLE_WRAPPER;
}

/* The top-level definitions of a file; `only_tasks` keeps tasks and their wrappers. */
static void add_defs(tree_model *t, const svc_model *m, size_t file, long parent, bool only_tasks)
{
    const svc_facts *facts = m->files[file].facts;
    for (size_t k = 0; k < facts->ndefs; k++) {
        const svc_def *d = &facts->defs[k];
        if (d->parent != -1) continue;
        long index;
        svc_def_role role = svc_def_role_of(m, file, k, &index);
        if (only_tasks && !is_task_or_wrapper(role)) continue;
        char *note = NULL;
        if (role == SVC_DEF_ROLE_WRAPPER) {
            const svc_task *task = &m->tasks[m->wrappers[index].task];
            note = svc_xasprintf("→ %s", task->name);
        } else if (role == SVC_DEF_ROLE_TASK && m->tasks[index].nwrappers == 0) {
            note = svc_xstrdup("no wrapper");
        } else if (role == SVC_DEF_ROLE_EXCEPTION && m->exceptions[index].service >= 0 &&
                   !m->exceptions[index].at_root) {
            note = svc_xstrdup("not at the service root");
        }
        size_t n = open_node(t, TREE_DEF, parent, d->name, note);
        free(note);
        t->items[n].file = (long)file;
        t->items[n].def = (long)k;
        t->items[n].role = role;
        t->items[n].index = index;
        leaf(t, n);
    }
}

static void add_file(tree_model *t, const svc_model *m, size_t file, long parent, const char *label, bool only_tasks)
{
    const svc_file *f = &m->files[file];
    size_t n = open_node(t, TREE_FILE, parent, label, f->is_test ? "test" : NULL);
    t->items[n].file = (long)file;
    t->items[n].is_test = f->is_test;
    if (!f->is_test) add_defs(t, m, file, (long)n, only_tasks);
    close_node(t, n);
}

static const char *relative(const char *path, const char *folder)
{
    size_t n = strlen(folder);
    return strncmp(path, folder, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

static void add_service(tree_model *t, const svc_model *m, const svc_service *s, long parent, tree_kind kind)
{
    svc_buf note = { 0 };
    if (s->is_tasks && kind == TREE_BRANCH) svc_buf_puts(&note, "tasks service");
    if (!s->has_init) svc_buf_printf(&note, "%sno __init__.py", note.len ? ", " : "");
    if (!s->has_tests) svc_buf_printf(&note, "%sno tests/", note.len ? ", " : "");
    char *label = svc_xasprintf("%s/", kind == TREE_BRANCH ? s->path : s->name);
    size_t n = open_node(t, kind, parent, label, note.len ? note.data : NULL);
    free(label);
    svc_buf_free(&note);
    t->items[n].folder = s->path;
    t->items[n].expanded = false;
    for (size_t i = 0; i < s->nfiles; i++)
        add_file(t, m, s->files[i], (long)n, relative(m->files[s->files[i]].path, s->path), false);
    close_node(t, n);
}

static void add_services_root(tree_model *t, const svc_model *m)
{
    char *label = svc_xasprintf("%s/", m->services_root);
    size_t root = open_node(t, TREE_BRANCH, -1, label, "services root");
    free(label);
    t->items[root].folder = m->services_root;
    for (size_t i = 0; i < m->nfiles; i++)
        if (m->files[i].role == SVC_ROLE_SERVICES_ROOT)
            add_file(t, m, i, (long)root, relative(m->files[i].path, m->services_root), false);
    for (size_t s = 0; s < m->nservices; s++)
        if ((int)s != m->tasks_service) add_service(t, m, &m->services[s], (long)root, TREE_SERVICE);
    close_node(t, root);
}

/* ---- grouping ------------------------------------------------------------------------ */

/* Branches that can run to hundreds of files (every task of a codebase without a services
 * package, the files with findings nothing else shows) group them by where they live, so the
 * branch reads as a map. A few files read best as they are: a group of one is noise. Groups
 * start open when, open, the branch fits in GROUPS_OPEN_MAX_ROWS rows. */
#define GROUP_MIN_FILES 7
#define GROUPS_OPEN_MAX_ROWS 20

/* A file (file >= 0) or a folder with findings to place under a branch. */
typedef struct grouped_item {
    const char *path;
    long file;
    const char *group;   /* the folder of its group; NULL at the top of the branch */
    tree_kind group_kind;
    size_t tasks;        /* tasks it defines that the branch shows */
} grouped_item;

typedef struct grouped_items {
    grouped_item *items;
    size_t len, cap;
} grouped_items;

/* Its Django app, else its service, else its top-level folder; NULL for what is at the root. */
static void place_in_group(tree_model *t, const svc_model *m, grouped_item *item)
{
    if (item->file >= 0) {
        const svc_file *f = &m->files[item->file];
        if (f->app >= 0) {
            item->group = m->apps[f->app].path;
            item->group_kind = TREE_APP;
            return;
        }
        if (f->service >= 0) {
            item->group = m->services[f->service].path;
            item->group_kind = TREE_SERVICE;
            return;
        }
    }
    item->group_kind = TREE_FOLDER;
    const char *slash = strchr(item->path, '/');
    if (slash) item->group = svc_arena_strndup(t->arena, item->path, (size_t)(slash - item->path));
    else if (item->file < 0 && strcmp(item->path, ".") != 0) item->group = item->path;
    else item->group = NULL;
}

static void add_item(tree_model *t, const svc_model *m, grouped_items *list, const char *path, long file)
{
    svc_vec_reserve(list, 1);
    grouped_item *item = &list->items[list->len++];
    memset(item, 0, sizeof *item);
    item->path = path;
    item->file = file;
    place_in_group(t, m, item);
}

/* Groups in path order, then what is at the top of the branch; by path inside. */
static int compare_items(const void *a, const void *b)
{
    const grouped_item *x = a, *y = b;
    if (!x->group != !y->group) return x->group ? -1 : 1;
    int by_group = x->group ? strcmp(x->group, y->group) : 0;
    if (by_group) return by_group;
    if (x->group_kind != y->group_kind) return (int)x->group_kind - (int)y->group_kind;
    return strcmp(x->path, y->path);
}

static bool same_group(const grouped_item *a, const grouped_item *b)
{
    return a->group && b->group && a->group_kind == b->group_kind && strcmp(a->group, b->group) == 0;
}

static char *plural(size_t count, const char *one, const char *many)
{
    return svc_xasprintf("%zu %s", count, count == 1 ? one : many);
}

static void add_item_node(tree_model *t, const svc_model *m, const grouped_item *item, long parent, bool only_tasks)
{
    const char *label = item->group ? relative(item->path, item->group) : item->path;
    if (item->file >= 0) {
        if (!only_tasks) {
            add_file(t, m, (size_t)item->file, parent, label, false);
            return;
        }
        size_t n = open_node(t, TREE_FILE, parent, label, NULL);
        t->items[n].file = item->file;
        add_defs(t, m, (size_t)item->file, (long)n, true);
        close_node(t, n);
        return;
    }
    if (item->group && strcmp(item->path, item->group) == 0) return; /* the group is this folder */
    char *folder_label = svc_xasprintf("%s/", label);
    size_t n = open_node(t, TREE_FOLDER, parent, folder_label, NULL);
    free(folder_label);
    t->items[n].folder = svc_arena_strdup(t->arena, item->path);
    leaf(t, n);
}

/* The items under `branch`, in groups that count their tasks (`only_tasks`) or files. Groups of
 * the tasks branch stand for files another branch shows whole: they hold no folder finding. */
static void add_grouped(tree_model *t, const svc_model *m, grouped_items *list, size_t branch, bool only_tasks)
{
    if (list->len < GROUP_MIN_FILES)
        for (size_t i = 0; i < list->len; i++) list->items[i].group = NULL;
    qsort(list->items, list->len, sizeof *list->items, compare_items);
    size_t groups = 0;
    for (size_t i = 0; i < list->len; i++)
        groups += list->items[i].group && (i == 0 || !same_group(&list->items[i - 1], &list->items[i]));
    bool open = groups + list->len <= GROUPS_OPEN_MAX_ROWS;
    for (size_t i = 0; i < list->len;) {
        const grouped_item *first = &list->items[i];
        if (!first->group) {
            add_item_node(t, m, first, (long)branch, only_tasks);
            i++;
            continue;
        }
        size_t end = i + 1, tasks = first->tasks, files = first->file >= 0;
        for (; end < list->len && same_group(first, &list->items[end]); end++) {
            tasks += list->items[end].tasks;
            files += list->items[end].file >= 0;
        }
        char *label = svc_xasprintf("%s/", first->group);
        char *note = only_tasks ? plural(tasks, "task", "tasks") : files ? plural(files, "file", "files") : NULL;
        size_t group = open_node(t, first->group_kind, (long)branch, label, note);
        free(label);
        free(note);
        t->items[group].folder = svc_arena_strdup(t->arena, first->group);
        t->items[group].grouping = only_tasks;
        t->items[group].expanded = open;
        for (; i < end; i++) add_item_node(t, m, &list->items[i], (long)group, only_tasks);
        close_node(t, group);
    }
    free(list->items);
}

static void add_tasks(tree_model *t, const svc_model *m, bool migration)
{
    grouped_items files = { 0 };
    size_t count = 0;
    /* Tasks are sorted by file: one item per run of tasks. */
    for (size_t i = 0; i < m->ntasks; i++) {
        const svc_task *task = &m->tasks[i];
        if (!migration && task->in_tasks_service) continue;
        count++;
        if (!files.len || files.items[files.len - 1].file != (long)task->at.file)
            add_item(t, m, &files, m->files[task->at.file].path, (long)task->at.file);
        files.items[files.len - 1].tasks++;
    }
    if (count == 0) return;
    char *note = migration ? svc_xasprintf("(%zu)", count)
                           : m->tasks_service >= 0
                                 ? svc_xasprintf("(%zu outside %s/)", count, m->services[m->tasks_service].path)
                                 : svc_xasprintf("(%zu, no tasks service)", count);
    size_t branch = open_node(t, TREE_BRANCH, -1, migration ? "Celery tasks" : "Misplaced tasks", note);
    free(note);
    add_grouped(t, m, &files, branch, true);
    close_node(t, branch);
}

static void add_apps(tree_model *t, const svc_model *m)
{
    if (m->napps == 0) return;
    static const char *const origins[] = { "apps.py", "models", "INSTALLED_APPS", "config" };
    char *note = svc_xasprintf("(%zu)", m->napps);
    size_t branch = open_node(t, TREE_BRANCH, -1, "Django apps", note);
    free(note);
    for (size_t a = 0; a < m->napps; a++) {
        const svc_app *app = &m->apps[a];
        char *label = svc_xasprintf("%s/", app->path);
        size_t n = open_node(t, TREE_APP, (long)branch, label, origins[app->origin]);
        free(label);
        t->items[n].folder = app->path;
        for (size_t i = 0; i < app->nfiles; i++)
            add_file(t, m, app->files[i], (long)n, relative(m->files[app->files[i]].path, app->path), false);
        close_node(t, n);
    }
    close_node(t, branch);
}

/* ---- findings ---------------------------------------------------------------------- */

static bool folder_contains(const char *folder, const char *path)
{
    size_t n = strlen(folder);
    return strcmp(folder, path) == 0 || (strncmp(path, folder, n) == 0 && path[n] == '/');
}

/* The node of [from, to) with the deepest folder that holds `path`, or -1. */
static long folder_owner(const tree_model *t, size_t from, size_t to, const char *path)
{
    long best = -1;
    size_t best_len = 0;
    for (size_t i = from; i < to; i++) {
        const char *folder = t->items[i].folder;
        if (!folder || t->items[i].grouping || !folder_contains(folder, path)) continue;
        size_t len = strlen(folder) + 1;
        if (best < 0 || len > best_len) {
            best = (long)i;
            best_len = len;
        }
    }
    return best;
}

static bool in_def(const svc_diagnostic *d, const svc_def *def)
{
    return d->span.byte >= def->span.byte && d->span.byte < def->span.end_byte;
}

/* Counts each finding on every node that shows where it is; marks the findings placed. */
static void count_findings(tree_model *t, size_t from, const tui_project *p, bool *placed)
{
    const svc_model *m = p->model;
    for (size_t i = from; i < t->len; i++) {
        tree_node *n = &t->items[i];
        if (n->kind != TREE_FILE) continue;
        size_t count;
        const svc_diagnostic *diags = tui_project_file_diags(p, n->file, &count);
        for (size_t k = 0; k < count; k++) {
            const svc_diagnostic *d = &diags[k];
            tree_node *owner = n;
            for (size_t c = i + 1; c < n->end; c++)
                if (t->items[c].kind == TREE_DEF && in_def(d, &m->files[n->file].facts->defs[t->items[c].def]))
                    owner = &t->items[c];
            owner->counts[d->severity]++;
            placed[tui_project_diag_index(p, d)] = true;
        }
    }
    /* A folder finding goes to the one node with the deepest folder that holds it. */
    for (size_t k = 0; k < p->diags->len; k++) {
        const svc_diagnostic *d = &p->diags->items[k];
        if (d->file >= 0) continue;
        long owner = folder_owner(t, from, t->len, d->path);
        if (owner < 0) continue;
        t->items[owner].counts[d->severity]++;
        placed[k] = true;
    }
}

/* Files and folders with findings that no other branch shows. */
static void add_others(tree_model *t, const tui_project *p, const bool *placed)
{
    const svc_model *m = p->model;
    grouped_items list = { 0 };
    const char *last = NULL;
    for (size_t k = 0; k < p->diags->len; k++) {
        const svc_diagnostic *d = &p->diags->items[k];
        if (placed[k] || (last && strcmp(last, d->path) == 0)) continue;
        last = d->path;
        add_item(t, m, &list, d->path, d->file >= 0 ? (long)d->file : -1);
    }
    if (list.len == 0) return;
    size_t branch = open_node(t, TREE_BRANCH, -1, "Other files", NULL);
    add_grouped(t, m, &list, branch, false);
    close_node(t, branch);
}

static void sum_up(tree_model *t)
{
    for (size_t i = t->len; i-- > 0;) {
        long parent = t->items[i].parent;
        if (parent < 0) continue;
        for (int s = 0; s < 3; s++) t->items[parent].counts[s] += t->items[i].counts[s];
    }
}

void tree_model_build(tree_model *t, const tui_project *p)
{
    memset(t, 0, sizeof *t);
    t->arena = svc_arena_new();
    const svc_model *m = p->model;
    if (m->services_root) {
        add_services_root(t, m);
        if (m->tasks_service >= 0) add_service(t, m, &m->services[m->tasks_service], -1, TREE_BRANCH);
    } else {
        size_t n = open_node(t, TREE_BRANCH, -1, "No services package", "the task rules still run");
        t->items[n].folder = ".";
        leaf(t, n);
    }
    add_tasks(t, m, m->services_root == NULL);
    add_apps(t, m);
    bool *placed = svc_xcalloc(p->diags->len ? p->diags->len : 1, sizeof *placed);
    count_findings(t, 0, p, placed);
    size_t others = t->len;
    add_others(t, p, placed);
    bool *ignored = svc_xcalloc(p->diags->len ? p->diags->len : 1, sizeof *ignored);
    count_findings(t, others, p, ignored);
    free(ignored);
    free(placed);
    sum_up(t);
}

void tree_model_free(tree_model *t)
{
    free(t->items);
    svc_arena_free(t->arena);
    memset(t, 0, sizeof *t);
}

char *tree_model_key(const tree_model *t, size_t node)
{
    svc_buf key = { 0 };
    long chain[64];
    int depth = 0;
    for (long n = (long)node; n >= 0 && depth < 64; n = t->items[n].parent) chain[depth++] = n;
    while (depth-- > 0) {
        const tree_node *n = &t->items[chain[depth]];
        svc_buf_printf(&key, "%d:%s\x1f", (int)n->kind, n->label);
    }
    return svc_buf_detach(&key);
}
