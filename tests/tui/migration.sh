#!/bin/sh
# A repo without a services package (migration mode): the tree says so and lists every Celery
# task grouped by Django app, then module (`tasks.py`, `migrations/tasks/backfill.py`), with the
# tasks of files outside any app under their top-level folder and those at the root last; the
# other files with findings (seven: enough to be grouped) are grouped the same way. Each group counts its tasks or files and
# their findings; selecting an app's group shows the app's overview; the filter keeps the groups
# of its matches; a reload keeps a closed group closed and selected (down and up again lands on it);
# going to an app selects it in the Django apps branch, not its group of tasks.
. "$TOP_SRCDIR/tests/tui/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery
app = Celery("shop")
'
for name in orders billing accounts; do
    model=$(printf '%s' "$name" | sed 's/s$//; s/^./\U&/')
    write $name/__init__.py ''
    write $name/models.py "from django.db import models


class $model(models.Model):
    pass
"
    write $name/migrations/__init__.py ''
    write $name/migrations/tasks/__init__.py ''
    write $name/migrations/tasks/backfill.py "from shop.celery import app


@app.task
def backfill_$name():
    pass
"
done
write orders/tasks.py 'from shop.celery import app


@app.task
def send_receipt(order_id):
    print(order_id)


@app.task
def cancel_stale_orders():
    pass
'
write orders/views.py 'from orders.tasks import send_receipt


def checkout(order):
    send_receipt.delay(order.id)
'
write billing/tasks.py 'from shop.celery import app


@app.task
def charge(invoice_id):
    print(invoice_id)
'
write accounts/tasks.py 'from shop.celery import app


@app.task
def send_welcome(user_id):
    print(user_id)
'
write jobs/__init__.py ''
write jobs/nightly.py 'from shop.celery import app


@app.task
def nightly_report():
    pass
'
write periodic.py 'from shop.celery import app


@app.task
def heartbeat():
    pass
'
# Seven files with findings outside any app: enough to be grouped (see docs/explorer.md).
for file in scripts/reindex.py scripts/resend.py scripts/rebuild.py tools/ping.py tools/warm.py \
    jobs/run.py manage_jobs.py; do
    write $file 'from orders.tasks import send_receipt

send_receipt.delay(1)
'
done
git_commit_all
SCREEN=100x36
run_script <<'KEYS'
:wait-loaded
:save-display migration
jjjjj
:save-display migration_app
<Enter>
R
:wait-loaded
jk
:save-display migration_reloaded
/backfill<Enter>
:save-display migration_filter
<Esc>
G
:save-display migration_others
<Colon>
billing
<Enter>
<Enter>
:save-display migration_goto_app
:resize 80x24
:save-display migration_small
KEYS
expect_status 0
expect_screen migration
expect_screen migration_app
expect_screen migration_reloaded
expect_screen migration_filter
expect_screen migration_others
expect_screen migration_goto_app
expect_screen migration_small
expect_in_screen migration "▾ orders/  3 tasks"
expect_in_screen migration "    ▸ migrations/…/backfill.py"
expect_in_screen migration_others "  ▾ scripts/  3 files"
expect_in_screen migration_others "      rebuild.py"
expect_in_screen migration_others "  manage_jobs.py"
expect_in_screen migration_app "overview of billing/"
expect_in_screen migration_app "Tasks  2"
expect_in_screen migration_app "◆ charge  billing/tasks.py:5"
expect_in_screen migration_reloaded "▸ billing/  2 tasks"
expect_in_screen migration_reloaded "overview of billing/"
expect_in_screen migration_goto_app "  ▾ billing/  models"
expect_in_screen migration_reloaded "overview of billing/"
finish
