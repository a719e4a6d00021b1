#!/bin/sh
# Queueing a task without `<task>.delay(...)`: its .delay passed as a value, send_task by its
# registered name, a project helper named in `dispatch-functions`; super().apply_async inside a
# Task subclass is never a finding; signatures and .apply (in-process) are told apart by callers.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write pyproject.toml '[tool.svcscope]
dispatch-functions = ["proj.celery_utils.dispatch_task"]
'
write proj/__init__.py ''
write proj/celery.py 'from celery import Celery, Task
app = Celery("proj")


class LoggedTask(Task):
    def apply_async(self, *args, **kwargs):
        return super().apply_async(*args, **kwargs)
'
write proj/celery_utils.py 'def dispatch_task(task, *args):
    return task.apply_async(args=args)
'
write orders/__init__.py ''
write orders/models.py ''
write orders/tasks.py 'from proj.celery import app


@app.task(name="orders.sync")
def sync(order_id):
    pass


@app.task
def refresh():
    pass
'
write orders/views.py 'from functools import partial

from celery import group
from django.db import transaction

from orders.tasks import refresh, sync
from proj.celery import app
from proj.celery_utils import dispatch_task


def checkout(request):
    transaction.on_commit(partial(sync.delay, 1))
    app.send_task("orders.sync", args=[1])
    app.send_task("orders.tasks.refresh")
    app.send_task("another.project.task")
    dispatch_task(refresh)
    group(sync.s(1), refresh.si()).delay()
    sync.apply(args=[2])
'
git_commit_all

run check --select SVC402 "$REPO"
expect_status 1
expect_out "orders/views.py:12:35: SVC402 [delay-outside-tasks-service] Task \`sync\`'s \`.delay\` is passed as a value"
expect_out "orders/views.py:13:5: SVC402 [delay-outside-tasks-service] Task \`sync\` is queued by name with \`send_task\`"
expect_out "orders/views.py:14:5: SVC402 [delay-outside-tasks-service] Task \`refresh\` is queued by name with \`send_task\`"
expect_out "orders/views.py:16:5: SVC402 [delay-outside-tasks-service] Task \`refresh\` is queued through dispatch function \`dispatch_task\`"
expect_no_out "orders/views.py:15:"        # a name no task of the repo has
expect_no_out "proj/celery.py"             # super().apply_async in a Task subclass
expect_no_out "proj/celery_utils.py"       # the dispatch helper's own .apply_async
expect_out "orders/views.py:17:5: SVC402"   # the group, queued outside the tasks service
expect_out "Found 5 violations"

run callers sync "$REPO"
expect_out "orders/views.py:12:35: in checkout: transaction.on_commit(partial(sync.delay, 1))  [.delay]"
expect_out "orders/views.py:13:5: in checkout: app.send_task(\"orders.sync\", args=[1])  [send_task]"
expect_out "orders/views.py:17:11: in checkout: group(sync.s(1), refresh.si()).delay()  [signature]"
expect_out "orders/views.py:18:5: in checkout: sync.apply(args=[2])  [.apply: runs in-process, not queued]"

run callers refresh "$REPO"
expect_out "orders/views.py:16:5: in checkout: dispatch_task(refresh)  [.apply_async]"
expect_no_out "[used as a value]"
run callers --format json refresh "$REPO"
expect_out '"kind": "send_task"'

# a test double around the queueing (`wraps=`) is a value on the line, like the first argument
write orders/tests.py 'from unittest.mock import patch

from orders.tasks import refresh


def test_refresh():
    with patch.object(refresh, "apply_async", wraps=refresh.apply_async):
        pass
'
git_commit_all
run callers refresh "$REPO"
expect_out "orders/tests.py:7:23: in test_refresh: "
expect_out "orders/tests.py:7:53: in test_refresh: "
expect_out "wraps=refresh.apply_async):  [used as a value]"
expect_no_out "wraps=refresh.apply_async):  [.apply_async]"
run check --select SVC402 "$REPO"
expect_no_out "orders/tests.py"

# a bad value is an error naming the key
write pyproject.toml '[tool.svcscope]
dispatch-functions = ["dispatch task"]
'
run check "$REPO"
expect_status 2
expect_err "dispatch-functions"

finish
