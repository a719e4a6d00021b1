#!/bin/sh
# `svcscope callers` lists the Celery beat schedule entries that queue a task: entries of a
# settings CELERY_BEAT_SCHEDULE dict and add_periodic_task calls, in text and JSON; a wrapper's
# callers point at its task for them.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/settings.py 'from celery.schedules import crontab

CELERY_BEAT_SCHEDULE = {
    "nightly-digest": {
        "task": "services.tasks.email_tasks._send_digest",
        "schedule": crontab(hour=3, minute=0),
    },
    "renamed": {"task": "digests.weekly", "schedule": 3600},
}
'
write shop/celery.py 'from celery import Celery

from services.tasks import email_tasks

app = Celery("shop")


@app.on_after_configure.connect
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(600.0, email_tasks._send_digest.s(), name="digest every 10 minutes")
'
write services/__init__.py ''
write services/tasks/__init__.py ''
write services/tasks/email_tasks.py 'from shop.celery import app


@app.task
def _send_digest():
    pass


def delay_send_digest():
    return _send_digest.delay()


@app.task(name="digests.weekly")
def _weekly():
    pass
'
git_commit_all

# a task: a beat schedule section with one line per entry, its source line and its name
run callers _send_digest "$REPO"
expect_status 0
expect_out "beat schedule  (2 entries)"
expect_out "shop/celery.py:10:37: in setup_periodic_tasks: sender.add_periodic_task(600.0, email_tasks._send_digest.s(), name=\"digest every 10 minutes\")  [add_periodic_task \"digest every 10 minutes\"]"
expect_out "shop/settings.py:5:17: in <module>: \"task\": \"services.tasks.email_tasks._send_digest\",  [beat schedule entry \"nightly-digest\"]"
# the signature given to add_periodic_task is the beat entry, not a direct use as well
expect_no_out "direct uses of _send_digest"
expect_no_out "has no callers"

# a task named in the schedule by its Celery name (name="...")
run callers _weekly "$REPO"
expect_status 0
expect_out "beat schedule  (1 entry)"
expect_out "shop/settings.py:8:25: in <module>: \"renamed\": {\"task\": \"digests.weekly\", \"schedule\": 3600},  [beat schedule entry \"renamed\"]"

# a wrapper: its call sites, and where to look for the beat entries of its task
run callers delay_send_digest "$REPO"
expect_status 0
expect_out "(0 call sites)"
expect_out "celery beat also queues _send_digest (2 beat schedule entries): svcscope callers services.tasks.email_tasks._send_digest"
expect_no_out "shop/settings.py"

# JSON: a new "beat" key on the task, the other keys unchanged
run callers --format json _send_digest "$REPO"
expect_status 0
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, sys
objs = json.load(sys.stdin)
assert [o["kind"] for o in objs] == ["wrapper", "task"], objs
t = objs[1]
assert sorted(t) == ["beat", "calls", "celery_name", "kind", "location", "name", "sites", "wrappers"], sorted(t)
assert t["sites"] == [], t["sites"]
assert t["beat"] == [
    {"name": "digest every 10 minutes", "task": "services.tasks.email_tasks._send_digest",
     "origin": "add_periodic_task", "filename": "shop/celery.py", "row": 10, "column": 37,
     "enclosing": "setup_periodic_tasks",
     "source": "sender.add_periodic_task(600.0, email_tasks._send_digest.s(), name=\"digest every 10 minutes\")"},
    {"name": "nightly-digest", "task": "services.tasks.email_tasks._send_digest", "origin": "beat_schedule",
     "filename": "shop/settings.py", "row": 5, "column": 17, "enclosing": "<module>",
     "source": "\"task\": \"services.tasks.email_tasks._send_digest\","},
], t["beat"]
' || fail "callers --format json does not describe the beat entries"

# a task nothing queues, not even beat, is said to have no callers
write services/tasks/email_tasks.py 'from shop.celery import app


@app.task
def _send_digest():
    pass


@app.task(name="digests.weekly")
def _weekly():
    pass


@app.task
def _forgotten():
    pass
'
run callers _forgotten "$REPO"
expect_status 0
expect_out "services.tasks.email_tasks._forgotten has no callers"
expect_out "and no beat schedule entry names it"
expect_no_out "beat schedule  ("

finish
