#!/bin/sh
# SVC401's destination: a valid Python module name from the innermost meaningful package, and
# same-named tasks of sibling packages never sent to one module under one name.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/a/__init__.py ''
write shop/a/orders/__init__.py ''
write shop/a/orders/tasks.py 'from celery import shared_task


@shared_task
def sync():
    pass
'
write shop/b/__init__.py ''
write shop/b/orders/__init__.py ''
write shop/b/orders/tasks.py 'from celery import shared_task


@shared_task
def sync():
    pass
'
write scripts/celery-migration-task.py 'from celery import shared_task


@shared_task
def migrate():
    pass
'
git_commit_all

run check --select SVC401 "$REPO"
expect_status 1
expect_out "scripts/celery-migration-task.py:5:5: SVC401 [task-outside-tasks-service] Celery task \`migrate\` is defined outside the tasks service: move it to \`services/tasks/scripts_tasks.py\`"
expect_out "shop/a/orders/tasks.py:5:5: SVC401 [task-outside-tasks-service] Celery task \`sync\` is defined outside the tasks service: move it to \`services/tasks/a_orders_tasks.py\`"
expect_out "shop/b/orders/tasks.py:5:5: SVC401 [task-outside-tasks-service] Celery task \`sync\` is defined outside the tasks service: move it to \`services/tasks/b_orders_tasks.py\`"

finish
