#!/bin/sh
# `svcscope fix --select SVC402 --unsafe` as a migration batch: `.delay`/`.apply_async` calls become
# calls of the tasks' `delay_` wrappers (added when missing), with the tasks module imported once
# (an existing import reused under its alias); calls it cannot express are listed with the reason
# and stay (a task outside the tasks service queueing another is left to SVC401); --diff previews,
# --stage stages only the changed files, --undo restores exactly, and a
# second run changes nothing.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery

app = Celery("shop")
'
write services/__init__.py ''
write services/tasks/__init__.py 'from . import email_tasks, report_tasks, stock_tasks
'
write services/tasks/tests/__init__.py ''
write services/tasks/email_tasks.py 'from shop.celery import app


@app.task
def _send_receipt(order_id, copy=False):
    pass


def delay_send_receipt(order_id, copy=False):
    return _send_receipt.delay(order_id, copy=copy)


@app.task(bind=True)
def _notify(self, user_id, *extra, urgent=False, **meta):
    pass
'
write services/tasks/stock_tasks.py 'from shop.celery import app


@app.task
def _sync_stock(sku, count=1):
    pass


def delay_sync_stock(sku, count=1, countdown=None):
    return _sync_stock.apply_async((sku, count), countdown=countdown)
'
write services/tasks/report_tasks.py 'from shop.celery import app
from orders.models import Order


@app.task
def _build_report(order_id):
    return Order.objects.get(pk=order_id)


def delay_build_report(order_id):
    return _build_report.delay(order_id)
'
write orders/__init__.py ''
write orders/apps.py 'from django.apps import AppConfig
'
write orders/models.py 'from django.db import models


class Order(models.Model):
    def refresh_report(self):
        from services.tasks.report_tasks import _build_report

        _build_report.delay(self.pk)
'
write orders/views.py '"""Checkout views."""
import json

from services.tasks import email_tasks as mail
from services.tasks.email_tasks import _notify
from services.tasks.stock_tasks import _sync_stock


def checkout(order, payload):
    mail._send_receipt.delay(order.id, copy=True)
    mail._send_receipt.apply_async(args=[order.id], kwargs={"copy": False})
    _notify.delay(order.user_id, 1, 2, urgent=True)
    _notify.apply_async((order.user_id,), countdown=5)
    _sync_stock.apply_async((order.sku,), countdown=30)
    _sync_stock.apply_async(args=payload)
    return json.dumps({})
'
write orders/signals.py 'from services.tasks.stock_tasks import _sync_stock


def on_save(order):
    _sync_stock.delay(order.sku)
    _sync_stock.apply_async((order.sku, 2))
'
write orders/tasks.py 'from services.tasks.stock_tasks import _sync_stock
from shop.celery import app


def schedule_all(skus):
    for sku in skus:
        _sync_stock.delay(sku)


@app.task
def refresh(sku):
    _sync_stock.delay(sku)
'
write orders/notes.txt 'not python
'
git_commit_all
head_tree=$(git -C "$REPO" rev-parse HEAD^{tree})

# --diff: the batch as a patch, the refused calls with their reasons on stderr, nothing written
run fix --select SVC402 --unsafe --diff "$REPO"
expect_status 1
expect_out "+    mail.delay_send_receipt(order.id, copy=True)"
expect_out "+    mail.delay_send_receipt(order.id, copy=False)"
expect_out "+    mail.delay_notify(order.user_id, 1, 2, urgent=True)"
expect_out "+    stock_tasks.delay_sync_stock(order.sku, countdown=30)"
expect_out "+def delay_notify(user_id, *extra, urgent=False, **meta):"
expect_out "+    return _notify.delay(user_id, *extra, urgent=urgent, **meta)"
expect_out "+from services.tasks import stock_tasks"
expect_out "+    stock_tasks.delay_sync_stock(order.sku)"
expect_out "+    stock_tasks.delay_sync_stock(order.sku, 2)"
expect_out "+        stock_tasks.delay_sync_stock(sku)"
# a task outside the tasks service queueing another: SVC401's, it moves with the task
expect_no_out "+    stock_tasks.delay_sync_stock(sku)"
expect_no_out "+from services.tasks import email_tasks"
expect_err "no fix: orders/views.py:13:5: SVC402 \`.apply_async\` passes \`countdown\`, and task \`_notify\` has no \`delay_\` wrapper to take it"
expect_err "no fix: orders/views.py:15:5: SVC402 \`.apply_async\`'s args are \`payload\`, not a literal list or tuple"
expect_err "no fix: orders/models.py:8:9: SVC402 \`services.tasks.report_tasks\` imports this module (directly or through others): importing it here would make an import cycle"
expect_err "3 findings have no fix (the reasons are above)."
printf '%s\n' "$OUT" > "$WORK/batch.patch"
checks=$((checks + 1))
git -C "$REPO" apply --check "$WORK/batch.patch" || fail "git apply --check refuses the --diff output"
checks=$((checks + 1))
[ -z "$(git -C "$REPO" status --porcelain)" ] || fail "--diff wrote something"

# the batch, staged: only the files it changed, and the user's own edit elsewhere stays unstaged
printf 'more notes\n' >> "$REPO/orders/notes.txt"
run fix --select SVC402 --unsafe --stage "$REPO"
expect_status 1
expect_out "Fixed 7 violations (3 left: run svcscope check)."
expect_out "3 findings have no fix (the reasons are above)."
run_git() { OUT=$(git -C "$REPO" "$@" 2>&1); }
run_git diff --cached --name-only
checks=$((checks + 1))
[ "$OUT" = "orders/signals.py
orders/tasks.py
orders/views.py
services/tasks/email_tasks.py" ] || fail "staged files: $OUT"
run_git diff --name-only
checks=$((checks + 1))
[ "$OUT" = "orders/notes.txt" ] || fail "unstaged files: $OUT"

# one import per file, however many calls it serves; the task's import stays where a refused call
# still needs it
checks=$((checks + 1))
[ "$(grep -c '^from services.tasks import stock_tasks$' "$REPO/orders/signals.py")" = 1 ] ||
    fail "orders/signals.py does not import stock_tasks exactly once: $(cat "$REPO/orders/signals.py")"
checks=$((checks + 1))
grep -q '^from services.tasks.stock_tasks import _sync_stock$' "$REPO/orders/views.py" ||
    fail "orders/views.py lost the task import its refused call still needs"

# every changed file still compiles
if command -v python3 >/dev/null 2>&1; then
    for f in orders/signals.py orders/tasks.py orders/views.py services/tasks/email_tasks.py; do
        checks=$((checks + 1))
        python3 -m py_compile "$REPO/$f" 2>"$WORK/compile" || fail "$f does not compile: $(cat "$WORK/compile")"
    done
    find "$REPO" -name __pycache__ -prune -exec rm -rf {} +
else
    skip_part "python3 is not installed: the changed files were not compiled"
fi

# what is left are the refused calls, and a second run changes nothing
run check --select SVC402 "$REPO"
expect_status 1
expect_out "orders/models.py:8:9: SVC402"
expect_out "orders/views.py:14:5: SVC402"
expect_out "orders/views.py:16:5: SVC402"
expect_out "Found 3 violations (0 fixable)."
before=$(git -C "$REPO" diff HEAD)
run fix --select SVC402 --unsafe "$REPO"
expect_status 1
expect_out "Fixed 0 violations (3 left: run svcscope check)."
checks=$((checks + 1))
[ "$(git -C "$REPO" diff HEAD)" = "$before" ] || fail "a second run changed the files"

# undo: the work tree and the index exactly as before the batch
run fix --undo "$REPO"
expect_status 0
expect_out "Undid the newest fix batch: 4 files restored."
run_git status --porcelain
checks=$((checks + 1))
[ "$OUT" = " M orders/notes.txt" ] || fail "after undo: $OUT"
checks=$((checks + 1))
[ "$(git -C "$REPO" write-tree)" = "$head_tree" ] || fail "the index after undo differs from HEAD"
git -C "$REPO" checkout -q -- orders/notes.txt
checks=$((checks + 1))
[ -z "$(git -C "$REPO" status --porcelain)" ] || fail "the work tree after undo differs from HEAD"

finish
