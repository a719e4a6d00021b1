/* Task registration rules (SVC603, SVC605, SVC607) on fixture repositories made in the test. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/util.h"

/* The message of the one finding of `code` at (path, row). */
static const char *message_at(const svc_diagnostics *d, const char *code, const char *path, unsigned row)
{
    for (size_t i = 0; i < d->len; i++) {
        const svc_diagnostic *x = &d->items[i];
        if (strcmp(x->rule->code, code) == 0 && strcmp(x->path, path) == 0 && x->span.row + 1 == row)
            return x->message;
    }
    fail_msg("no %s at %s:%u", code, path, row);
    return NULL;
}

static const tl_file beat_repo[] = {
    { "services/__init__.py", "" },
    { "services/tasks/__init__.py", "from . import cleanup_tasks\n" },
    { "services/tasks/cleanup_tasks.py",
      "from celery import shared_task\n"
      "\n"
      "@shared_task\n"
      "def _expire_orders():\n"
      "    pass\n"
      "\n"
      "def delay_expire_orders():\n"
      "    return _expire_orders.delay()\n"
      "\n"
      "@shared_task(name=\"purge-carts\")\n"
      "def _purge():\n"
      "    pass\n"
      "\n"
      "def delay_purge():\n"
      "    return _purge.delay()\n" },
    { "proj/__init__.py", "" },
    { "proj/celery.py",
      "from celery import Celery, signature\n"
      "from services.tasks import cleanup_tasks\n"
      "app = Celery(\"proj\")\n"
      "app.conf.beat_schedule = {\n"
      "    \"expire\": {\"task\": \"services.tasks.cleanup_tasks.expire_orders\", \"schedule\": 3600},\n" /* 5 */
      "    \"ok\": {\"task\": \"services.tasks.cleanup_tasks._expire_orders\", \"schedule\": 3600},\n"
      "    \"purge\": {\"task\": \"purge-carts\", \"schedule\": 60},\n"
      "    \"typo\": {\"task\": \"purge_carts\", \"schedule\": 60},\n" /* 8 */
      "    \"cleanup\": {\"task\": \"celery.backend_cleanup\", \"schedule\": 60},\n"
      "    \"lib\": {\"task\": \"django_celery_results.tasks.cleanup\", \"schedule\": 60},\n"
      "    \"attr\": {\"task\": cleanup_tasks._purge.name, \"schedule\": 60},\n"
      "}\n"
      "\n"
      "@app.on_after_configure.connect\n"
      "def setup(sender, **kwargs):\n"
      "    sender.add_periodic_task(10.0, signature(\"proj.missing\"), name=\"every ten\")\n" /* 16 */
      "    sender.add_periodic_task(10.0, signature(\"services.tasks.cleanup_tasks._purge\"))\n" /* 17 */
      "    sender.add_periodic_task(10.0, cleanup_tasks._expire_orders.s())\n"
      "    sender.add_periodic_task(10.0, other_lib.task.s())\n" },
    { NULL, NULL },
};

static void test_unknown_scheduled_task(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write_files(root, beat_repo);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_diagnostics *d = tl_check(r.model, "SVC607");
    if (tl_count(d, NULL, NULL, 0) != 4) tl_dump(d);
    assert_int_equal(tl_count(d, "SVC607", NULL, 0), 4);
    assert_string_equal(message_at(d, "SVC607", "proj/celery.py", 5),
                        "Beat entry `expire` names task `services.tasks.cleanup_tasks.expire_orders`, which no task "
                        "of the repo is registered under: celery beat queues it and the worker rejects it as an "
                        "unregistered task (did you mean `services.tasks.cleanup_tasks._expire_orders`?)");
    assert_string_equal(message_at(d, "SVC607", "proj/celery.py", 8),
                        "Beat entry `typo` names task `purge_carts`, which no task of the repo is registered under: "
                        "celery beat queues it and the worker rejects it as an unregistered task");
    assert_non_null(strstr(message_at(d, "SVC607", "proj/celery.py", 16), "Periodic task `every ten` names task "
                                                                          "`proj.missing`"));
    /* registered under name=: the module path is not its name */
    assert_non_null(strstr(message_at(d, "SVC607", "proj/celery.py", 17), "(did you mean `purge-carts`?)"));
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* A tasks module: one task, `_<name>`, and its wrapper. */
static char *tasks_module(const char *name)
{
    return svc_xasprintf("from celery import shared_task\n\n@shared_task\ndef _%s():\n    pass\n\n"
                         "def delay_%s():\n    return _%s.delay()\n", name, name, name);
}

/* Which of the tasks modules a/b/c/d/e_tasks.py SVC603 reports, with this celery.py. */
static void expect_unregistered(const char *celery_py, const char *expected)
{
    char *root = tl_tempdir();
    static const tl_file base[] = {
        { "services/__init__.py", "" },
        { "services/tasks/__init__.py", "from .a_tasks import delay_a\n" },
        { "services/tasks/tests/__init__.py", "" },
        { "services/tasks/tests/test_x.py", "from services.tasks import e_tasks\n" },
        { "settings.py", "INSTALLED_APPS = [\"services.tasks\", \"billing\"]\n" },
        { NULL, NULL },
    };
    tl_write_files(root, base);
    const char *names[] = { "a", "b", "c", "d", "e" };
    for (size_t i = 0; i < 5; i++) {
        char *path = svc_xasprintf("services/tasks/%s_tasks.py", names[i]);
        char *text = tasks_module(names[i]);
        tl_write(root, path, text);
        free(path);
        free(text);
    }
    tl_write(root, "proj/__init__.py", "");
    tl_write(root, "proj/celery.py", celery_py);
    tl_write(root, "proj/worker.py", "from services.tasks import d_tasks\n");
    tl_repo r;
    tl_repo_open(&r, root);
    svc_diagnostics *d = tl_check(r.model, "SVC603");
    svc_buf got = { 0 };
    for (size_t i = 0; i < d->len; i++) svc_buf_printf(&got, "%s%s", got.len ? " " : "", d->items[i].path);
    if (strcmp(got.data ? got.data : "", expected) != 0) tl_dump(d);
    assert_string_equal(got.data ? got.data : "", expected);
    svc_buf_free(&got);
    svc_diagnostics_free(d);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

static void test_task_module_not_registered(void **state)
{
    (void)state;
    /* a.py through the __init__ (importing a name of it imports it); b, c, d, e reported */
    expect_unregistered("from celery import Celery\napp = Celery(\"proj\")\napp.autodiscover_tasks()\n",
                        "services/tasks/b_tasks.py services/tasks/c_tasks.py services/tasks/d_tasks.py "
                        "services/tasks/e_tasks.py");
    /* include=, app.conf.imports, app.conf.update(imports=...), and what an imported module imports */
    expect_unregistered("from celery import Celery\n"
                        "app = Celery(\"proj\", include=[\"services.tasks.b_tasks\"])\n"
                        "app.conf.imports = (\"services.tasks.c_tasks\",)\n"
                        "app.conf.update(include=[\"proj.worker\"])\n",
                        "services/tasks/e_tasks.py");
    /* autodiscover: a literal package list with related_name, INSTALLED_APPS with related_name */
    expect_unregistered("from celery import Celery\nfrom django.conf import settings\napp = Celery(\"proj\")\n"
                        "app.autodiscover_tasks([\"services.tasks\"], related_name=\"b_tasks\")\n"
                        "app.autodiscover_tasks(lambda: settings.INSTALLED_APPS, \"c_tasks\")\n",
                        "services/tasks/d_tasks.py services/tasks/e_tasks.py");
    /* no Celery app in the repo: nothing known, nothing reported */
    expect_unregistered("from proj.app_factory import make_app\napp = make_app()\n", "");
}

static void test_celery_imports_facts(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write(root, "celeryconfig.py",
             "imports = (\"a.one\", \"a.two\")\n"
             "CELERY_IMPORTS = [\"b\"] + [\"c\"]\n"
             "app.conf[\"include\"] = [\"d\"]\n"
             "app.conf.update(imports=[\"e\"], task_routes={\"x\": \"y\"})\n"
             "model.dump(include=[\"not\"])\n"       /* another API's keyword */
             "other = [\"not\"]\n");
    tl_repo r;
    tl_repo_open(&r, root);
    const svc_facts *f = tl_file_named(r.model, "celeryconfig.py")->facts;
    assert_int_equal(f->ncelery_imports, 6);
    const char *want[] = { "a.one", "a.two", "b", "c", "d", "e" };
    for (size_t i = 0; i < 6; i++) assert_string_equal(f->celery_imports[i], want[i]);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* SVC605 on the models of two revisions, as `check --diff REV` builds them. */
static void test_task_name_changed(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write(root, "services/__init__.py", "");
    tl_write(root, "services/tasks/__init__.py", "");
    tl_write(root, "services/tasks/a_tasks.py",
             "from celery import shared_task\n\n@shared_task\ndef send(x):\n    pass\n\n"
             "@shared_task\ndef _old(x):\n    pass\n\n"
             "@shared_task(name=\"fixed\")\ndef _named(x, y=1):\n    pass\n");
    tl_git(root, "init -q");
    tl_git(root, "add -A");
    tl_git(root, "commit -q -m one");
    /* SVC403's rename without name=, another rename, a default dropped behind name= */
    tl_write(root, "services/tasks/a_tasks.py",
             "from celery import shared_task\n\n@shared_task\ndef _send(x):\n    pass\n\n"
             "@shared_task\ndef _new(x):\n    pass\n\n"
             "@shared_task(name=\"fixed\")\ndef _named(x, y):\n    pass\n");
    tl_repo before, now;
    tl_repo_open_kind(&before, root, SVC_SOURCE_COMMIT, "HEAD");
    tl_repo_open(&now, root);
    svc_check_options o = { 0 };
    const char *sel[] = { "SVC605" };
    o.select = sel;
    o.nselect = 1;
    o.before = before.model;
    o.before_rev = "HEAD";
    svc_diagnostics *d = svc_check(now.model, &o);
    if (d->len != 3) tl_dump(d);
    assert_int_equal(tl_count(d, "SVC605", "services/tasks/a_tasks.py", 4), 1);
    assert_non_null(strstr(message_at(d, "SVC605", "services/tasks/a_tasks.py", 4),
                           "registered as `services.tasks.a_tasks.send` at HEAD"));
    assert_non_null(strstr(message_at(d, "SVC605", "services/tasks/a_tasks.py", 8),
                           "registered as `services.tasks.a_tasks._old` at HEAD and is now "
                           "`services.tasks.a_tasks._new`"));
    assert_non_null(strstr(message_at(d, "SVC605", "services/tasks/a_tasks.py", 12),
                           "takes a new parameter `y` without a default since HEAD"));
    svc_diagnostics_free(d);
    /* two tasks gone and one new: which was renamed is not known, nothing said about them */
    tl_write(root, "services/tasks/a_tasks.py",
             "from celery import shared_task\n\n@shared_task\ndef _other(x):\n    pass\n\n"
             "@shared_task(name=\"fixed\")\ndef _named(x, y=2):\n    pass\n");
    tl_repo_close(&now);
    tl_repo_open(&now, root);
    d = svc_check(now.model, &o);
    if (d->len) tl_dump(d);
    assert_int_equal(d->len, 0);
    svc_diagnostics_free(d);
    /* without the earlier model: nothing */
    d = tl_check(now.model, "SVC605");
    assert_int_equal(d->len, 0);
    svc_diagnostics_free(d);
    tl_repo_close(&now);
    tl_repo_close(&before);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_scheduled_task),
        cmocka_unit_test(test_task_module_not_registered),
        cmocka_unit_test(test_celery_imports_facts),
        cmocka_unit_test(test_task_name_changed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
