/* The query API (include/svcscope/query.h) on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testlib.h"
#include "svcscope/query.h"
#include "svcscope/util.h"

static const tl_file shop[] = {
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "services/__init__.py", "" },
    { "services/billing/__init__.py",
      "from .errors import PaymentError\n"                       /* 1 */
      "from .invoices import create_invoice as make_invoice\n"   /* 2 */
      "from .invoices import *\n"                                /* 3 */
      "LIMIT = 10\n"                                             /* 4 */
      "__all__ = ['PaymentError', 'make_invoice', 'LIMIT', 'missing']\n" },
    { "services/billing/errors.py",
      "class BillingError(Exception):\n"                         /* 1 */
      "    pass\n"
      "\n"
      "\n"
      "class PaymentError(BillingError):\n"                      /* 5 */
      "    pass\n" },
    { "services/billing/invoices.py",
      "from . import errors\n"                                   /* 1 */
      "\n"
      "def create_invoice(order):\n"                             /* 3 */
      "    raise errors.PaymentError(order)\n"
      "\n"
      "def total(invoice):\n"                                    /* 6 */
      "    return 0\n" },
    { "services/shipping/__init__.py", "" },
    { "services/shipping/labels.py",
      "from ..billing.errors import BillingError\n"              /* 1: relative */
      "\n"
      "def label(x):\n"
      "    raise BillingError(x)\n" },                           /* 4 */
    { "services/tasks/__init__.py", "from .email_tasks import delay_send_welcome\n" },
    { "services/tasks/email_tasks.py",
      "from shop.celery import app\n"                            /* 1 */
      "\n"
      "@app.task\n"
      "def _send_welcome(user_id):\n"                            /* 4 */
      "    pass\n"                                               /* 5 */
      "\n"
      "def delay_send_welcome(user_id):\n"                       /* 7 */
      "    return _send_welcome.delay(user_id)\n" },             /* 8 */
    { "orders/__init__.py", "" },
    { "orders/apps.py", "from django.apps import AppConfig\nclass OrdersConfig(AppConfig):\n    name = \"orders\"\n" },
    { "orders/views.py",
      "from services import billing\n"                                   /* 1 */
      "from services.billing import PaymentError, make_invoice as mk\n"  /* 2 */
      "from services.tasks import delay_send_welcome as welcome\n"       /* 3 */
      "import services.billing.invoices\n"                               /* 4 */
      "\n"                                                               /* 5 */
      "def checkout(order):\n"                                           /* 6 */
      "    try:\n"                                                       /* 7 */
      "        mk(order)\n"                                              /* 8 */
      "    except PaymentError:\n"                                       /* 9 */
      "        billing.total(order)\n"                                   /* 10 */
      "    welcome(order.id)\n"                                          /* 11 */
      "    services.billing.invoices.total(order)\n" },                  /* 12 */
    { "scripts/run.py",
      "from services.billing.invoices import total\n"                    /* 1 */
      "from services.tasks.email_tasks import _send_welcome\n"           /* 2 */
      "total(1)\n"
      "_send_welcome.delay(1)\n" },                                      /* 4 */
    { NULL, NULL },
};

typedef struct fixture {
    char *root;
    tl_repo repo;
    svc_query *q;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->root = tl_tempdir();
    tl_write_files(f->root, shop);
    tl_repo_open(&f->repo, f->root);
    f->q = svc_query_new(f->repo.model, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    svc_query_free(f->q);
    tl_repo_close(&f->repo);
    tl_rmrf(f->root);
    free(f->root);
    free(f);
    return 0;
}

static size_t file_index(const svc_model *m, const char *path)
{
    long i = svc_model_file(m, path);
    if (i < 0) fail_msg("no file %s", path);
    return (size_t)i;
}

/* The name at a 1-based line and 1-based column, which must exist. */
static svc_query_names *at(fixture *f, const char *path, uint32_t line, uint32_t column)
{
    svc_query_names *n = svc_query_at(f->q, file_index(f->repo.model, path), line - 1, column - 1);
    if (n->n != 1) fail_msg("nothing at %s:%u:%u", path, line, column);
    return n;
}

static void expect_definition(const svc_query_definition *d, svc_query_kind kind, const char *path, uint32_t line)
{
    assert_int_equal(d->kind, kind);
    assert_string_equal(d->name.path, path);
    assert_int_equal(d->name.line, line);
}

static void test_at_position(void **state)
{
    fixture *f = *state;
    /* an alias of an import that is itself an alias of a re-export */
    svc_query_names *n = at(f, "orders/views.py", 8, 9);
    assert_int_equal(n->items[0].role, SVC_QUERY_NAME_USE);
    assert_string_equal(n->items[0].text, "mk");
    assert_string_equal(n->items[0].enclosing, "checkout");
    assert_true(n->items[0].flags & SVC_REF_CALLED);
    assert_true(n->items[0].defined);
    expect_definition(&n->items[0].definition, SVC_QUERY_FUNCTION, "services/billing/invoices.py", 3);
    assert_string_equal(n->items[0].definition.dotted, "services.billing.invoices.create_invoice");
    svc_query_names_free(n);

    /* components of a chain: the package, then a name it re-exports through `import *` */
    n = at(f, "orders/views.py", 10, 9);
    assert_string_equal(n->items[0].text, "billing");
    assert_string_equal(n->items[0].dotted, "services.billing");
    assert_int_equal(n->items[0].place.column, 9);
    assert_int_equal(n->items[0].place.end_column, 16);
    expect_definition(&n->items[0].definition, SVC_QUERY_SERVICE, "services/billing/__init__.py", 1);
    svc_query_names_free(n);
    n = at(f, "orders/views.py", 10, 17);
    assert_string_equal(n->items[0].text, "billing.total");
    expect_definition(&n->items[0].definition, SVC_QUERY_FUNCTION, "services/billing/invoices.py", 6);
    svc_query_names_free(n);
    n = at(f, "orders/views.py", 12, 23);
    assert_string_equal(n->items[0].text, "services.billing.invoices");
    expect_definition(&n->items[0].definition, SVC_QUERY_MODULE, "services/billing/invoices.py", 1);
    svc_query_names_free(n);

    /* an exception re-exported by the service */
    n = at(f, "orders/views.py", 9, 12);
    expect_definition(&n->items[0].definition, SVC_QUERY_EXCEPTION, "services/billing/errors.py", 5);
    svc_query_names_free(n);

    /* a relative import, and the name it binds */
    n = at(f, "services/shipping/labels.py", 4, 11);
    expect_definition(&n->items[0].definition, SVC_QUERY_EXCEPTION, "services/billing/errors.py", 1);
    svc_query_names_free(n);
    n = at(f, "services/shipping/labels.py", 1, 32);
    assert_int_equal(n->items[0].role, SVC_QUERY_NAME_IMPORT);
    assert_string_equal(n->items[0].dotted, "services.billing.errors.BillingError");
    svc_query_names_free(n);

    /* imports: an aliased name, the module of a from-import, a component of `import a.b.c` */
    n = at(f, "orders/views.py", 3, 30);
    assert_int_equal(n->items[0].role, SVC_QUERY_NAME_IMPORT);
    expect_definition(&n->items[0].definition, SVC_QUERY_WRAPPER, "services/tasks/email_tasks.py", 7);
    svc_query_names_free(n);
    n = at(f, "orders/views.py", 2, 8);
    assert_string_equal(n->items[0].dotted, "services.billing");
    assert_int_equal(n->items[0].kind, SVC_QUERY_SERVICE);
    svc_query_names_free(n);
    n = at(f, "orders/views.py", 4, 17);
    assert_string_equal(n->items[0].dotted, "services.billing");
    svc_query_names_free(n);

    /* a def's own name; a task's */
    n = at(f, "orders/views.py", 6, 5);
    assert_int_equal(n->items[0].role, SVC_QUERY_NAME_DEF);
    assert_string_equal(n->items[0].dotted, "orders.views.checkout");
    svc_query_names_free(n);
    n = at(f, "services/tasks/email_tasks.py", 4, 6);
    assert_int_equal(n->items[0].kind, SVC_QUERY_TASK);
    svc_query_names_free(n);

    /* a parameter is nothing of the repository; a keyword is nothing at all */
    n = at(f, "orders/views.py", 11, 13);
    assert_null(n->items[0].dotted);
    assert_false(n->items[0].defined);
    assert_int_equal(n->items[0].kind, SVC_QUERY_EXTERNAL);
    svc_query_names_free(n);
    n = svc_query_at(f->q, file_index(f->repo.model, "orders/views.py"), 6, 4);
    assert_int_equal(n->n, 0);
    svc_query_names_free(n);
}

static void test_line(void **state)
{
    fixture *f = *state;
    size_t views = file_index(f->repo.model, "orders/views.py");
    svc_query_names *n = svc_query_line(f->q, views, 1);
    assert_int_equal(n->n, 3);
    assert_string_equal(n->items[0].dotted, "services.billing");
    assert_string_equal(n->items[1].text, "PaymentError");
    assert_int_equal(n->items[1].kind, SVC_QUERY_EXCEPTION);
    assert_string_equal(n->items[2].dotted, "services.billing.make_invoice");
    assert_int_equal(n->items[2].kind, SVC_QUERY_FUNCTION);
    svc_query_names_free(n);
    n = svc_query_line(f->q, views, 9);
    assert_int_equal(n->n, 2);
    assert_string_equal(n->items[0].text, "billing.total");
    assert_int_equal(n->items[0].kind, SVC_QUERY_FUNCTION);
    assert_string_equal(n->items[1].text, "order");
    assert_int_equal(n->items[1].kind, SVC_QUERY_EXTERNAL);
    svc_query_names_free(n);
}

static void test_definition(void **state)
{
    fixture *f = *state;
    svc_query_definition d;
    assert_true(svc_query_define(f->q, "services.billing.PaymentError", &d));
    expect_definition(&d, SVC_QUERY_EXCEPTION, "services/billing/errors.py", 5);
    assert_string_equal(d.dotted, "services.billing.errors.PaymentError");
    assert_int_equal(d.span.line, 5);
    assert_int_equal(d.span.end_line, 6);
    assert_true(svc_query_define(f->q, "services.billing", &d));
    expect_definition(&d, SVC_QUERY_SERVICE, "services/billing/__init__.py", 1);
    assert_string_equal(f->repo.model->services[d.index].name, "billing");
    assert_true(svc_query_define(f->q, "orders", &d));
    assert_int_equal(d.kind, SVC_QUERY_APP);
    assert_true(svc_query_define(f->q, "services", &d));
    assert_int_equal(d.kind, SVC_QUERY_PACKAGE);
    assert_true(svc_query_define(f->q, "services.billing.LIMIT", &d));
    expect_definition(&d, SVC_QUERY_VARIABLE, "services/billing/__init__.py", 4);
    assert_int_equal(d.name.end_column, 6);
    assert_true(svc_query_define(f->q, "services.tasks.delay_send_welcome", &d));
    expect_definition(&d, SVC_QUERY_WRAPPER, "services/tasks/email_tasks.py", 7);
    assert_true(svc_query_define(f->q, "services.billing.total", &d)); /* through `import *` */
    expect_definition(&d, SVC_QUERY_FUNCTION, "services/billing/invoices.py", 6);
    /* asked again, the same answer without new strings */
    svc_query_definition again;
    assert_true(svc_query_define(f->q, "services.billing.total", &again));
    assert_ptr_equal(again.dotted, d.dotted);
    assert_false(svc_query_define(f->q, "django.db", &d));
    assert_false(svc_query_define(f->q, "services.billing.missing", &d));
}

static void test_triggers(void **state)
{
    fixture *f = *state;
    const svc_model *m = f->repo.model;
    size_t views = file_index(m, "orders/views.py");
    size_t tasks = file_index(m, "services/tasks/email_tasks.py");
    svc_xref_match match;
    /* a call of the wrapper under an alias */
    assert_true(svc_query_task_at(f->q, views, 10, 4, &match));
    assert_false(match.is_task);
    assert_string_equal(m->wrappers[match.index].dotted, "services.tasks.email_tasks.delay_send_welcome");
    /* anywhere on that line */
    assert_true(svc_query_task_at(f->q, views, 10, 0, &match));
    assert_false(match.is_task);
    /* `task.delay(...)`, the task's name, its body */
    assert_true(svc_query_task_at(f->q, file_index(m, "scripts/run.py"), 3, 16, &match));
    assert_true(match.is_task);
    assert_true(svc_query_task_at(f->q, tasks, 3, 5, &match));
    assert_true(match.is_task);
    assert_true(svc_query_task_at(f->q, tasks, 4, 4, &match));
    assert_true(match.is_task);
    /* an import of the wrapper */
    assert_true(svc_query_task_at(f->q, views, 2, 30, &match));
    assert_false(match.is_task);
    /* elsewhere: nothing */
    assert_false(svc_query_task_at(f->q, views, 7, 8, &match));

    svc_xref_match *found = NULL;
    assert_int_equal(svc_query_lookup(f->q, "_send_welcome", &found), 1);
    svc_query_triggers *t = svc_query_triggers_new(f->q, found[0], false);
    free(found);
    assert_int_equal(t->n, 2);
    assert_string_equal(t->items[0].site.path, "orders/views.py");
    assert_int_equal(t->items[0].site.line, 11);
    assert_string_equal(t->items[0].site.enclosing, "checkout");
    assert_true(t->items[0].wrapper >= 0);
    assert_true(t->items[0].queues);
    assert_false(t->items[0].outside_tasks_service);
    assert_string_equal(t->items[1].site.path, "scripts/run.py");
    assert_int_equal(t->items[1].site.kind, SVC_XREF_DELAY);
    assert_int_equal(t->items[1].wrapper, -1);
    assert_true(t->items[1].outside_tasks_service);
    assert_int_equal(t->nqueued, 2);
    /* labelled as `svcscope callers` and the explorer word them; the .delay outside is flagged */
    assert_null(svc_query_trigger_label(f->q, &t->items[0]));
    assert_false(svc_query_trigger_flagged(f->q, &t->items[0]));
    assert_string_equal(svc_query_trigger_label(f->q, &t->items[1]), ".delay outside the tasks service");
    assert_true(svc_query_trigger_flagged(f->q, &t->items[1]));
    svc_query_trigger in_process = t->items[1];
    in_process.site.kind = SVC_XREF_CALL;
    assert_string_equal(svc_query_trigger_label(f->q, &in_process), "called in-process, not queued");
    assert_false(svc_query_trigger_flagged(f->q, &in_process));
    svc_query_trigger value = t->items[0];
    value.site.kind = SVC_XREF_VALUE;
    assert_string_equal(svc_query_trigger_label(f->q, &value), "passed as a value");
    svc_query_triggers_free(t);
}

static void test_importers(void **state)
{
    fixture *f = *state;
    svc_query_importers *imp = svc_query_importers_new(f->q, "services.billing");
    assert_int_equal(imp->total, 6);
    assert_int_equal(imp->ngroups, 3);
    assert_int_equal(imp->groups[0].kind, SVC_QUERY_IMPORTER_APP);
    assert_string_equal(imp->groups[0].name, "orders");
    assert_int_equal(imp->groups[0].n, 4);
    assert_int_equal(imp->groups[0].sites[0].place.line, 1);
    assert_string_equal(imp->groups[0].sites[0].imported, "services.billing");
    assert_string_equal(imp->groups[0].sites[1].imported, "services.billing.PaymentError");
    assert_int_equal(imp->groups[0].sites[3].place.line, 4);
    assert_int_equal(imp->groups[1].kind, SVC_QUERY_IMPORTER_SERVICE);
    assert_string_equal(imp->groups[1].name, "shipping");
    assert_int_equal(imp->groups[1].n, 1);
    assert_string_equal(imp->groups[1].sites[0].imported, "services.billing.errors.BillingError");
    assert_int_equal(imp->groups[2].kind, SVC_QUERY_IMPORTER_PACKAGE);
    assert_string_equal(imp->groups[2].name, "scripts");
    assert_int_equal(imp->groups[2].n, 1);
    svc_query_importers_free(imp);

    /* a module: the modules of its own service count, it does not import itself */
    imp = svc_query_importers_new(f->q, "services.billing.errors");
    assert_int_equal(imp->total, 3);
    assert_int_equal(imp->ngroups, 2);
    assert_string_equal(imp->groups[0].name, "billing");
    assert_int_equal(imp->groups[0].n, 2);
    assert_string_equal(imp->groups[0].sites[1].place.path, "services/billing/invoices.py");
    assert_string_equal(imp->groups[1].name, "shipping");
    svc_query_importers_free(imp);
    imp = svc_query_importers_new(f->q, "nothing.here");
    assert_int_equal(imp->total, 0);
    assert_int_equal(imp->ngroups, 0);
    svc_query_importers_free(imp);
}

/* Every app and service at once: the edges between them, with the sites of each. */
static void test_dependencies(void **state)
{
    fixture *f = *state;
    svc_query_dependencies *d = svc_query_dependencies_new(f->q);
    assert_int_equal(d->nnodes, 4);
    assert_int_equal(d->nodes[0].kind, SVC_QUERY_IMPORTER_APP);
    assert_string_equal(d->nodes[0].name, "orders");
    assert_string_equal(d->nodes[1].name, "billing");
    assert_string_equal(d->nodes[2].name, "shipping");
    assert_string_equal(d->nodes[3].name, "tasks");
    assert_int_equal(d->nodes[3].kind, SVC_QUERY_IMPORTER_SERVICE);
    /* scripts is neither an app nor a service; billing's own imports are no edge */
    assert_int_equal(d->nedges, 3);
    assert_int_equal(d->edges[0].from, 0);
    assert_int_equal(d->edges[0].to, 1);
    assert_int_equal(d->edges[0].n, 4);
    assert_string_equal(d->edges[0].sites[1].imported, "services.billing.PaymentError");
    assert_int_equal(d->edges[0].sites[3].place.line, 4);
    assert_int_equal(d->edges[1].from, 0);
    assert_int_equal(d->edges[1].to, 3);
    assert_int_equal(d->edges[1].n, 1);
    assert_int_equal(d->edges[1].sites[0].place.line, 3);
    assert_int_equal(d->edges[2].from, 2);
    assert_int_equal(d->edges[2].to, 1);
    assert_string_equal(d->edges[2].sites[0].place.path, "services/shipping/labels.py");
    svc_query_dependencies_free(d);
}

static const svc_query_export *export_named(const svc_query_service *s, const char *name)
{
    for (size_t i = 0; i < s->nexports; i++)
        if (strcmp(s->exports[i].name, name) == 0) return &s->exports[i];
    return NULL;
}

static void test_service_overview(void **state)
{
    fixture *f = *state;
    const svc_model *m = f->repo.model;
    size_t billing = (size_t)(tl_service_named(m, "billing") - m->services);
    svc_query_service *s = svc_query_service_new(f->q, billing);
    assert_true(s->has_all);
    assert_string_equal(s->exports[0].name, "PaymentError");
    assert_true(s->exports[0].in_all);
    assert_int_equal(s->exports[0].definition.kind, SVC_QUERY_EXCEPTION);
    assert_string_equal(s->exports[1].name, "make_invoice");
    const svc_query_export *e = export_named(s, "total");   /* through `import *` */
    assert_non_null(e);
    assert_false(e->in_all);
    assert_true(e->defined);
    e = export_named(s, "LIMIT");
    assert_non_null(e);
    assert_int_equal(e->definition.kind, SVC_QUERY_VARIABLE);
    e = export_named(s, "missing");                        /* in __all__ only */
    assert_non_null(e);
    assert_false(e->bound);
    assert_false(e->defined);
    assert_null(export_named(s, "__all__"));
    assert_int_equal(s->nmodules, 3);
    assert_int_equal(s->modules[0].kind, SVC_QUERY_SERVICE);
    assert_string_equal(s->modules[1].dotted, "services.billing.errors");
    assert_int_equal(s->nexceptions, 2);
    assert_string_equal(s->exceptions[0].definition.dotted, "services.billing.errors.BillingError");
    assert_false(s->exceptions[0].exported);
    assert_true(s->exceptions[1].exported);
    assert_int_equal(s->ntasks, 0);
    svc_query_service_free(s);

    s = svc_query_service_new(f->q, (size_t)m->tasks_service);
    assert_int_equal(s->ntasks, 1);
    assert_string_equal(s->tasks[0].definition.dotted, "services.tasks.email_tasks._send_welcome");
    assert_int_equal(s->tasks[0].nwrappers, 1);
    assert_int_equal(s->tasks[0].wrappers[0].callers, 1);
    assert_int_equal(s->tasks[0].direct, 1);
    assert_non_null(export_named(s, "delay_send_welcome"));
    svc_query_service_free(s);
    assert_null(svc_query_service_new(f->q, m->nservices));
}

static void test_module_tasks(void **state)
{
    fixture *f = *state;
    const svc_model *m = f->repo.model;
    svc_query_tasks *t = svc_query_module_tasks_new(f->q, file_index(m, "services/tasks/email_tasks.py"));
    assert_int_equal(t->n, 1);
    assert_string_equal(t->items[0].definition.dotted, "services.tasks.email_tasks._send_welcome");
    assert_int_equal(t->items[0].definition.name.line, 4);
    assert_int_equal(t->items[0].nwrappers, 1);
    assert_string_equal(t->items[0].wrappers[0].definition.dotted, "services.tasks.email_tasks.delay_send_welcome");
    assert_int_equal(t->items[0].wrappers[0].callers, 1);
    assert_int_equal(t->items[0].direct, 1);
    svc_query_tasks_free(t);
    /* A module without tasks has none; a file past the end, no answer. */
    t = svc_query_module_tasks_new(f->q, file_index(m, "services/tasks/__init__.py"));
    assert_int_equal(t->n, 0);
    svc_query_tasks_free(t);
    assert_null(svc_query_module_tasks_new(f->q, m->nfiles));
}

static const svc_query_symbol *best(const svc_query_symbols *syms, const char *pattern)
{
    svc_query_match top[4];
    size_t n = svc_query_rank(syms, pattern, top, 4);
    return n ? &syms->items[top[0].symbol] : NULL;
}

static void test_symbols(void **state)
{
    fixture *f = *state;
    svc_query_symbols *syms = svc_query_symbols_new(f->q);
    size_t kinds[SVC_QUERY_EXTERNAL + 1] = { 0 };
    for (size_t i = 0; i < syms->n; i++) kinds[syms->items[i].kind]++;
    assert_int_equal(kinds[SVC_QUERY_SERVICE], 3);
    assert_int_equal(kinds[SVC_QUERY_APP], 1);
    assert_int_equal(kinds[SVC_QUERY_TASK], 1);
    assert_int_equal(kinds[SVC_QUERY_WRAPPER], 1);
    assert_int_equal(kinds[SVC_QUERY_EXCEPTION], 2);
    assert_int_equal(kinds[SVC_QUERY_FILE], f->repo.model->nfiles);

    const svc_query_symbol *s = best(syms, "dsw");
    assert_non_null(s);
    assert_int_equal(s->kind, SVC_QUERY_WRAPPER);
    assert_int_equal(s->place.line, 7);
    s = best(syms, "paymenterror");
    assert_int_equal(s->kind, SVC_QUERY_EXCEPTION);
    assert_string_equal(s->place.path, "services/billing/errors.py");
    s = best(syms, "billing");
    assert_int_equal(s->kind, SVC_QUERY_SERVICE);
    s = best(syms, "views.py");
    assert_int_equal(s->kind, SVC_QUERY_FILE);
    assert_null(best(syms, "zzzq"));
    svc_query_symbols_free(syms);
}

static void test_fuzzy_score(void **state)
{
    (void)state;
    assert_int_equal(svc_fuzzy_score("", "anything"), 0);
    assert_int_equal(svc_fuzzy_score("xyz", "abc"), -1);
    assert_int_equal(svc_fuzzy_score("cba", "abc"), -1);
    assert_int_equal(svc_fuzzy_score("ABC", "abc"), svc_fuzzy_score("abc", "ABC"));
    /* a run beats scattered letters; word starts beat letters inside words */
    assert_true(svc_fuzzy_score("abc", "abc") > svc_fuzzy_score("abc", "a_b_c"));
    assert_true(svc_fuzzy_score("abc", "a_b_c") > svc_fuzzy_score("abc", "xaxbxc"));
    assert_true(svc_fuzzy_score("fb", "foo_bar") > svc_fuzzy_score("fb", "xfoobar"));
    assert_true(svc_fuzzy_score("fb", "fooBar") > svc_fuzzy_score("fb", "foobar"));
    /* the same match in a longer text scores less */
    assert_true(svc_fuzzy_score("send", "send") > svc_fuzzy_score("send", "send_a_very_long_name_indeed_yes"));
}

static void test_rank_many(void **state)
{
    (void)state;
    enum { N = 50000 };
    svc_query_symbols syms = { 0 };
    syms.arena = svc_arena_new();
    syms.items = svc_arena_alloc(syms.arena, N * sizeof *syms.items);
    for (size_t i = 0; i < N; i++) {
        memset(&syms.items[i], 0, sizeof syms.items[i]);
        syms.items[i].kind = SVC_QUERY_MODULE;
        syms.items[i].name = svc_arena_printf(syms.arena, "services.service_%zu.module_%zu.function_%zu", i % 97, i % 13, i);
    }
    syms.n = N;
    clock_t start = clock();
    svc_query_match top[10];
    size_t n = svc_query_rank(&syms, "svc12mod5fn", top, 10);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_int_equal(n, 10);
    for (size_t i = 1; i < n; i++) assert_true(top[i - 1].score >= top[i].score);
    assert_true(seconds < 2.0);
    svc_arena_free(syms.arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_at_position, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_definition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_triggers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_importers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dependencies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_service_overview, setup, teardown),
        cmocka_unit_test_setup_teardown(test_module_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symbols, setup, teardown),
        cmocka_unit_test(test_fuzzy_score),
        cmocka_unit_test(test_rank_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
