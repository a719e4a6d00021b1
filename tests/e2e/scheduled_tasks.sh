#!/bin/sh
# SVC607 unknown-scheduled-task: a beat schedule entry (settings CELERY_BEAT_SCHEDULE, app.conf.beat_schedule,
# add_periodic_task) that names a task no task of the repo is registered under; in every output format,
# with --select SVC6 and noqa, the same with and without the pre-filter, and not for Celery's own tasks,
# an installed package's (a namespace the repo does not use), or an entry naming a task object.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/settings.py 'CELERY_BEAT_SCHEDULE = {
    "nightly-digest": {"task": "services.tasks.email_tasks._send_digest", "schedule": 3600},
    "weekly": {"task": "services.tasks.email_tasks.send_weekly", "schedule": 3600},
    "backend-cleanup": {"task": "celery.backend_cleanup", "schedule": 86400},
    "results": {"task": "django_celery_results.tasks.cleanup", "schedule": 86400},
    "other": {"task": "reports.rebuild", "schedule": 60},
    "kept": {"task": "shop.tasks.gone", "schedule": 60},  # noqa: SVC607
}
'
write shop/celery.py 'from celery import Celery

from services.tasks import email_tasks

app = Celery("shop")


@app.on_after_configure.connect
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(600.0, email_tasks._send_digest.s(), name="digest")
    sender.add_periodic_task(600.0, app.signature("digest.hourly"), name="hourly")
'
write services/__init__.py ''
write services/tasks/__init__.py 'from . import email_tasks
'
write services/tasks/tests/__init__.py ''
write services/tasks/tests/test_email_tasks.py ''
write services/tasks/email_tasks.py 'from shop.celery import app


@app.task
def _send_digest():
    pass


def delay_send_digest():
    return _send_digest.delay()


@app.task(name="digest.daily")
def _send_daily():
    pass


def delay_send_daily():
    return _send_daily.delay()


@app.task
def _send_weekly():
    pass


def delay_send_weekly():
    return _send_weekly.delay()
'
git_commit_all

run check "$REPO"
expect_status 1
expect_out "shop/settings.py:3:24: SVC607 [unknown-scheduled-task] Beat entry \`weekly\` names task \`services.tasks.email_tasks.send_weekly\`, which no task of the repo is registered under: celery beat queues it and the worker rejects it as an unregistered task (did you mean \`services.tasks.email_tasks._send_weekly\`?)"
expect_out "shop/celery.py:11:37: SVC607 [unknown-scheduled-task] Periodic task \`hourly\` names task \`digest.hourly\`"
expect_no_out "celery.backend_cleanup"
expect_no_out "django_celery_results"
expect_no_out "shop.tasks.gone"
expect_no_out "reports.rebuild"
expect_no_out "_send_digest\`, which"
expect_out "Found 2 violations (0 fixable)."

run check --select SVC6 "$REPO"
expect_out "Found 2 violations"
run check --select SVC607 "$REPO"
expect_out "Found 2 violations"
run check --ignore SVC607 "$REPO"
expect_status 0

# the pre-filter leaves no file out that the rule needs
SVCSCOPE_NO_PREFILTER=1 run check "$REPO"
expect_out "Found 2 violations (0 fixable)."

run check --format json "$REPO"
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [f["code"] for f in d] == ["SVC607", "SVC607"], d
f = [f for f in d if f["filename"] == "shop/settings.py"][0]
assert f["name"] == "unknown-scheduled-task" and f["severity"] == "error", f
assert f["location"] == {"row": 3, "column": 24}, f["location"]
assert f["fix"] is None and f["url"].endswith("#svc607")
' || fail "json output of SVC607"

run check --format github "$REPO"
expect_out "::error file=shop/settings.py,line=3,col=24"
run check --format sarif "$REPO"
expect_out '"ruleId": "SVC607"'

run rules SVC607
expect_status 0
expect_out "SVC607 [unknown-scheduled-task]"
expect_out "Flagged:"
expect_out "Instead:"

finish
