/* The task rules SVC401-SVC407 on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/util.h"

static const tl_file shop[] = {
    { "pyproject.toml", "[tool.svcscope]\ntask-decorators = [\"instrumented_task\"]\n" },
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "shop/instrumentation.py", "def instrumented_task(**options):\n    return lambda f: f\n" },
    { "shop/settings.py", "INSTALLED_APPS = ['orders']\n" },
    { "orders/__init__.py", "" },
    { "orders/apps.py", "from django.apps import AppConfig\n\nclass OrdersConfig(AppConfig):\n    name = 'orders'\n" },
    { "orders/tasks.py",
      "from celery import shared_task\n"                 /* 1 */
      "from shop.instrumentation import instrumented_task\n"
      "\n"
      "@shared_task\n"
      "def sync_stock():\n"                             /* 5: 401, 403 */
      "    pass\n"
      "\n"
      "@instrumented_task(queue='low')\n"
      "def _recount():\n"                               /* 9: 401 */
      "    pass\n" },
    { "orders/limits.py",
      "class Limiter:\n"
      "    @classmethod\n"
      "    def delay(cls, seconds):\n"
      "        pass\n"
      "\n"
      "def helper():\n"
      "    pass\n" },
    { "orders/views.py",
      "from services.tasks import email_tasks\n"        /* 1 */
      "from services.tasks.email_tasks import _send_receipt\n"
      "from orders.tasks import sync_stock\n"
      "from orders.limits import Limiter, helper\n"
      "\n"                                              /* 5 */
      "def checkout(request):\n"
      "    email_tasks.delay_send_receipt(1)\n"         /* 7: fine */
      "    _send_receipt.delay(1)\n"                    /* 8: 402 */
      "    sync_stock.delay()\n"                        /* 9: 402 */
      "    email_tasks._orphan.apply_async()\n"         /* 10: 402 */
      "    throttle.delay(5)\n"                         /* 11: 402 (unknown object) */
      "    Limiter.delay(3)\n"                          /* 12: a class of the repo: fine */
      "    helper.delay()\n"                            /* 13: an undecorated function: fine */
      "    _send_receipt.delay(2)  # noqa: SVC402\n"    /* 14: suppressed */
      "    _send_receipt.delay(3)  # noqa: E501\n"      /* 15: 402, other linter's code */
      "    get_task().delay()\n" },                     /* 16: 402 (not a plain chain) */
    { "services/__init__.py", "" },
    { "services/notifications/__init__.py", "" },
    { "services/notifications/email.py", "def send(to):\n    pass\n" },
    { "services/billing/__init__.py", "" },
    { "services/billing/invoices.py",
      "from services.tasks import email_tasks\n\n"
      "def pay():\n"
      "    email_tasks._send_receipt.delay(1)\n" },     /* 4: 402 in another service */
    { "services/tasks/__init__.py", "" },
    { "services/tasks/email_tasks.py",
      "from shop.celery import app\n"                   /* 1 */
      "from services.notifications import email\n"
      "\n"
      "@app.task(bind=True, name='emails.receipt')\n"
      "def _send_receipt(self, order_id):\n"            /* 5 */
      "    email.send(order_id)\n"
      "\n"
      "def delay_send_receipt(order_id):\n"             /* 8: fine */
      "    return _send_receipt.delay(order_id)\n"
      "\n"                                              /* 10 */
      "@app.task\n"
      "def _orphan():\n"                                /* 12 */
      "    pass\n"
      "\n"
      "def trigger_orphan():\n"                         /* 15: 405 */
      "    _orphan.apply_async()\n"
      "\n"
      "@app.task\n"
      "def public_task(x):\n"                           /* 19: 403 */
      "    pass\n"
      "\n"
      "def delay_public_task(x):\n"
      "    return public_task.delay(x)\n"
      "\n"
      "@app.task\n"                                     /* 25 */
      "def _lonely(self_id, *, flag=False):\n"          /* 26: 404 */
      "    pass\n"
      "\n"
      "@app.task\n"
      "def _hidden():\n"                                /* 30: 404 (only a private caller) */
      "    pass\n"
      "\n"
      "def _kick_hidden():\n"
      "    _hidden.delay()\n" },
    { "services/tasks/report_tasks.py",
      "from services.tasks.email_tasks import _send_receipt\n"
      "from celery import shared_task\n"
      "\n"
      "def notify(order_id):\n"                         /* 4: 405 (task of another module) */
      "    _send_receipt.delay(order_id)\n"
      "\n"
      "def delay_notify(order_id):\n"
      "    _send_receipt.delay(order_id)\n"
      "\n"
      "@shared_task\n"                                  /* 10 */
      "def _weekly():\n"
      "    pass\n"
      "\n"
      "def delay_weekly():\n"
      "    return _weekly.delay()\n" },
    { "services/tasks/metrics_tasks.py",
      "from shop.instrumentation import instrumented_task\n"
      "\n"
      "@instrumented_task(queue='low')\n"
      "def collect():\n"                                /* 4: 403, 404 */
      "    pass\n" },
    { "services/tasks/cleanup.py", "def x():\n    pass\n" },      /* 406 */
    { "services/tasks/tasks.py", "" },                              /* 406 */
    { "services/tasks/sub/__init__.py", "" },
    { "services/tasks/tests/__init__.py", "" },
    { "services/tasks/tests/test_email_tasks.py",
      "from services.tasks.email_tasks import _send_receipt\n"
      "\n"
      "def test_receipt():\n"
      "    _send_receipt.delay(1)\n" },
    { NULL, NULL },
};

typedef struct fixture {
    char *root;
    tl_repo repo;
} fixture;

static fixture *open_fixture(const tl_file *files)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->root = tl_tempdir();
    tl_write_files(fx->root, files);
    tl_repo_open(&fx->repo, fx->root);
    return fx;
}

static void close_fixture(fixture *fx)
{
    tl_repo_close(&fx->repo);
    tl_rmrf(fx->root);
    free(fx->root);
    free(fx);
}

static int setup_shop(void **state)
{
    *state = open_fixture(shop);
    return 0;
}

static int teardown(void **state)
{
    close_fixture(*state);
    return 0;
}

static const svc_diagnostic *find(const svc_diagnostics *d, const char *code, const char *path, unsigned row)
{
    for (size_t i = 0; i < d->len; i++)
        if (strcmp(d->items[i].rule->code, code) == 0 && strcmp(d->items[i].path, path) == 0 &&
            d->items[i].span.row + 1 == row)
            return &d->items[i];
    tl_dump(d);
    fail_msg("no %s at %s:%u", code, path, row);
    return NULL;
}

static void test_task_outside_tasks_service(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC401");
    if (d->len != 2) tl_dump(d);
    assert_int_equal(tl_count(d, "SVC401", NULL, 0), 2);
    const svc_diagnostic *x = find(d, "SVC401", "orders/tasks.py", 5); /* @shared_task */
    assert_int_equal(x->span.col, 4);                                  /* at the def name */
    assert_int_equal(x->severity, SVC_SEVERITY_ERROR);
    assert_non_null(strstr(x->message, "`sync_stock`"));
    assert_non_null(strstr(x->message, "services/tasks/orders_tasks.py"));
    find(d, "SVC401", "orders/tasks.py", 9); /* task-decorators = ["instrumented_task"] */
    svc_diagnostics_free(d);
}

static void test_delay_outside_tasks_service(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC402");
    const char *v = "orders/views.py";
    if (tl_count(d, "SVC402", NULL, 0) != 7) tl_dump(d);
    assert_int_equal(tl_count(d, "SVC402", v, 7), 0);  /* the wrapper */
    assert_int_equal(tl_count(d, "SVC402", v, 8), 1);
    assert_int_equal(tl_count(d, "SVC402", v, 9), 1);
    assert_int_equal(tl_count(d, "SVC402", v, 10), 1);
    assert_int_equal(tl_count(d, "SVC402", v, 11), 1);
    assert_int_equal(tl_count(d, "SVC402", v, 12), 0); /* Limiter.delay: a class */
    assert_int_equal(tl_count(d, "SVC402", v, 13), 0); /* a plain function */
    assert_int_equal(tl_count(d, "SVC402", v, 14), 0); /* noqa: SVC402 */
    assert_int_equal(tl_count(d, "SVC402", v, 15), 1); /* noqa: E501 is someone else's */
    assert_int_equal(tl_count(d, "SVC402", v, 16), 1);
    assert_int_equal(tl_count(d, "SVC402", "services/billing/invoices.py", 4), 1);
    /* nothing in the tasks service, its tests included */
    for (size_t i = 0; i < d->len; i++) assert_false(svc_str_starts_with(d->items[i].path, "services/tasks/"));

    const svc_diagnostic *x = find(d, "SVC402", v, 8);
    assert_int_equal(x->span.col, 4); /* the callee */
    assert_non_null(strstr(x->message, "services.tasks.email_tasks.delay_send_receipt"));
    x = find(d, "SVC402", v, 9);
    assert_non_null(strstr(x->message, "`sync_stock`"));
    x = find(d, "SVC402", v, 10); /* _orphan has no delay_ wrapper */
    assert_non_null(strstr(x->message, "delay_orphan"));
    assert_non_null(strstr(x->message, "apply_async"));
    x = find(d, "SVC402", v, 11);
    assert_non_null(strstr(x->message, "`throttle`"));
    svc_diagnostics_free(d);
}

static void test_public_task(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC403");
    if (d->len != 2) tl_dump(d);
    assert_int_equal(d->len, 2);
    /* a task outside the tasks service is SVC401's alone, whose message carries the rename */
    assert_int_equal(tl_count(d, "SVC403", "orders/tasks.py", 0), 0);
    const svc_diagnostic *x = find(d, "SVC403", "services/tasks/email_tasks.py", 19);
    assert_non_null(strstr(x->message, "`_public_task`"));
    find(d, "SVC403", "services/tasks/metrics_tasks.py", 4);
    svc_diagnostics_free(d);
}

static void test_task_without_wrapper(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC404");
    if (d->len != 3) tl_dump(d);
    assert_int_equal(d->len, 3);
    const svc_diagnostic *x = find(d, "SVC404", "services/tasks/email_tasks.py", 26);
    assert_non_null(strstr(x->message, "def delay_lonely(self_id, *, flag=False): return _lonely.delay(self_id, flag=flag)"));
    x = find(d, "SVC404", "services/tasks/email_tasks.py", 30);
    assert_non_null(strstr(x->message, "private"));
    find(d, "SVC404", "services/tasks/metrics_tasks.py", 4);
    /* bind=True task with a wrapper, a task whose wrapper is misnamed, a task outside: none */
    assert_int_equal(tl_count(d, "SVC404", "services/tasks/email_tasks.py", 5), 0);
    assert_int_equal(tl_count(d, "SVC404", "services/tasks/email_tasks.py", 12), 0);
    assert_int_equal(tl_count(d, "SVC404", "orders/tasks.py", 0), 0);
    svc_diagnostics_free(d);
}

static void test_wrapper_not_named_delay(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC405");
    if (d->len != 2) tl_dump(d);
    assert_int_equal(d->len, 2);
    const svc_diagnostic *x = find(d, "SVC405", "services/tasks/email_tasks.py", 15);
    assert_int_equal(x->span.col, 4);
    assert_non_null(strstr(x->message, "rename it `delay_orphan`"));
    x = find(d, "SVC405", "services/tasks/report_tasks.py", 4); /* a task of another module */
    assert_non_null(strstr(x->message, "`notify` calls `_send_receipt.delay`"));
    assert_non_null(strstr(x->message, "rename it `delay_notify`"));
    svc_diagnostics_free(d);
}

static void test_tasks_module_name(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC406");
    if (d->len != 2) tl_dump(d);
    assert_int_equal(d->len, 2);
    const svc_diagnostic *x = find(d, "SVC406", "services/tasks/cleanup.py", 1);
    assert_int_equal(x->span.col, 0);
    assert_int_equal(x->severity, SVC_SEVERITY_WARNING);
    assert_non_null(strstr(x->message, "`cleanup_tasks.py`"));
    find(d, "SVC406", "services/tasks/tasks.py", 1);
    svc_diagnostics_free(d);
}

static void test_clean_tasks_service_has_nothing(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC4");
    /* the test module and the sub-package of the tasks service are never reported */
    assert_int_equal(tl_count(d, NULL, "services/tasks/tests/test_email_tasks.py", 0), 0);
    assert_int_equal(tl_count(d, NULL, "services/tasks/sub/__init__.py", 0), 0);
    assert_int_equal(tl_count(d, NULL, "services/tasks/__init__.py", 0), 0);
    /* the model wrappers and tasks that follow the convention */
    assert_int_equal(tl_count(d, NULL, "services/tasks/report_tasks.py", 7), 0);
    assert_int_equal(tl_count(d, NULL, "services/tasks/report_tasks.py", 11), 0);
    assert_int_equal(tl_count(d, NULL, "services/tasks/email_tasks.py", 8), 0);
    svc_diagnostics_free(d);
}

/* ---- SVC407 -------------------------------------------------------------------- */

static const tl_file heavy[] = {
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "orders/__init__.py", "" },
    { "orders/models.py", "from django.db import models\n\nclass Order(models.Model):\n    pass\n" },
    { "services/__init__.py", "" },
    { "services/orders/__init__.py", "" },
    { "services/orders/closing.py",
      "def close(x):\n    pass\n\ndef run(f):\n    pass\n\ndef delete():\n    pass\n" },
    { "services/tasks/__init__.py", "" },
    { "services/tasks/heavy_tasks.py",
      "from django.core.cache import cache\n"           /* 1 */
      "from shop.celery import app\n"
      "from services.orders import closing\n"
      "from orders.models import Order\n"
      "\n"                                              /* 5 */
      "@app.task\n"
      "def _close_orders():\n"                          /* 7: loop + save */
      "    for o in Order.objects.filter(open=True):\n"
      "        o.open = False\n"
      "        o.save()\n"                              /* 10 */
      "\n"
      "@app.task\n"
      "def _bulk():\n"                                  /* 13: queryset update */
      "    Order.objects.filter(open=True).update(open=False)\n"
      "\n"                                              /* 15 */
      "@app.task\n"
      "def _long(a):\n"                                 /* 17: 4 statements */
      "    \"\"\"Doc.\"\"\"\n"
      "    x = a + 1\n"
      "    y = x + 1\n"                                 /* 20 */
      "    z = y + 1\n"
      "    closing.close(z)\n"
      "\n"
      "@app.task\n"
      "def _fine(order_id):\n"                          /* 25: dict.update is not the ORM */
      "    \"\"\"Hand-off.\"\"\"\n"
      "    data = {}\n"
      "    data.update(a=1)\n"
      "    closing.close(order_id)\n"
      "\n"                                              /* 30 */
      "@app.task\n"
      "def _clear():\n"                                 /* 32: cache.delete() is not the ORM */
      "    cache.delete()\n"
      "    closing.delete()\n"
      "\n"                                              /* 35 */
      "@app.task\n"
      "def _creates(order_id):\n"                       /* 37: create through the manager */
      "    Order.objects.create(id=order_id)\n"
      "\n"
      "@app.task\n"                                     /* 40 */
      "def _nested():\n"                                /* 41: a save in an inner function */
      "    def inner(o):\n"
      "        o.save()\n"
      "    closing.run(inner)\n"
      "\n"                                              /* 45 */
      "@app.task\n"
      "def _noqa():  # noqa: SVC407\n"                  /* 47: suppressed */
      "    for i in range(3):\n"
      "        closing.close(i)\n" },
    { NULL, NULL },
};

static int setup_heavy(void **state)
{
    *state = open_fixture(heavy);
    return 0;
}

static void test_logic_in_task(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC407");
    const char *p = "services/tasks/heavy_tasks.py";
    if (d->len != 5) tl_dump(d);
    assert_int_equal(d->len, 5);
    const svc_diagnostic *x = find(d, "SVC407", p, 7);
    assert_int_equal(x->severity, SVC_SEVERITY_WARNING);
    assert_non_null(strstr(x->message, "a loop"));
    assert_non_null(strstr(x->message, "an ORM write `o.save()` on line 10"));
    x = find(d, "SVC407", p, 13);
    assert_non_null(strstr(x->message, "ORM write"));
    assert_null(strstr(x->message, "loop"));
    x = find(d, "SVC407", p, 17);
    assert_non_null(strstr(x->message, "4 statements where at most 3 are expected"));
    find(d, "SVC407", p, 37);
    find(d, "SVC407", p, 41);
    assert_int_equal(tl_count(d, "SVC407", p, 25), 0);
    assert_int_equal(tl_count(d, "SVC407", p, 32), 0);
    assert_int_equal(tl_count(d, "SVC407", p, 47), 0);
    svc_diagnostics_free(d);
}

static void test_max_task_statements_from_config(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write_files(root, heavy);
    tl_write(root, "pyproject.toml", "[tool.svcscope]\nmax-task-statements = 4\n");
    tl_repo r;
    tl_repo_open(&r, root);
    svc_diagnostics *d = tl_check(r.model, "SVC407");
    assert_int_equal(tl_count(d, "SVC407", "services/tasks/heavy_tasks.py", 17), 0); /* 4 is allowed now */
    assert_int_equal(tl_count(d, "SVC407", "services/tasks/heavy_tasks.py", 7), 1);
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* ---- migration mode -------------------------------------------------------------- */

static const tl_file legacy[] = {
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "orders/__init__.py", "" },
    { "orders/models.py", "from django.db import models\n\nclass Order(models.Model):\n    pass\n" },
    { "orders/tasks.py",
      "from shop.celery import app\n"
      "\n"
      "@app.task(bind=True)\n"
      "def sync_stock(self):\n"                         /* 4: 401 only */
      "    for o in range(3):\n"
      "        pass\n"
      "\n"
      "def later():\n"
      "    sync_stock.delay()\n"                        /* 9: its wrapper: moves with it, not 402 */
      "\n"
      "@app.task\n"
      "def chain_next():\n"                            /* 12: 401 */
      "    sync_stock.delay()\n" },                     /* 13: inside a misplaced task: not 402 */
    { "orders/views.py",
      "from orders.tasks import sync_stock\n"
      "\n"
      "def stock(request):\n"
      "    sync_stock.apply_async(countdown=3)\n" },    /* 4: 402 */
    { "orders/helpers.py", "def total():\n    pass\n" },
    { NULL, NULL },
};

static void test_migration_mode(void **state)
{
    (void)state;
    fixture *fx = open_fixture(legacy);
    assert_null(fx->repo.model->services_root);
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC");
    assert_int_equal(tl_count(d, "SVC401", "orders/tasks.py", 4), 1);
    assert_int_equal(tl_count(d, "SVC402", "orders/tasks.py", 9), 0);  /* one finding per root cause */
    assert_int_equal(tl_count(d, "SVC402", "orders/tasks.py", 13), 0);
    assert_int_equal(tl_count(d, "SVC401", "orders/tasks.py", 12), 1);
    assert_int_equal(tl_count(d, "SVC402", "orders/views.py", 4), 1);
    const svc_diagnostic *x = find(d, "SVC401", "orders/tasks.py", 4);
    assert_non_null(strstr(x->message, "services/tasks/orders_tasks.py"));
    for (size_t i = 0; i < d->len; i++) {
        const char *code = d->items[i].rule->code;
        assert_true(strcmp(code, "SVC401") == 0 || strcmp(code, "SVC402") == 0 || strcmp(code, "SVC100") == 0);
    }
    svc_diagnostics_free(d);
    close_fixture(fx);
}

/* A misplaced task's wrapper moves with it, so its `.delay` is no SVC402; a function that does
 * more than queue the task stays where it is, and its `.delay` is one. */
static void test_only_thin_wrappers_move(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "shop/__init__.py", "" },
        { "shop/tasks.py", "from celery import shared_task\n"
                           "from django.db import connection, transaction\n\n"
                           "@shared_task\n"
                           "def refresh(ids):\n"                          /* 5: 401 */
                           "    pass\n\n"
                           "def reorder(ids):\n"
                           "    connection.cursor().execute('UPDATE x')\n"
                           "    refresh.delay(ids)\n"                     /* 10: 402 */
                           "\n"
                           "def refresh_later(ids):\n"
                           "    return refresh.delay(ids)\n"              /* 13: a wrapper */
                           "\n"
                           "def refresh_on_commit(ids):\n"
                           "    transaction.on_commit(lambda: refresh.delay(ids))\n" }, /* 16: a wrapper */
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_diagnostics *d = tl_check(r.model, "SVC40");
    if (tl_count(d, NULL, NULL, 0) != 2) tl_dump(d);
    assert_int_equal(tl_count(d, "SVC401", "shop/tasks.py", 5), 1);
    assert_int_equal(tl_count(d, "SVC402", "shop/tasks.py", 10), 1);
    assert_int_equal(tl_count(d, "SVC402", NULL, 0), 1);
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* multiprocessing's pool.apply_async(func, args) is not a Celery call; task.apply_async(args) is. */
static void test_pool_apply_async_is_not_celery(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "jobs/__init__.py", "" },
        { "jobs/remote.py", "from celery import shared_task\n\n"
                            "@shared_task\ndef remote(n):\n    return n\n" },
        /* in another module: `run` is not the task's wrapper, so its .apply_async is reported */
        { "jobs/crunch.py", "from multiprocessing.pool import ThreadPool\n"
                            "from jobs.remote import remote\n\n"
                            "def work(n):\n    return n\n\n"
                            "\n\n\n\n"
                            "def run(items, args):\n"
                            "    with ThreadPool(4) as pool:\n"
                            "        pool.apply_async(len, (items,))\n"
                            "        pool.apply_async(work, (1,))\n"
                            "    remote.apply_async((1,))\n"
                            "    remote.apply_async(args)\n" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_diagnostics *d = tl_check(r.model, "SVC402");
    if (tl_count(d, "SVC402", NULL, 0) != 2) tl_dump(d);
    assert_int_equal(tl_count(d, "SVC402", "jobs/crunch.py", 15), 1);
    assert_int_equal(tl_count(d, "SVC402", "jobs/crunch.py", 16), 1);
    assert_int_equal(tl_count(d, "SVC402", NULL, 0), 2);
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* Queueing without `<task>.delay(...)`: .delay as a value, send_task by registered name, a
 * dispatch helper from config; never super().apply_async in a Task subclass. */
static void test_queued_otherwise(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "pyproject.toml", "[tool.svcscope]\ndispatch-functions = [\"jobs.util.dispatch\"]\n" },
        { "jobs/__init__.py", "" },
        { "jobs/util.py", "def dispatch(task, *args):\n    return task.apply_async(args)\n" },
        { "jobs/base.py", "from celery import Task\n\nclass Base(Task):\n"
                          "    def delay(self, *a):\n        return super().delay(*a)\n" },
        { "jobs/remote.py", "from celery import shared_task\n\n"
                            "@shared_task(name='remote.run')\ndef run(n):\n    return n\n" },
        { "jobs/use.py", "from functools import partial\n"
                         "from jobs.remote import run\n"
                         "from jobs.util import dispatch\n"
                         "def go(app, on_commit):\n"
                         "    on_commit(partial(run.delay, 1))\n"        /* 5 */
                         "    app.send_task('remote.run')\n"             /* 6 */
                         "    app.send_task('unknown.name')\n"           /* 7: not a task of the repo */
                         "    dispatch(run, 1)\n"                       /* 8 */
                         "    run.delay = None\n"                       /* 9: an assignment target */
                         "    patch('jobs.remote.run.delay', wraps=run.delay)\n" }, /* 10: a mock's */
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_diagnostics *d = tl_check(r.model, "SVC402");
    if (d->len != 3) tl_dump(d);
    assert_int_equal(tl_count(d, "SVC402", "jobs/use.py", 5), 1);
    assert_int_equal(tl_count(d, "SVC402", "jobs/use.py", 6), 1);
    assert_int_equal(tl_count(d, "SVC402", "jobs/use.py", 8), 1);
    assert_int_equal(d->len, 3);
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_task_outside_tasks_service, setup_shop, teardown),
        cmocka_unit_test_setup_teardown(test_delay_outside_tasks_service, setup_shop, teardown),
        cmocka_unit_test_setup_teardown(test_public_task, setup_shop, teardown),
        cmocka_unit_test_setup_teardown(test_task_without_wrapper, setup_shop, teardown),
        cmocka_unit_test(test_only_thin_wrappers_move),
        cmocka_unit_test_setup_teardown(test_wrapper_not_named_delay, setup_shop, teardown),
        cmocka_unit_test_setup_teardown(test_tasks_module_name, setup_shop, teardown),
        cmocka_unit_test_setup_teardown(test_clean_tasks_service_has_nothing, setup_shop, teardown),
        cmocka_unit_test_setup_teardown(test_logic_in_task, setup_heavy, teardown),
        cmocka_unit_test(test_max_task_statements_from_config),
        cmocka_unit_test(test_migration_mode),
        cmocka_unit_test(test_pool_apply_async_is_not_celery),
        cmocka_unit_test(test_queued_otherwise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
