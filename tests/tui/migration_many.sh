#!/bin/sh
# Migration mode on a repo with many apps: the Celery tasks open as a map, one closed group per
# app with its task and finding counts, not a list of every tasks module.
. "$TOP_SRCDIR/tests/tui/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery
app = Celery("shop")
'
for n in 01 02 03 04 05 06 07 08 09 10 11 12; do
    write app$n/__init__.py ''
    write app$n/models.py "from django.db import models


class Thing$n(models.Model):
    pass
"
    write app$n/tasks.py "from shop.celery import app


@app.task
def refresh_$n():
    pass


@app.task
def purge_$n():
    pass
"
done
git_commit_all
run_script <<'KEYS'
:wait-loaded
:save-display migration_many
jj<Enter>
:save-display migration_many_open
KEYS
expect_status 0
expect_screen migration_many
expect_screen migration_many_open
expect_in_screen migration_many "▸ app01/  2 tasks"
expect_in_screen migration_many_open "▾ app01/  2 tasks"
finish
