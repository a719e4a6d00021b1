/* The model on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/util.h"

static const tl_file shop[] = {
    { "manage.py", "import os\n" },
    { "shop/__init__.py", "" },
    { "shop/celery.py", "from celery import Celery\napp = Celery('shop')\n" },
    { "shop/settings.py", "DJANGO_APPS = ['django.contrib.auth']\n"
                          "LOCAL_APPS = ['orders.apps.OrdersConfig', 'catalog', 'inventory']\n"
                          "INSTALLED_APPS = DJANGO_APPS + LOCAL_APPS\n" },
    { "orders/__init__.py", "" },
    { "orders/apps.py", "from django.apps import AppConfig\nclass OrdersConfig(AppConfig):\n    name = 'orders'\n" },
    { "orders/views.py", "from services.tasks import email_tasks\n"
                         "def checkout(request):\n    email_tasks.delay_send_receipt(1)\n" },
    { "orders/tasks.py", "from celery import shared_task\n\n@shared_task\ndef sync_stock():\n    pass\n" },
    { "catalog/__init__.py", "" },
    { "catalog/views.py", "def index(request):\n    pass\n" },
    { "inventory/__init__.py", "" },
    { "inventory/models/__init__.py", "from .item import Item\n" },
    { "inventory/models/item.py", "from django.db import models\nclass Item(models.Model):\n    pass\n" },
    { "services/__init__.py", "" },
    { "services/billing/__init__.py", "from .errors import PaymentError\n" },
    { "services/billing/errors.py", "class BillingError(Exception):\n    pass\n\n"
                                    "class PaymentError(BillingError):\n    pass\n" },
    { "services/billing/refunds.py", "from . import errors\n\n"
                                     "class RefundError(errors.BillingError):\n    pass\n\n"
                                     "def refund(order):\n    raise RefundError()\n" },
    { "services/billing/tests/__init__.py", "" },
    { "services/billing/tests/test_refunds.py", "def test_refund():\n    pass\n" },
    { "services/billing/test_misplaced.py", "def test_x():\n    pass\n" },
    { "services/notifications/__init__.py", "" },
    { "services/notifications/email.py", "def send(to):\n    pass\n" },
    { "services/templates/mail.html", "<p></p>\n" },
    { "services/tasks/__init__.py", "" },
    { "services/tasks/email_tasks.py",
      "from shop.celery import app\n"
      "from services.notifications import email\n\n"
      "@app.task(bind=True, name='emails.receipt')\n"
      "def _send_receipt(self, order_id):\n"
      "    email.send(order_id)\n\n"
      "def delay_send_receipt(order_id):\n"
      "    return _send_receipt.delay(order_id)\n\n"
      "@app.task\n"
      "def _orphan():\n    pass\n\n"
      "def trigger_orphan():\n"
      "    _orphan.apply_async()\n" },
    { "services/tasks/tests/__init__.py", "" },
    { "services/utils.py", "def helper():\n    pass\n" },
    { "lib/services/__init__.py", "" },
    { "lib/services/deep/__init__.py", "" },
    { NULL, NULL },
};

static char *make_shop(void)
{
    char *root = tl_tempdir();
    tl_write_files(root, shop);
    return root;
}

static void test_services_root_and_services(void **state)
{
    (void)state;
    char *root = make_shop();
    tl_repo r;
    tl_repo_open(&r, root);
    svc_model *m = r.model;
    assert_string_equal(m->services_root, "services"); /* the shallowest, not lib/services */
    assert_string_equal(m->services_module, "services");
    assert_int_equal(m->nservices, 3); /* billing, notifications, tasks; templates has no Python */
    const svc_service *billing = tl_service_named(m, "billing");
    assert_true(billing->has_init);
    assert_true(billing->has_tests);
    assert_true(billing->tests_has_init);
    assert_false(billing->is_tasks);
    const svc_service *notif = tl_service_named(m, "notifications");
    assert_false(notif->has_tests);
    assert_true(m->tasks_service >= 0);
    assert_string_equal(m->services[m->tasks_service].name, "tasks");

    assert_int_equal(tl_file_named(m, "services/utils.py")->role, SVC_ROLE_SERVICES_ROOT);
    assert_int_equal(tl_file_named(m, "services/billing/refunds.py")->role, SVC_ROLE_SERVICE);
    assert_int_equal(tl_file_named(m, "services/billing/test_misplaced.py")->role, SVC_ROLE_SERVICE_TEST);
    assert_int_equal(tl_file_named(m, "services/billing/tests/test_refunds.py")->role, SVC_ROLE_SERVICE_TEST);
    assert_int_equal(tl_file_named(m, "lib/services/deep/__init__.py")->role, SVC_ROLE_OTHER);
    assert_string_equal(tl_file_named(m, "services/billing/refunds.py")->module, "services.billing.refunds");
    assert_string_equal(tl_file_named(m, "services/billing/__init__.py")->module, "services.billing");
    assert_int_equal(svc_model_service_of(m, "services.billing.refunds.refund"), billing - m->services);
    assert_int_equal(svc_model_service_of(m, "orders.views"), -1);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_apps(void **state)
{
    (void)state;
    char *root = make_shop();
    tl_repo r;
    tl_repo_open(&r, root);
    svc_model *m = r.model;
    /* all three listed; orders: apps.py; catalog: INSTALLED_APPS only; inventory: models/ package */
    assert_int_equal(m->napps, 3);
    assert_string_equal(m->apps[0].path, "catalog");
    assert_int_equal(m->apps[0].origin, SVC_APP_FROM_SETTINGS);
    assert_string_equal(m->apps[1].path, "inventory");
    assert_int_equal(m->apps[1].origin, SVC_APP_FROM_MODELS);
    assert_string_equal(m->apps[2].path, "orders");
    assert_int_equal(m->apps[2].origin, SVC_APP_FROM_APPS_PY);
    assert_int_equal(tl_file_named(m, "orders/views.py")->role, SVC_ROLE_APP);
    assert_int_equal(tl_file_named(m, "shop/settings.py")->role, SVC_ROLE_OTHER);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_tasks_and_wrappers(void **state)
{
    (void)state;
    char *root = make_shop();
    tl_repo r;
    tl_repo_open(&r, root);
    svc_model *m = r.model;
    assert_int_equal(m->ntasks, 3);
    const svc_task *sync = NULL, *receipt = NULL, *orphan = NULL;
    for (size_t i = 0; i < m->ntasks; i++) {
        if (strcmp(m->tasks[i].dotted, "orders.tasks.sync_stock") == 0) sync = &m->tasks[i];
        if (strcmp(m->tasks[i].dotted, "services.tasks.email_tasks._send_receipt") == 0) receipt = &m->tasks[i];
        if (strcmp(m->tasks[i].dotted, "services.tasks.email_tasks._orphan") == 0) orphan = &m->tasks[i];
    }
    assert_non_null(sync);
    assert_non_null(receipt);
    assert_non_null(orphan);
    assert_false(sync->in_tasks_service);
    assert_string_equal(sync->decorator, "celery.shared_task");
    assert_true(receipt->in_tasks_service);
    assert_true(receipt->bind);
    assert_string_equal(receipt->celery_name, "emails.receipt");
    assert_string_equal(receipt->decorator, "shop.celery.app.task");
    assert_int_equal(receipt->nwrappers, 1);
    const svc_wrapper *w = &m->wrappers[receipt->wrappers[0]];
    assert_string_equal(w->dotted, "services.tasks.email_tasks.delay_send_receipt");
    assert_true(w->named_delay);
    /* a wrapper not named delay_ is still the wrapper (the rules judge the name) */
    assert_int_equal(orphan->nwrappers, 1);
    assert_false(m->wrappers[orphan->wrappers[0]].named_delay);
    assert_int_equal(sync->nwrappers, 0);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_exceptions_and_symbols(void **state)
{
    (void)state;
    char *root = make_shop();
    tl_repo r;
    tl_repo_open(&r, root);
    svc_model *m = r.model;
    /* BillingError, PaymentError, RefundError (base chain through errors.BillingError in another file) */
    assert_int_equal(m->nexceptions, 3);
    for (size_t i = 0; i < m->nexceptions; i++) {
        const svc_exception *e = &m->exceptions[i];
        if (strcmp(e->dotted, "services.billing.errors.PaymentError") == 0) assert_true(e->at_root);
        else if (strcmp(e->dotted, "services.billing.errors.BillingError") == 0) assert_false(e->at_root);
        else if (strcmp(e->dotted, "services.billing.refunds.RefundError") == 0) assert_false(e->at_root);
        else fail_msg("unexpected exception %s", e->dotted);
    }
    assert_string_equal(svc_model_resolve(m, "services.billing.PaymentError"), "services.billing.errors.PaymentError");
    assert_string_equal(svc_model_resolve(m, "services.billing.refunds.errors.BillingError"),
                        "services.billing.errors.BillingError");
    assert_string_equal(svc_model_resolve(m, "services.billing"), "services.billing");
    assert_null(svc_model_resolve(m, "django.db.models"));
    assert_null(svc_model_resolve(m, "services.billing.missing"));
    assert_true(svc_model_is_module(m, "services.tasks.email_tasks"));
    svc_defref d;
    assert_true(svc_model_find_def(m, "services.tasks.email_tasks.delay_send_receipt", &d));
    assert_string_equal(m->files[d.file].path, "services/tasks/email_tasks.py");
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_backend_services_root(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "backend/manage.py", "" },
        { "backend/services/__init__.py", "" },
        { "backend/services/billing/__init__.py", "" },
        { "backend/services/billing/invoices.py", "from ..notifications import email\n" },
        { "backend/services/notifications/__init__.py", "" },
        { "backend/services/notifications/email.py", "def send():\n    pass\n" },
        { "backend/taiga/__init__.py", "" },
        { "backend/taiga/projects/__init__.py", "" },
        { "backend/taiga/projects/models.py", "from django.db import models\nclass Thing(models.Model):\n    pass\n" },
        { "backend/taiga/projects/services/__init__.py", "" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    assert_string_equal(r.model->services_root, "backend/services");
    assert_string_equal(r.model->services_module, "services");
    assert_int_equal(r.model->nservices, 2);
    assert_string_equal(tl_file_named(r.model, "backend/services/billing/invoices.py")->module,
                        "services.billing.invoices");
    const svc_facts *f = tl_file_named(r.model, "backend/services/billing/invoices.py")->facts;
    assert_int_equal(f->nimports, 1);
    assert_string_equal(f->imports[0].target, "services.notifications.email");
    assert_int_equal(r.model->napps, 1);
    assert_string_equal(r.model->apps[0].path, "backend/taiga/projects");
    assert_string_equal(r.model->apps[0].module, "taiga.projects");
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_no_services_package(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "app/__init__.py", "" },
        { "app/models.py", "from django.db import models\nclass Thing(models.Model):\n    pass\n" },
        { "app/tasks.py", "from proj.celery import app\n@app.task\ndef crunch():\n    pass\n"
                          "def go():\n    crunch.delay()\n" },
        { "proj/__init__.py", "" },
        { "proj/celery.py", "app = object()\n" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    assert_null(r.model->services_root);
    assert_int_equal(r.model->nservices, 0);
    assert_int_equal(r.model->tasks_service, -1);
    assert_int_equal(r.model->ntasks, 1);
    assert_false(r.model->tasks[0].in_tasks_service);
    assert_int_equal(r.model->tasks[0].nwrappers, 1); /* migration mode: any name */
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_config_overrides(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "pyproject.toml", "[tool.svcscope]\nservices-root = \"src/domain\"\ntasks-service = \"jobs\"\n"
                            "task-decorators = [\"instrumented_task\"]\napps = [\"web\"]\n"
                            "exclude = [\"legacy\"]\n" },
        { "src/domain/__init__.py", "" },
        { "src/domain/jobs/__init__.py", "" },
        { "src/domain/jobs/report_tasks.py", "from obs import instrumented_task\n"
                                             "@instrumented_task(name='r')\ndef _build():\n    pass\n" },
        { "web/views.py", "" },
        { "shop/models.py", "from django.db import models\nclass Thing(models.Model):\n    pass\n" },
        { "shop/__init__.py", "" },
        { "legacy/old.py", "import services.a.b.c.d\n" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    assert_string_equal(r.model->services_root, "src/domain");
    assert_string_equal(r.model->services_module, "domain");
    assert_string_equal(r.model->services[r.model->tasks_service].name, "jobs");
    assert_int_equal(r.model->ntasks, 1);
    assert_true(r.model->tasks[0].in_tasks_service);
    assert_int_equal(r.model->napps, 1);
    assert_string_equal(r.model->apps[0].path, "web");
    assert_int_equal(svc_model_file(r.model, "legacy/old.py"), -1);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* The same repo read from the work tree, the index and a commit. */
static void test_sources(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write(root, "services/__init__.py", "");
    tl_write(root, "services/a/__init__.py", "");
    tl_write(root, ".gitignore", "ignored/\n");
    tl_write(root, "ignored/junk.py", "x = 1\n");
    tl_git(root, "init -q");
    tl_git(root, "add -A");
    tl_git(root, "commit -q -m one");
    tl_write(root, "services/b/__init__.py", "");
    tl_git(root, "add services/b/__init__.py");
    tl_write(root, "services/c/__init__.py", "");

    tl_repo r;
    tl_repo_open(&r, root);
    assert_int_equal(r.model->nservices, 3);
    assert_int_equal(svc_model_file(r.model, "ignored/junk.py"), -1);
    assert_true(svc_source_is_git(r.source));
    assert_string_equal(svc_source_branch(r.source), "main");
    tl_repo_close(&r);

    tl_repo_open_kind(&r, root, SVC_SOURCE_INDEX, NULL);
    assert_int_equal(r.model->nservices, 2);
    tl_repo_close(&r);

    tl_repo_open_kind(&r, root, SVC_SOURCE_COMMIT, "HEAD");
    assert_int_equal(r.model->nservices, 1);
    tl_repo_close(&r);

    tl_rmrf(root);
    free(root);
}

/* Code that is not the application is not read: hidden folders (tracked `.semgrep/` fixtures),
 * node_modules, site-packages, build, dist and virtualenvs (found by pyvenv.cfg, or an old
 * `venv`/`env` with bin/activate); `extend-exclude` adds, `exclude` replaces the defaults. */
static void test_scope_excludes(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "shop/__init__.py", "" },
        { "shop/jobs.py", "from celery import shared_task\n@shared_task\ndef crunch():\n    pass\n" },
        { ".semgrep/celery/rule.py", "from celery import shared_task\n@shared_task\ndef fixture():\n    pass\n" },
        { "frontend/node_modules/pkg/gyp.py", "x = 1\n" },
        { "build/lib/shop/jobs.py", "x = 1\n" },
        { "dist/shop/jobs.py", "x = 1\n" },
        { "legacy/old.py", "x = 1\n" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_git(root, "init -q");
    tl_git(root, "add -A");
    tl_git(root, "commit -q -m one");
    /* untracked and not ignored: a virtualenv by its pyvenv.cfg, an old one by bin/activate */
    tl_write(root, "py312/pyvenv.cfg", "home = /usr/bin\n");
    tl_write(root, "py312/lib/python3.12/celery/app.py", "x = 1\n");
    tl_write(root, "py312/bin/tool.py", "x = 1\n");
    tl_write(root, "env/bin/activate", "# old virtualenv\n");
    tl_write(root, "env/bin/tool.py", "x = 1\n");
    tl_write(root, "tools/bin/activate", "# a script, not a virtualenv\n");
    tl_write(root, "tools/bin/run.py", "x = 1\n");

    tl_repo r;
    tl_repo_open(&r, root);
    assert_int_equal(r.model->nfiles, 4); /* shop/__init__.py, shop/jobs.py, legacy/old.py, tools/bin/run.py */
    assert_int_equal(svc_model_file(r.model, ".semgrep/celery/rule.py"), -1);
    assert_int_equal(svc_model_file(r.model, "py312/bin/tool.py"), -1);
    assert_int_equal(svc_model_file(r.model, "env/bin/tool.py"), -1);
    assert_true(svc_model_file(r.model, "tools/bin/run.py") >= 0);
    assert_int_equal(r.model->ntasks, 1);
    for (size_t i = 0; i < r.model->nfolders; i++) {
        assert_false(svc_str_starts_with(r.model->folders[i], ".semgrep"));
        assert_false(svc_str_starts_with(r.model->folders[i], "node_modules"));
    }
    tl_repo_close(&r);

    tl_write(root, "pyproject.toml", "[tool.svcscope]\nextend-exclude = [\"legacy\"]\n");
    tl_repo_open(&r, root);
    assert_int_equal(r.model->nfiles, 3);
    assert_int_equal(svc_model_file(r.model, "legacy/old.py"), -1);
    tl_repo_close(&r);

    /* `exclude` replaces the defaults, not the virtualenvs */
    tl_write(root, "pyproject.toml", "[tool.svcscope]\nexclude = [\"legacy\"]\n");
    tl_repo_open(&r, root);
    assert_true(svc_model_file(r.model, ".semgrep/celery/rule.py") >= 0);
    assert_true(svc_model_file(r.model, "build/lib/shop/jobs.py") >= 0);
    assert_int_equal(svc_model_file(r.model, "py312/bin/tool.py"), -1);
    assert_int_equal(r.model->ntasks, 2);
    tl_repo_close(&r);

    tl_rmrf(root);
    free(root);
}

/* The apps of the full model and of the check-only model (pre-filter), which must agree. */
static void expect_apps(tl_repo *r, const char *const *want, size_t n)
{
    assert_int_equal(r->model->napps, n);
    for (size_t i = 0; i < n; i++) assert_string_equal(r->model->apps[i].path, want[i]);
    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.check_only = true;
    svc_model *checked = NULL;
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_model_build(&checked, r->source, &r->config, &mo, &err), 0);
    assert_int_equal(checked->napps, n);
    for (size_t i = 0; i < n; i++) assert_string_equal(checked->apps[i].path, want[i]);
    svc_model_free(checked);
}

/* Without INSTALLED_APPS, a package is a Django app on evidence: an AppConfig subclass (the app
 * its literal `name` says), a concrete Django model (through imports and the repo's classes, or a
 * third-party models module). File names alone are not: pydantic models.py, a DataLoader apps.py,
 * a test folder's models/, a models.py of abstract mixins. Apps that share a label are shown by
 * the end of their path. */
static void test_app_evidence(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "proj/__init__.py", "" },
        { "proj/mixins/__init__.py", "" },
        { "proj/mixins/models.py", "from django.db import models\nclass Dated(models.Model):\n"
                                   "    class Meta:\n        abstract = True\n" },
        { "proj/notes/__init__.py", "" },
        { "proj/notes/models.py", "from proj.mixins.models import Dated\nclass Note(Dated):\n    pass\n" },
        { "proj/forms/__init__.py", "" },
        { "proj/forms/apps/__init__.py", "" },
        { "proj/forms/apps/apps.py", "from django.apps import AppConfig\nclass FormsConfig(AppConfig):\n"
                                     "    name = 'proj.forms'\n" },
        { "proj/core/__init__.py", "" },
        { "proj/core/models.py", "from django.db.models import Model\nclass Stamped(Model):\n    pass\n" },
        { "proj/shop/__init__.py", "" },
        { "proj/shop/models.py", "from proj.core.models import Stamped\nclass Order(Stamped):\n    pass\n" },
        { "proj/users/__init__.py", "" },
        { "proj/users/models/__init__.py", "from .user import User\n" },
        { "proj/users/models/user.py", "from django.contrib.auth.models import AbstractUser\n"
                                       "class User(AbstractUser):\n    pass\n" },
        { "proj/billing/__init__.py", "" },
        { "proj/billing/apps.py", "from django.apps import AppConfig as Base\nclass BillingConfig(Base):\n"
                                  "    name = 'proj.billing'\n" },
        { "proj/api/__init__.py", "" },
        { "proj/api/models.py", "from pydantic import BaseModel\nclass Payload(BaseModel):\n    pass\n" },
        { "proj/a/__init__.py", "" },
        { "proj/a/dataloaders/__init__.py", "" },
        { "proj/a/dataloaders/apps.py", "from ..loaders import DataLoader\nclass AppsLoader(DataLoader):\n"
                                        "    pass\n" },
        { "proj/a/dataloaders/models.py", "class Loader:\n    pass\n" },
        { "proj/a/loaders.py", "class DataLoader:\n    pass\n" },
        { "proj/x/__init__.py", "" },
        { "proj/x/catalog/__init__.py", "" },
        { "proj/x/catalog/models.py", "from django.db import models\nclass Item(models.Model):\n    pass\n" },
        { "proj/y/__init__.py", "" },
        { "proj/y/catalog/__init__.py", "" },
        { "proj/y/catalog/models.py", "from django.db import models\nclass Item(models.Model):\n    pass\n" },
        { "proj/tests/__init__.py", "" },
        { "proj/tests/models.py", "from django.db import models\nclass Book(models.Model):\n    pass\n" },
        { "proj/tests/unit/__init__.py", "" },
        { "proj/tests/unit/models/__init__.py", "from django.db import models\nclass T(models.Model):\n"
                                                "    pass\n" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    /* not proj/mixins (abstract only), not proj/forms/apps (its config names proj.forms) */
    static const char *const want[] = {
        "proj/billing", "proj/core", "proj/forms", "proj/notes", "proj/shop", "proj/users",
        "proj/x/catalog", "proj/y/catalog",
    };
    expect_apps(&r, want, sizeof want / sizeof *want);
    assert_int_equal(r.model->apps[0].origin, SVC_APP_FROM_APPS_PY);
    assert_int_equal(r.model->apps[2].origin, SVC_APP_FROM_APPS_PY);
    assert_string_equal(r.model->apps[2].display, "forms");
    assert_int_equal(r.model->apps[4].origin, SVC_APP_FROM_MODELS);
    assert_int_equal(r.model->apps[5].origin, SVC_APP_FROM_MODELS);
    assert_string_equal(r.model->apps[6].display, "x/catalog");
    assert_string_equal(r.model->apps[7].display, "y/catalog");
    assert_string_equal(r.model->apps[7].label, "catalog");

    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* An INSTALLED_APPS that lists packages of the repo is the authority (settings classes, `+=` and
 * *_APPS lists included): a package it does not list is no app, models or not. An entry naming an
 * AppConfig class of the repo names the package of the class's `name`, wherever the class is. */
static void test_installed_apps_authority(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "proj/__init__.py", "" },
        { "proj/settings.py", "class Base(Configuration):\n    INSTALLED_APPS = ['django.contrib.auth', 'proj.crm']\n"
                              "class Dev(Base):\n    @property\n    def INSTALLED_APPS(self):\n"
                              "        return super().INSTALLED_APPS + ['proj.debugtools']\n"
                              "EXTRA_APPS = []\nEXTRA_APPS += ['proj.extras', 'proj.apps.CoreConfig', "
                              "'hub.HubConfig', 'proj.shop']\n" },
        { "proj/apps/__init__.py", "from django.apps import AppConfig\nclass CoreConfig(AppConfig):\n"
                                   "    name = 'core'\n" },
        { "proj/crm/__init__.py", "" },
        { "proj/crm/views.py", "" },
        { "proj/debugtools/__init__.py", "" },
        { "proj/extras/__init__.py", "" },
        { "proj/shop/__init__.py", "" },
        { "proj/shop/models.py", "from django.db import models\nclass Order(models.Model):\n    pass\n" },
        { "proj/shop/refunds/__init__.py", "" },
        { "proj/shop/refunds/models.py", "from django.db import models\nclass Refund(models.Model):\n    pass\n" },
        { "proj/shop/refunds/apps.py", "from django.apps import AppConfig\nclass RefundsConfig(AppConfig):\n"
                                       "    name = 'proj.shop.refunds'\n" },
        { "proj/stock/__init__.py", "" },
        { "proj/stock/models.py", "from django.db import models\nclass Item(models.Model):\n    pass\n" },
        { "core/__init__.py", "" },
        { "core/views.py", "" },
        { "hub/__init__.py", "from django.apps import AppConfig\nclass HubConfig(AppConfig):\n    name = 'hub'\n" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    /* not proj (the config module's package), not proj/stock nor proj/shop/refunds (not listed) */
    static const char *const want[] = {
        "core", "hub", "proj/crm", "proj/debugtools", "proj/extras", "proj/shop",
    };
    expect_apps(&r, want, sizeof want / sizeof *want);
    assert_int_equal(r.model->apps[0].origin, SVC_APP_FROM_SETTINGS);
    assert_int_equal(r.model->apps[5].origin, SVC_APP_FROM_MODELS);
    assert_int_equal(tl_file_named(r.model, "proj/shop/refunds/models.py")->app, 5);

    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* `from .errors import *` in a service's __init__.py makes its exceptions available at the root. */
static void test_star_reexports(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "services/__init__.py", "" },
        { "services/billing/__init__.py", "from .errors import *\nfrom .limits import *\n" },
        { "services/billing/errors.py", "class PaymentError(Exception):\n    pass\n\nclass _Hidden(Exception):\n    pass\n" },
        { "services/billing/limits.py", "__all__ = ['MAX']\nMAX = 3\nclass LimitError(Exception):\n    pass\n" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    assert_string_equal(svc_model_resolve(r.model, "services.billing.PaymentError"),
                        "services.billing.errors.PaymentError");
    assert_string_equal(svc_model_resolve(r.model, "services.billing.MAX"), "services.billing.limits.MAX");
    assert_null(svc_model_resolve(r.model, "services.billing._Hidden"));     /* private: not star-exported */
    assert_null(svc_model_resolve(r.model, "services.billing.LimitError")); /* not in __all__ */
    for (size_t i = 0; i < r.model->nexceptions; i++) {
        const svc_exception *e = &r.model->exceptions[i];
        bool expect_root = strcmp(e->dotted, "services.billing.errors.PaymentError") == 0;
        assert_int_equal(e->at_root, expect_root);
    }
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* Real-world layouts: a namespace folder inside a package, migrations' relative imports, a bare
 * `@task` from another library, services packages inside apps or tests, and a tie. */
static void test_real_world_layouts(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "shop/__init__.py", "" },
        { "shop/catalog/__init__.py", "" },
        { "shop/catalog/models.py", "from django.db import models\nclass Thing(models.Model):\n    pass\n" },
        { "shop/catalog/services/__init__.py", "" },
        { "shop/jobs/search.py", "from celery import shared_task\n@shared_task\ndef reindex(pk):\n    pass\n" },
        { "shop/migrations/__init__.py", "" },
        { "shop/migrations/0002_x.py", "from ..jobs.search import reindex\n\ndef forwards():\n    reindex.delay(1)\n" },
        { "tests/services/__init__.py", "" },
        { "tasks.py", "from invoke import task\n\n@task\ndef build(c):\n    pass\n" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_model *m = r.model;
    assert_string_equal(tl_file_named(m, "shop/jobs/search.py")->module, "shop.jobs.search");
    assert_string_equal(tl_file_named(m, "shop/migrations/0002_x.py")->module, "shop.migrations.0002_x");
    const svc_facts *f = tl_file_named(m, "shop/migrations/0002_x.py")->facts;
    assert_string_equal(f->imports[0].target, "shop.jobs.search.reindex");
    /* one Celery task: reindex; invoke's @task is not one */
    assert_int_equal(m->ntasks, 1);
    assert_string_equal(m->tasks[0].dotted, "shop.jobs.search.reindex");
    /* shop/catalog/services is inside the catalog app, tests/services under tests: neither is the root */
    assert_null(m->services_root);
    assert_int_equal(m->nservices_root_candidates, 0);
    tl_repo_close(&r);

    /* two top-level candidates at the same depth: no guess, both named */
    tl_write(root, "api/services/__init__.py", "");
    tl_write(root, "web/services/__init__.py", "");
    tl_repo_open(&r, root);
    assert_null(r.model->services_root);
    assert_int_equal(r.model->nservices_root_candidates, 2);
    svc_diagnostics *d = tl_check(r.model, "SVC100");
    assert_int_equal(tl_count(d, "SVC100", ".", 1), 1);
    assert_non_null(strstr(d->items[0].message, "`api/services/` and `web/services/`"));
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* Tasks made through a decorator bound by assignment (here or imported, re-exported), and tasks
 * made by a call, are tasks like decorated ones; their options come from the alias's call. */
static void test_task_forms(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "proj/__init__.py", "from .celery_utils import retrying\n" },
        { "proj/celery_utils.py", "from celery import Celery, shared_task\n"
                                  "app = Celery('proj')\n"
                                  "retrying = shared_task(bind=True, max_retries=3)\n"
                                  "task = app.task(queue='low', name='proj.low')\n"
                                  "job = shared_task\n" },
        { "orders/__init__.py", "" },
        { "orders/jobs.py", "from proj.celery_utils import task, job\n"
                            "from proj import retrying\n"
                            "from celery import shared_task\n"
                            "\n"
                            "@retrying\n"
                            "def sync(self, x):\n"          /* 6 */
                            "    pass\n"
                            "\n"
                            "@task\n"
                            "def low():\n"                  /* 10 */
                            "    pass\n"
                            "\n"
                            "@job\n"
                            "def plain():\n"                /* 14 */
                            "    pass\n"
                            "\n"
                            "def purge():\n"                /* 17 */
                            "    pass\n"
                            "\n"
                            "purge_task = shared_task(purge, name='orders.purge')\n" /* 20 */
                            "\n"
                            "def later():\n"
                            "    purge_task.delay()\n"
                            "\n"
                            "undecorated = wrap(purge)\n" },
        { NULL, NULL },
    };
    char *root = tl_tempdir();
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    const svc_model *m = r.model;
    assert_int_equal(m->ntasks, 4);
    assert_string_equal(m->tasks[0].dotted, "orders.jobs.sync");
    assert_true(m->tasks[0].bind);                              /* from the alias's call */
    assert_string_equal(m->tasks[1].dotted, "orders.jobs.low");
    assert_string_equal(m->tasks[1].celery_name, "proj.low");
    assert_string_equal(m->tasks[2].dotted, "orders.jobs.plain");
    assert_string_equal(m->tasks[3].dotted, "orders.jobs.purge_task");
    assert_true(m->tasks[3].by_call);
    assert_string_equal(m->tasks[3].name, "purge_task");
    assert_int_equal(m->tasks[3].name_span.row, 19);
    assert_string_equal(m->tasks[3].registered_name, "orders.purge");
    assert_string_equal(m->tasks[0].registered_name, "orders.jobs.sync");
    assert_int_equal(m->tasks[3].nwrappers, 1);                /* later() calls purge_task.delay */
    assert_int_equal(svc_model_task_named(m, "orders.jobs.purge_task"), 3);
    assert_int_equal(svc_model_task_named(m, "orders.jobs.purge"), -1); /* the plain function */
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* A build reports what it did through model->stats, never on stderr: the counts, each phase's
 * time, and with `trace` the pre-filter's rounds (with `trace_files` the files of each). */
static void test_build_stats(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    static const tl_file files[] = {
        { "services/__init__.py", "" },
        { "services/billing/__init__.py", "from .api import charge\n" },
        { "services/billing/api.py", "def charge():\n    pass\n" },
        { "libs/__init__.py", "" },
        { "libs/text.py", "def shout(s):\n    return s.upper()\n" },
        { NULL, NULL },
    };
    tl_write_files(root, files);
    tl_repo r;
    tl_repo_open(&r, root);
    /* a default build records no rounds */
    assert_null(r.model->stats.rounds);
    assert_int_equal(r.model->stats.nrounds, 0);
    assert_int_equal(r.model->stats.parsed, r.model->nfiles);

    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.check_only = true;
    mo.trace = true;
    mo.trace_files = true;
    svc_model *m = NULL;
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_model_build(&m, r.source, &r.config, &mo, &err), 0);
    /* libs/text.py holds no word any rule reacts to */
    assert_int_equal(m->stats.unparsed, 1);
    assert_int_equal(m->stats.parsed + m->stats.unparsed, m->nfiles);
    static const char *const phases[] = { "setup", "settings+apps", "files", "closure", "symbols+taint",
                                          "exceptions", "cache write" };
    assert_int_equal(m->stats.nphases, 7);
    int64_t sum = 0;
    for (size_t k = 0; k < m->stats.nphases; k++) {
        assert_string_equal(m->stats.phases[k].name, phases[k]);
        assert_true(m->stats.phases[k].ns >= 0);
        sum += m->stats.phases[k].ns;
    }
    assert_true(sum <= m->stats.ns);
    /* the files, the closure, then a round of re-exported names */
    assert_true(m->stats.nrounds >= 3);
    const svc_model_round *files_round = &m->stats.rounds[0];
    assert_int_equal(files_round->kind, SVC_ROUND_FILES);
    assert_int_equal(files_round->parsed, m->nfiles - 1);
    for (size_t k = 0; k < files_round->parsed; k++) {
        assert_string_not_equal(m->files[files_round->files[k]].path, "libs/text.py");
        /* a package's __init__.py is always read by path */
        if (m->files[files_round->files[k]].is_init) assert_true(files_round->must[k]);
    }
    assert_int_equal(m->stats.rounds[1].kind, SVC_ROUND_CLOSURE);
    assert_null(m->stats.rounds[1].must);
    assert_int_equal(m->stats.rounds[2].kind, SVC_ROUND_TAINT);
    assert_null(m->stats.rounds[2].files);
    svc_model_free(m);

    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_services_root_and_services),
        cmocka_unit_test(test_apps),
        cmocka_unit_test(test_tasks_and_wrappers),
        cmocka_unit_test(test_exceptions_and_symbols),
        cmocka_unit_test(test_backend_services_root),
        cmocka_unit_test(test_no_services_package),
        cmocka_unit_test(test_config_overrides),
        cmocka_unit_test(test_sources),
        cmocka_unit_test(test_scope_excludes),
        cmocka_unit_test(test_app_evidence),
        cmocka_unit_test(test_installed_apps_authority),
        cmocka_unit_test(test_star_reexports),
        cmocka_unit_test(test_real_world_layouts),
        cmocka_unit_test(test_task_forms),
        cmocka_unit_test(test_build_stats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
