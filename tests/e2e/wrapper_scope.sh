#!/bin/sh
# A task's wrapper is a function that does nothing but queue it: outside the tasks service its
# `.delay` moves with the task (no SVC402), and `tree`/`callers` show it as the wrapper. A larger
# function that queues the task is logic that stays: its `.delay` is an SVC402, and `callers`
# lists it as a direct use.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/tasks.py 'from celery import shared_task
from django.db import connection


@shared_task
def refresh(ids):
    pass


def reorder(ids):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE shop_item SET position = position + 1")
    refresh.delay(ids)


def refresh_later(ids):
    """Queue a refresh."""
    return refresh.delay(ids)
'
git_commit_all

run check --select SVC4 "$REPO"
expect_status 1
expect_out "shop/tasks.py:6:5: SVC401"
expect_out "shop/tasks.py:13:5: SVC402 [delay-outside-tasks-service] Task \`refresh\` is called with \`.delay\`"
expect_no_out "shop/tasks.py:18"

run tree "$REPO"
expect_out "task refresh  <- refresh_later"
expect_no_out "reorder"

run callers refresh "$REPO"
expect_status 0
expect_out "shop.tasks.refresh_later -> refresh"
expect_out "shop/tasks.py:13:5: in reorder: refresh.delay(ids)  [.delay]"

finish
