/* The cross-reference index and the graph on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/graph.h"
#include "svcscope/util.h"
#include "svcscope/xref.h"

static const tl_file shop[] = {
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "services/__init__.py", "" },
    { "services/notifications/__init__.py", "" },
    { "services/notifications/email.py", "def send(to):\n    pass\n\ndef render(to):\n    pass\n" },
    /* relative import from a sibling service, with an alias */
    { "services/notifications/signup.py",
      "from ..tasks.email_tasks import delay_send_welcome as welcome\n"
      "\n"
      "def signup(user):\n"
      "    welcome(user.id)\n" },
    { "services/tasks/__init__.py",
      "from .email_tasks import delay_send_welcome\n"
      "from .email_tasks import delay_send_welcome as send_welcome_later\n"
      "from . import email_tasks as mail\n" },
    { "services/tasks/email_tasks.py",
      "from shop.celery import app\n"
      "from services.notifications import email\n"
      "\n"
      "\n"
      "@app.task(name='emails.welcome')\n"
      "def _send_welcome(user_id):\n"
      "    email.render(user_id)\n"
      "    email.send(user_id)\n"
      "\n"
      "\n"
      "def delay_send_welcome(user_id):\n"
      "    return _send_welcome.delay(user_id)\n"
      "\n"
      "\n"
      "@app.task\n"
      "def _orphan():\n"
      "    pass\n"
      "\n"
      "\n"
      "def delay_orphan():\n"
      "    _orphan.apply_async()\n"
      "\n"
      "\n"
      "def welcome_all(ids):\n"
      "    for i in ids:\n"
      "        delay_send_welcome(i)\n" },
    /* relative `from . import` inside the tasks service, and a chain through a task */
    { "services/tasks/report_tasks.py",
      "from shop.celery import app\n"
      "from . import email_tasks\n"
      "\n"
      "@app.task\n"
      "def _weekly():\n"
      "    email_tasks.delay_send_welcome(0)\n"
      "\n"
      "def delay_weekly():\n"
      "    return _weekly.delay()\n"
      "\n"
      "def delay_send_welcome(user_id):\n"
      "    return _weekly.apply_async(countdown=user_id)\n" },
    { "orders/__init__.py", "" },
    { "orders/apps.py", "from django.apps import AppConfig\nclass OrdersConfig(AppConfig):\n    name = \"orders\"\n" },
    { "orders/views.py",
      "from functools import partial\n"                                  /* 1 */
      "\n"                                                               /* 2 */
      "from django.db import transaction\n"                              /* 3 */
      "\n"                                                               /* 4 */
      "from services.tasks import email_tasks\n"                         /* 5 */
      "from services.tasks import delay_send_welcome\n"                  /* 6 */
      "from services.tasks import mail, send_welcome_later\n"            /* 7 */
      "import services.tasks.email_tasks as et\n"                        /* 8 */
      "import services.tasks.email_tasks\n"                              /* 9 */
      "from services.tasks.email_tasks import _send_welcome\n"           /* 10 */
      "\n"                                                               /* 11 */
      "send = email_tasks.delay_send_welcome\n"                          /* 12 value */
      "\n"                                                               /* 13 */
      "def checkout(request, delay_send_welcome=None):\n"                /* 14 */
      "    email_tasks.delay_send_welcome(1)\n"                          /* 15 call */
      "    delay_send_welcome(2)\n"                                      /* 16 parameter: not a site */
      "\n"                                                               /* 17 */
      "def confirm(request):\n"                                          /* 18 */
      "    et.delay_send_welcome(3)\n"                                   /* 19 call */
      "    transaction.on_commit(partial(email_tasks.delay_send_welcome, 4))\n" /* 20 value */
      "    mail.delay_send_welcome(5)\n"                                 /* 21 call */
      "    transaction.on_commit(delay_send_welcome)\n"                  /* 22 value */
      "    services.tasks.email_tasks.delay_send_welcome(6)\n"           /* 23 call */
      "    send_welcome_later(7)\n"                                      /* 24 call */
      "    send(8)\n"                                                    /* 25 call through the alias */
      "\n"                                                               /* 26 */
      "class Hook:\n"                                                    /* 27 */
      "    def run(self):\n"                                             /* 28 */
      "        _send_welcome.delay(9)\n"                                 /* 29 direct .delay */
      "        _send_welcome.apply_async(args=(10,))\n"                  /* 30 direct .apply_async */
      "        return _send_welcome.s(11)\n"                             /* 31 signature */
      "\n"                                                               /* 32 */
      "def shadow():\n"                                                  /* 33 */
      "    delay_send_welcome = print\n"                                 /* 34 */
      "    delay_send_welcome(12)\n"                                     /* 35 local: not a site */
      "    email_tasks.delay_send_welcome = None\n"                      /* 36 store: not a site */
      "\n"                                                               /* 37 */
      "delay_send_welcome(13)\n" },                                      /* 38 module level */
    { "orders/admin.py",
      "from services.tasks.email_tasks import delay_send_welcome\n"     /* 1 */
      "\n"                                                               /* 2 */
      "def resend(queryset):\n"                                          /* 3 */
      "    def each(user):\n"                                            /* 4 */
      "        delay_send_welcome(user.id)\n"                            /* 5 call, in resend.each */
      "    for user in queryset:\n"                                      /* 6 */
      "        each(user)\n"                                             /* 7 */
      "\n"                                                               /* 8 */
      "def lazily(user):\n"                                              /* 9 */
      "    from services.tasks import email_tasks as later\n"            /* 10 */
      "    later.delay_send_welcome(user.id)\n" },                       /* 11 call, function-level import */
    /* a module's own function named like the wrapper is not the wrapper */
    { "orders/fake.py",
      "def delay_send_welcome(user_id):\n"
      "    pass\n"
      "\n"
      "delay_send_welcome(1)\n" },
    { NULL, NULL },
};

static char *make(const tl_file *files)
{
    char *root = tl_tempdir();
    tl_write_files(root, files);
    return root;
}

static long wrapper_named(const svc_model *m, const char *dotted)
{
    for (size_t w = 0; w < m->nwrappers; w++)
        if (strcmp(m->wrappers[w].dotted, dotted) == 0) return (long)w;
    fail_msg("no wrapper %s", dotted);
    return -1;
}

static long task_named(const svc_model *m, const char *dotted)
{
    for (size_t t = 0; t < m->ntasks; t++)
        if (strcmp(m->tasks[t].dotted, dotted) == 0) return (long)t;
    fail_msg("no task %s", dotted);
    return -1;
}

/* The site at path:line among sites, or NULL. */
static const svc_xref_site *site_at(const svc_xref_site *sites, size_t n, const char *path, uint32_t line)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(sites[i].path, path) == 0 && sites[i].line == line) return &sites[i];
    return NULL;
}

static void dump_sites(const svc_xref_site *sites, size_t n)
{
    for (size_t i = 0; i < n; i++)
        print_message("  %s:%u:%u %s %s\n", sites[i].path, sites[i].line, sites[i].column, sites[i].enclosing,
                      svc_xref_kind_name(sites[i].kind));
}

static void expect_site(const svc_xref_site *sites, size_t n, const char *path, uint32_t line, svc_xref_kind kind,
                        const char *enclosing)
{
    const svc_xref_site *s = site_at(sites, n, path, line);
    if (!s) {
        dump_sites(sites, n);
        fail_msg("no site at %s:%u", path, line);
    }
    assert_int_equal(s->kind, kind);
    assert_string_equal(s->enclosing, enclosing);
}

static void test_wrapper_call_forms(void **state)
{
    (void)state;
    char *root = make(shop);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_xref *x = svc_xref_build(r.model);
    size_t w = (size_t)wrapper_named(r.model, "services.tasks.email_tasks.delay_send_welcome");
    const svc_xref_site *s = x->wrappers[w].sites;
    size_t n = x->wrappers[w].nsites;

    const char *v = "orders/views.py";
    expect_site(s, n, v, 12, SVC_XREF_VALUE, "<module>");
    expect_site(s, n, v, 15, SVC_XREF_CALL, "checkout");
    expect_site(s, n, v, 19, SVC_XREF_CALL, "confirm");  /* import ... as et */
    expect_site(s, n, v, 20, SVC_XREF_VALUE, "confirm"); /* partial(email_tasks.delay_x, 4) */
    expect_site(s, n, v, 21, SVC_XREF_CALL, "confirm");  /* module alias re-exported by services.tasks */
    expect_site(s, n, v, 22, SVC_XREF_VALUE, "confirm"); /* on_commit(delay_x), re-exported name */
    expect_site(s, n, v, 23, SVC_XREF_CALL, "confirm");  /* full dotted chain */
    expect_site(s, n, v, 24, SVC_XREF_CALL, "confirm");  /* re-exported under another name */
    expect_site(s, n, v, 25, SVC_XREF_CALL, "confirm");  /* module-level alias `send = ...` */
    expect_site(s, n, v, 38, SVC_XREF_CALL, "<module>");
    /* shadowing: a parameter, a local variable; an assignment target */
    assert_null(site_at(s, n, v, 16));
    assert_null(site_at(s, n, v, 35));
    assert_null(site_at(s, n, v, 36));
    /* relative import with an alias from another service; a caller in the tasks module itself;
     * a relative `from . import email_tasks` inside a task of another tasks module */
    expect_site(s, n, "services/notifications/signup.py", 4, SVC_XREF_CALL, "signup");
    expect_site(s, n, "services/tasks/email_tasks.py", 26, SVC_XREF_CALL, "welcome_all");
    expect_site(s, n, "services/tasks/report_tasks.py", 6, SVC_XREF_CALL, "_weekly");
    /* the name imported from its own module, called in a nested function; a function-level import */
    expect_site(s, n, "orders/admin.py", 5, SVC_XREF_CALL, "resend.each");
    expect_site(s, n, "orders/admin.py", 11, SVC_XREF_CALL, "lazily");
    assert_null(site_at(s, n, "orders/fake.py", 4));
    if (n != 15) dump_sites(s, n);
    assert_int_equal(n, 15);
    /* sorted by path, then line */
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(s[i - 1].path, s[i].path) < 0 ||
                    (strcmp(s[i - 1].path, s[i].path) == 0 && s[i - 1].line < s[i].line));
    /* the homonym wrapper of report_tasks (of another task) is a different function: nobody calls it */
    size_t other = (size_t)wrapper_named(r.model, "services.tasks.report_tasks.delay_send_welcome");
    assert_int_equal(x->wrappers[other].nsites, 0);

    size_t got = 0;
    const svc_xref_site *by_name = svc_xref_sites_of(x, "services.tasks.email_tasks.delay_send_welcome", &got);
    assert_ptr_equal(by_name, s);
    assert_int_equal(got, n);

    svc_xref_free(x);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_direct_uses_and_callees(void **state)
{
    (void)state;
    char *root = make(shop);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_xref *x = svc_xref_build(r.model);
    size_t t = (size_t)task_named(r.model, "services.tasks.email_tasks._send_welcome");
    const svc_xref_task *xt = &x->tasks[t];
    /* the .delay inside the wrapper is not a direct use; the three in Hook.run are */
    if (xt->ndirect != 3) dump_sites(xt->direct, xt->ndirect);
    assert_int_equal(xt->ndirect, 3);
    expect_site(xt->direct, xt->ndirect, "orders/views.py", 29, SVC_XREF_DELAY, "Hook.run");
    expect_site(xt->direct, xt->ndirect, "orders/views.py", 30, SVC_XREF_APPLY_ASYNC, "Hook.run");
    expect_site(xt->direct, xt->ndirect, "orders/views.py", 31, SVC_XREF_SIGNATURE, "Hook.run");
    assert_true(svc_xref_site_outside_tasks_service(x, &xt->direct[0]));
    assert_int_equal(xt->direct[0].column, 9);

    /* the service functions the task body runs */
    assert_int_equal(xt->ncallees, 2);
    assert_string_equal(xt->callees[0].dotted, "services.notifications.email.render");
    assert_string_equal(xt->callees[1].dotted, "services.notifications.email.send");
    assert_string_equal(r.model->files[xt->callees[1].def.file].path, "services/notifications/email.py");
    assert_int_equal(xt->callees[1].site.line, 8);

    /* zero callers: the orphan's wrapper is never called, and the task has no direct use */
    size_t o = (size_t)task_named(r.model, "services.tasks.email_tasks._orphan");
    assert_int_equal(x->tasks[o].ndirect, 0);
    assert_int_equal(r.model->tasks[o].nwrappers, 1);
    assert_int_equal(x->wrappers[r.model->tasks[o].wrappers[0]].nsites, 0);

    svc_xref_free(x);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_lookup(void **state)
{
    (void)state;
    char *root = make(shop);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_model *m = r.model;
    svc_xref *x = svc_xref_build(m);
    svc_xref_match *found = NULL;

    /* exact dotted */
    assert_int_equal(svc_xref_lookup(x, "services.tasks.email_tasks.delay_send_welcome", &found), 1);
    assert_false(found[0].is_task);
    assert_string_equal(m->wrappers[found[0].index].dotted, "services.tasks.email_tasks.delay_send_welcome");
    free(found);
    /* a dotted name that resolves through a re-export */
    assert_int_equal(svc_xref_lookup(x, "services.tasks.send_welcome_later", &found), 1);
    assert_string_equal(m->wrappers[found[0].index].dotted, "services.tasks.email_tasks.delay_send_welcome");
    free(found);
    /* a dotted suffix */
    assert_int_equal(svc_xref_lookup(x, "report_tasks.delay_send_welcome", &found), 1);
    assert_string_equal(m->wrappers[found[0].index].dotted, "services.tasks.report_tasks.delay_send_welcome");
    free(found);
    /* a bare task name */
    assert_int_equal(svc_xref_lookup(x, "_send_welcome", &found), 1);
    assert_true(found[0].is_task);
    free(found);
    /* the Celery name */
    assert_int_equal(svc_xref_lookup(x, "emails.welcome", &found), 1);
    assert_true(found[0].is_task);
    assert_string_equal(m->tasks[found[0].index].dotted, "services.tasks.email_tasks._send_welcome");
    free(found);
    /* ambiguous: two wrappers share the bare name */
    assert_int_equal(svc_xref_lookup(x, "delay_send_welcome", &found), 2);
    free(found);
    /* PATH:NAME */
    assert_int_equal(svc_xref_lookup(x, "services/tasks/report_tasks.py:delay_send_welcome", &found), 1);
    assert_string_equal(m->wrappers[found[0].index].dotted, "services.tasks.report_tasks.delay_send_welcome");
    free(found);
    assert_int_equal(svc_xref_lookup(x, "services/tasks/nope.py:delay_send_welcome", &found), 0);
    /* unknown */
    assert_int_equal(svc_xref_lookup(x, "delay_nothing", &found), 0);
    assert_null(found);
    assert_int_equal(svc_xref_lookup(x, "", &found), 0);

    svc_xref_free(x);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_reader(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "services/__init__.py", "" },
        { "services/tasks/__init__.py", "" },
        { "services/tasks/a_tasks.py", "\xEF\xBB\xBF" "from celery import shared_task\r\n\r\n"
                                       "@shared_task\r\ndef _a():\r\n    pass\r\n\r\n"
                                       "def delay_a():\r\n    _a.delay()\r\n" },
        { "services/b/__init__.py", "" },
        { "services/b/x.py", "from services.tasks import a_tasks\n\ndef f():  \n\t\ta_tasks.delay_a()   \n" },
        { NULL, NULL },
    };
    char *root = make(files);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_xref *x = svc_xref_build(r.model);
    size_t n = 0;
    const svc_xref_site *s = svc_xref_sites_of(x, "services.tasks.a_tasks.delay_a", &n);
    /* tabs and trailing blanks are stripped; a BOM and \r\n line ends are not part of a line */
    assert_int_equal(n, 1);
    svc_xref_reader *rd = svc_xref_reader_new(r.model);
    assert_string_equal(svc_xref_reader_line(rd, s[0].file, 4), "a_tasks.delay_a()");
    long tf = svc_model_file(r.model, "services/tasks/a_tasks.py");
    assert_true(tf >= 0);
    assert_string_equal(svc_xref_reader_line(rd, (size_t)tf, 1), "from celery import shared_task");
    assert_string_equal(svc_xref_reader_line(rd, (size_t)tf, 8), "_a.delay()");
    assert_string_equal(svc_xref_reader_line(rd, (size_t)tf, 9), "");
    assert_string_equal(svc_xref_reader_line(rd, (size_t)tf, 99), "");
    assert_string_equal(svc_xref_reader_line(rd, (size_t)tf, 0), "");
    svc_xref_reader_free(rd);
    svc_xref_free(x);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* No services package: tasks in apps, wrappers named anything, direct .delay everywhere. */
static const tl_file legacy[] = {
    { "manage.py", "" },
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "orders/__init__.py", "" },
    { "orders/models.py", "from django.db import models\nclass Order(models.Model):\n    pass\n" },
    { "orders/tasks.py",
      "from celery import shared_task\n"
      "from orders.billing import charge\n"
      "\n"
      "@shared_task\n"
      "def sync_stock(order_id):\n"
      "    charge(order_id)\n"
      "\n"
      "def sync_later(order_id):\n"
      "    sync_stock.delay(order_id)\n"
      "\n"
      "@shared_task\n"
      "def never_called():\n"
      "    pass\n" },
    { "orders/billing.py", "def charge(order_id):\n    pass\n" },
    { "orders/views.py",
      "from .tasks import sync_stock, sync_later\n"
      "from . import tasks\n"
      "\n"
      "def buy(request):\n"
      "    sync_stock.delay(1)\n"
      "    tasks.sync_stock.apply_async((2,))\n"
      "    sync_later(3)\n"
      "\n"
      "def other(sync_stock):\n"
      "    sync_stock.delay(4)\n" },
    { "catalog/__init__.py", "" },
    { "catalog/models.py", "from django.db import models\nclass Thing(models.Model):\n    pass\n" },
    { "catalog/signals.py", "from orders.tasks import sync_stock as s\n\ndef on_save(sender):\n    s.delay(5)\n" },
    { NULL, NULL },
};

static void test_migration_mode(void **state)
{
    (void)state;
    char *root = make(legacy);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_model *m = r.model;
    assert_null(m->services_root);
    svc_xref *x = svc_xref_build(m);
    size_t t = (size_t)task_named(m, "orders.tasks.sync_stock");
    const svc_xref_task *xt = &x->tasks[t];
    if (xt->ndirect != 3) dump_sites(xt->direct, xt->ndirect);
    assert_int_equal(xt->ndirect, 3);
    expect_site(xt->direct, xt->ndirect, "orders/views.py", 5, SVC_XREF_DELAY, "buy");
    expect_site(xt->direct, xt->ndirect, "orders/views.py", 6, SVC_XREF_APPLY_ASYNC, "buy");
    expect_site(xt->direct, xt->ndirect, "catalog/signals.py", 4, SVC_XREF_DELAY, "on_save");
    assert_null(site_at(xt->direct, xt->ndirect, "orders/views.py", 10)); /* a parameter */
    assert_true(svc_xref_site_outside_tasks_service(x, &xt->direct[0]));
    assert_int_equal(xt->ncallees, 1);
    assert_string_equal(xt->callees[0].dotted, "orders.billing.charge");

    /* the wrapper is named anything in migration mode */
    size_t w = (size_t)wrapper_named(m, "orders.tasks.sync_later");
    assert_int_equal(x->wrappers[w].nsites, 1);
    expect_site(x->wrappers[w].sites, 1, "orders/views.py", 7, SVC_XREF_CALL, "buy");

    size_t nc = (size_t)task_named(m, "orders.tasks.never_called");
    assert_int_equal(x->tasks[nc].ndirect, 0);
    assert_int_equal(m->tasks[nc].nwrappers, 0);

    /* the graph clusters by top package and draws direct .delay as red dashed edges */
    svc_graph_options go = SVC_GRAPH_OPTIONS_INIT;
    char *dot = svc_graph_render(x, &go);
    assert_non_null(strstr(dot, "digraph svcscope {"));
    assert_non_null(strstr(dot, "subgraph cluster_package_orders"));
    assert_non_null(strstr(dot, "subgraph cluster_package_catalog"));
    assert_non_null(strstr(dot, "label=\".delay/.apply_async (2)\", style=dashed, color=\"#cc0000\""));
    assert_non_null(strstr(dot, "label=\"1 call\""));
    assert_non_null(strstr(dot, "never_called (no wrapper)"));
    free(dot);

    svc_xref_free(x);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* Outside the tasks service only a function that does nothing but queue the task is its wrapper:
 * a larger one's `.delay` is a direct use. A mock's `wraps=t.apply_async` is a value, no queueing. */
static const tl_file thin[] = {
    { "shop/__init__.py", "" },
    { "shop/tasks.py",
      "from celery import shared_task\n"
      "from django.db import connection\n"
      "\n"
      "@shared_task\n"
      "def refresh(ids):\n"                              /* 5 */
      "    pass\n"
      "\n"
      "def reorder(ids):\n"                              /* 8 */
      "    connection.cursor().execute('UPDATE x')\n"
      "    refresh.delay(ids)\n"                         /* 10: direct */
      "\n"
      "def refresh_later(ids):\n"                        /* 12: wrapper */
      "    \"\"\"Queue it.\"\"\"\n"
      "    return refresh.delay(ids)\n" },
    { "shop/tests.py",
      "from unittest.mock import patch\n"
      "from shop.tasks import refresh\n"
      "\n"
      "def test_refresh():\n"
      "    with patch.object(refresh, 'apply_async', wraps=refresh.apply_async):\n" /* 5 */
      "        pass\n" },
    { NULL, NULL },
};

static void test_wrappers_queue_only(void **state)
{
    (void)state;
    char *root = make(thin);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_model *m = r.model;
    svc_xref *x = svc_xref_build(m);
    size_t t = (size_t)task_named(m, "shop.tasks.refresh");
    assert_int_equal(m->tasks[t].nwrappers, 1);
    assert_string_equal(m->wrappers[m->tasks[t].wrappers[0]].dotted, "shop.tasks.refresh_later");
    const svc_xref_task *xt = &x->tasks[t];
    if (xt->ndirect != 3) dump_sites(xt->direct, xt->ndirect);
    assert_int_equal(xt->ndirect, 3);
    expect_site(xt->direct, xt->ndirect, "shop/tasks.py", 10, SVC_XREF_DELAY, "reorder");
    const svc_xref_site *mocked = NULL;
    for (size_t i = 0; i < xt->ndirect; i++)
        if (strcmp(xt->direct[i].path, "shop/tests.py") == 0 && xt->direct[i].column > 30) mocked = &xt->direct[i];
    assert_non_null(mocked);
    assert_int_equal(mocked->kind, SVC_XREF_VALUE);
    assert_false(svc_xref_kind_queues(mocked->kind));
    svc_xref_free(x);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

static void test_graph(void **state)
{
    (void)state;
    char *root = make(shop);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_xref *x = svc_xref_build(r.model);

    svc_graph_options go = SVC_GRAPH_OPTIONS_INIT;
    char *dot = svc_graph_render(x, &go);
    /* clusters per service, a sub-cluster per tasks module, one per app */
    assert_non_null(strstr(dot, "subgraph cluster_service_tasks"));
    assert_non_null(strstr(dot, "subgraph cluster_module_services_tasks_email_tasks"));
    assert_non_null(strstr(dot, "subgraph cluster_service_notifications"));
    assert_non_null(strstr(dot, "subgraph cluster_app_orders"));
    assert_non_null(strstr(dot, "label=\"delay_send_welcome \xe2\x86\x92 _send_welcome\""));
    /* orders/views.py: 10 uses of the wrapper, one aggregated edge (and 2 from orders/admin.py) */
    assert_int_equal(count_of(dot, "label=\"10 calls\""), 1);
    assert_int_equal(count_of(dot, "label=\"2 calls\""), 1);
    /* .delay, .apply_async and .s from Hook.run: one red dashed edge */
    assert_int_equal(count_of(dot, "label=\".delay/.apply_async/signature (3)\", style=dashed, color=\"#cc0000\""), 1);
    /* the task runs two functions of services.notifications.email */
    assert_non_null(strstr(dot, "label=\"render, send\", style=dotted"));
    /* _weekly chains to the welcome task: the edge starts at the task's node */
    assert_int_equal(count_of(dot, "->"), 7);
    free(dot);

    go.format = SVC_GRAPH_MERMAID;
    char *mm = svc_graph_render(x, &go);
    assert_true(svc_str_starts_with(mm, "%%"));
    assert_non_null(strstr(mm, "flowchart LR\n"));
    assert_non_null(strstr(mm, "subgraph c"));
    assert_non_null(strstr(mm, "[\"services.tasks\"]"));
    assert_non_null(strstr(mm, "-->|\"10 calls\"|"));
    assert_non_null(strstr(mm, "-.->|\".delay/.apply_async/signature (3)\"|"));
    assert_non_null(strstr(mm, "linkStyle"));
    assert_int_equal(count_of(mm, "subgraph "), count_of(mm, "\n  end\n") + count_of(mm, "\n    end\n"));
    free(mm);

    svc_xref_free(x);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* Star imports: a package re-exporting its tasks module with `*`, and a caller importing `*`. */
static void test_star_imports(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "services/__init__.py", "" },
        { "services/tasks/__init__.py", "from .email_tasks import *\n" },
        { "services/tasks/email_tasks.py", "from celery import shared_task\n\n@shared_task\ndef _a():\n    pass\n\n"
                                           "def delay_a():\n    return _a.delay()\n" },
        { "orders/__init__.py", "" },
        { "orders/views.py", "from services.tasks import delay_a\n"
                             "import services.tasks as t\n"
                             "\n"
                             "def f():\n"
                             "    delay_a()\n"        /* 5 */
                             "    t.delay_a()\n" },   /* 6 */
        { "orders/legacy.py", "from services.tasks.email_tasks import *\n"
                              "\n"
                              "def g(delay_a=None):\n"
                              "    delay_a()\n"        /* 4: a parameter */
                              "\n"
                              "def h():\n"
                              "    delay_a()\n"        /* 7: from the star import */
                              "    _a.delay()\n" },    /* 8: `*` does not import private names */
        { NULL, NULL },
    };
    char *root = make(files);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_xref *x = svc_xref_build(r.model);
    size_t n = 0;
    const svc_xref_site *s = svc_xref_sites_of(x, "services.tasks.email_tasks.delay_a", &n);
    expect_site(s, n, "orders/views.py", 5, SVC_XREF_CALL, "f");
    expect_site(s, n, "orders/views.py", 6, SVC_XREF_CALL, "f");
    expect_site(s, n, "orders/legacy.py", 7, SVC_XREF_CALL, "h");
    assert_null(site_at(s, n, "orders/legacy.py", 4));
    assert_int_equal(n, 3);
    svc_xref_sites_of(x, "services.tasks.email_tasks._a", &n);
    assert_int_equal(n, 0);
    svc_xref_free(x);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_no_tasks(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "app/__init__.py", "" },
        { "app/views.py", "def index(request):\n    return delay_x()\n" },
        { NULL, NULL },
    };
    char *root = make(files);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_xref *x = svc_xref_build(r.model);
    assert_int_equal(x->ntasks, 0);
    svc_xref_match *found = NULL;
    assert_int_equal(svc_xref_lookup(x, "delay_x", &found), 0);
    char *dot = svc_graph_render(x, NULL);
    assert_non_null(strstr(dot, "no Celery tasks found"));
    free(dot);
    svc_xref_free(x);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrapper_call_forms),
        cmocka_unit_test(test_direct_uses_and_callees),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_reader),
        cmocka_unit_test(test_migration_mode),
        cmocka_unit_test(test_wrappers_queue_only),
        cmocka_unit_test(test_graph),
        cmocka_unit_test(test_star_imports),
        cmocka_unit_test(test_no_tasks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
