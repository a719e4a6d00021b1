#!/bin/sh
# One finding per root cause: a task outside the tasks service gets SVC401 only. No SVC403 or
# SVC404 on it, no SVC402 for the .delay inside its body or its wrapper, no SVC501 for a module
# whose only functions are tasks; SVC501 sits on the first function it counts.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery
app = Celery("shop")
'
write services/__init__.py ''
write services/tasks/__init__.py ''
write services/tasks/tests/__init__.py ''
write orders/__init__.py ''
write orders/models.py 'from django.db import models


class Order(models.Model):
    pass
'
write orders/tasks.py 'from shop.celery import app


@app.task
def sync_stock(order_id):
    refresh.delay()


def sync_stock_later(order_id):
    return sync_stock.delay(order_id)


@app.task
def refresh():
    pass
'
write orders/jobs.py 'from shop.celery import app


@app.task
def recount():
    pass


def format_total(x):
    return x
'
write orders/views.py 'from orders.tasks import sync_stock


def checkout(request):
    sync_stock.delay(1)
'
git_commit_all

run check --format json --select SVC4,SVC5 "$REPO"
expect_status 1
checks=$((checks + 1))
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
for f in json.load(sys.stdin):
    print(f["code"], f["filename"], f["location"]["row"])
' | sort)
want='SVC401 orders/jobs.py 5
SVC401 orders/tasks.py 14
SVC401 orders/tasks.py 5
SVC402 orders/views.py 5
SVC501 orders/jobs.py 9'
[ "$got" = "$want" ] || fail "findings differ:
--- want ---
$want
--- got ---
$got"

run check --select SVC401 "$REPO"
expect_out "orders/tasks.py:5:5: SVC401 [task-outside-tasks-service] Celery task \`sync_stock\` is defined outside the tasks service: move it to"
expect_out "as \`_sync_stock\` with a \`delay_sync_stock\` function"

run rules SVC401
expect_out "One finding per root cause: SVC401 is the one finding"

finish
