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
write services/tasks/__init__.py 'from . import email_tasks, report_tasks
'
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

# A rule's findings in the other output formats and in `rules`: code, name, severity (error or
# warning), the first finding's "path:line:col", and a line of its good example.
check_formats() {
    run check --select SVC6 --format json "$REPO"
    expect_out "\"code\": \"$1\""
    expect_out "\"name\": \"$2\""
    expect_out "\"severity\": \"$3\""
    run check --select "$1" --format sarif "$REPO"
    expect_out "\"ruleId\": \"$1\""
    run check --select "$1" --format github "$REPO"
    expect_out "::$3 file=${4%%:*},line=$(echo "$4" | cut -d: -f2),col=${4##*:},"
    run rules "$1"
    expect_status 0
    expect_out "$2"
    expect_out "$5"
}

# ---- SVC601 task-call-mismatch
run check --select SVC601 "$REPO"
expect_status 1
expect_out 'orders/views.py:6:5: SVC601 [task-call-mismatch] `delay_send_receipt` cannot take these arguments: 3 positional arguments where it takes at most 2; the call fails at run time'
expect_out 'orders/views.py:7:5: SVC601 [task-call-mismatch] Task `_send_receipt` cannot take the arguments of this `.apply_async` call: no parameter `order`'
expect_no_out 'views.py:8:'
expect_no_out 'views.py:9:'
expect_no_out 'views.py:10:'
expect_out 'Found 2 violations (0 fixable).'
check_formats SVC601 task-call-mismatch error orders/views.py:6:5 '_send_receipt.delay(order_id, copy=True)'

# ---- SVC602 delay-in-transaction
write orders/checkout.py 'from functools import partial

from django.db import transaction as tx
from django.db.transaction import atomic

from services.tasks import email_tasks
from services.tasks.email_tasks import _send_receipt


def place(order):
    with tx.atomic(using="orders"):
        order.save()
        email_tasks.delay_send_receipt(order.id)
        tx.on_commit(lambda: email_tasks.delay_send_receipt(order.id))
        tx.on_commit(partial(email_tasks.delay_send_receipt, order.id))

        def later():
            email_tasks.delay_send_receipt(order.id)

        tx.on_commit(later)
    email_tasks.delay_send_receipt(order.id)
'
write orders/refunds.py 'from django.db.transaction import atomic

from services.tasks import email_tasks


@atomic
def refund(order):
    order.save()
    email_tasks.delay_send_receipt(order.id)
    receipt = email_tasks.delay_send_receipt(order.id)
    return receipt


@atomic()
def refund_all(orders):
    for order in orders:
        email_tasks.delay_send_receipt(order.id)
    email_tasks.delay_send_receipt(
        orders[0].id,
    )
'
git_commit_all
run check --select SVC602 "$REPO"
expect_status 1
expect_out 'orders/checkout.py:13:9: SVC602 [delay-in-transaction] Task `_send_receipt` is queued inside the transaction opened on line 11: the worker can run before the commit'
expect_out 'orders/refunds.py:9:5: SVC602 [delay-in-transaction] Task `_send_receipt` is queued inside the transaction opened on line 6'
expect_out 'orders/refunds.py:10:15: SVC602'
expect_out 'orders/refunds.py:17:9: SVC602'
expect_out 'orders/refunds.py:18:5: SVC602'
expect_no_out 'checkout.py:14:'
expect_no_out 'checkout.py:15:'
expect_no_out 'checkout.py:18:'
expect_no_out 'checkout.py:21:'
expect_out 'Found 5 violations (3 fixable).'
check_formats SVC602 delay-in-transaction warning orders/refunds.py:9:5 \
    'transaction.on_commit(lambda: _send_receipt.delay(order.id))'
run check --select SVC602 --format json "$REPO"
expect_out '"applicability": "unsafe"'

run fix --select SVC602 --unsafe --diff "$REPO"
expect_out '+        tx.on_commit(lambda: email_tasks.delay_send_receipt(order.id), using="orders")'
expect_out '+    transaction.on_commit(lambda: email_tasks.delay_send_receipt(order.id))'
expect_out '+from django.db import transaction'
expect_err "the call's result is used"
expect_err 'the call is inside a loop'
[ -z "$(git -C "$REPO" status --porcelain)" ] || fail "--diff wrote files"
checks=$((checks + 1))

run fix --select SVC602 --unsafe "$REPO"
expect_out 'Fixed 3 violations (2 left: run svcscope check).'
checks=$((checks + 1))
[ "$(grep -c '^from django.db import transaction$' "$REPO/orders/refunds.py")" -eq 1 ] || fail "the import is not added once:
$(cat "$REPO/orders/refunds.py")"
checks=$((checks + 1))
want='@atomic()
def refund_all(orders):
    for order in orders:
        email_tasks.delay_send_receipt(order.id)
    transaction.on_commit(lambda: email_tasks.delay_send_receipt(
        orders[0].id,
    ))'
tail -7 "$REPO/orders/refunds.py" >"$WORK/tail"
[ "$(cat "$WORK/tail")" = "$want" ] || fail "fixed refund_all:
$(cat "$WORK/tail")"
if command -v python3 >/dev/null 2>&1; then
    for f in orders/checkout.py orders/refunds.py; do
        checks=$((checks + 1))
        python3 -m py_compile "$REPO/$f" 2>"$WORK/compile" || fail "$f does not compile: $(cat "$WORK/compile")"
    done
fi
run check --select SVC602 "$REPO"
expect_out 'Found 2 violations (0 fixable).'
cp "$REPO/orders/refunds.py" "$WORK/before"
run fix --select SVC602 --unsafe "$REPO"
checks=$((checks + 1))
cmp -s "$REPO/orders/refunds.py" "$WORK/before" || fail "a second fix changed the file"

# ---- SVC604 model-instance-argument
write orders/models.py 'from django.db import models


class Order(models.Model):
    pass
'
write orders/resend.py 'from orders.models import Order
from services.tasks import email_tasks


def resend(request, order_id, order: Order):
    found = Order.objects.get(pk=order_id)
    email_tasks.delay_send_receipt(found)
    email_tasks.delay_send_receipt(found.pk)
    email_tasks.delay_send_receipt(order)
    email_tasks.delay_send_receipt(request.user)  # noqa: SVC604
'
git_commit_all
run check --select SVC604 "$REPO"
expect_status 1
expect_out 'orders/resend.py:7:36: SVC604 [model-instance-argument] `found` is a model instance (from `Order.objects.get(...)`) passed to `delay_send_receipt`: it may not serialize, and the worker gets the row as it was when queued; pass `found.pk` and fetch it in the task'
expect_out 'orders/resend.py:9:36: SVC604 [model-instance-argument] `order` is a model instance (annotated `Order`)'
expect_out 'Found 2 violations (0 fixable).'
check_formats SVC604 model-instance-argument warning orders/resend.py:7:36 'delay_send_receipt(order.pk)'

# ---- SVC606 blocking-result-in-task
write services/tasks/report_tasks.py 'from celery import group

from shop.celery import app
from services.tasks.email_tasks import _send_receipt


@app.task
def _close_day(order_ids):
    results = group(_send_receipt.s(i) for i in order_ids)()
    results.join()
    _send_receipt.delay(order_ids[0]).get()  # noqa: SVC606
    return {}.get("x")


def delay_close_day(order_ids):
    return _close_day.delay(order_ids)
'
git_commit_all
run check --select SVC606 "$REPO"
expect_status 1
expect_out 'services/tasks/report_tasks.py:10:5: SVC606 [blocking-result-in-task] Task `_close_day` waits with `.join()` for work it queued'
expect_out 'Found 1 violation (0 fixable).'
check_formats SVC606 blocking-result-in-task warning services/tasks/report_tasks.py:10:5 'chain(_total.s(), _report.s()).delay()'
run check --select SVC6 "$REPO"
expect_out 'Found 7 violations (0 fixable).'

finish
