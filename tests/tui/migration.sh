#!/bin/sh
# A repo without a services package (migration mode): the tree says so and lists every
# Celery task, with the findings that matter first.
. "$TOP_SRCDIR/tests/tui/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery
app = Celery("shop")
'
write orders/__init__.py ''
write orders/models.py 'from django.db import models


class Order(models.Model):
    pass
'
write orders/tasks.py 'from shop.celery import app


@app.task
def send_receipt(order_id):
    print(order_id)
'
write orders/views.py 'from orders.tasks import send_receipt


def checkout(order):
    send_receipt.delay(order.id)
'
git_commit_all
run_script <<'KEYS'
:wait-loaded
*
:save-display migration
KEYS
expect_status 0
expect_screen migration
finish
