/* The Celery safety rules about calls that queue a task (SVC601, SVC602, SVC604, SVC606) on
 * fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/util.h"

#define TASKS "services/tasks/email_tasks.py"
#define VIEWS "orders/views.py"

static const tl_file shop[] = {
    { "pyproject.toml", "[tool.svcscope]\ndispatch-functions = [\"shop.queueing.dispatch\", \"shop.queueing.send\"]\n" },
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "shop/queueing.py",
      "def dispatch(task, *args, **kwargs):\n    return task.delay(*args, **kwargs)\n\n"
      "def send(task, args=None, kwargs=None):\n    return task.apply_async(args, kwargs)\n" },
    { "shop/settings.py", "INSTALLED_APPS = ['orders']\n" },
    { "orders/__init__.py", "" },
    { "orders/views.py",
      "from services.tasks import email_tasks\n"                  /* 1 */
      "from services.tasks.email_tasks import _send, _flex, _only\n"
      "from shop.queueing import dispatch, send\n"
      "\n"
      "def checkout(request, ids, opts):\n"                       /* 5 */
      "    _send.delay(1, 2, 3)\n"                                /* 6: too many */
      "    _send.delay()\n"                                       /* 7: missing */
      "    _send.delay(1, nope=2)\n"                              /* 8: unknown keyword */
      "    _send.delay(1, order_id=2)\n"                          /* 9: duplicate */
      "    _send.delay(1, lang='fr')\n"                           /* 10: keyword-only: fine */
      "    _send.delay(*ids)\n"                                   /* 11: starred: unknown */
      "    _send.apply_async(args=[1, 2, 3])\n"                   /* 12: too many */
      "    _send.apply_async([1], {'lang': 'x', 'zz': 1})\n"      /* 13: unknown keyword */
      "    _send.apply_async(args=ids)\n"                         /* 14: not a literal */
      "    _send.apply_async(kwargs={'order_id': 1}, countdown=3)\n" /* 15: fine */
      "    _send.apply_async((1,), countdown=3)\n"                /* 16: fine */
      "    _send.s()\n"                                           /* 17: partial: fine */
      "    _send.s(1, 2, 3)\n"                                    /* 18: too many */
      "    _send.si(x=1)\n"                                       /* 19: unknown keyword */
      "    email_tasks.delay_send(1, 2, 3)\n"                     /* 20: wrapper, too many */
      "    email_tasks.delay_send(copy=True)\n"                   /* 21: wrapper, missing */
      "    email_tasks.delay_send(1)\n"                           /* 22: fine */
      "    _flex.delay(1, 2, a=3)\n"                              /* 23: *args and **kwargs: fine */
      "    _only.delay(a=1, b=2)\n"                               /* 24: positional-only by keyword */
      "    _only.delay(1, b=2)\n"                                 /* 25: fine */
      "    _send.apply_async(kwargs={**opts})\n"                  /* 26: unknown */
      "    dispatch(_send, 1, 2, 3)\n"                            /* 27: too many */
      "    dispatch(_send, 1)\n"                                  /* 28: fine */
      "    send(_send, args=[1], kwargs={'bad': 1})\n"            /* 29: unknown keyword */
      "    send(_send, [1])\n"                                    /* 30: fine */
      "    _send.delay()  # noqa: SVC601\n" },                    /* 31: suppressed */
    { "services/__init__.py", "" },
    { "services/tasks/__init__.py", "" },
    { TASKS,
      "from shop.celery import app\n"                             /* 1 */
      "\n"
      "@app.task(bind=True)\n"
      "def _send(self, order_id, copy=False, *, lang='en'):\n"
      "    pass\n"                                                /* 5 */
      "\n"
      "def delay_send(order_id, copy=False):\n"
      "    return _send.delay(order_id, copy)\n"
      "\n"
      "@app.task\n"                                               /* 10 */
      "def _flex(*args, **kwargs):\n"
      "    pass\n"
      "\n"
      "def delay_flex(x):\n"
      "    return _flex.delay(x)\n"                               /* 15 */
      "\n"
      "@app.task\n"
      "def _only(a, /, b):\n"
      "    pass\n"
      "\n"                                                        /* 20 */
      "def delay_only(a, b):\n"
      "    return _only.delay(a)\n"                              /* 22: missing b */
      "\n"
      "@app.task\n"
      "@inject_context\n"
      "def _injected(a, *, context):\n"
      "    pass\n"
      "\n"
      "def delay_injected(a):\n"
      "    return _injected.delay(a)\n" },                        /* 30: the decorator gives `context` */
    { NULL, NULL },
};

#define TXN "orders/txn.py"
#define INST "orders/inst.py"
#define TRACED "orders/traced.py"
#define REPORTS "services/tasks/report_tasks.py"

static const tl_file transactions[] = {
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "orders/__init__.py", "" },
    { TXN,
      "from functools import partial\n"                          /* 1 */
      "from django.db import transaction\n"
      "from django.db.transaction import atomic as atom\n"
      "from services.tasks.email_tasks import _send, delay_send, delay_send_later\n"
      "\n"                                                        /* 5 */
      "def a(order):\n"
      "    with transaction.atomic():\n"
      "        _send.delay(order.id)\n"                          /* 8: flagged */
      "        delay_send(order.id)\n"                           /* 9: flagged (a wrapper) */
      "        delay_send_later(order.id)\n"                     /* 10: its wrapper waits for the commit */
      "        transaction.on_commit(lambda: _send.delay(1))\n"  /* 11 */
      "        transaction.on_commit(partial(_send.delay, 1))\n" /* 12 */
      "        def later():\n"
      "            _send.delay(order.id)\n"                      /* 14: a nested def */
      "        transaction.on_commit(later)\n"
      "        _send.s(1)\n"                                     /* 16: a signature is not queued */
      "    _send.delay(order.id)\n"                              /* 17: after the block */
      "\n"
      "def b(order):\n"
      "    with atom(using='other') as t, open('x'):\n"          /* 20 */
      "        _send.apply_async((1,))\n"                        /* 21: flagged */
      "\n"
      "@atom\n"
      "def c(order):\n"
      "    _send.delay(order.id)  # noqa: SVC602\n"              /* 25: suppressed */
      "\n"
      "@transaction.atomic(using='x')\n"
      "def d(order):\n"
      "    r = _send.delay(order.id)\n"                          /* 29: flagged */
      "\n"
      "def e(order):\n"
      "    with open('x'):\n"
      "        _send.delay(order.id)\n" },                       /* 33: not a transaction */
    { "shop/tracing.py",
      "from contextlib import contextmanager\nfrom django.db import transaction\n\n"
      "@contextmanager\ndef traced_atomic():\n    with transaction.atomic():\n        yield\n\n"
      "@contextmanager\ndef traced(name):\n    yield\n" },
    { TRACED,
      "from shop.tracing import traced, traced_atomic\n"          /* 1 */
      "from services.tasks.email_tasks import _send\n"
      "\n"
      "def a(order):\n"
      "    with traced_atomic():\n"                              /* 5 */
      "        _send.delay(order.id)\n"                          /* 6: flagged */
      "    with traced('x'):\n"
      "        _send.delay(order.id)\n"                          /* 8: no transaction */
      "\n"
      "@traced_atomic()\n"                                       /* 10 */
      "def b(order):\n"
      "    _send.delay(order.id)\n" },                           /* 12: flagged */
    { "orders/models.py",
      "from django.db import models\n\nclass Order(models.Model):\n    pass\n\nclass Helper:\n    pass\n" },
    { INST,
      "from django.shortcuts import get_object_or_404\n"        /* 1 */
      "from orders.models import Helper, Order\n"
      "from services.tasks.email_tasks import _send, delay_send\n"
      "\n"
      "def v(request, order_id, o: Order, h: Helper):\n"         /* 5 */
      "    order = Order.objects.get(pk=order_id)\n"
      "    _send.delay(order)\n"                                 /* 7: flagged */
      "    delay_send(order.pk)\n"                               /* 8 */
      "    first = Order.objects.filter(x=1).first()\n"
      "    delay_send(first)\n"                                  /* 10: flagged */
      "    pair, created = Order.objects.get_or_create(pk=1)\n"
      "    delay_send(pair)\n"                                   /* 12: flagged */
      "    whole = Order.objects.get_or_create(pk=1)\n"
      "    delay_send(whole)\n"                                  /* 14: a pair, not an instance */
      "    item = Order.objects.get_or_create(pk=1)[0]\n"
      "    delay_send(order_id=item)\n"                          /* 16: flagged */
      "    g = get_object_or_404(Order, pk=1)\n"
      "    _send.apply_async(args=[g], countdown=1)\n"           /* 18: flagged */
      "    _send.apply_async(kwargs={'order_id': g})\n"          /* 19: flagged */
      "    _send.delay(request.user)\n"                          /* 20: flagged */
      "    u = request.user\n"
      "    _send.s(u)\n"                                         /* 22: flagged */
      "    _send.delay(o)\n"                                     /* 23: flagged (annotated) */
      "    _send.delay(h)\n"                                     /* 24: not a model */
      "    order = order.pk\n"
      "    _send.delay(order)\n"                                 /* 26: a key again */
      "    qs = Order.objects.filter(x=1)\n"
      "    _send.delay(qs)\n"                                    /* 28: a queryset */
      "    _send.delay(self.object)  # noqa: SVC604\n"           /* 29: suppressed */
      "    pk = Order.objects.filter(x=1).values_list('pk', flat=True).first()\n"
      "    _send.delay(pk)\n" },                                 /* 31: a plain value */
    { REPORTS,
      "from celery import chain, group\n"                         /* 1 */
      "from shop.celery import app\n"
      "from services.tasks.email_tasks import _send\n"
      "\n"
      "@app.task\n"                                                /* 5 */
      "def _close_day(ids):\n"
      "    _send.delay(1).get()\n"                                /* 7: flagged */
      "    r = _send.apply_async((1,))\n"
      "    r.get(timeout=5)\n"                                    /* 9: flagged */
      "    g = group(_send.s(i) for i in ids)()\n"
      "    g.join()\n"                                            /* 11: flagged */
      "    chain(_send.s(1), _send.s()).apply_async().wait()\n"   /* 12: flagged */
      "    d = {}\n"
      "    d.get('x')\n"                                          /* 14: a dict */
      "    r = 3\n"
      "    r.get()\n"                                             /* 16: rebound */
      "    def inner():\n"
      "        return _send.delay(2).get()\n"                     /* 18: flagged (in the task) */
      "    _send.delay(3).get()  # noqa: SVC606\n"                /* 19: suppressed */
      "\n"
      "def delay_close_day(ids):\n"
      "    return _close_day.delay(ids)\n"
      "\n"
      "def not_a_task():\n"
      "    _send.delay(1).get()\n" },                             /* 25: not in a task */
    { "services/__init__.py", "" },
    { "services/tasks/__init__.py", "" },
    { "services/tasks/email_tasks.py",
      "from django.db import transaction\n"
      "from shop.celery import app\n\n"
      "@app.task\ndef _send(order_id):\n    pass\n\n"
      "def delay_send(order_id):\n    return _send.delay(order_id)\n\n"
      "def delay_send_later(order_id):\n    transaction.on_commit(lambda: _send.delay(order_id))\n" },
    { NULL, NULL },
};

typedef struct fixture {
    char *root;
    tl_repo repo;
} fixture;

static int open_fixture(void **state, const tl_file *files)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->root = tl_tempdir();
    tl_write_files(fx->root, files);
    tl_repo_open(&fx->repo, fx->root);
    *state = fx;
    return 0;
}

static int setup_shop(void **state) { return open_fixture(state, shop); }
static int setup_transactions(void **state) { return open_fixture(state, transactions); }

static int teardown(void **state)
{
    fixture *fx = *state;
    tl_repo_close(&fx->repo);
    tl_rmrf(fx->root);
    free(fx->root);
    free(fx);
    return 0;
}

/* Each of rows[] of the file has exactly one finding of the code. */
static void expect_flagged(const svc_diagnostics *d, const char *code, const char *path, const unsigned *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (tl_count(d, code, path, rows[i]) != 1) tl_dump(d);
        assert_int_equal(tl_count(d, code, path, rows[i]), 1);
    }
}

static void test_task_call_mismatch(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC601");
    static const unsigned flagged[] = { 6, 7, 8, 9, 12, 13, 18, 19, 20, 21, 24, 27, 29 };
    size_t nflagged = sizeof flagged / sizeof *flagged;
    expect_flagged(d, "SVC601", VIEWS, flagged, nflagged);
    assert_int_equal(tl_count(d, "SVC601", TASKS, 22), 1); /* a wrapper that leaves an argument out */
    assert_int_equal(tl_count(d, "SVC601", NULL, 0), nflagged + 1);
    const svc_diagnostic *x = tl_find(d, "SVC601", VIEWS, 6);
    assert_int_equal(x->severity, SVC_SEVERITY_ERROR);
    assert_int_equal(x->span.col, 4);
    assert_non_null(strstr(x->message, "`_send`"));
    assert_non_null(strstr(x->message, "3 positional arguments where it takes at most 2")); /* self dropped */
    assert_non_null(strstr(tl_find(d, "SVC601", VIEWS, 7)->message, "required argument `order_id` missing"));
    assert_non_null(strstr(tl_find(d, "SVC601", VIEWS, 8)->message, "no parameter `nope`"));
    assert_non_null(strstr(tl_find(d, "SVC601", VIEWS, 9)->message, "`order_id` given both by position and by keyword"));
    assert_non_null(strstr(tl_find(d, "SVC601", VIEWS, 13)->message, "no parameter `zz`"));
    assert_non_null(strstr(tl_find(d, "SVC601", VIEWS, 20)->message, "`delay_send` cannot take these arguments"));
    assert_non_null(strstr(tl_find(d, "SVC601", VIEWS, 24)->message, "no parameter `a`"));
    assert_non_null(strstr(tl_find(d, "SVC601", VIEWS, 27)->message, "`dispatch` call"));
    assert_non_null(strstr(tl_find(d, "SVC601", VIEWS, 29)->message, "no parameter `bad`"));
    svc_diagnostics_free(d);
}

static void test_with_items_are_facts(void **state)
{
    fixture *fx = *state;
    const svc_facts *facts = tl_file_named(fx->repo.model, TXN)->facts;
    assert_int_equal(facts->nwith_items, 4); /* `with a, b:` is two */
    assert_int_equal(facts->with_items[0].value.row, 6);
    assert_int_equal(facts->with_items[0].body.row, 7);
    assert_int_equal(facts->with_items[1].value.col, 9); /* `atom(...)`, its `as t` left out */
    assert_int_equal(facts->with_items[1].value.end_col, 28);
    assert_int_equal(facts->with_items[2].value.row, 19);
}

static void test_delay_in_transaction(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC602");
    static const unsigned flagged[] = { 8, 9, 21, 29 };
    size_t nflagged = sizeof flagged / sizeof *flagged;
    expect_flagged(d, "SVC602", TXN, flagged, nflagged);
    static const unsigned traced[] = { 6, 12 }; /* a project's own context manager that opens atomic */
    expect_flagged(d, "SVC602", TRACED, traced, 2);
    assert_int_equal(d->len, nflagged + 2);
    const svc_diagnostic *x = tl_find(d, "SVC602", TXN, 8);
    assert_int_equal(x->severity, SVC_SEVERITY_WARNING);
    assert_non_null(strstr(x->message, "transaction opened on line 7"));
    assert_non_null(strstr(tl_find(d, "SVC602", TXN, 29)->message, "opened on line 27"));
    svc_diagnostics_free(d);
}

static void test_model_instance_argument(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC604");
    static const unsigned flagged[] = { 7, 10, 12, 16, 18, 19, 20, 22, 23 };
    size_t nflagged = sizeof flagged / sizeof *flagged;
    expect_flagged(d, "SVC604", INST, flagged, nflagged);
    assert_int_equal(d->len, nflagged);
    const svc_diagnostic *x = tl_find(d, "SVC604", INST, 7);
    assert_int_equal(x->severity, SVC_SEVERITY_WARNING);
    assert_int_equal(x->span.col, 16); /* the argument */
    assert_non_null(strstr(x->message, "`order` is a model instance (from `Order.objects.get(...)`) passed to `_send`"));
    assert_non_null(strstr(x->message, "pass `order.pk`"));
    assert_non_null(strstr(tl_find(d, "SVC604", INST, 10)->message, "passed to `delay_send`"));
    assert_non_null(strstr(tl_find(d, "SVC604", INST, 22)->message, "(from `request.user`)"));
    assert_non_null(strstr(tl_find(d, "SVC604", INST, 23)->message, "(annotated `Order`)"));
    svc_diagnostics_free(d);
}

static void test_blocking_result_in_task(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC606");
    static const unsigned flagged[] = { 7, 9, 11, 12, 18 };
    size_t nflagged = sizeof flagged / sizeof *flagged;
    expect_flagged(d, "SVC606", REPORTS, flagged, nflagged);
    assert_int_equal(d->len, nflagged);
    const svc_diagnostic *x = tl_find(d, "SVC606", REPORTS, 7);
    assert_int_equal(x->severity, SVC_SEVERITY_WARNING);
    assert_non_null(strstr(x->message, "Task `_close_day` waits with `.get()`"));
    assert_non_null(strstr(tl_find(d, "SVC606", REPORTS, 11)->message, "`.join()`"));
    svc_diagnostics_free(d);
}

static void test_local_assigns_are_facts(void **state)
{
    fixture *fx = *state;
    const svc_facts *facts = tl_file_named(fx->repo.model, INST)->facts;
    const svc_local_assign *pair = NULL, *item = NULL;
    for (size_t i = 0; i < facts->nlocal_assigns; i++) {
        if (strcmp(facts->local_assigns[i].name, "pair") == 0) pair = &facts->local_assigns[i];
        if (strcmp(facts->local_assigns[i].name, "item") == 0) item = &facts->local_assigns[i];
        assert_string_not_equal(facts->local_assigns[i].name, "created"); /* only a tuple's first name */
    }
    assert_non_null(pair);
    assert_true(pair->first_item);
    assert_int_equal(pair->span.row, 10);
    assert_string_equal(facts->calls[pair->value_call].attr, "get_or_create");
    assert_non_null(item);
    assert_true(item->first_item);
    assert_string_equal(item->value_text, "Order.objects.get_or_create(pk=1)[0]");
    assert_string_equal(facts->calls[item->value_call].attr, "get_or_create");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_task_call_mismatch, setup_shop, teardown),
        cmocka_unit_test_setup_teardown(test_with_items_are_facts, setup_transactions, teardown),
        cmocka_unit_test_setup_teardown(test_delay_in_transaction, setup_transactions, teardown),
        cmocka_unit_test_setup_teardown(test_model_instance_argument, setup_transactions, teardown),
        cmocka_unit_test_setup_teardown(test_local_assigns_are_facts, setup_transactions, teardown),
        cmocka_unit_test_setup_teardown(test_blocking_result_in_task, setup_transactions, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
