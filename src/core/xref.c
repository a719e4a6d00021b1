/*
 * Cross-reference index: every use of every task and wrapper, from resolved names.
 *
 * One pass over the refs of all files. A ref is a use of a target (a task or a wrapper)
 * when its resolved name, followed through svc_model_resolve, is the target's dotted name;
 * `<task>.delay` / `.apply_async` / `.s` / `.si` / `.signature` are uses of the task. Refs whose
 * head is a local name are never uses (shadowing), nor are assignment targets; a head no scope
 * binds is a use only when a star import of the file provides it.
 */
#include <stdlib.h>
#include <string.h>

#include "svcscope/util.h"
#include "svcscope/xref.h"

typedef SVC_VEC(svc_xref_site) site_vec;

typedef struct target {
    bool is_task;
    size_t index;     /* into model tasks or wrappers */
    site_vec sites;
} target;

const char *svc_xref_kind_name(svc_xref_kind kind)
{
    switch (kind) {
    case SVC_XREF_CALL: return "call";
    case SVC_XREF_VALUE: return "value";
    case SVC_XREF_DELAY: return "delay";
    case SVC_XREF_APPLY_ASYNC: return "apply_async";
    case SVC_XREF_SIGNATURE: return "signature";
    case SVC_XREF_APPLY: return "apply";
    case SVC_XREF_SEND_TASK: return "send_task";
    }
    return "call";
}

bool svc_xref_kind_queues(svc_xref_kind kind)
{
    return kind == SVC_XREF_DELAY || kind == SVC_XREF_APPLY_ASYNC || kind == SVC_XREF_SIGNATURE ||
           kind == SVC_XREF_SEND_TASK;
}

/* ---- names ------------------------------------------------------------------------- */

/*
 * The key a task or wrapper is known by. A file without a module name (not importable) has
 * its defs resolved to bare qualnames, which two such files may share: the key then carries
 * the file index, and only refs of that same file can reach it.
 */
static const char *target_key(svc_arena *a, const svc_model *m, size_t file, const char *dotted)
{
    if (m->files[file].module) return dotted;
    return svc_arena_printf(a, "%zu\x1f%s", file, dotted);
}

/* The attribute of a task that triggers or packages it, as a use kind; -1 for any other. */
static int task_attr_kind(const char *attr)
{
    if (strcmp(attr, "delay") == 0) return SVC_XREF_DELAY;
    if (strcmp(attr, "apply_async") == 0) return SVC_XREF_APPLY_ASYNC;
    if (strcmp(attr, "s") == 0 || strcmp(attr, "si") == 0 || strcmp(attr, "signature") == 0)
        return SVC_XREF_SIGNATURE;
    if (strcmp(attr, "apply") == 0) return SVC_XREF_APPLY;
    return -1;
}

typedef struct build_ctx {
    const svc_model *m;
    svc_xref *x;
    svc_map *last_names;  /* last parts of target names and of aliases that lead to one */
} build_ctx;

static bool last_name_known(const build_ctx *b, const char *name, size_t len)
{
    char buf[256];
    if (len >= sizeof buf) return true; /* too long to filter: let resolution decide */
    memcpy(buf, name, len);
    buf[len] = '\0';
    return svc_map_get(b->last_names, buf) != NULL;
}

/*
 * The target a resolved dotted name (the first len bytes of `name`) designates, or NULL:
 * the name itself, or what it finally is through imports and assignments (re-exports,
 * `send = delay_x`, a re-exported module alias). Callers filter on last_names first.
 */
static target *find_target(const build_ctx *b, size_t file, const char *name, size_t len)
{
    char stack[512];
    char *key = len < sizeof stack ? stack : svc_xmalloc(len + 1);
    memcpy(key, name, len);
    key[len] = '\0';
    target *t = NULL;
    const svc_model *m = b->m;
    if (!m->files[file].module) {
        /* a file that is not importable reaches its own defs under their bare qualnames */
        char *local = svc_xasprintf("%zu\x1f%s", file, key);
        t = svc_map_get(b->x->targets, local);
        free(local);
    }
    if (!t) t = svc_map_get(b->x->targets, key);
    if (!t) {
        /* a def or module of the repo is already what it finally is: no need to resolve */
        const svc_symbol *sym = svc_model_symbol(m, key);
        if (!sym || (sym->kind != SVC_SYM_MODULE && sym->kind != SVC_SYM_DEF)) {
            const char *resolved = svc_model_resolve(m, key);
            if (resolved) t = svc_map_get(b->x->targets, resolved);
        }
    }
    if (key != stack) free(key);
    return t;
}

static bool scope_within(const svc_facts *facts, int scope, size_t def)
{
    while (scope >= 0) {
        if ((size_t)scope == def) return true;
        scope = facts->defs[scope].parent;
    }
    return false;
}

/* True when a use of task `t` at (file, scope) is inside one of the task's own wrappers. */
static bool inside_own_wrapper(const svc_model *m, size_t t, size_t file, int scope)
{
    const svc_task *task = &m->tasks[t];
    if (task->at.file != file) return false;
    int fn = svc_facts_outermost_function(m->files[file].facts, scope);
    if (fn < 0) return false;
    for (size_t w = 0; w < task->nwrappers; w++)
        if (m->wrappers[task->wrappers[w]].at.def == (size_t)fn) return true;
    return false;
}

static svc_xref_site make_site(const svc_model *m, size_t file, size_t r, svc_xref_kind kind)
{
    const svc_facts *facts = m->files[file].facts;
    const svc_ref *ref = &facts->refs[r];
    svc_xref_site s;
    memset(&s, 0, sizeof s);
    s.file = file;
    s.path = m->files[file].path;
    s.line = ref->span.row + 1;
    s.column = ref->span.col + 1;
    s.scope = ref->scope;
    s.enclosing = ref->scope >= 0 && (size_t)ref->scope < facts->ndefs ? facts->defs[ref->scope].qualname : "<module>";
    s.kind = kind;
    s.ref = r;
    return s;
}

/* True when a file has `from x import *` at module level. */
static bool has_star_import(const svc_facts *facts)
{
    for (size_t i = 0; i < facts->nimports; i++)
        if (facts->imports[i].kind == SVC_IMPORT_STAR && facts->imports[i].scope == -1) return true;
    return false;
}

static void index_ref(build_ctx *b, size_t file, size_t r, bool star)
{
    const svc_model *m = b->m;
    const svc_ref *ref = &m->files[file].facts->refs[r];
    if (ref->flags & SVC_REF_STORE) return;
    const char *name = ref->resolved;
    char *through_star = NULL;
    if (ref->binding == SVC_BIND_UNKNOWN && star && m->files[file].module) {
        /* No scope binds the head, so only a star import can: `<this module>.<raw>`, which the
         * model follows through the module's star imports (Python's own rule, __all__ included).
         * A local or parameter is LOCAL, never this: shadowing still hides the wrapper. */
        through_star = svc_xasprintf("%s.%s", m->files[file].module, ref->raw);
        name = through_star;
    } else if (!ref->resolved || ref->binding == SVC_BIND_LOCAL || ref->binding == SVC_BIND_UNKNOWN) {
        return;
    }
    size_t len = strlen(name);
    const char *dot = strrchr(name, '.');
    const char *last = dot ? dot + 1 : name;

    /* the name itself: a wrapper or a task, called or used as a value */
    target *t = NULL;
    if (last_name_known(b, last, strlen(last))) t = find_target(b, file, name, len);
    svc_xref_kind kind = (ref->flags & SVC_REF_CALLED) ? SVC_XREF_CALL : SVC_XREF_VALUE;
    if (!t && dot) {
        /* <task>.delay / .apply_async / .s ... */
        int k = task_attr_kind(last);
        size_t plen = (size_t)(dot - name);
        const char *pdot = NULL;
        for (size_t i = plen; i-- > 0;)
            if (name[i] == '.') {
                pdot = name + i;
                break;
            }
        const char *plast = pdot ? pdot + 1 : name;
        if (k >= 0 && last_name_known(b, plast, (size_t)(dot - plast))) {
            t = find_target(b, file, name, plen);
            if (t && !t->is_task) t = NULL;
            kind = (svc_xref_kind)k;
            /* `wraps=t.apply_async` hands the method to a test double: nothing is queued */
            if (!(ref->flags & SVC_REF_CALLED) && svc_facts_given_to_mock(m->files[file].facts, ref))
                kind = SVC_XREF_VALUE;
        }
    }
    free(through_star);
    if (!t) return;
    if (t->is_task && inside_own_wrapper(m, t->index, file, ref->scope)) return;
    svc_vec_push(&t->sites, make_site(m, file, r, kind));
}

/* The task handed to a dispatch helper is not also a use "as a value": the call is the use. */
static void drop_value_site(target *t, size_t file, const svc_facts *facts, svc_span arg)
{
    size_t kept = 0;
    for (size_t i = 0; i < t->sites.len; i++) {
        const svc_xref_site *s = &t->sites.items[i];
        const svc_span *at = &facts->refs[s->ref].span;
        bool inside = s->file == file && s->kind == SVC_XREF_VALUE && at->byte >= arg.byte && at->end_byte <= arg.end_byte;
        if (!inside) t->sites.items[kept++] = *s;
    }
    t->sites.len = kept;
}

static int compare_sites(const void *pa, const void *pb)
{
    const svc_xref_site *a = pa, *b = pb;
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    if (a->column != b->column) return a->column < b->column ? -1 : 1;
    return 0;
}

/* Copies a target's sites, sorted, into the arena. */
static svc_xref_site *finish_sites(svc_arena *a, target *t, size_t *n)
{
    *n = t->sites.len;
    if (!t->sites.len) return NULL;
    qsort(t->sites.items, t->sites.len, sizeof *t->sites.items, compare_sites);
    svc_xref_site *out = svc_arena_alloc(a, t->sites.len * sizeof *out);
    memcpy(out, t->sites.items, t->sites.len * sizeof *out);
    return out;
}

static void add_last_name(build_ctx *b, const char *dotted)
{
    svc_map_put(b->last_names, svc_dotted_last(dotted), (void *)1);
}

/* Names that lead to a target through imports or assignments (re-exports, `send = delay_x`):
 * their last parts join last_names, so refs written with them get resolved. Returns how many
 * names were new (an alias of an alias is found on the next round). */
static size_t collect_aliases(build_ctx *b, svc_map *done)
{
    const svc_model *m = b->m;
    const char *key;
    void *value;
    size_t added = 0;
    for (size_t it = 0; svc_map_next(m->symbols, &it, &key, &value);) {
        const svc_symbol *sym = value;
        if ((sym->kind != SVC_SYM_IMPORT && sym->kind != SVC_SYM_ASSIGN) || !sym->target) continue;
        /* only a chain that ends on a known last name can lead to a target */
        if (!svc_map_get(b->last_names, svc_dotted_last(sym->target)) || svc_map_get(done, key)) continue;
        svc_map_put(done, key, (void *)1);
        const char *resolved = svc_model_resolve(m, key);
        if (!resolved || !svc_map_get(b->x->targets, resolved)) continue;
        if (!svc_map_get(b->last_names, svc_dotted_last(key))) added++;
        add_last_name(b, key);
    }
    return added;
}

typedef SVC_VEC(svc_xref_callee) callee_vec;

static void collect_callees(build_ctx *b, size_t t, callee_vec *out)
{
    const svc_model *m = b->m;
    const svc_task *task = &m->tasks[t];
    const svc_facts *facts = m->files[task->at.file].facts;
    for (size_t c = 0; c < facts->ncalls; c++) {
        const svc_call *call = &facts->calls[c];
        if (call->ref < 0 || !scope_within(facts, call->scope, task->at.def)) continue;
        const svc_ref *ref = &facts->refs[call->ref];
        if (!ref->resolved || ref->binding == SVC_BIND_LOCAL || ref->binding == SVC_BIND_UNKNOWN) continue;
        svc_defref def;
        if (!svc_model_find_def(m, ref->resolved, &def)) continue;
        if (def.file == task->at.file && scope_within(facts, (int)def.def, task->at.def)) continue;
        svc_xref_callee ce;
        memset(&ce, 0, sizeof ce);
        ce.dotted = svc_model_resolve(m, ref->resolved);
        ce.def = def;
        ce.site = make_site(m, task->at.file, (size_t)call->ref, SVC_XREF_CALL);
        svc_vec_push(out, ce);
    }
}

svc_xref *svc_xref_build(const svc_model *m)
{
    svc_xref *x = svc_xcalloc(1, sizeof *x);
    x->model = m;
    x->arena = svc_arena_new();
    x->targets = svc_map_new();
    x->ntasks = m->ntasks;
    x->nwrappers = m->nwrappers;
    x->tasks = svc_xcalloc(m->ntasks ? m->ntasks : 1, sizeof *x->tasks);
    x->wrappers = svc_xcalloc(m->nwrappers ? m->nwrappers : 1, sizeof *x->wrappers);

    build_ctx b = { .m = m, .x = x, .last_names = svc_map_new() };
    target *targets = svc_xcalloc(m->ntasks + m->nwrappers + 1, sizeof *targets);
    for (size_t t = 0; t < m->ntasks; t++) {
        targets[t].is_task = true;
        targets[t].index = t;
        svc_map_put(x->targets, target_key(x->arena, m, m->tasks[t].at.file, m->tasks[t].dotted), &targets[t]);
        add_last_name(&b, m->tasks[t].dotted);
    }
    for (size_t w = 0; w < m->nwrappers; w++) {
        target *tg = &targets[m->ntasks + w];
        tg->is_task = false;
        tg->index = w;
        svc_map_put(x->targets, target_key(x->arena, m, m->wrappers[w].at.file, m->wrappers[w].dotted), tg);
        add_last_name(&b, m->wrappers[w].dotted);
    }
    if (m->ntasks) {
        svc_map *done = svc_map_new();
        for (int round = 0; round < 16 && collect_aliases(&b, done) > 0; round++) {}
        svc_map_free(done);
    }

    /* the one pass over every ref */
    if (m->ntasks)
        for (size_t f = 0; f < m->nfiles; f++) {
            const svc_facts *facts = m->files[f].facts;
            if (!facts) continue;
            bool star = has_star_import(facts);
            for (size_t r = 0; r < facts->nrefs; r++) index_ref(&b, f, r, star);
        }

    /* send_task("<registered name>") and dispatch helpers: the callee stands for the task's use */
    for (size_t f = 0; f < m->nfiles && m->ntasks; f++) {
        const svc_facts *facts = m->files[f].facts;
        for (size_t c = 0; facts && c < facts->ncalls; c++) {
            const svc_call *call = &facts->calls[c];
            long t = svc_model_task_sent(m, facts, call);
            if (t >= 0) {
                svc_vec_push(&targets[t].sites, make_site(m, f, (size_t)call->ref, SVC_XREF_SEND_TASK));
            } else if ((t = svc_model_task_dispatched(m, facts, call)) >= 0) {
                drop_value_site(&targets[t], f, facts, call->args[0].span);
                svc_vec_push(&targets[t].sites, make_site(m, f, (size_t)call->ref, SVC_XREF_APPLY_ASYNC));
            }
        }
    }

    for (size_t t = 0; t < m->ntasks; t++) {
        x->tasks[t].task = t;
        x->tasks[t].direct = finish_sites(x->arena, &targets[t], &x->tasks[t].ndirect);
        callee_vec callees = { 0 };
        collect_callees(&b, t, &callees);
        if (callees.len) {
            x->tasks[t].callees = svc_arena_alloc(x->arena, callees.len * sizeof *callees.items);
            memcpy(x->tasks[t].callees, callees.items, callees.len * sizeof *callees.items);
            x->tasks[t].ncallees = callees.len;
        }
        svc_vec_free(&callees);
    }
    for (size_t w = 0; w < m->nwrappers; w++) {
        x->wrappers[w].wrapper = w;
        x->wrappers[w].sites = finish_sites(x->arena, &targets[m->ntasks + w], &x->wrappers[w].nsites);
    }
    /* the map now answers svc_xref_sites_of: dotted name -> match (the first of homonyms
     * from files that are not importable) */
    svc_map_free(x->targets);
    x->targets = svc_map_new();
    for (size_t i = 0; i < m->ntasks + m->nwrappers; i++) {
        svc_vec_free(&targets[i].sites);
        svc_xref_match *match = svc_arena_alloc(x->arena, sizeof *match);
        match->is_task = targets[i].is_task;
        match->index = targets[i].index;
        const char *dotted = match->is_task ? m->tasks[match->index].dotted : m->wrappers[match->index].dotted;
        if (!svc_map_get(x->targets, dotted)) svc_map_put(x->targets, dotted, match);
    }
    free(targets);
    svc_map_free(b.last_names);
    return x;
}

void svc_xref_free(svc_xref *x)
{
    if (!x) return;
    free(x->tasks);
    free(x->wrappers);
    svc_map_free(x->targets);
    svc_arena_free(x->arena);
    free(x);
}

const svc_xref_site *svc_xref_sites_of(const svc_xref *x, const char *dotted, size_t *n)
{
    *n = 0;
    const svc_xref_match *match = dotted ? svc_map_get(x->targets, dotted) : NULL;
    if (!match) return NULL;
    if (match->is_task) {
        *n = x->tasks[match->index].ndirect;
        return x->tasks[match->index].direct;
    }
    *n = x->wrappers[match->index].nsites;
    return x->wrappers[match->index].sites;
}

bool svc_xref_site_outside_tasks_service(const svc_xref *x, const svc_xref_site *site)
{
    const svc_model *m = x->model;
    return m->tasks_service < 0 || m->files[site->file].service != m->tasks_service;
}

/* ---- lookup ------------------------------------------------------------------------ */

typedef SVC_VEC(svc_xref_match) match_vec;

static void match_all(const svc_model *m, match_vec *out, bool (*pred)(const char *, const char *), const char *name)
{
    for (size_t t = 0; t < m->ntasks; t++)
        if (pred(m->tasks[t].dotted, name)) svc_vec_push(out, ((svc_xref_match){ true, t }));
    for (size_t w = 0; w < m->nwrappers; w++)
        if (pred(m->wrappers[w].dotted, name)) svc_vec_push(out, ((svc_xref_match){ false, w }));
}

static bool same(const char *dotted, const char *name)
{
    return strcmp(dotted, name) == 0;
}

static bool dotted_suffix(const char *dotted, const char *name)
{
    size_t dn = strlen(dotted), nn = strlen(name);
    return nn && dn > nn && dotted[dn - nn - 1] == '.' && strcmp(dotted + dn - nn, name) == 0;
}

size_t svc_xref_lookup(const svc_xref *x, const char *name, svc_xref_match **out)
{
    const svc_model *m = x->model;
    match_vec v = { 0 };
    *out = NULL;
    if (!name || !*name) return 0;
    const char *colon = strchr(name, ':');
    if (colon && colon[1]) {
        /* PATH:NAME, for files that are not importable (their defs share bare names) */
        size_t plen = (size_t)(colon - name);
        const char *qual = colon + 1;
        for (size_t t = 0; t < m->ntasks; t++) {
            const svc_file *f = &m->files[m->tasks[t].at.file];
            const char *q = m->tasks[t].name;
            if (strlen(f->path) == plen && strncmp(f->path, name, plen) == 0 && strcmp(q, qual) == 0)
                svc_vec_push(&v, ((svc_xref_match){ true, t }));
        }
        for (size_t w = 0; w < m->nwrappers; w++) {
            const svc_file *f = &m->files[m->wrappers[w].at.file];
            const char *q = f->facts->defs[m->wrappers[w].at.def].qualname;
            if (strlen(f->path) == plen && strncmp(f->path, name, plen) == 0 && strcmp(q, qual) == 0)
                svc_vec_push(&v, ((svc_xref_match){ false, w }));
        }
        if (v.len) {
            *out = v.items;
            return v.len;
        }
    }
    match_all(m, &v, same, name);
    if (!v.len) {
        const char *resolved = svc_model_resolve(m, name);
        if (resolved && strcmp(resolved, name) != 0) match_all(m, &v, same, resolved);
    }
    if (!v.len) match_all(m, &v, dotted_suffix, name);
    if (!v.len)
        for (size_t t = 0; t < m->ntasks; t++)
            if (m->tasks[t].celery_name && strcmp(m->tasks[t].celery_name, name) == 0)
                svc_vec_push(&v, ((svc_xref_match){ true, t }));
    *out = v.items;
    return v.len;
}

/* ---- source lines -------------------------------------------------------------------- */

typedef struct reader_file {
    bool loaded;
    char *bytes;
    size_t len;
    size_t *starts;  /* byte offset of each line */
    size_t nlines;
} reader_file;

struct svc_xref_reader {
    const svc_model *model;
    reader_file *files;
    svc_arena *arena;
};

svc_xref_reader *svc_xref_reader_new(const svc_model *m)
{
    svc_xref_reader *r = svc_xcalloc(1, sizeof *r);
    r->model = m;
    r->files = svc_xcalloc(m->nfiles ? m->nfiles : 1, sizeof *r->files);
    r->arena = svc_arena_new();
    return r;
}

static void reader_load(svc_xref_reader *r, size_t file)
{
    reader_file *rf = &r->files[file];
    rf->loaded = true;
    long at = svc_source_find(r->model->source, r->model->files[file].path);
    svc_error err = SVC_ERROR_INIT;
    if (at < 0 || svc_source_read(r->model->source, (size_t)at, &rf->bytes, &rf->len, &err) < 0) {
        rf->bytes = NULL;
        rf->len = 0;
        return;
    }
    SVC_VEC(size_t) starts = { 0 };
    size_t first = rf->len >= 3 && memcmp(rf->bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    svc_vec_push(&starts, first);
    for (size_t i = first; i < rf->len; i++) {
        /* \n, \r\n and a lone \r end a line, as for the parser */
        if (rf->bytes[i] == '\r' && i + 1 < rf->len && rf->bytes[i + 1] == '\n') i++;
        if (rf->bytes[i] == '\n' || rf->bytes[i] == '\r') svc_vec_push(&starts, i + 1);
    }
    rf->starts = starts.items;
    rf->nlines = starts.len;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

const char *svc_xref_reader_line(svc_xref_reader *r, size_t file, uint32_t line)
{
    if (file >= r->model->nfiles || line == 0) return "";
    reader_file *rf = &r->files[file];
    if (!rf->loaded) reader_load(r, file);
    if (!rf->bytes || line > rf->nlines) return "";
    size_t b = rf->starts[line - 1];
    size_t e = line < rf->nlines ? rf->starts[line] : rf->len;
    while (b < e && is_space(rf->bytes[b])) b++;
    while (e > b && (is_space(rf->bytes[e - 1]) || rf->bytes[e - 1] == '\0')) e--;
    return svc_arena_strndup(r->arena, rf->bytes + b, e - b);
}

void svc_xref_reader_free(svc_xref_reader *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->model->nfiles; i++) {
        free(r->files[i].bytes);
        free(r->files[i].starts);
    }
    free(r->files);
    svc_arena_free(r->arena);
    free(r);
}
