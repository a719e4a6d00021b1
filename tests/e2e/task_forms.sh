#!/bin/sh
# Tasks made without a plain Celery decorator are tasks in every command: a decorator bound by
# assignment (`retrying = shared_task(bind=True)`), imported or re-exported from another module,
# and a task made by a call (`purge_task = shared_task(purge)`).
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write proj/__init__.py 'from .celery_utils import retrying
'
write proj/celery_utils.py 'from celery import Celery, shared_task
app = Celery("proj")
retrying = shared_task(bind=True, max_retries=3)
task = app.task(queue="low")
'
write orders/__init__.py ''
write orders/models.py ''
# no Celery word in this file: only the alias makes these tasks
write orders/jobs.py 'from proj import retrying
from proj.celery_utils import task as low_task


@retrying
def sync(self, order_id):
    pass


@low_task
def recount():
    pass
'
write orders/purge.py 'from celery import shared_task


def purge(days):
    pass


purge_task = shared_task(purge)
'
write orders/views.py 'from orders.jobs import sync
from orders.purge import purge_task


def checkout(request):
    sync.delay(1)
    purge_task.delay(3)
'
git_commit_all

run check --select SVC4 "$REPO"
expect_status 1
expect_out "orders/jobs.py:6:5: SVC401 [task-outside-tasks-service] Celery task \`sync\`"
expect_out "orders/jobs.py:11:5: SVC401 [task-outside-tasks-service] Celery task \`recount\`"
expect_out "orders/purge.py:8:1: SVC401 [task-outside-tasks-service] Celery task \`purge_task\`"
expect_out "orders/views.py:6:5: SVC402 [delay-outside-tasks-service] Task \`sync\` is called with \`.delay\`"
expect_out "orders/views.py:7:5: SVC402 [delay-outside-tasks-service] Task \`purge_task\` is called with \`.delay\`"
expect_out "Found 5 violations"

# the same without the pre-filter (every file parsed)
SVCSCOPE_NO_PREFILTER=1 run check --select SVC4 "$REPO"
expect_out "Found 5 violations"

run tree "$REPO"
expect_out "orders/jobs.py:6  task sync"
expect_out "orders/purge.py:8  task purge_task"
expect_out "3 tasks (0 in the tasks service)"

run callers purge_task "$REPO"
expect_status 0
expect_out "task orders.purge.purge_task  orders/purge.py:8"
expect_out "orders/views.py:7:5: in checkout: purge_task.delay(3)"

run callers orders.jobs.sync "$REPO"
expect_out "orders/views.py:6:5: in checkout: sync.delay(1)"

run graph "$REPO"
expect_status 0
expect_out "purge_task"
expect_out "recount"

finish
