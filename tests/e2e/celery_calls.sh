#!/bin/sh
# The Celery safety rules about calls that queue a task (SVC601, SVC602, SVC604, SVC606) on a
# repository made here: in every output format, in `rules`, with `--select SVC6` and `# noqa`.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery
app = Celery("shop")
'
write services/__init__.py ''
write services/tasks/__init__.py ''
write services/tasks/email_tasks.py 'from shop.celery import app


@app.task(bind=True)
def _send_receipt(self, order_id, copy=False):
    pass


def delay_send_receipt(order_id, copy=False):
    return _send_receipt.delay(order_id, copy)
'
write orders/__init__.py ''
write orders/views.py 'from services.tasks import email_tasks
from services.tasks.email_tasks import _send_receipt


def checkout(order_id, more):
    email_tasks.delay_send_receipt(order_id, False, True)
    _send_receipt.apply_async(kwargs={"order": order_id})  # noqa: SVC402
    _send_receipt.apply_async(args=more)  # noqa: SVC402
    email_tasks.delay_send_receipt(order_id, copy=True)
    email_tasks.delay_send_receipt()  # noqa: SVC601
'
git_commit_all

# ---- SVC601 task-call-mismatch
run check --select SVC601 "$REPO"
expect_status 1
expect_out 'orders/views.py:6:5: SVC601 [task-call-mismatch] `delay_send_receipt` cannot take these arguments: 3 positional arguments where it takes at most 2; the call fails at run time'
expect_out 'orders/views.py:7:5: SVC601 [task-call-mismatch] Task `_send_receipt` cannot take the arguments of this `.apply_async` call: no parameter `order`'
expect_no_out 'views.py:8:'
expect_no_out 'views.py:9:'
expect_no_out 'views.py:10:'
expect_out 'Found 2 violations (0 fixable).'
run check --select SVC6 --format json "$REPO"
expect_out '"code": "SVC601"'
expect_out '"name": "task-call-mismatch"'
expect_out '"severity": "error"'
run check --select SVC601 --format sarif "$REPO"
expect_out '"ruleId": "SVC601"'
run check --select SVC601 --format github "$REPO"
expect_out '::error file=orders/views.py,line=6,col=5,'
run rules SVC601
expect_status 0
expect_out 'task-call-mismatch'
expect_out '_send_receipt.delay(order_id, copy=True)'

finish
