/* Layout rules SVC100-SVC106 on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/util.h"

/* A repository that follows the convention: no layout finding at all. */
static const tl_file good[] = {
    { "manage.py", "import os\n" },
    { "shop/__init__.py", "" },
    { "shop/settings.py", "INSTALLED_APPS = ['orders']\n" },
    { "orders/__init__.py", "" },
    { "orders/apps.py", "from django.apps import AppConfig\n" },
    { "orders/tests/test_views.py", "def test_x():\n    pass\n" },
    { "services/__init__.py", "" },
    { "services/billing/__init__.py", "from .errors import PaymentError\n" },
    { "services/billing/errors.py", "class PaymentError(Exception):\n    pass\n" },
    { "services/billing/invoices.py", "def total(order):\n    return 0\n" },
    { "services/billing/tests/__init__.py", "" },
    { "services/billing/tests/conftest.py", "import pytest\n" },
    { "services/billing/tests/test_invoices.py", "def test_total():\n    pass\n" },
    { "services/billing/tests/sub/test_deep.py", "def test_deep():\n    pass\n" },
    { "services/billing/tests/factories/__init__.py", "" },
    { "services/billing/tests/factories/invoices.py", "def make():\n    pass\n" },
    { "services/tasks/__init__.py", "" },
    { "services/tasks/email_tasks.py", "def delay_send():\n    pass\n" },
    { "services/tasks/tests/__init__.py", "" },
    { "services/tasks/tests/test_email_tasks.py", "def test_send():\n    pass\n" },
    { "services/templates/mail.html", "<p></p>\n" },
    { NULL, NULL },
};

typedef struct fixture {
    char *root;
    tl_repo repo;
    svc_diagnostics *diags;
} fixture;

/* Writes `base` then `extra` (either may be NULL) and checks with `select`. */
static void open_fixture(fixture *fx, const tl_file *base, const tl_file *extra, const char *select)
{
    fx->root = tl_tempdir();
    if (base) tl_write_files(fx->root, base);
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

/* The one finding with this code and path; fails the test (showing all findings) otherwise. */
static const svc_diagnostic *the_finding(const svc_diagnostics *d, const char *code, const char *path)
{
    const svc_diagnostic *found = NULL;
    size_t n = 0;
    for (size_t i = 0; i < d->len; i++)
        if (strcmp(d->items[i].rule->code, code) == 0 && strcmp(d->items[i].path, path) == 0) {
            found = &d->items[i];
            n++;
        }
    if (n != 1) {
        tl_dump(d);
        fail_msg("expected one %s on %s, found %zu", code, path, n);
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

/* ---- the good repository ---------------------------------------------------------- */

static void test_good_layout_has_no_findings(void **state)
{
    (void)state;
    fixture fx;
    open_fixture(&fx, good, NULL, "SVC1");
    expect_total(fx.diags, 0);
    close_fixture(&fx);
}

/* ---- SVC100 ------------------------------------------------------------------------- */

static void test_svc100_no_services_root(void **state)
{
    (void)state;
    static const tl_file none[] = {
        { "manage.py", "import os\n" },
        { "orders/__init__.py", "" },
        { "orders/apps.py", "from django.apps import AppConfig\n" },
        { "orders/logic.py", "def run():\n    pass\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, none, NULL, "SVC1");
    expect_total(fx.diags, 1); /* once, and no other layout finding */
    const svc_diagnostic *d = the_finding(fx.diags, "SVC100", ".");
    assert_true(d->is_folder);
    assert_int_equal(d->span.row, 0);
    assert_int_equal(d->severity, SVC_SEVERITY_INFO);
    assert_non_null(strstr(d->message, "services/__init__.py"));
    assert_non_null(strstr(d->message, "services-root"));
    svc_diagnostics_free(fx.diags);
    /* the import rules need a services root: they say nothing */
    fx.diags = tl_check(fx.repo.model, "SVC2");
    expect_total(fx.diags, 0);
    close_fixture(&fx);
}

static void test_svc100_services_root_set_to_missing_folder(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "pyproject.toml", "[tool.svcscope]\nservices-root = \"src/domain\"\n" },
        { "services/__init__.py", "" }, /* config wins over detection */
        { "services/billing/__init__.py", "" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, files, NULL, "SVC1");
    expect_total(fx.diags, 1);
    const svc_diagnostic *d = the_finding(fx.diags, "SVC100", ".");
    assert_non_null(strstr(d->message, "`src/domain`"));
    assert_non_null(strstr(d->message, "services-root"));
    close_fixture(&fx);
}

/* ---- SVC101 ------------------------------------------------------------------------- */

static void test_svc101_root_and_service_without_init(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "services/billing/__init__.py", "" },
        { "services/billing/invoices.py", "def total():\n    pass\n" },
        { "services/billing/tests/__init__.py", "" },
        { "services/reports/weekly.py", "def run():\n    pass\n" },
        { "services/reports/tests/__init__.py", "" },
        { "services/billing/helpers/util.py", "x = 1\n" }, /* a sub-package without __init__: not a service */
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, files, NULL, "SVC101");
    expect_total(fx.diags, 2);
    const svc_diagnostic *root = the_finding(fx.diags, "SVC101", "services");
    assert_true(root->is_folder);
    assert_int_equal(root->severity, SVC_SEVERITY_ERROR);
    assert_non_null(strstr(root->message, "services/__init__.py"));
    const svc_diagnostic *svc = the_finding(fx.diags, "SVC101", "services/reports");
    assert_true(svc->is_folder);
    assert_non_null(strstr(svc->message, "services/reports/__init__.py"));
    assert_int_equal(tl_count(fx.diags, "SVC101", "services/billing", 0), 0);
    assert_int_equal(tl_count(fx.diags, "SVC101", "services/billing/helpers", 0), 0);
    close_fixture(&fx);
}

/* ---- SVC102 ------------------------------------------------------------------------- */

static void test_svc102_module_in_services_root(void **state)
{
    (void)state;
    static const tl_file extra[] = {
        { "services/utils.py", "def helper():\n    pass\n" },
        { "services/constants.py", "# noqa: SVC102\nX = 1\n" },
        { "services/readme.txt", "not python\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, good, extra, "SVC102");
    expect_total(fx.diags, 1); /* not __init__.py, not the suppressed one, not a .txt */
    const svc_diagnostic *d = the_finding(fx.diags, "SVC102", "services/utils.py");
    assert_false(d->is_folder);
    assert_int_equal(d->span.row, 0);
    assert_int_equal(d->span.col, 0);
    assert_int_equal(tl_count(fx.diags, "SVC102", "services/utils.py", 1), 1);
    close_fixture(&fx);
}

/* ---- SVC103 ------------------------------------------------------------------------- */

static void test_svc103_tests_outside_tests_folder(void **state)
{
    (void)state;
    static const tl_file extra[] = {
        { "services/billing/test_misplaced.py", "def test_x():\n    pass\n" },
        { "services/billing/refunds_test.py", "def test_y():\n    pass\n" },
        { "services/billing/sub/__init__.py", "" },
        { "services/billing/sub/tests/__init__.py", "" },
        { "services/billing/sub/tests/test_x.py", "def test_z():\n    pass\n" },
        { "services/billing/sub/tests/helpers.py", "def make():\n    pass\n" },
        { "services/tasks/test_email_tasks.py", "def test_t():\n    pass\n" },
        { "services/billing/testing.py", "def fake():\n    pass\n" }, /* not a test module */
        { "services/billing/conftest.py", "import pytest\n" },         /* neither */
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, good, extra, "SVC103");
    expect_total(fx.diags, 5);
    const svc_diagnostic *d = the_finding(fx.diags, "SVC103", "services/billing/test_misplaced.py");
    assert_false(d->is_folder);
    assert_int_equal(d->severity, SVC_SEVERITY_ERROR);
    assert_non_null(strstr(d->message, "services/billing/tests/test_misplaced.py"));
    the_finding(fx.diags, "SVC103", "services/billing/refunds_test.py");
    the_finding(fx.diags, "SVC103", "services/billing/sub/tests/test_x.py");
    the_finding(fx.diags, "SVC103", "services/billing/sub/tests/helpers.py");
    the_finding(fx.diags, "SVC103", "services/tasks/test_email_tasks.py"); /* the tasks service is a service */
    /* nested under the service's own tests/ folder is fine (the good fixture has tests/sub/test_deep.py) */
    assert_int_equal(tl_count(fx.diags, "SVC103", "services/billing/tests/sub/test_deep.py", 0), 0);
    close_fixture(&fx);
}

static void test_svc103_tests_folder_in_services_root(void **state)
{
    (void)state;
    static const tl_file extra[] = {
        { "services/tests/__init__.py", "" },
        { "services/tests/test_billing.py", "def test_x():\n    pass\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, good, extra, "SVC1");
    /* services/tests/ is a misplaced tests folder, not a service without tests */
    expect_total(fx.diags, 1);
    the_finding(fx.diags, "SVC103", "services/tests/test_billing.py");
    close_fixture(&fx);
}

static void test_svc103_noqa_on_first_line(void **state)
{
    (void)state;
    static const tl_file extra[] = {
        { "services/billing/test_a.py", "# noqa: SVC103\ndef test_x():\n    pass\n" },
        { "services/billing/test_b.py", "# noqa: SVC1\ndef test_x():\n    pass\n" },
        { "services/billing/test_c.py", "# noqa: E501\ndef test_x():\n    pass\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, good, extra, "SVC103");
    expect_total(fx.diags, 1);
    the_finding(fx.diags, "SVC103", "services/billing/test_c.py");
    close_fixture(&fx);
}

/* ---- SVC104 ------------------------------------------------------------------------- */

static void test_svc104_tests_folder_not_package(void **state)
{
    (void)state;
    static const tl_file extra[] = {
        { "services/reports/__init__.py", "" },
        { "services/reports/weekly.py", "def run():\n    pass\n" },
        { "services/reports/tests/test_weekly.py", "def test_run():\n    pass\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, good, extra, "SVC1");
    expect_total(fx.diags, 1); /* no SVC106: the folder exists */
    const svc_diagnostic *d = the_finding(fx.diags, "SVC104", "services/reports/tests");
    assert_true(d->is_folder);
    assert_int_equal(d->severity, SVC_SEVERITY_ERROR);
    assert_non_null(strstr(d->message, "services/reports/tests/__init__.py"));
    close_fixture(&fx);
}

/* ---- SVC105 ------------------------------------------------------------------------- */

static void test_svc105_test_module_names(void **state)
{
    (void)state;
    static const tl_file extra[] = {
        { "services/billing/tests/invoice_checks.py", "def check():\n    pass\n" },
        { "services/billing/tests/refunds_test.py", "def test_r():\n    pass\n" },
        { "services/billing/tests/data/sample.py", "X = 1\n" }, /* data/ is not a package */
        { "services/billing/tests/helpers/__init__.py", "" },
        { "services/billing/tests/helpers/builders.py", "def build():\n    pass\n" },
        { "services/billing/tests/helpers/deep/more.py", "def more():\n    pass\n" },
        { "services/billing/tests/data.json", "{}\n" },
        { "services/billing/ok.py", "x = 1\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, good, extra, "SVC105");
    expect_total(fx.diags, 3);
    const svc_diagnostic *d = the_finding(fx.diags, "SVC105", "services/billing/tests/invoice_checks.py");
    assert_int_equal(d->severity, SVC_SEVERITY_INFO);
    assert_false(d->is_folder);
    assert_int_equal(tl_count(fx.diags, "SVC105", "services/billing/tests/invoice_checks.py", 1), 1);
    the_finding(fx.diags, "SVC105", "services/billing/tests/refunds_test.py");
    the_finding(fx.diags, "SVC105", "services/billing/tests/data/sample.py");
    close_fixture(&fx);
}

/* ---- SVC106 ------------------------------------------------------------------------- */

static void test_svc106_service_without_tests(void **state)
{
    (void)state;
    static const tl_file extra[] = {
        { "services/reports/__init__.py", "" },
        { "services/reports/weekly.py", "def run():\n    pass\n" },
        { "services/empty/__init__.py", "" },
        { NULL, NULL },
    };
    static const tl_file tasks_only[] = {
        { "services/__init__.py", "" },
        { "services/tasks/__init__.py", "" },
        { "services/tasks/email_tasks.py", "x = 1\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, good, extra, "SVC1");
    expect_total(fx.diags, 2);
    const svc_diagnostic *d = the_finding(fx.diags, "SVC106", "services/reports");
    assert_true(d->is_folder);
    assert_int_equal(d->severity, SVC_SEVERITY_WARNING);
    assert_non_null(strstr(d->message, "services/reports/tests/"));
    the_finding(fx.diags, "SVC106", "services/empty");
    close_fixture(&fx);

    open_fixture(&fx, tasks_only, NULL, "SVC1");
    expect_total(fx.diags, 1);
    the_finding(fx.diags, "SVC106", "services/tasks"); /* the tasks service is a service too */
    close_fixture(&fx);
}

/* ---- other places for the services root ---------------------------------------------- */

static void test_backend_services_root(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "backend/manage.py", "import os\n" },
        { "backend/services/__init__.py", "" },
        { "backend/services/utils.py", "x = 1\n" },
        { "backend/services/billing/__init__.py", "" },
        { "backend/services/billing/test_invoices.py", "def test_x():\n    pass\n" },
        { "backend/services/reports/weekly.py", "x = 1\n" },
        { "backend/services/reports/tests/test_weekly.py", "def test_w():\n    pass\n" },
        { "backend/orders/services/__init__.py", "" }, /* deeper `services`: not the root */
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, files, NULL, "SVC1");
    the_finding(fx.diags, "SVC102", "backend/services/utils.py");
    the_finding(fx.diags, "SVC103", "backend/services/billing/test_invoices.py");
    the_finding(fx.diags, "SVC106", "backend/services/billing");
    the_finding(fx.diags, "SVC101", "backend/services/reports");
    the_finding(fx.diags, "SVC104", "backend/services/reports/tests");
    expect_total(fx.diags, 5);
    close_fixture(&fx);
}

static void test_services_root_from_config(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "pyproject.toml", "[tool.svcscope]\nservices-root = \"src/domain\"\n" },
        { "src/domain/__init__.py", "" },
        { "src/domain/helpers.py", "x = 1\n" },
        { "src/domain/billing/__init__.py", "" },
        { "src/domain/billing/tests/__init__.py", "" },
        { "src/domain/billing/tests/test_a.py", "def test_a():\n    pass\n" },
        { "src/domain/billing/test_b.py", "def test_b():\n    pass\n" },
        { "services/__init__.py", "" }, /* ignored: config wins */
        { "services/x.py", "x = 1\n" },
        { NULL, NULL },
    };
    fixture fx;
    open_fixture(&fx, files, NULL, "SVC1");
    expect_total(fx.diags, 2);
    the_finding(fx.diags, "SVC102", "src/domain/helpers.py");
    the_finding(fx.diags, "SVC103", "src/domain/billing/test_b.py");
    close_fixture(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_layout_has_no_findings),
        cmocka_unit_test(test_svc100_no_services_root),
        cmocka_unit_test(test_svc100_services_root_set_to_missing_folder),
        cmocka_unit_test(test_svc101_root_and_service_without_init),
        cmocka_unit_test(test_svc102_module_in_services_root),
        cmocka_unit_test(test_svc103_tests_outside_tests_folder),
        cmocka_unit_test(test_svc103_tests_folder_in_services_root),
        cmocka_unit_test(test_svc103_noqa_on_first_line),
        cmocka_unit_test(test_svc104_tests_folder_not_package),
        cmocka_unit_test(test_svc105_test_module_names),
        cmocka_unit_test(test_svc106_service_without_tests),
        cmocka_unit_test(test_backend_services_root),
        cmocka_unit_test(test_services_root_from_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
