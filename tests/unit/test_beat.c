/* Celery beat schedule entries: the facts of schedule literals, the model's entries and the tasks
 * they name, the same in a check-only model, and beat entries among a task's triggers. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "svcscope/query.h"
#include "svcscope/util.h"

static svc_facts *extract(const char *src)
{
    return svc_facts_extract("x.py", "x", false, src, strlen(src));
}

/* Every literal shape of a schedule, in any scope; other dicts and names are not schedules. */
static void test_schedule_facts(void **state)
{
    (void)state;
    svc_facts *f = extract("CELERY_BEAT_SCHEDULE = {\n"                                   /* 1 */
                           "    'nightly': {'task': 'a.nightly', 'schedule': 60},\n"       /* 2 */
                           "    'odd': dict(task=\"a.odd\", schedule=5),\n"                 /* 3 */
                           "    'built': {'task': tasks.cleanup.name},\n"                  /* 4 */
                           "    'no-task': {'schedule': 1},\n"                             /* 5 */
                           "}\n"
                           "app.conf.beat_schedule = {'hourly': {'task': ('a.'\n'hourly')}}\n" /* 7 */
                           "app.conf['beat_schedule'] = {'conf': {'task': 'a.conf'}}\n"    /* 9 */
                           "app.conf.update(beat_schedule={'upd': {'task': 'a.upd'}})\n"   /* 10 */
                           "CELERY_BEAT_SCHEDULE['one'] = {'task': 'a.one'}\n"             /* 11 */
                           "CELERY_BEAT_SCHEDULE.update({'more': {'task': 'a.more'}})\n"  /* 12 */
                           "OTHER = {'x': {'task': 'not.beat'}}\n"                         /* 13 */
                           "class Settings:\n"                                             /* 14 */
                           "    CELERYBEAT_SCHEDULE = dict(old={'task': 'a.old'})\n");     /* 15 */
    static const struct {
        const char *name, *task;
        uint32_t row;
    } want[] = {
        { "nightly", "a.nightly", 1 }, { "odd", "a.odd", 2 }, { "built", NULL, 3 }, { "hourly", "a.hourly", 6 },
        { "conf", "a.conf", 8 },       { "upd", "a.upd", 9 }, { "one", "a.one", 10 }, { "more", "a.more", 11 },
        { "old", "a.old", 14 },
    };
    size_t n = sizeof want / sizeof want[0];
    assert_int_equal(f->nschedule, n);
    for (size_t i = 0; i < n; i++) {
        const svc_schedule_entry *e = &f->schedule[i];
        assert_string_equal(e->name, want[i].name);
        if (want[i].task) assert_string_equal(e->task, want[i].task);
        else assert_null(e->task);
        assert_int_equal(e->span.row, want[i].row);
    }
    assert_string_equal(f->schedule[2].task_text, "tasks.cleanup.name");
    assert_int_equal(f->schedule[0].span.col, 24); /* the "task" value */
    assert_int_equal(f->schedule[0].scope, -1);
    assert_int_equal(f->schedule[8].scope, 0); /* the settings class */
    svc_facts_free(f);
}

static const tl_file shop[] = {
    { "shop/__init__.py", "" },
    { "shop/celery.py",
      "from celery import Celery, signature\n"                                               /* 1 */
      "from services.tasks import email_tasks\n"                                             /* 2 */
      "from services.tasks.email_tasks import _digest\n"                                     /* 3 */
      "app = Celery('shop')\n"                                                               /* 4 */
      "app.conf.beat_schedule = {\n"                                                         /* 5 */
      "    'welcome': {'task': 'services.tasks.email_tasks._send_welcome', 'schedule': 60},\n" /* 6 */
      "    'report': {'task': 'reports.monthly', 'schedule': 60},\n"                         /* 7 */
      "    'gone': {'task': 'services.tasks.email_tasks._removed', 'schedule': 60},\n"      /* 8 */
      "    'by-attr': {'task': _digest.name, 'schedule': 60},\n"                             /* 9 */
      "}\n"                                                                                  /* 10 */
      "\n"                                                                                   /* 11 */
      "@app.on_after_configure.connect\n"                                                    /* 12 */
      "def setup_periodic_tasks(sender, **kwargs):\n"                                        /* 13 */
      "    sender.add_periodic_task(30.0, email_tasks._send_welcome.s(1), name='welcome-30')\n" /* 14 */
      "    sender.add_periodic_task(10.0, sig=signature('reports.monthly'))\n"               /* 15 */
      "    sender.add_periodic_task(10.0, _digest.si().set(queue='low'))\n"                  /* 16 */
      "    sender.add_periodic_task(10.0, somewhere.job.s())\n" },                           /* 17 */
    { "services/__init__.py", "" },
    { "services/reports/__init__.py", "" },
    { "services/reports/tests/__init__.py", "" },
    { "services/tasks/__init__.py", "" },
    { "services/tasks/email_tasks.py",
      "from shop.celery import app\n"                                                        /* 1 */
      "\n"
      "@app.task\n"
      "def _send_welcome(user_id):\n"                                                        /* 4 */
      "    pass\n"
      "\n"
      "def delay_send_welcome(user_id):\n"                                                   /* 7 */
      "    return _send_welcome.delay(user_id)\n"                                            /* 8 */
      "\n"
      "@app.task(name='reports.monthly')\n"                                                  /* 10 */
      "def _monthly():\n"
      "    pass\n"
      "\n"
      "@app.task\n"
      "def _digest():\n"                                                                     /* 15 */
      "    pass\n" },
    { "services/tasks/tests/__init__.py", "" },
    { "services/tasks/tests/test_beat.py",
      "TEST_BEAT_SCHEDULE = {'t': {'task': 'services.tasks.email_tasks._digest'}}\n" },
    { NULL, NULL },
};

static long task_index(const svc_model *m, const char *dotted)
{
    for (size_t t = 0; t < m->ntasks; t++)
        if (strcmp(m->tasks[t].dotted, dotted) == 0) return (long)t;
    fail_msg("no task %s", dotted);
    return -1;
}

typedef struct want_entry {
    const char *path;
    uint32_t line, column;
    svc_beat_origin origin;
    const char *name, *task_name;
    bool by_name;
    const char *task; /* dotted, NULL for none */
    const char *enclosing;
} want_entry;

static void expect_entries(const svc_model *m, const want_entry *want, size_t n)
{
    assert_int_equal(m->nbeat, n);
    for (size_t i = 0; i < n; i++) {
        const svc_beat_entry *e = &m->beat[i];
        assert_string_equal(e->path, want[i].path);
        assert_int_equal(e->line, want[i].line);
        assert_int_equal(e->column, want[i].column);
        assert_int_equal(e->origin, want[i].origin);
        if (want[i].name) assert_string_equal(e->name, want[i].name);
        else assert_null(e->name);
        assert_string_equal(e->task_name, want[i].task_name);
        assert_int_equal(e->by_name, want[i].by_name);
        assert_int_equal(e->task, want[i].task ? task_index(m, want[i].task) : -1);
        assert_string_equal(e->enclosing, want[i].enclosing);
    }
}

/* Each entry names its task by registered name (decorator name= too) or by the task object; an
 * unknown registered name matches no task; the check-only model (pre-filter) finds the same. */
static void test_model_entries(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write_files(root, shop);
    static const want_entry want[] = {
        { "services/tasks/tests/test_beat.py", 1, 37, SVC_BEAT_SCHEDULE, "t", "services.tasks.email_tasks._digest",
          true, "services.tasks.email_tasks._digest", "<module>" },
        { "shop/celery.py", 6, 25, SVC_BEAT_SCHEDULE, "welcome", "services.tasks.email_tasks._send_welcome", true,
          "services.tasks.email_tasks._send_welcome", "<module>" },
        { "shop/celery.py", 7, 24, SVC_BEAT_SCHEDULE, "report", "reports.monthly", true,
          "services.tasks.email_tasks._monthly", "<module>" },
        { "shop/celery.py", 8, 22, SVC_BEAT_SCHEDULE, "gone", "services.tasks.email_tasks._removed", true, NULL,
          "<module>" },
        { "shop/celery.py", 9, 25, SVC_BEAT_SCHEDULE, "by-attr", "services.tasks.email_tasks._digest", false,
          "services.tasks.email_tasks._digest", "<module>" },
        { "shop/celery.py", 14, 36, SVC_BEAT_PERIODIC_TASK, "welcome-30", "services.tasks.email_tasks._send_welcome",
          false, "services.tasks.email_tasks._send_welcome", "setup_periodic_tasks" },
        { "shop/celery.py", 15, 40, SVC_BEAT_PERIODIC_TASK, NULL, "reports.monthly", true,
          "services.tasks.email_tasks._monthly", "setup_periodic_tasks" },
        { "shop/celery.py", 16, 36, SVC_BEAT_PERIODIC_TASK, NULL, "services.tasks.email_tasks._digest", false,
          "services.tasks.email_tasks._digest", "setup_periodic_tasks" },
        { "shop/celery.py", 17, 36, SVC_BEAT_PERIODIC_TASK, NULL, "somewhere.job", false, NULL,
          "setup_periodic_tasks" },
    };
    size_t n = sizeof want / sizeof want[0];
    tl_repo r;
    tl_repo_open(&r, root);
    expect_entries(r.model, want, n);

    svc_model_options mo = SVC_MODEL_OPTIONS_INIT;
    mo.check_only = true;
    svc_model *checked = NULL;
    svc_error err = SVC_ERROR_INIT;
    assert_int_equal(svc_model_build(&checked, r.source, &r.config, &mo, &err), 0);
    expect_entries(checked, want, n);
    svc_model_free(checked);
    tl_repo_close(&r);

    /* a settings module that says no other word a rule reacts to is still read */
    tl_write(root, "shop/schedule.py", "CELERYBEAT_SCHEDULE = {'w': {'task': 'reports.monthly'}}\n");
    tl_write(root, "shop/periodic.py", "def setup(sender):\n    sender.add_periodic_task(5, jobs.x.s())\n");
    tl_repo_open(&r, root);
    assert_int_equal(r.model->nbeat, n + 2);
    checked = NULL;
    assert_int_equal(svc_model_build(&checked, r.source, &r.config, &mo, &err), 0);
    assert_int_equal(checked->nbeat, n + 2);
    for (size_t i = 0; i < n + 2; i++) {
        assert_string_equal(checked->beat[i].path, r.model->beat[i].path);
        assert_int_equal(checked->beat[i].line, r.model->beat[i].line);
        assert_int_equal(checked->beat[i].task, r.model->beat[i].task);
    }
    svc_model_free(checked);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

/* A task's triggers hold its beat entries (an add_periodic_task signature once, as an entry, not
 * also as a direct use); a wrapper's hold none; no_tests leaves out those of test modules. */
static void test_triggers(void **state)
{
    (void)state;
    char *root = tl_tempdir();
    tl_write_files(root, shop);
    tl_repo r;
    tl_repo_open(&r, root);
    svc_query *q = svc_query_new(r.model, NULL);
    svc_xref_match task = { true, (size_t)task_index(r.model, "services.tasks.email_tasks._send_welcome") };
    svc_query_triggers *t = svc_query_triggers_new(q, task, false);
    assert_int_equal(t->nbeat, 2);
    assert_string_equal(t->beat[0]->name, "welcome");
    assert_string_equal(t->beat[1]->name, "welcome-30");
    /* nothing calls the wrapper, and the signature `_send_welcome.s(1)` is the entry, not a use */
    assert_int_equal(t->n, 0);
    svc_query_triggers_free(t);

    svc_xref_match digest = { true, (size_t)task_index(r.model, "services.tasks.email_tasks._digest") };
    t = svc_query_triggers_new(q, digest, false);
    assert_int_equal(t->nbeat, 3);
    assert_string_equal(t->beat[0]->path, "services/tasks/tests/test_beat.py");
    svc_query_triggers_free(t);
    t = svc_query_triggers_new(q, digest, true);
    assert_int_equal(t->nbeat, 2);
    assert_string_equal(t->beat[0]->path, "shop/celery.py");
    svc_query_triggers_free(t);

    /* `c` on an entry's line: the task it names (none for a name no task has) */
    svc_xref_match at;
    size_t celery = (size_t)svc_model_file(r.model, "shop/celery.py");
    assert_true(svc_query_task_at(q, celery, 5, 30, &at));
    assert_true(at.is_task);
    assert_int_equal(at.index, task.index);
    assert_true(svc_query_task_at(q, celery, 6, 4, &at));
    assert_string_equal(r.model->tasks[at.index].dotted, "services.tasks.email_tasks._monthly");
    assert_false(svc_query_task_at(q, celery, 7, 30, &at));

    svc_xref_match wrapper = { false, r.model->tasks[task.index].wrappers[0] };
    t = svc_query_triggers_new(q, wrapper, false);
    assert_int_equal(t->nbeat, 0);
    assert_null(t->beat);
    svc_query_triggers_free(t);
    svc_query_free(q);
    tl_repo_close(&r);
    tl_rmrf(root);
    free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schedule_facts),
        cmocka_unit_test(test_model_entries),
        cmocka_unit_test(test_triggers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
