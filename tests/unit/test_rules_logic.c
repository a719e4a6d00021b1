/* The logic-placement rule SVC501 on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/util.h"

static const tl_file shop[] = {
    { "pyproject.toml", "[tool.svcscope]\nglue-modules = [\"selectors\"]\n" },
    { "services/__init__.py", "" },
    { "services/orders/__init__.py", "" },
    { "services/orders/checkout.py", "def place(order):\n    order.save()\n" },
    { "orders/__init__.py", "def default():\n    pass\n" },                 /* the app's own: fine */
    { "orders/apps.py", "from django.apps import AppConfig\n\nclass OrdersConfig(AppConfig):\n    name = 'orders'\n" },
    { "orders/models.py",
      "from django.db import models\n"
      "\n"
      "class Order(models.Model):\n"
      "    def save(self, *args, **kwargs):\n"
      "        super().save(*args, **kwargs)\n"
      "\n"
      "class PageView(models.Model):\n"                 /* a model named like a view */
      "    def bump(self):\n"
      "        self.save()\n"
      "\n"
      "def order_total(order):\n"                        /* a glue module: fine */
      "    return 1\n" },
    { "orders/helpers.py",
      "import datetime\n"
      "\n"
      "def total(order):\n"                              /* 3: 501, 2 functions */
      "    return 1\n"
      "\n"
      "def _tax(order):\n"
      "    return 2\n"
      "\n"
      "class Money:\n"
      "    def add(self):\n"
      "        pass\n" },
    { "orders/constants.py", "LIMIT = 3\n\nclass Kind:\n    pass\n" },      /* no functions */
    { "orders/selectors.py", "def open_orders():\n    pass\n" },             /* glue by config */
    { "orders/utils/__init__.py", "def helper():\n    pass\n" },             /* 1: 501 */
    { "orders/utils/money.py", "def cents(x):\n    return x\n" },            /* 1: 501 */
    { "orders/pricing.py", "def price():  # noqa: SVC501\n    pass\n" },      /* suppressed */
    { "orders/tasks.py", "from celery import shared_task\n\n@shared_task\ndef sync():\n    pass\n" }, /* SVC401 alone */
    { "orders/jobs.py",
      "from celery import shared_task\n"
      "\n"
      "@shared_task\n"
      "def refresh():\n"                                /* 4: a task, SVC401's */
      "    pass\n"
      "\n"
      "def refresh_later():\n"                          /* 7: its wrapper moves with it */
      "    refresh.delay()\n"
      "\n"
      "def format_total(x):\n"                          /* 10: 501, the one function counted */
      "    return x\n" },
    { "orders/migrations/__init__.py", "" },
    { "orders/migrations/0001_initial.py", "def forwards(apps, schema_editor):\n    pass\n" },
    { "orders/management/__init__.py", "" },
    { "orders/management/commands/__init__.py", "" },
    { "orders/management/commands/close.py", "def handle():\n    pass\n" },
    { "orders/templatetags/__init__.py", "" },
    { "orders/templatetags/money.py", "def cents(x):\n    return x\n" },
    { "orders/tests/__init__.py", "" },
    { "orders/tests/test_helpers.py", "def test_total():\n    pass\n" },
    { "orders/test_views.py", "def test_view():\n    pass\n" },
    { "orders/conftest.py", "def order():\n    pass\n" },
    { "orders/views/__init__.py", "" },
    { "orders/views/detail.py",
      "from django.views.generic import CreateView, View\n"      /* 1 */
      "from django.core.cache import cache\n"
      "from rest_framework import serializers\n"
      "from orders.models import Order\n"
      "from services.orders import checkout\n"                   /* 5 */
      "\n"
      "class OrderCreate(CreateView):\n"
      "    def form_valid(self, form):\n"
      "        order = form.save()\n"                            /* 9: Django's API: fine */
      "        order.total = 3\n"                                /* 10 */
      "        order.save()\n"                                   /* 11: 501 */
      "        return super().form_valid(form)\n"
      "\n"
      "class BaseOrderView(View):\n"
      "    pass\n"                                               /* 15 */
      "\n"
      "class CloseOrder(BaseOrderView):\n"                       /* a view through a repo base */
      "    def post(self, request, pk):\n"
      "        Order.objects.filter(pk=pk).update(open=False)\n" /* 19: 501 */
      "        checkout.place(pk)\n"                             /* 20 */
      "        order.delete()  # noqa: SVC501\n"                 /* 21: suppressed */
      "\n"
      "class OrderSerializer(serializers.ModelSerializer):\n"
      "    def create(self, validated_data):\n"
      "        return Order.objects.create(**validated_data)\n"  /* 25: 501 */
      "\n"
      "class Helper:\n"
      "    def run(self, o):\n"
      "        o.save()\n"                                       /* 29: not a view */
      "\n"                                                       /* 30 */
      "def legacy_view(request, pk):\n"
      "    Order.objects.get(pk=pk).delete()\n"                  /* 32: 501, function-based view */
      "\n"
      "def not_a_view(data):\n"
      "    data.update(x=1)\n"                                   /* 35 */
      "    order.save()\n"
      "\n"
      "class Cached(View):\n"
      "    def get(self, request):\n"
      "        cache.delete('k')\n"                              /* 40: not the ORM */
      "        data = {}\n"
      "        data.update(a=1)\n"                               /* 42: not the ORM */
      "        request.session.delete()\n"                      /* 43: not the ORM */
      "\n"
      "class Reopen(View):\n"                                    /* 45 */
      "    def post(self, request):\n"
      "        Order.objects.filter(open=False) \\\n"           /* 47: 501 */
      "            .update(open=True)\n" },
    { "orders/forms.py",
      "from django import forms\n"
      "\n"
      "class OrderForm(forms.ModelForm):\n"
      "    def save(self, commit=True):\n"
      "        order = super().save(commit=False)\n"             /* 5: fine */
      "        order.notes = ''\n"
      "        order.item_set.create(n=1)\n"                     /* 7: 501 */
      "        order.save()\n"                                   /* 8: 501 */
      "        return order\n" },
    { NULL, NULL },
};

typedef struct fixture {
    char *root;
    tl_repo repo;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->root = tl_tempdir();
    tl_write_files(fx->root, shop);
    tl_repo_open(&fx->repo, fx->root);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    tl_repo_close(&fx->repo);
    tl_rmrf(fx->root);
    free(fx->root);
    free(fx);
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

static void test_non_glue_module_with_functions(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC501");
    const svc_diagnostic *x = find(d, "SVC501", "orders/helpers.py", 3); /* at the first function */
    assert_int_equal(x->span.col, 4);
    assert_int_equal(x->severity, SVC_SEVERITY_WARNING);
    assert_non_null(strstr(x->message, "defines 2 functions (`total`, `_tax`)"));
    assert_int_equal(tl_count(d, "SVC501", "orders/helpers.py", 0), 1); /* once per module */
    x = find(d, "SVC501", "orders/utils/__init__.py", 1);
    assert_non_null(strstr(x->message, "function `helper`"));
    find(d, "SVC501", "orders/utils/money.py", 1);
    /* one finding per root cause: tasks and their wrappers are SVC401's */
    assert_int_equal(tl_count(d, "SVC501", "orders/tasks.py", 0), 0);
    x = find(d, "SVC501", "orders/jobs.py", 10);
    assert_non_null(strstr(x->message, "defines function `format_total`"));
    /* glue modules, the app's __init__, a module without functions, noqa on line 1: none */
    static const char *const fine[] = {
        "orders/__init__.py", "orders/models.py", "orders/apps.py", "orders/constants.py", "orders/selectors.py",
        "orders/pricing.py", "orders/migrations/0001_initial.py",
        "orders/management/commands/close.py", "orders/templatetags/money.py", "orders/tests/test_helpers.py",
        "orders/test_views.py", "orders/conftest.py", "services/orders/checkout.py", NULL,
    };
    for (size_t i = 0; fine[i]; i++) {
        if (tl_count(d, "SVC501", fine[i], 0)) {
            tl_dump(d);
            fail_msg("SVC501 in %s", fine[i]);
        }
    }
    svc_diagnostics_free(d);
}

static void test_view_writes_through_orm(void **state)
{
    fixture *fx = *state;
    svc_diagnostics *d = tl_check(fx->repo.model, "SVC501");
    const char *v = "orders/views/detail.py";
    if (tl_count(d, "SVC501", v, 0) != 5) tl_dump(d);
    assert_int_equal(tl_count(d, "SVC501", v, 0), 5);
    const svc_diagnostic *x = find(d, "SVC501", v, 11);
    assert_int_equal(x->span.col, 8); /* the call */
    assert_non_null(strstr(x->message, "`OrderCreate.form_valid` writes through the ORM (`order.save()`)"));
    x = find(d, "SVC501", v, 19); /* CloseOrder -> BaseOrderView -> View */
    assert_non_null(strstr(x->message, "`CloseOrder.post`"));
    find(d, "SVC501", v, 25);
    x = find(d, "SVC501", v, 32);
    assert_non_null(strstr(x->message, "`legacy_view`"));
    x = find(d, "SVC501", v, 47); /* a chain over two lines is shown on one */
    assert_non_null(strstr(x->message, "(`Order.objects.filter(open=False).update()`)"));
    find(d, "SVC501", "orders/forms.py", 7);
    find(d, "SVC501", "orders/forms.py", 8);
    assert_int_equal(tl_count(d, "SVC501", "orders/forms.py", 0), 2);
    svc_diagnostics_free(d);
}

static void test_migration_mode(void **state)
{
    (void)state;
    static const tl_file legacy[] = {
        { "orders/__init__.py", "" },
        { "orders/models.py", "from django.db import models\nclass Order(models.Model):\n    pass\n" },
        { "orders/helpers.py", "def total(order):\n    return 1\n" },
        { NULL, NULL },
    };
    char *root = tl_tempdir();
    tl_write_files(root, legacy);
    tl_repo r;
    tl_repo_open(&r, root);
    assert_int_equal(r.model->napps, 1);
    svc_diagnostics *d = tl_check(r.model, "SVC5");
    assert_int_equal(d->len, 0);
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_non_glue_module_with_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_writes_through_orm, setup, teardown),
        cmocka_unit_test(test_migration_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
