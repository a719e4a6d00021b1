/* Unit tests for src/core/toml_edit.c (keys set in a TOML table, every other byte kept) and
 * src/core/init.c (what `svcscope init` proposes, and its write into pyproject.toml). */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/toml_edit.h"
#include "svcscope/init.h"
#include "svcscope/util.h"
#include "testlib.h"

/* The text with the settings written into [tool.svcscope]; NULL when refused (err says why). */
static char *set_keys(const char *text, const svc_toml_setting *settings, size_t n, svc_toml_set_result *results,
                      svc_error *err)
{
    char *out = NULL;
    size_t out_len = 0;
    svc_error_clear(err);
    if (svc_toml_set_keys("pyproject.toml", text, strlen(text), "tool.svcscope", settings, n, "not written", &out,
                          &out_len, results, NULL, err) != SVC_OK)
        return NULL;
    assert_int_equal(strlen(out), out_len);
    return out;
}

static void test_edit_keeps_every_other_byte(void **state)
{
    (void)state;
    const char *text = "# top comment\n"
                       "[project]\n"
                       "name = \"shop\"   # aligned comment\n"
                       "\n"
                       "[tool.svcscope]  # ours\n"
                       "tasks-service = 'jobs'  # keep this comment\n"
                       "task-decorators = [\n"
                       "    \"a\",  # first\n"
                       "]\n"
                       "\n"
                       "[tool.black]\n"
                       "line-length = 100\n";
    const svc_toml_setting settings[] = {
        { "tasks-service", "\"tasks\"", "the tasks service" },
        { "task-decorators", "[\"a\"]", "same list, written otherwise" },
        { "services-root", "\"backend/services\"", "the services package" },
        { NULL, NULL, "only when the table is made" },
    };
    svc_toml_set_result results[4];
    svc_error err = SVC_ERROR_INIT;
    char *out = set_keys(text, settings, 4, results, &err);
    assert_non_null(out);
    assert_string_equal(out, "# top comment\n"
                             "[project]\n"
                             "name = \"shop\"   # aligned comment\n"
                             "\n"
                             "[tool.svcscope]  # ours\n"
                             "tasks-service = \"tasks\"  # keep this comment\n"
                             "task-decorators = [\n"
                             "    \"a\",  # first\n"
                             "]\n"
                             "services-root = \"backend/services\"  # the services package\n"
                             "\n"
                             "[tool.black]\n"
                             "line-length = 100\n");
    assert_int_equal(results[0].change, SVC_TOML_CHANGED);
    assert_int_equal(results[0].line, 6);
    assert_string_equal(results[0].old_value, "'jobs'");
    assert_int_equal(results[1].change, SVC_TOML_SAME);
    assert_int_equal(results[2].change, SVC_TOML_ADDED);
    svc_toml_set_results_free(results, 4);

    /* Again: nothing changes. */
    char *again = set_keys(out, settings, 4, results, &err);
    assert_string_equal(again, out);
    for (int i = 0; i < 3; i++) assert_int_equal(results[i].change, SVC_TOML_SAME);
    svc_toml_set_results_free(results, 4);
    free(again);
    free(out);
}

static void test_edit_adds_the_table(void **state)
{
    (void)state;
    const svc_toml_setting settings[] = {
        { NULL, NULL, "why it is there" },
        { "extend-exclude", "[\"vendor\"]", "vendored code" },
    };
    svc_error err = SVC_ERROR_INIT;
    /* At the end after a blank line, whatever the end looks like. */
    const char *texts[] = { "", "[project]\nname = \"x\"\n", "[project]\nname = \"x\"" };
    const char *want[] = {
        "[tool.svcscope]\n# why it is there\nextend-exclude = [\"vendor\"]  # vendored code\n",
        "[project]\nname = \"x\"\n\n[tool.svcscope]\n# why it is there\nextend-exclude = [\"vendor\"]  # vendored code\n",
        "[project]\nname = \"x\"\n\n[tool.svcscope]\n# why it is there\nextend-exclude = [\"vendor\"]  # vendored code\n",
    };
    for (size_t i = 0; i < 3; i++) {
        char *out = set_keys(texts[i], settings, 2, NULL, &err);
        assert_non_null(out);
        assert_string_equal(out, want[i]);
        free(out);
    }
    /* A table only implied by its sub-table's header gets a header of its own; the result reads. */
    const char *implied = "[tool.svcscope.per-file-ignores]\n\"scripts/*\" = [\"SVC402\"]\n";
    char *out = set_keys(implied, settings, 2, NULL, &err);
    assert_non_null(out);
    assert_non_null(strstr(out, "\n[tool.svcscope]\n"));
    assert_true(svc_str_starts_with(out, implied));
    svc_config cfg;
    svc_config_init(&cfg);
    assert_int_equal(svc_config_parse(&cfg, "pyproject.toml", out, strlen(out), &err), SVC_OK);
    assert_int_equal(cfg.nextend_exclude, 1);
    assert_int_equal(cfg.nper_file_ignores, 1);
    svc_config_free(&cfg);
    free(out);
}

static void test_edit_refuses_what_it_cannot_edit_safely(void **state)
{
    (void)state;
    const svc_toml_setting settings[] = { { "tasks-service", "\"tasks\"", NULL } };
    const struct {
        const char *text, *message;
    } refused[] = {
        { "[tool]\nsvcscope = { tasks-service = \"jobs\" }\n",
          "pyproject.toml:2: tool.svcscope is not a [tool.svcscope] table: not written" },
        { "tool.svcscope.tasks-service = \"jobs\"\n",
          "pyproject.toml:1: tool.svcscope is not a [tool.svcscope] table: not written" },
        { "tool = { other = 1 }\n", "pyproject.toml:1: tool.svcscope is not a [tool.svcscope] table: not written" },
        { "[tool.svcscope]\ntasks-service.x = 1\n",
          "pyproject.toml:2: tool.svcscope.tasks-service is not a plain value: not written" },
        { "[tool.svcscope\n", NULL },
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        svc_error err = SVC_ERROR_INIT;
        char *out = set_keys(refused[i].text, settings, 1, NULL, &err);
        if (out) print_error("not refused: %s\n", refused[i].text);
        assert_null(out);
        assert_int_equal(err.code, SVC_ECONFIG);
        if (refused[i].message) assert_string_equal(err.message, refused[i].message);
    }
}

static const svc_init_setting *setting(const svc_init_plan *plan, const char *key)
{
    for (size_t i = 0; i < plan->n; i++)
        if (plan->settings[i].key && strcmp(plan->settings[i].key, key) == 0) return &plan->settings[i];
    return NULL;
}

/* The proposal for the folder, read with its config as it is now. */
static void propose_for(const char *root, svc_init_plan *plan)
{
    tl_repo r;
    tl_repo_open(&r, root);
    svc_init_propose(plan, r.model);
    tl_repo_close(&r);
}

static const tl_file legacy_files[] = {
    { "proj/__init__.py", "" },
    { "proj/celery_utils.py", "from celery import shared_task\n"
                              "\n"
                              "def retrying_task(func):\n"
                              "    return shared_task(bind=True, max_retries=3)(func)\n"
                              "\n"
                              "def dispatch_task(task, *args):\n"
                              "    return task.apply_async(args=args)\n"
                              "\n"
                              "def unrelated(task):\n"
                              "    return task.name\n" },
    { "orders/__init__.py", "" },
    { "orders/models.py", "from django.db import models\n\nclass Order(models.Model):\n    pass\n" },
    { "orders/migrations/__init__.py", "" },
    { "orders/migrations/0001_initial.py", "x = 1\n" },
    { "orders/tasks.py", "from celery import shared_task\n"
                         "from proj.celery_utils import retrying_task, dispatch_task\n"
                         "\n"
                         "@retrying_task\n"
                         "def refresh(self, pk):\n"
                         "    pass\n"
                         "\n"
                         "@shared_task\n"
                         "def ping():\n"
                         "    pass\n"
                         "\n"
                         "def go():\n"
                         "    dispatch_task(ping, 1)\n" },
    { "vendor/lib/__init__.py", "" },
    { "vendor/lib/thing.py", "def f():\n    pass\n" },
    { "api/stubs_pb2.py", "X = 1\n" },
    { NULL, NULL },
};

static void test_propose_migration_mode(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write_files(root, legacy_files);
    svc_init_plan plan;
    propose_for(root, &plan);
    assert_true(plan.migration_mode);
    assert_null(setting(&plan, "services-root"));
    assert_null(setting(&plan, "tasks-service"));
    assert_non_null(setting(&plan, "task-decorators"));
    assert_string_equal(setting(&plan, "task-decorators")->value, "[\"proj.celery_utils.retrying_task\"]");
    assert_string_equal(setting(&plan, "dispatch-functions")->value, "[\"proj.celery_utils.dispatch_task\"]");
    assert_string_equal(setting(&plan, "extend-exclude")->value, "[\"vendor\", \"*_pb2.py\", \"migrations\"]");
    char *text = svc_init_plan_text(&plan);
    assert_true(svc_str_starts_with(text, "[tool.svcscope]\n# No services package yet: migration mode."));
    free(text);

    /* Written, read back and proposed again: nothing changes, and the decorator makes tasks. */
    svc_init_edit edit;
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_init_edit_prepare(&edit, root, &plan, &err), SVC_OK);
    assert_false(edit.existed);
    assert_false(edit.had_table);
    assert_true(svc_init_edit_changes(&edit));
    assert_int_equal(svc_init_edit_write(&edit, &err), SVC_OK);
    svc_init_edit_free(&edit);
    svc_init_plan_free(&plan);

    tl_repo r;
    tl_repo_open(&r, root);
    assert_int_equal(r.config.ndispatch_functions, 1);
    assert_true(svc_model_task_named(r.model, "orders.tasks.refresh") >= 0);
    svc_init_propose(&plan, r.model);
    tl_repo_close(&r);
    assert_int_equal(svc_init_edit_prepare(&edit, root, &plan, &err), SVC_OK);
    assert_true(edit.had_table);
    assert_false(svc_init_edit_changes(&edit));
    assert_int_equal(edit.nchanges, 0);
    svc_init_edit_free(&edit);
    svc_init_plan_free(&plan);
    tl_rmrf(root);
    free(root);
}

static void test_propose_services_layout(void **state)
{
    (void)state;
    static const tl_file files[] = {
        { "backend/services/__init__.py", "" },
        { "backend/services/billing/__init__.py", "" },
        { "backend/services/jobs/__init__.py", "" },
        { "backend/services/jobs/billing_jobs.py", "from celery import shared_task\n\n"
                                                   "@shared_task\ndef _charge(pk):\n    pass\n\n"
                                                   "@shared_task\ndef _refund(pk):\n    pass\n" },
        { "pyproject.toml", "[project]\nname = \"x\"  # keep\n\n[tool.svcscope]\nmax-task-statements = 5\n" },
        { NULL, NULL },
    };
    char *root = tl_tempdir();
    tl_write_files(root, files);
    svc_init_plan plan;
    propose_for(root, &plan);
    assert_false(plan.migration_mode);
    assert_string_equal(setting(&plan, "services-root")->value, "\"backend/services\"");
    /* No `tasks` service: the one that holds the tasks. */
    assert_string_equal(setting(&plan, "tasks-service")->value, "\"jobs\"");
    svc_init_plan_set_baseline(&plan, "ci/baseline.json");

    svc_init_edit edit;
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_init_edit_prepare(&edit, root, &plan, &err), SVC_OK);
    assert_true(edit.had_table);
    assert_int_equal(edit.nchanges, 3);
    assert_int_equal(svc_init_edit_write(&edit, &err), SVC_OK);
    svc_init_edit_free(&edit);
    char *text = tl_read(root, "pyproject.toml");
    assert_string_equal(text, "[project]\nname = \"x\"  # keep\n\n[tool.svcscope]\nmax-task-statements = 5\n"
                              "services-root = \"backend/services\"  # the services package (found: the shallowest "
                              "`services` package)\n"
                              "tasks-service = \"jobs\"  # holds 2 of the 2 Celery tasks: the service where tasks live\n"
                              "baseline = \"ci/baseline.json\"  # findings recorded by `svcscope init --baseline`: check "
                              "reports only new ones\n");
    free(text);

    /* A write refuses when the file changed since it was read. */
    tl_write(root, "pyproject.toml", "[project]\n");
    svc_init_plan_free(&plan);
    propose_for(root, &plan);
    assert_int_equal(svc_init_edit_prepare(&edit, root, &plan, &err), SVC_OK);
    tl_write(root, "pyproject.toml", "[project]\nname = \"changed meanwhile\"\n");
    assert_int_not_equal(svc_init_edit_write(&edit, &err), SVC_OK);
    svc_init_edit_free(&edit);
    text = tl_read(root, "pyproject.toml");
    assert_string_equal(text, "[project]\nname = \"changed meanwhile\"\n");
    free(text);
    svc_init_plan_free(&plan);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_keeps_every_other_byte),
        cmocka_unit_test(test_edit_adds_the_table),
        cmocka_unit_test(test_edit_refuses_what_it_cannot_edit_safely),
        cmocka_unit_test(test_propose_migration_mode),
        cmocka_unit_test(test_propose_services_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
