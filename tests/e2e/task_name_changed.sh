#!/bin/sh
# SVC605 task-name-changed: with --diff REV (and in the pre-commit hook's `--staged --diff HEAD`), a
# task whose registered name changed since REV (module moved, as git's rename detection sees it;
# function renamed) or that takes a new parameter without a default; its fix adds the old name with
# `name="..."`. Against a real earlier commit.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write proj/__init__.py ''
write proj/celery.py 'from celery import Celery

app = Celery("proj")
'
write services/__init__.py ''
write services/tasks/__init__.py 'from . import email_tasks
'
write services/tasks/email_tasks.py 'from proj.celery import app


@app.task
def _send(user_id):
    pass


def delay_send(user_id):
    return _send.delay(user_id)


@app.task
def send_digest(user_id):
    pass


@app.task(name="stable.report")
def _report(day, fmt="pdf"):
    pass


@app.task(bind=True)
def _kept(self, user_id):
    pass
'
git_commit_all
FIRST=$(git -C "$REPO" rev-parse HEAD)

# a change that keeps every registered name and arity: nothing
printf '\n# a comment\n' >> "$REPO/services/tasks/email_tasks.py"
run check --select SVC605 --diff HEAD "$REPO"
expect_status 0
git -C "$REPO" commit -qam comment

# the module moved (git mv, with an edit), a task renamed, a parameter added without a default
git -C "$REPO" mv services/tasks/email_tasks.py services/tasks/mail_tasks.py
sed -i 's/from . import email_tasks/from . import mail_tasks/' "$REPO/services/tasks/__init__.py"
sed -i 's/^def send_digest(user_id):/def _send_digest(user_id):/; s/^def _report(day, fmt="pdf"):/def _report(day, fmt, kind):/; s/^def _kept(self, user_id):/def _kept(self, user_id, retries=3):/' "$REPO/services/tasks/mail_tasks.py"
git -C "$REPO" add -A

run check --select SVC605 --diff "$FIRST" "$REPO"
expect_status 1
expect_out "services/tasks/mail_tasks.py:5:5: SVC605 [task-name-changed] Task \`_send\` was registered as \`services.tasks.email_tasks._send\` at $FIRST and is now \`services.tasks.mail_tasks._send\`: queued messages and beat entries that name \`services.tasks.email_tasks._send\` fail as unregistered; keep the old name with \`name=\"services.tasks.email_tasks._send\"\` (as SVC403's fix does when it renames a task)"
expect_out "services/tasks/mail_tasks.py:14:5: SVC605 [task-name-changed] Task \`_send_digest\` was registered as \`services.tasks.email_tasks.send_digest\`"
expect_out "services/tasks/mail_tasks.py:19:5: SVC605 [task-name-changed] Task \`_report\` takes a new parameter \`fmt\` without a default since $FIRST"
expect_out "services/tasks/mail_tasks.py:24:5: SVC605 [task-name-changed] Task \`_kept\` was registered as \`services.tasks.email_tasks._kept\`"
expect_out "Found 4 violations (3 fixable)."
# without --diff there is nothing to compare with
run check --select SVC605 "$REPO"
expect_status 0

# the pre-commit hook's command: the staged content against HEAD
run check --staged --diff HEAD --select SVC6 --no-color "$REPO"
expect_status 1
expect_out "Found 4 violations (3 fixable)."

# noqa on the task's line
sed -i 's/^def _send_digest(user_id):/def _send_digest(user_id):  # noqa: SVC605/' "$REPO/services/tasks/mail_tasks.py"
run check --select SVC605 --diff HEAD "$REPO"
expect_out "Found 3 violations (2 fixable)."
sed -i 's/  # noqa: SVC605$//' "$REPO/services/tasks/mail_tasks.py"

# the fix, in the JSON findings: the old name on the decorator
run check --select SVC605 --diff HEAD --format json "$REPO"
checks=$((checks + 1))
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = [x for x in d if x["location"]["row"] == 5][0]
assert f["name"] == "task-name-changed" and f["severity"] == "error", f
e = f["fix"]["edits"][0]
assert f["fix"]["applicability"] == "safe", f["fix"]
assert e["filename"] == "services/tasks/mail_tasks.py" and e["content"] == "(name=\"services.tasks.email_tasks._send\")", e
assert e["location"] == {"row": 4, "column": 10}, e
r = [x for x in d if x["location"]["row"] == 19][0]
assert r["fix"] is None, r
' || fail "json output of SVC605 and its fix"
run check --select SVC605 --diff HEAD --format github "$REPO"
expect_out "::error file=services/tasks/mail_tasks.py,line=5,col=5"

# with the names kept (what the fix writes) and the new parameters optional (bind=True's self aside)
write services/tasks/mail_tasks.py 'from proj.celery import app


@app.task(name="services.tasks.email_tasks._send")
def _send(user_id):
    pass


def delay_send(user_id):
    return _send.delay(user_id)


@app.task(name="services.tasks.email_tasks.send_digest")
def _send_digest(user_id):
    pass


@app.task(name="stable.report")
def _report(day, fmt="pdf", kind=None):
    pass


@app.task(bind=True, name="services.tasks.email_tasks._kept")
def _kept(self, user_id, retries=3):
    pass
'
run check --select SVC605 --diff HEAD "$REPO"
expect_status 0
expect_out "Found 0 violations"

run rules SVC605
expect_out "SVC605 [task-name-changed]"
expect_out "Fix: Add \`name=\"<old registered name>\"\`"

finish
