#!/bin/sh
# SVC603 task-module-not-registered: a *_tasks.py module of the tasks service that nothing the Celery
# worker imports imports (the tasks service's __init__.py, include=/imports lists, autodiscover_tasks
# as configured); its safe fix adds `from . import <module>` to services/tasks/__init__.py: --diff,
# applied, and idempotent.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write shop/__init__.py ''
write shop/settings.py 'INSTALLED_APPS = ["django.contrib.auth", "orders"]
CELERY_IMPORTS = ("services.tasks.listed_tasks",)
'
write shop/celery.py 'from celery import Celery

app = Celery("shop", include=["services.tasks.included_tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = ["services.tasks.conf_tasks"]
app.autodiscover_tasks()
app.autodiscover_tasks(["services.tasks"], related_name="found_tasks")
'
write orders/__init__.py ''
write orders/models.py ''
write orders/tasks.py 'from services.tasks import chained_tasks  # noqa: SVC2
'
write services/__init__.py ''
write services/tasks/__init__.py '"""Tasks."""
from . import email_tasks
from .helper_tasks import delay_help
'
write services/tasks/tests/__init__.py ''
write services/tasks/tests/test_lost_tasks.py 'from services.tasks import lost_tasks
'
for m in email helper listed included conf found chained lost forgotten; do
write "services/tasks/${m}_tasks.py" "from shop.celery import app


@app.task
def _${m}():
    pass


def delay_${m}():
    return _${m}.delay()
"
done
write services/tasks/helper_tasks.py 'from shop.celery import app


@app.task
def _help():
    pass


def delay_help():
    return _help.delay()
'
write services/tasks/cleanup.py 'from shop.celery import app


@app.task
def _clean():
    pass


def delay_clean():
    return _clean.delay()
'
git_commit_all

run check --select SVC603 "$REPO"
expect_status 1
expect_out "services/tasks/lost_tasks.py:5:5: SVC603 [task-module-not-registered] Tasks module \`services.tasks.lost_tasks\` is never imported by the Celery worker: not by \`services/tasks/__init__.py\`, not in the app's \`include\`/\`imports\`, not found by \`autodiscover_tasks\`; its tasks (\`_lost\` first) fail as \"Received unregistered task\""
expect_out "services/tasks/forgotten_tasks.py:5:5: SVC603"
expect_out "Found 2 violations (2 fixable)."
SVCSCOPE_NO_PREFILTER=1 run check --select SVC603 "$REPO"
expect_out "Found 2 violations (2 fixable)."
run check --select SVC6 --format json "$REPO"
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert [f["code"] for f in d] == ["SVC603", "SVC603"], d
f = d[0]
assert f["name"] == "task-module-not-registered" and f["severity"] == "error"
assert f["fix"]["applicability"] == "safe", f["fix"]
assert f["fix"]["edits"][0]["filename"] == "services/tasks/__init__.py", f["fix"]
' || fail "json output of SVC603"
run check --select SVC603 --format github "$REPO"
expect_out "::error file=services/tasks/forgotten_tasks.py,line=5,col=5"

# the fix, as a patch: nothing written
run fix --select SVC603 --diff "$REPO"
expect_status 1
expect_out "+from . import forgotten_tasks"
[ -z "$(git -C "$REPO" status --porcelain)" ] || fail "--diff wrote something"

# both fixes edit the same place: the second applies on the next run, as for any fixes that meet
run fix --select SVC603 "$REPO"
expect_out "Fixed 1 violation (1 left"
run fix --select SVC603 "$REPO"
checks=$((checks + 1))
[ "$(cat "$REPO/services/tasks/__init__.py")" = '"""Tasks."""
from . import email_tasks
from .helper_tasks import delay_help
from . import forgotten_tasks
from . import lost_tasks' ] || fail "the fix left: $(cat "$REPO/services/tasks/__init__.py")"
run check --select SVC603 "$REPO"
expect_status 0
expect_out "Found 0 violations"
run fix --select SVC603 "$REPO"
expect_status 0
run fix --select SVC603 --diff "$REPO"
expect_status 0

# noqa on the task's line
git -C "$REPO" checkout -q -- .
sed -i 's/^def _lost():/def _lost():  # noqa: SVC603/' "$REPO/services/tasks/lost_tasks.py"
run check --select SVC603 "$REPO"
expect_out "Found 1 violation"

# no Celery app in the repo: how the worker is set up is not known, nothing reported
rm "$REPO/shop/celery.py"
run check --select SVC603 "$REPO"
expect_status 0

run rules SVC603
expect_out "SVC603 [task-module-not-registered]"
expect_out "Fix: Add \`from . import <module>\`"

finish
