/* Import rules SVC201-SVC203 on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/util.h"
#include "core/service_names.h"

/* Services and apps every test starts from; each test adds the files that use them. */
static const tl_file base[] = {
    { "manage.py", "import os\n" },
    { "shop/__init__.py", "" },
    { "shop/settings.py", "INSTALLED_APPS = ['orders', 'inventory', 'taiga.projects']\n" },
    { "services/__init__.py", "" },
    { "services/integrations/__init__.py", "" },
    { "services/integrations/google_calendar/__init__.py", "from .credentials import get_credentials\n" },
    { "services/integrations/google_calendar/credentials.py", "def get_credentials(user):\n    return user\n" },
    { "services/integrations/tests/__init__.py", "" },
    { "services/billing/__init__.py", "from .errors import PaymentError\n" },
    { "services/billing/errors.py", "class PaymentError(Exception):\n    pass\n" },
    { "services/billing/invoices.py", "import enum\n\n"
                                      "class Status(enum.Enum):\n    PAID = 1\n\n"
                                      "class Invoice:\n    objects = None\n\n"
                                      "def total(order):\n    return 0\n" },
    { "services/billing/tests/__init__.py", "" },
    { "orders/__init__.py", "" },
    { "orders/apps.py", "from django.apps import AppConfig\nclass OrdersConfig(AppConfig):\n    name = \"orders\"\n" },
    { "orders/models.py", "from django.db import models\nclass Order(models.Model):\n    pass\n" },
    { "orders/views.py", "def order_total(request):\n    pass\n" },
    { "orders/forms.py", "class OrderForm:\n    pass\n" },
    { "orders/utils.py", "def slug(x):\n    return x\n" },
    { "inventory/__init__.py", "from .models import Item\n" },
    { "inventory/models/__init__.py", "from .item import Item\n" },
    { "inventory/models/item.py", "from django.db import models\nclass Item(models.Model):\n    pass\n" },
    { "inventory/admin.py", "from .models import Item\n" },
    { "taiga/__init__.py", "" },
    { "taiga/projects/__init__.py", "" },
    { "taiga/projects/apps.py", "from django.apps import AppConfig\n" },
    { "taiga/projects/models.py", "from django.db import models\nclass Project(models.Model):\n    pass\n" },
    { "taiga/projects/services/__init__.py", "def create_project():\n    pass\n" },
    { NULL, NULL },
};

typedef struct fixture {
    char *root;
    tl_repo repo;
    svc_diagnostics *diags;
} fixture;

static void open_fixture(fixture *fx, const tl_file *first, const tl_file *extra, const char *select)
{
    fx->root = tl_tempdir();
    if (first) tl_write_files(fx->root, first);
    if (extra) tl_write_files(fx->root, extra);
    tl_repo_open(&fx->repo, fx->root);
    fx->diags = tl_check(fx->repo.model, select);
}

static void close_fixture(fixture *fx)
{
    svc_diagnostics_free(fx->diags);
    tl_repo_close(&fx->repo);
    tl_rmrf(fx->root);
    free(fx->root);
}

/* The one finding with this code, path and 1-based row; fails the test (showing all) otherwise. */
static const svc_diagnostic *the_finding(const svc_diagnostics *d, const char *code, const char *path, unsigned row)
{
    const svc_diagnostic *found = NULL;
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        if (strcmp(x->rule->code, code) == 0 && strcmp(x->path, path) == 0 && x->span.row + 1 == row) {
            found = x;
            n++;
        }
    }
    if (n != 1) {
        tl_dump(d);
        fail_msg("expected one %s at %s:%u, found %zu", code, path, row, n);
    }
    return found;
}

static void expect_total(const svc_diagnostics *d, size_t want)
{
    if (d->len != want) {
        tl_dump(d);
        fail_msg("expected %zu findings, found %zu", want, d->len);
    }
}

static void expect_in_file(const svc_diagnostics *d, const char *code, const char *path, size_t want)
{
    size_t n = tl_count(d, code, path, 0);
    if (n != want) {
        tl_dump(d);
        fail_msg("expected %zu %s in %s, found %zu", want, code, path, n);
    }
}

/* 1-based column where `needle` starts on 1-based `row` of `text` (ASCII fixtures). */
static unsigned column_of(const char *text, unsigned row, const char *needle)
{
    for (unsigned r = 1; r < row; r++) {
        text = strchr(text, '\n');
        assert_non_null(text);
        text++;
    }
    const char *at = strstr(text, needle);
    assert_non_null(at);
    return (unsigned)(at - text) + 1;
}

/* ---- SVC201 deep-service-import -------------------------------------------------------- */

static const char deep_imports_view[] =
    "from services.integrations.google_calendar import get_credentials\n"         /* 1 flagged */
    "from services.integrations import google_calendar\n"                          /* 2 */
    "from services.billing import PaymentError\n"                                  /* 3 a re-export */
    "import services.integrations.google_calendar.credentials\n"                   /* 4 flagged */
    "import services.billing.invoices\n"                                           /* 5 */
    "from services.integrations.google_calendar import credentials as creds\n"     /* 6 flagged */
    "import services.integrations.google_calendar.credentials as c2\n"             /* 7 flagged */
    "from services.integrations.google_calendar import *\n"                        /* 8 flagged */
    "from services.billing import *\n"                                             /* 9 */
    "import services\n"                                                            /* 10 */
    "from services import billing\n"                                               /* 11 */
    "\n"
    "\n"
    "def view(request):\n"
    "    from services.integrations.google_calendar.credentials import get_credentials as g\n" /* 15 flagged */
    "    return g\n";

static void test_svc201_flags_deep_imports_in_an_app(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", deep_imports_view }, { NULL, NULL } };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC201");
    const char *p = "orders/views.py";
    const svc_diagnostic *d = the_finding(fx.diags, "SVC201", p, 1);
    assert_string_equal(d->message, "`get_credentials` is imported 4 levels down `services.integrations.google_calendar`; "
                                    "import `google_calendar` from `services.integrations` and use "
                                    "`google_calendar.get_credentials`");
    assert_int_equal(d->span.col + 1, column_of(deep_imports_view, 1, "get_credentials"));
    assert_int_equal(d->severity, SVC_SEVERITY_ERROR);
    d = the_finding(fx.diags, "SVC201", p, 4);
    assert_non_null(strstr(d->message, "`services.integrations.google_calendar.credentials`"));
    assert_non_null(strstr(d->message, "`google_calendar.credentials`"));
    assert_int_equal(d->span.col + 1, column_of(deep_imports_view, 4, "services.integrations"));
    d = the_finding(fx.diags, "SVC201", p, 6);
    assert_non_null(strstr(d->message, "`credentials`"));
    assert_int_equal(d->span.col + 1, column_of(deep_imports_view, 6, "credentials as creds"));
    the_finding(fx.diags, "SVC201", p, 7);
    d = the_finding(fx.diags, "SVC201", p, 8);
    assert_non_null(strstr(d->message, "import *"));
    d = the_finding(fx.diags, "SVC201", p, 15);
    assert_non_null(strstr(d->message, "5 levels down"));
    expect_total(fx.diags, 6); /* depth 3 and shallower (rows 2, 3, 5, 9, 10, 11) are fine */
    close_fixture(&fx);
}

static void test_svc201_multiline_import_reports_each_name_on_its_line(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "orders/views.py", "from services.integrations.google_calendar import (\n"
                             "    get_credentials,  # noqa: SVC201\n"
                             "    credentials,\n"
                             ")\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC201");
    expect_total(fx.diags, 1);
    const svc_diagnostic *d = the_finding(fx.diags, "SVC201", "orders/views.py", 3);
    assert_int_equal(d->span.col, 4);
    close_fixture(&fx);
}

static void test_svc201_outside_means_other_service(void **state)
{
    (void)state;
    const tl_file extra[] = {
        /* another service, relative import two levels up: resolved, then judged */
        { "services/billing/sync.py", "from ..integrations.google_calendar import get_credentials\n" },
        /* the tests of another service are outside too */
        { "services/billing/tests/test_sync.py",
          "from services.integrations.google_calendar.credentials import get_credentials\n" },
        /* the project package and a file directly in the services root */
        { "shop/urls.py", "from services.integrations.google_calendar import get_credentials\n" },
        { "services/utils.py", "from services.integrations.google_calendar import get_credentials\n" },
        /* inside the service itself, anything goes (relative or absolute, tests too) */
        { "services/integrations/sync.py",
          "from .google_calendar.credentials import get_credentials\n"
          "from services.integrations.google_calendar.credentials import get_credentials as g\n"
          "import services.integrations.google_calendar.credentials\n" },
        { "services/integrations/tests/test_gc.py",
          "from services.integrations.google_calendar.credentials import get_credentials\n"
          "from ..google_calendar import credentials\n" },
        { "services/integrations/google_calendar/helpers.py", "from .credentials import get_credentials\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC201");
    const svc_diagnostic *d = the_finding(fx.diags, "SVC201", "services/billing/sync.py", 1);
    /* the message names the resolved module, not the dots */
    assert_non_null(strstr(d->message, "`services.integrations.google_calendar`"));
    the_finding(fx.diags, "SVC201", "services/billing/tests/test_sync.py", 1);
    the_finding(fx.diags, "SVC201", "shop/urls.py", 1);
    the_finding(fx.diags, "SVC201", "services/utils.py", 1);
    expect_in_file(fx.diags, "SVC201", "services/integrations/sync.py", 0);
    expect_in_file(fx.diags, "SVC201", "services/integrations/tests/test_gc.py", 0);
    expect_total(fx.diags, 4);
    close_fixture(&fx);
}

static void test_svc201_noqa(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "orders/views.py",
          "from services.integrations.google_calendar import get_credentials  # noqa: SVC201\n"
          "from services.integrations.google_calendar import credentials  # noqa: SVC2\n"
          "from services.integrations.google_calendar import get_credentials as a  # noqa\n"
          "from services.integrations.google_calendar import get_credentials as b  # noqa: E501\n"
          "from services.integrations.google_calendar import get_credentials as c  # noqa: E501, SVC201\n"
          "from services.integrations.google_calendar import get_credentials as d  # noqa: SVC202\n"
          "from services.integrations.google_calendar import get_credentials as e  # NOQA:svc201\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC201");
    the_finding(fx.diags, "SVC201", "orders/views.py", 4); /* another linter's code does not suppress */
    the_finding(fx.diags, "SVC201", "orders/views.py", 6); /* another rule's code does not either */
    expect_total(fx.diags, 2);
    close_fixture(&fx);
}

static void test_svc201_services_root_named_by_config(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "pyproject.toml", "[tool.svcscope]\nservices-root = \"src/domain\"\n" },
        { "src/domain/__init__.py", "" },
        { "src/domain/integrations/__init__.py", "" },
        { "src/domain/integrations/google_calendar/__init__.py", "" },
        { "src/domain/integrations/google_calendar/credentials.py", "def get_credentials(u):\n    pass\n" },
        { "src/domain/billing/__init__.py", "" },
        { "src/domain/billing/sync.py",
          "from domain.integrations.google_calendar import credentials\n"       /* 1 flagged */
          "from domain.integrations import google_calendar\n"                   /* 2 */
          "from services.integrations.google_calendar import credentials\n" },  /* 3: not the services module */
        { "src/web/views.py", "from domain.integrations.google_calendar.credentials import get_credentials\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, files, NULL, "SVC201");
    const svc_diagnostic *d = the_finding(fx.diags, "SVC201", "src/domain/billing/sync.py", 1);
    assert_non_null(strstr(d->message, "import `google_calendar` from `domain.integrations`"));
    d = the_finding(fx.diags, "SVC201", "src/web/views.py", 1);
    assert_non_null(strstr(d->message, "5 levels down"));
    expect_total(fx.diags, 2);
    close_fixture(&fx);
}

/* A services root under backend/; backend_package makes backend/ a package. */
static const tl_file backend_root[] = {
    { "backend/services/__init__.py", "" },
    { "backend/services/integrations/__init__.py", "" },
    { "backend/services/integrations/google_calendar.py", "def get_credentials(u):\n    pass\n" },
    { "backend/orders/__init__.py", "" },
    { "backend/orders/models.py", "from django.db import models\nclass Order(models.Model):\n    pass\n" },
    { NULL, NULL },
};

/* backend/ is a package: `backend.services`, also written `services` when run from backend/ */
static const tl_file backend_package[] = {
    { "backend/__init__.py", "" },
    { "backend/orders/views.py",
      "from backend.services.integrations.google_calendar import get_credentials\n"
      "from services.integrations.google_calendar import get_credentials as g\n"
      "from backend.services.integrations import google_calendar\n"
      "from ..services.integrations.google_calendar import get_credentials as h\n" },
    { NULL, NULL },
};

static void test_svc201_backend_services_root(void **state)
{
    (void)state;
    static const tl_file plain[] = {
        /* backend/ is not a package: it is on sys.path and the module is `services` */
        { "backend/manage.py", "import os\n" },
        { "backend/orders/views.py",
          "from services.integrations.google_calendar import get_credentials\n"
          "from services.integrations import google_calendar\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, backend_root, plain, "SVC201");
    the_finding(fx.diags, "SVC201", "backend/orders/views.py", 1);
    expect_total(fx.diags, 1);
    close_fixture(&fx);

    open_fixture(&fx, backend_root, backend_package, "SVC201");
    const svc_diagnostic *d = the_finding(fx.diags, "SVC201", "backend/orders/views.py", 1);
    assert_non_null(strstr(d->message, "import `google_calendar` from `backend.services.integrations`"));
    the_finding(fx.diags, "SVC201", "backend/orders/views.py", 2);
    the_finding(fx.diags, "SVC201", "backend/orders/views.py", 4);
    expect_total(fx.diags, 3);
    close_fixture(&fx);
}

/* ---- SVC202 deep-service-chain ----------------------------------------------------------- */

static const char chains_view[] =
    "from services.integrations import google_calendar\n"                       /* 1 */
    "import services.integrations.google_calendar as gc\n"                      /* 2 */
    "import services.integrations.google_calendar\n"                            /* 3 */
    "from services.integrations.google_calendar import credentials\n"           /* 4 SVC201 only */
    "from services import integrations\n"                                       /* 5 */
    "\n"
    "\n"
    "def view(user):\n"                                                         /* 8 */
    "    google_calendar.credentials.get_credentials(user)\n"                   /* 9 flagged */
    "    google_calendar.get_credentials(user)\n"                               /* 10 */
    "    gc.credentials.get_credentials(user)\n"                                /* 11 flagged */
    "    services.integrations.google_calendar.get_credentials(user)\n"         /* 12 */
    "    services.integrations.google_calendar.credentials.get_credentials(user)\n" /* 13 flagged */
    "    credentials.get_credentials(user)\n"                                   /* 14: the import is the finding */
    "    integrations.google_calendar.credentials.get_credentials(user)\n"      /* 15 flagged */
    "    integrations.google_calendar.get_credentials(user)\n"                  /* 16 */
    "    return google_calendar.credentials\n"                                  /* 17 depth 4: fine */
    "\n"
    "\n"
    "def helper(google_calendar):\n"                                            /* 20: a parameter */
    "    google_calendar.credentials.get_credentials(1)\n"                      /* 21 local: not followed */
    "    cal = gc\n"
    "    cal.credentials.get_credentials(1)\n"                                  /* 23 local: not followed */
    "\n"
    "\n"
    "from services.billing import invoices\n"                                   /* 26 */
    "from services.billing.invoices import Invoice\n"                           /* 27 SVC201 only */
    "invoices.Invoice.objects.filter(paid=True)\n"                              /* 28 a class, not a module */
    "invoices.Status.PAID.value\n"                                              /* 29 same */
    "Invoice.objects.all()\n";                                                  /* 30 */

static void test_svc202_flags_chains_past_a_depth3_member(void **state)
{
    (void)state;
    const tl_file extra[] = { { "orders/views.py", chains_view }, { NULL, NULL } };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC2");
    const char *p = "orders/views.py";
    const svc_diagnostic *d = the_finding(fx.diags, "SVC202", p, 9);
    assert_int_equal(d->span.col, 4);
    assert_int_equal(d->severity, SVC_SEVERITY_ERROR);
    assert_non_null(strstr(d->message, "`google_calendar.credentials.get_credentials`"));
    assert_non_null(strstr(d->message, "`google_calendar.get_credentials`"));
    assert_non_null(strstr(d->message, "module `services.integrations.google_calendar.credentials`"));
    d = the_finding(fx.diags, "SVC202", p, 11);
    assert_non_null(strstr(d->message, "`gc.get_credentials`"));
    d = the_finding(fx.diags, "SVC202", p, 13);
    assert_non_null(strstr(d->message, "`services.integrations.google_calendar.get_credentials`"));
    d = the_finding(fx.diags, "SVC202", p, 15);
    assert_non_null(strstr(d->message, "`integrations.google_calendar.get_credentials`"));
    expect_in_file(fx.diags, "SVC202", p, 4);
    /* the deep import is one SVC201 finding; its use on row 14 is not reported again */
    the_finding(fx.diags, "SVC201", p, 4);
    the_finding(fx.diags, "SVC201", p, 27);
    expect_total(fx.diags, 6);
    close_fixture(&fx);
}

static void test_svc202_inside_the_service_is_free(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "services/integrations/sync.py",
          "from services.integrations import google_calendar\n"
          "def run(u):\n"
          "    return google_calendar.credentials.get_credentials(u)\n" },
        { "services/integrations/tests/test_sync.py",
          "from services.integrations import google_calendar\n"
          "def test_run():\n"
          "    google_calendar.credentials.get_credentials(1)\n" },
        { "services/billing/sync.py",
          "from ..integrations import google_calendar\n"
          "def run(u):\n"
          "    return google_calendar.credentials.get_credentials(u)\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC202");
    the_finding(fx.diags, "SVC202", "services/billing/sync.py", 3);
    expect_total(fx.diags, 1);
    close_fixture(&fx);
}

static void test_svc202_module_reexported_under_another_name(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "services/integrations/google_calendar/__init__.py",
          "from .credentials import get_credentials\n"
          "from . import credentials as creds\n" },
        { "orders/views.py",
          "from services.integrations import google_calendar\n"
          "google_calendar.creds.get_credentials(1)\n"            /* 2: creds is the credentials module */
          "google_calendar.get_credentials.__name__\n" },        /* 3: past a function, not a module */
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC202");
    the_finding(fx.diags, "SVC202", "orders/views.py", 2);
    expect_total(fx.diags, 1);
    close_fixture(&fx);
}

static void test_svc202_noqa(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "orders/views.py",
          "from services.integrations import google_calendar\n"
          "google_calendar.credentials.get_credentials(1)  # noqa: SVC202\n"
          "google_calendar.credentials.get_credentials(2)  # noqa: SVC2\n"
          "google_calendar.credentials.get_credentials(3)  # noqa\n"
          "google_calendar.credentials.get_credentials(4)  # noqa: E501\n"
          "google_calendar.credentials.get_credentials(5)  # noqa: SVC201\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC202");
    the_finding(fx.diags, "SVC202", "orders/views.py", 5);
    the_finding(fx.diags, "SVC202", "orders/views.py", 6);
    expect_total(fx.diags, 2);
    close_fixture(&fx);
}

/* ---- SVC203 service-imports-app ---------------------------------------------------------- */

static const char service_importing_apps[] =
    "from orders.views import order_total\n"             /* 1 flagged */
    "from orders import forms\n"                         /* 2 flagged */
    "import orders.utils\n"                              /* 3 flagged */
    "from orders.models import Order\n"                  /* 4 */
    "from orders import models\n"                        /* 5 */
    "import orders.models\n"                             /* 6 */
    "from inventory.models.item import Item\n"           /* 7 */
    "from inventory import Item as I2\n"                 /* 8: the app re-exports its model */
    "from taiga.projects.models import Project\n"        /* 9 */
    "from taiga.projects import services as psvc\n"      /* 10 flagged: nested app */
    "from orders.views import *\n"                       /* 11 flagged */
    "from orders.models import *\n"                      /* 12 */
    "from django.db import transaction\n"                /* 13: not an app of the repo */
    "import shop.settings\n";                            /* 14: the project package is not an app */

static void test_svc203_flags_app_imports_other_than_models(void **state)
{
    (void)state;
    const tl_file extra[] = { { "services/billing/payments.py", service_importing_apps }, { NULL, NULL } };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC203");
    const char *p = "services/billing/payments.py";
    const svc_diagnostic *d = the_finding(fx.diags, "SVC203", p, 1);
    assert_int_equal(d->severity, SVC_SEVERITY_ERROR);
    assert_non_null(strstr(d->message, "`orders.views.order_total`"));
    assert_non_null(strstr(d->message, "`orders.models`"));
    assert_int_equal(d->span.col + 1, column_of(service_importing_apps, 1, "order_total"));
    d = the_finding(fx.diags, "SVC203", p, 2);
    assert_non_null(strstr(d->message, "`orders.forms`"));
    d = the_finding(fx.diags, "SVC203", p, 3);
    assert_non_null(strstr(d->message, "`orders.utils`"));
    d = the_finding(fx.diags, "SVC203", p, 10);
    assert_non_null(strstr(d->message, "`taiga.projects.services`"));
    assert_non_null(strstr(d->message, "`taiga.projects.models`"));
    the_finding(fx.diags, "SVC203", p, 11);
    expect_total(fx.diags, 5);
    close_fixture(&fx);
}

static void test_svc203_app_package_judged_by_its_uses(void **state)
{
    (void)state;
    const tl_file extra[] = {
        { "services/billing/a.py", "import orders\n"
                                   "def f():\n"
                                   "    return orders.models.Order()\n" },
        { "services/billing/b.py", "import orders\n"
                                   "def f():\n"
                                   "    orders.models.Order()\n"
                                   "    return orders.views.order_total(1)\n" },
        { "services/billing/c.py", "from taiga import projects\n"
                                   "def f():\n"
                                   "    return projects.models.Project()\n" },
        { "services/billing/d.py", "from taiga import projects\n"
                                   "def f():\n"
                                   "    return projects.services.create_project()\n" },
        { "services/billing/e.py", "import orders.models\n"
                                   "def f():\n"
                                   "    return orders.utils.slug(1)\n" },
        { "services/billing/f.py", "from orders import *\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC203");
    const svc_diagnostic *d = the_finding(fx.diags, "SVC203", "services/billing/b.py", 1);
    assert_non_null(strstr(d->message, "`orders.views.order_total`"));
    d = the_finding(fx.diags, "SVC203", "services/billing/d.py", 1);
    assert_non_null(strstr(d->message, "`taiga.projects.services.create_project`"));
    the_finding(fx.diags, "SVC203", "services/billing/e.py", 1);
    the_finding(fx.diags, "SVC203", "services/billing/f.py", 1);
    expect_total(fx.diags, 4);
    close_fixture(&fx);
}

static void test_svc203_only_under_the_services_root(void **state)
{
    (void)state;
    const tl_file extra[] = {
        /* apps and the project import each other freely */
        { "orders/admin.py", "from orders.forms import OrderForm\nfrom inventory.admin import Item\n" },
        { "shop/urls.py", "from orders.views import order_total\n" },
        /* the services root, and a service's tests, are services code */
        { "services/utils.py", "from orders.utils import slug\n" },
        { "services/billing/tests/test_views.py", "from orders.views import order_total\n" },
        { "services/billing/refunds.py", "from orders.views import order_total  # noqa: SVC203\n"
                                         "from orders.forms import OrderForm  # noqa: SVC2\n"
                                         "from orders.utils import slug  # noqa: E501\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, base, extra, "SVC203");
    the_finding(fx.diags, "SVC203", "services/utils.py", 1);
    the_finding(fx.diags, "SVC203", "services/billing/tests/test_views.py", 1);
    the_finding(fx.diags, "SVC203", "services/billing/refunds.py", 3);
    expect_total(fx.diags, 3);
    close_fixture(&fx);
}

static void test_svc203_services_root_inside_an_app_folder(void **state)
{
    (void)state;
    static const tl_file files[] = {
        /* the project package `shop` has models.py (an app) and holds the services root */
        { "shop/__init__.py", "" },
        { "shop/models.py", "from django.db import models\nclass Setting(models.Model):\n    pass\n" },
        { "shop/views.py", "def home(request):\n    pass\n" },
        { "shop/services/__init__.py", "" },
        { "shop/services/integrations/__init__.py", "" },
        { "shop/services/integrations/google_calendar.py", "def get_credentials(u):\n    pass\n" },
        { "shop/services/billing/__init__.py", "" },
        { "shop/services/billing/sync.py",
          "from shop.services.integrations import google_calendar\n"   /* 1: a service, not the app */
          "from ..integrations import google_calendar as gc\n"         /* 2 */
          "from shop.models import Setting\n"                          /* 3 */
          "from shop.views import home\n"                              /* 4 flagged */
          "import shop\n"                                              /* 5 */
          "shop.services.integrations.google_calendar.get_credentials(1)\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, files, NULL, "SVC203");
    assert_string_equal(fx.repo.model->services_root, "shop/services");
    the_finding(fx.diags, "SVC203", "shop/services/billing/sync.py", 4);
    expect_total(fx.diags, 1);
    close_fixture(&fx);
}

/* ---- service depth and prefix (service_names.c, shared with the fixers) ------------------------ */

static void expect_prefix(const svc_model *m, const char *dotted, int depth, const char *want)
{
    char *got = svc_service_prefix(m, dotted, depth);
    if (strcmp(got, want) != 0) fail_msg("prefix %d of %s: expected %s, got %s", depth, dotted, want, got);
    free(got);
}

/*
 * The edges, as the rules have always read them: a name with fewer levels than asked, or outside
 * services, comes back whole (never NULL); a depth of 1 or less is the services module as written.
 * The fixers used to get NULL there: they now check svc_service_depth first.
 */
static void test_service_depth_and_prefix_edges(void **state)
{
    (void)state;
    fixture fx;
    open_fixture(&fx, base, NULL, "SVC2");
    const svc_model *m = fx.repo.model;
    assert_int_equal(svc_service_depth(m, "services"), 1);
    assert_int_equal(svc_service_depth(m, "services.billing"), 2);
    assert_int_equal(svc_service_depth(m, "services.integrations.google_calendar.credentials"), 4);
    assert_int_equal(svc_service_depth(m, "orders.views"), -1);
    assert_int_equal(svc_service_depth(m, "servicesx.billing"), -1);
    expect_prefix(m, "services.integrations.google_calendar.credentials", 3, "services.integrations.google_calendar");
    expect_prefix(m, "services.integrations.google_calendar.credentials", 2, "services.integrations");
    expect_prefix(m, "services.integrations.google_calendar.credentials", 1, "services");
    expect_prefix(m, "services.integrations.google_calendar.credentials", 0, "services");
    expect_prefix(m, "services.billing", 3, "services.billing");      /* fewer levels: whole */
    expect_prefix(m, "services.billing", 5, "services.billing");
    expect_prefix(m, "services", 2, "services");
    expect_prefix(m, "orders.views.order_total", 2, "orders.views.order_total"); /* outside: whole */
    char *head = svc_dotted_head("a.b.c", 2);
    assert_string_equal(head, "a.b");
    free(head);
    head = svc_dotted_head("a.b.c", 7);
    assert_string_equal(head, "a.b.c");
    free(head);
    head = svc_dotted_head("a.b.c", 0);
    assert_string_equal(head, "");
    free(head);
    close_fixture(&fx);

    /* backend.services, also written from the bare `services` */
    open_fixture(&fx, backend_root, backend_package, "SVC2");
    m = fx.repo.model;
    assert_int_equal(svc_service_depth(m, "backend.services.integrations.google_calendar"), 3);
    assert_int_equal(svc_service_depth(m, "services.integrations.google_calendar"), 3);
    assert_int_equal(svc_service_depth(m, "backend"), -1);
    expect_prefix(m, "services.integrations.google_calendar.get_credentials", 2, "services.integrations");
    expect_prefix(m, "backend.services.integrations.google_calendar", 1, "backend.services");
    expect_prefix(m, "services.integrations", 1, "services");
    close_fixture(&fx);
}

/* ---- without a services root ----------------------------------------------------------------- */

static void test_no_services_root_no_import_findings(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "orders/__init__.py", "" },
        { "orders/models.py", "from django.db import models\nclass Order(models.Model):\n    pass\n" },
        { "orders/views.py", "from services.integrations.google_calendar import get_credentials\n"
                             "import services.a.b.c\n"
                             "services.a.b.c.d.e()\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, files, NULL, "SVC2");
    expect_total(fx.diags, 0);
    close_fixture(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svc201_flags_deep_imports_in_an_app),
        cmocka_unit_test(test_svc201_multiline_import_reports_each_name_on_its_line),
        cmocka_unit_test(test_svc201_outside_means_other_service),
        cmocka_unit_test(test_svc201_noqa),
        cmocka_unit_test(test_svc201_services_root_named_by_config),
        cmocka_unit_test(test_svc201_backend_services_root),
        cmocka_unit_test(test_svc202_flags_chains_past_a_depth3_member),
        cmocka_unit_test(test_svc202_inside_the_service_is_free),
        cmocka_unit_test(test_svc202_module_reexported_under_another_name),
        cmocka_unit_test(test_svc202_noqa),
        cmocka_unit_test(test_svc203_flags_app_imports_other_than_models),
        cmocka_unit_test(test_svc203_app_package_judged_by_its_uses),
        cmocka_unit_test(test_svc203_only_under_the_services_root),
        cmocka_unit_test(test_svc203_services_root_inside_an_app_folder),
        cmocka_unit_test(test_service_depth_and_prefix_edges),
        cmocka_unit_test(test_no_services_root_no_import_findings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
