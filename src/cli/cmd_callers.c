/* svcscope callers: who triggers a Celery task (through its delay_ wrappers or directly), from where. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svcscope/query.h"
#include "svcscope/util.h"
#include "svcscope/xref.h"

typedef struct callers_ctx {
    const svc_model *m;
    svc_query *q;
    const svc_xref *x;
    svc_xref_reader *reader;
    bool no_tests;
} callers_ctx;

/* The sites of one wrapper (or, with -1, the task's direct uses) among a target's triggers. */
typedef struct site_list {
    const svc_query_trigger *items;
    size_t n;
    long wrapper;
} site_list;

static size_t count_sites(site_list sites)
{
    size_t k = 0;
    for (size_t i = 0; i < sites.n; i++) k += sites.items[i].wrapper == sites.wrapper;
    return k;
}

static const char *def_name(const svc_model *m, svc_defref at)
{
    return m->files[at.file].facts->defs[at.def].name;
}

static uint32_t def_line(const svc_model *m, svc_defref at)
{
    return m->files[at.file].facts->defs[at.def].name_span.row + 1;
}

/* ---- text --------------------------------------------------------------------------- */

static void print_sites(callers_ctx *c, site_list sites)
{
    for (size_t i = 0; i < sites.n; i++) {
        if (sites.items[i].wrapper != sites.wrapper) continue;
        const svc_xref_site *s = &sites.items[i].site;
        const char *label = svc_query_trigger_label(c->q, &sites.items[i]);
        printf("%s:%u:%u: in %s: %s%s%s%s\n", svc_quoted_path(s->path), s->line, s->column, svc_quoted_text(s->enclosing),
               svc_quoted_text(svc_xref_reader_line(c->reader, s->file, s->line)), label ? "  [" : "", label ? label : "",
               label ? "]" : "");
    }
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void print_wrapper(callers_ctx *c, size_t w, site_list sites)
{
    const svc_wrapper *wr = &c->m->wrappers[w];
    const svc_task *task = &c->m->tasks[wr->task];
    size_t n = count_sites(sites);
    printf("%s -> %s  (%zu %s)\n", svc_quoted_text(wr->dotted), svc_quoted_text(task->name), n,
           plural(n, "call site", "call sites"));
    if (n == 0) printf("  no call sites: nothing in the repository%s calls %s\n", c->no_tests ? " outside tests" : "",
                       svc_quoted_text(def_name(c->m, wr->at)));
    print_sites(c, sites);
}

/* Beat queues the task, never its wrapper: a wrapper's callers say where to look. */
static void print_wrapper_beat_note(callers_ctx *c, size_t w)
{
    const svc_task *task = &c->m->tasks[c->m->wrappers[w].task];
    const svc_beat_entry **beat = NULL;
    size_t n = svc_model_beat_of_task(c->m, c->m->wrappers[w].task, &beat);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) shown += !(c->no_tests && c->m->files[beat[i]->file].is_test);
    free(beat);
    if (shown)
        printf("\ncelery beat also queues %s (%zu beat schedule %s): svcscope callers %s\n",
               svc_quoted_text(task->name), shown, plural(shown, "entry", "entries"), svc_quoted_text(task->dotted));
}

/* The note after a beat entry's source line: what made it an entry, and its name. */
static const char *beat_note(const svc_beat_entry *e, char *buf, size_t size)
{
    const char *what = svc_query_beat_label(e);
    if (e->name) snprintf(buf, size, "  [%s \"%s\"]", what, svc_quoted_text(e->name));
    else snprintf(buf, size, "  [%s]", what);
    return buf;
}

/* The beat schedule entries that queue the task: celery beat queues it by its registered name. */
static void print_beat(callers_ctx *c, const svc_query_triggers *triggers)
{
    if (!triggers->nbeat) return;
    printf("\nbeat schedule  (%zu %s)\n", triggers->nbeat, plural(triggers->nbeat, "entry", "entries"));
    for (size_t i = 0; i < triggers->nbeat; i++) {
        const svc_beat_entry *e = triggers->beat[i];
        char note[512];
        printf("%s:%u:%u: in %s: %s%s\n", svc_quoted_path(e->path), e->line, e->column,
               svc_quoted_text(e->enclosing), svc_quoted_text(svc_xref_reader_line(c->reader, e->file, e->line)),
               beat_note(e, note, sizeof note));
    }
}

static void print_task(callers_ctx *c, size_t t, const svc_query_triggers *triggers)
{
    const svc_model *m = c->m;
    const svc_task *task = &m->tasks[t];
    const svc_xref_task *xt = &c->x->tasks[t];
    printf("task %s  %s:%u", svc_quoted_text(task->dotted), svc_quoted_path(m->files[task->at.file].path),
           task->name_span.row + 1);
    if (task->celery_name) printf("  (Celery name \"%s\")", svc_quoted_text(task->celery_name));
    putchar('\n');
    for (size_t i = 0; i < xt->ncallees; i++) {
        const svc_xref_callee *ce = &xt->callees[i];
        if (svc_query_callee_repeats(xt, i)) continue;
        printf("  runs %s  (%s:%u)\n", svc_quoted_text(ce->dotted), svc_quoted_path(m->files[ce->def.file].path),
               def_line(m, ce->def));
    }
    if (!task->nwrappers)
        printf("  no wrapper: nothing in %s calls %s.delay\n", svc_quoted_path(m->files[task->at.file].path),
               svc_quoted_text(task->name));
    size_t total = 0;
    for (size_t i = 0; i < task->nwrappers; i++) {
        site_list sites = { triggers->items, triggers->n, (long)task->wrappers[i] };
        putchar('\n');
        print_wrapper(c, task->wrappers[i], sites);
        total += count_sites(sites);
    }
    site_list direct = { triggers->items, triggers->n, -1 };
    size_t nd = count_sites(direct);
    total += nd;
    if (nd) {
        printf("\ndirect uses of %s outside its wrappers  (%zu %s)\n", svc_quoted_text(def_name(m, task->at)), nd,
               plural(nd, "site", "sites"));
        print_sites(c, direct);
    }
    print_beat(c, triggers);
    if (total == 0 && triggers->nbeat == 0)
        printf("\n%s has no callers: no wrapper of it is called, nothing calls its .delay/.apply_async%s\n"
               "and no beat schedule entry names it (only send_task with a name built at run time could\n"
               "still run it)\n",
               svc_quoted_text(task->dotted), c->no_tests ? " outside tests" : "");
}

/* ---- json --------------------------------------------------------------------------- */

static json_t *json_location(const svc_model *m, svc_defref at)
{
    const svc_def *d = &m->files[at.file].facts->defs[at.def];
    return json_pack("{s:s, s:I, s:I}", "filename", m->files[at.file].path, "row", (json_int_t)d->name_span.row + 1,
                     "column", (json_int_t)d->name_span.col + 1);
}

static json_t *json_sites(callers_ctx *c, site_list sites)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < sites.n; i++) {
        if (sites.items[i].wrapper != sites.wrapper) continue;
        const svc_xref_site *s = &sites.items[i].site;
        json_t *o = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s}", "filename", s->path, "row", (json_int_t)s->line,
                              "column", (json_int_t)s->column, "enclosing", s->enclosing, "kind",
                              svc_xref_kind_name(s->kind), "source", svc_xref_reader_line(c->reader, s->file, s->line));
        json_object_set_new(o, "outside_tasks_service", json_boolean(svc_xref_site_outside_tasks_service(c->x, s)));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *json_wrapper(callers_ctx *c, size_t w, site_list sites)
{
    const svc_wrapper *wr = &c->m->wrappers[w];
    json_t *o = json_pack("{s:s, s:s, s:s, s:o}", "name", wr->dotted, "kind", "wrapper", "task",
                          c->m->tasks[wr->task].dotted, "location", json_location(c->m, wr->at));
    json_object_set_new(o, "sites", json_sites(c, sites));
    return o;
}

/* The task's beat schedule entries: {name, task, origin, filename, row, column, enclosing, source}. */
static json_t *json_beat(callers_ctx *c, const svc_query_triggers *triggers)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < triggers->nbeat; i++) {
        const svc_beat_entry *e = triggers->beat[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", e->name ? json_string(e->name) : json_null());
        json_object_set_new(o, "task", json_string(e->task_name));
        json_object_set_new(o, "origin", json_string(e->origin == SVC_BEAT_PERIODIC_TASK ? "add_periodic_task"
                                                                                          : "beat_schedule"));
        json_object_set_new(o, "filename", json_string(e->path));
        json_object_set_new(o, "row", json_integer((json_int_t)e->line));
        json_object_set_new(o, "column", json_integer((json_int_t)e->column));
        json_object_set_new(o, "enclosing", json_string(e->enclosing));
        json_object_set_new(o, "source", json_string(svc_xref_reader_line(c->reader, e->file, e->line)));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *json_task(callers_ctx *c, size_t t, const svc_query_triggers *triggers)
{
    const svc_model *m = c->m;
    const svc_task *task = &m->tasks[t];
    const svc_xref_task *xt = &c->x->tasks[t];
    json_t *o = json_pack("{s:s, s:s, s:o}", "name", task->dotted, "kind", "task", "location",
                          json_location(m, task->at));
    json_object_set_new(o, "celery_name", task->celery_name ? json_string(task->celery_name) : json_null());
    json_t *wrappers = json_array();
    for (size_t i = 0; i < task->nwrappers; i++)
        json_array_append_new(wrappers, json_string(m->wrappers[task->wrappers[i]].dotted));
    json_object_set_new(o, "wrappers", wrappers);
    json_t *calls = json_array();
    for (size_t i = 0; i < xt->ncallees; i++) {
        const svc_xref_callee *ce = &xt->callees[i];
        json_array_append_new(calls, json_pack("{s:s, s:o, s:{s:I, s:I}}", "name", ce->dotted, "location",
                                               json_location(m, ce->def), "called_at", "row",
                                               (json_int_t)ce->site.line, "column", (json_int_t)ce->site.column));
    }
    json_object_set_new(o, "calls", calls);
    json_object_set_new(o, "sites", json_sites(c, (site_list){ triggers->items, triggers->n, -1 }));
    json_object_set_new(o, "beat", json_beat(c, triggers));
    return o;
}

/* ---- lookup --------------------------------------------------------------------------- */

static void print_candidates(const svc_model *m, const char *name, const svc_xref_match *matches, size_t n)
{
    cli_error("callers: '%s' is ambiguous; it names %zu things:", name, n);
    for (size_t i = 0; i < n; i++) {
        svc_defref at = matches[i].is_task ? m->tasks[matches[i].index].at : m->wrappers[matches[i].index].at;
        const char *dotted = matches[i].is_task ? m->tasks[matches[i].index].dotted : m->wrappers[matches[i].index].dotted;
        fprintf(stderr, "  %s  (%s, %s:%u)\n", svc_quoted_text(dotted), matches[i].is_task ? "task" : "wrapper",
                svc_quoted_path(m->files[at.file].path), def_line(m, at));
    }
    svc_defref first = matches[0].is_task ? m->tasks[matches[0].index].at : m->wrappers[matches[0].index].at;
    fprintf(stderr, "give one of these dotted names instead, or PATH:NAME (%s:%s)\n",
            svc_quoted_path(m->files[first.file].path), svc_quoted_text(def_name(m, first)));
}

int cmd_callers(int argc, char **argv)
{
    enum { CALLERS_TEXT, CALLERS_JSON };
    static const cli_choice formats[] = { { "text", CALLERS_TEXT }, { "json", CALLERS_JSON }, { NULL, 0 } };
    int format = CALLERS_TEXT;
    bool no_tests = false, staged = false;
    cli_repo_options ro = { 0 };
    const cli_option options[] = {
        { "format", .metavar = "FORMAT", .help = "text (default): path:line:col: in FUNCTION: SOURCE per site; or json",
          .choices = formats, .choice = &format },
        { "no-tests", .help = "leave out sites in test modules", .flag = &no_tests },
        CLI_STAGED_OPTION(&staged),
        CLI_REV_OPTION(&ro.rev),
        CLI_HELP_OPTION,
        { NULL },
    };
    const cli_args_spec spec = {
        .command = "callers",
        .options = options,
        .conflicts = cli_staged_rev_conflicts,
        .synopsis =
            "usage: svcscope callers [--format text|json] [--no-tests] [--staged | --rev REV] NAME [PATH]\n"
            "\n"
            "Shows who triggers a Celery task, and from where. NAME is a task or a wrapper: bare\n"
            "(delay_send_welcome, _send_welcome), dotted (services.tasks.email_tasks.delay_send_welcome,\n"
            "email_tasks.delay_send_welcome), PATH:NAME, or a task's Celery name. For a task: each of\n"
            "its wrappers with their call sites, the direct .delay/.apply_async (and other uses) outside\n"
            "the wrappers, the Celery beat schedule entries that queue it (beat_schedule and\n"
            "CELERY_BEAT_SCHEDULE dicts, add_periodic_task), and the functions of the repository its body\n"
            "runs. For a wrapper: its call sites. Names are resolved (aliases, relative imports, re-exports, wrappers passed as values),\n"
            "not grepped. PATH (default: .) is any folder of the project.\n"
            "\n",
        .epilogue = "\n"
                    "exit status: 0 found (even with no callers), 2 unknown or ambiguous NAME, usage or I/O error\n",
        .help_column = 19,
    };
    int first_operand, status;
    if (!cli_args_parse(&spec, argc, argv, &first_operand, &status)) return status;
    bool json = format == CALLERS_JSON;
    ro.kind = cli_source_kind(staged, ro.rev);
    if (first_operand >= argc) {
        cli_error("callers: which task or wrapper? (svcscope callers NAME [PATH]; `svcscope tree` lists them)");
        return EXIT_ERROR;
    }
    if (argc - first_operand > 2) {
        cli_error("callers: one NAME and one PATH at most");
        return EXIT_ERROR;
    }
    const char *name = argv[first_operand];
    char *root = cli_find_root(first_operand + 1 < argc ? argv[first_operand + 1] : ".");
    if (!root) return EXIT_ERROR;
    ro.path = root;
    cli_repo repo;
    int rc = cli_repo_open(&repo, &ro);
    free(root);
    if (rc != EXIT_CLEAN) return EXIT_ERROR;

    svc_query *q = svc_query_new(repo.model, NULL);
    svc_xref_match *matches = NULL;
    size_t n = svc_query_lookup(q, name, &matches);
    rc = EXIT_CLEAN;
    if (n == 0) {
        cli_error("no task or wrapper named %s; `svcscope tree` lists them", name);
        rc = EXIT_ERROR;
    } else if (n > 1) {
        print_candidates(repo.model, name, matches, n);
        rc = EXIT_ERROR;
    } else {
        callers_ctx ctx = { repo.model, q, svc_query_xref(q), svc_xref_reader_new(repo.model), no_tests };
        svc_query_triggers *triggers = svc_query_triggers_new(q, matches[0], no_tests);
        site_list wrapper_sites = { triggers->items, triggers->n, (long)matches[0].index };
        if (json) {
            json_t *arr = json_array();
            if (matches[0].is_task) {
                const svc_task *task = &repo.model->tasks[matches[0].index];
                for (size_t i = 0; i < task->nwrappers; i++)
                    json_array_append_new(arr, json_wrapper(&ctx, task->wrappers[i],
                                                            (site_list){ triggers->items, triggers->n,
                                                                         (long)task->wrappers[i] }));
                json_array_append_new(arr, json_task(&ctx, matches[0].index, triggers));
            } else {
                json_array_append_new(arr, json_wrapper(&ctx, matches[0].index, wrapper_sites));
            }
            char *text = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            char *safe = svc_quote_json(text);
            puts(safe);
            free(safe);
            free(text);
            json_decref(arr);
        } else if (matches[0].is_task) {
            print_task(&ctx, matches[0].index, triggers);
        } else {
            print_wrapper(&ctx, matches[0].index, wrapper_sites);
            print_wrapper_beat_note(&ctx, matches[0].index);
        }
        svc_query_triggers_free(triggers);
        svc_xref_reader_free(ctx.reader);
    }
    free(matches);
    svc_query_free(q);
    cli_repo_close(&repo);
    return rc;
}
