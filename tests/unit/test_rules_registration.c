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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_scheduled_task),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
