#!/bin/sh
# `svcscope tree` on real repositories: a backend/services root, no services package,
# JSON output, the index and commit sources, and bad input.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo backend
write backend/manage.py ''
write backend/services/__init__.py ''
write backend/services/billing/__init__.py 'from .errors import PaymentError
'
write backend/services/billing/errors.py 'class PaymentError(Exception):
    pass
'
write backend/services/billing/invoices.py 'def create_invoice(order):
    return order
'
write backend/services/billing/tests/__init__.py ''
write backend/services/billing/tests/test_invoices.py 'def test_it():
    pass
'
write backend/services/tasks/__init__.py ''
write backend/services/tasks/email_tasks.py 'from shop.celery import app


@app.task
def _send_welcome(user_id):
    pass


def delay_send_welcome(user_id):
    return _send_welcome.delay(user_id)
'
write backend/orders/__init__.py ''
write backend/orders/apps.py 'from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
'
git_commit_all

run tree "$REPO"
expect_status 0
expect_out "backend/services/  (services root, imported as services)"
expect_out "billing/"
expect_out "exception PaymentError  :1"
expect_out "def create_invoice  :1"
expect_out "tasks/  [tasks service]"
expect_out "task _send_welcome  :5"
expect_out "wrapper delay_send_welcome  :9  -> _send_welcome"
expect_out "orders  backend/orders/  (apps.py, 2 modules)"
expect_out "2 services, 1 apps, 1 tasks (1 in the tasks service), 1 wrappers, 1 exceptions"

run tree --format json "$REPO"
expect_status 0
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, sys
m = json.load(sys.stdin)
assert m["services_root"] == "backend/services", m["services_root"]
assert [s["name"] for s in m["services"]] == ["billing", "tasks"]
assert m["tasks"][0]["name"] == "services.tasks.email_tasks._send_welcome"
assert m["tasks"][0]["location"] == {"filename": "backend/services/tasks/email_tasks.py", "row": 5, "column": 5}
assert m["tasks"][0]["wrappers"] == ["services.tasks.email_tasks.delay_send_welcome"]
assert m["exceptions"][0]["at_service_root"] is True
assert m["apps"][0]["label"] == "orders"
' || fail "tree --format json does not describe the model"

# a new service in the work tree only: the index and HEAD do not have it
write backend/services/reports/__init__.py ''
write backend/services/reports/weekly.py 'def build():
    pass
'
run tree "$REPO"
expect_out "reports/"
run tree --staged "$REPO"
expect_no_out "reports/"
git -C "$REPO" add -A
run tree --staged "$REPO"
expect_out "reports/"
run tree --rev HEAD "$REPO"
expect_no_out "reports/"

# no services package: says so, still lists the tasks (migration mode)
new_repo legacy
write app/__init__.py ''
write app/models.py 'from django.db import models


class Thing(models.Model):
    pass
'
write app/tasks.py 'from celery import shared_task


@shared_task
def crunch(n):
    return n


def kick():
    crunch.delay(1)
'
run tree "$REPO"
expect_status 0
expect_out "No services package found (SVC100)"
expect_out "Celery tasks outside the tasks service (1)"
expect_out "app/tasks.py:5  task crunch  <- kick"

# a plain folder that is no git repository works too
expect_out "app  app/  (models, 3 modules)"

# bad input: a clear message and exit 2
run tree "$WORK/does-not-exist"
expect_status 2
expect_err "does-not-exist"
run tree --format xml "$REPO"
expect_status 2
expect_err "unknown format 'xml'"
run tree --rev no-such-rev "$WORK/backend"
expect_status 2
expect_err "no-such-rev"
run tree --staged "$WORK/legacy"
expect_status 2
expect_err "not a git repository"
run frobnicate
expect_status 2
expect_err "unknown command 'frobnicate'"

finish
