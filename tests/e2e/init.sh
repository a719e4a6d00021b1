#!/bin/sh
# `svcscope init`: the proposal on real codebases, its write into pyproject.toml (every other byte
# kept), a second run that changes nothing, --baseline, and the refusals.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

# expect_file_is FILE EXPECTED_FILE: byte for byte
expect_file_is() {
    checks=$((checks + 1))
    cmp -s "$1" "$2" || fail "$1 differs from $2: $(diff -u "$2" "$1")"
}

# ---- a codebase without a services package (migration mode) ----------------------------------
new_repo legacy
write proj/__init__.py ''
write proj/celery_utils.py 'from celery import shared_task


def retrying_task(func):
    return shared_task(bind=True, max_retries=3)(func)


def dispatch_task(task, *args):
    return task.apply_async(args=args)
'
write orders/__init__.py ''
write orders/models.py 'from django.db import models


class Order(models.Model):
    pass
'
write orders/migrations/__init__.py ''
write orders/migrations/0001_initial.py 'x = 1
'
write orders/tasks.py 'from celery import shared_task
from proj.celery_utils import retrying_task, dispatch_task


@retrying_task
def refresh(self, pk):
    pass


@shared_task
def ping():
    pass


def go():
    dispatch_task(ping, 1)
'
write vendor/lib/__init__.py ''
write vendor/lib/thing.py 'def f():
    pass
'
write pyproject.toml '# Build settings
[project]
name = "legacy"   # the name

[tool.black]
line-length = 100
# trailing comment'
git_commit_all
cp "$REPO/pyproject.toml" "$WORK/legacy.before"

# Without a terminal and without --yes: shown, not written.
run init "$REPO" </dev/null
expect_status 0
expect_out 'Proposed for pyproject.toml:'
expect_out '# No services package yet: migration mode.'
expect_out 'task-decorators = ["proj.celery_utils.retrying_task"]  # '
expect_out 'dispatch-functions = ["proj.celery_utils.dispatch_task"]  # helpers that queue the task'
expect_out 'extend-exclude = ["vendor", "migrations"]  # not the application: vendored code'
expect_out 'Nothing written: run `svcscope init --yes` to write it.'
expect_file_is "$REPO/pyproject.toml" "$WORK/legacy.before"

# Before: the custom decorator's task is unknown to the rules.
run check "$REPO"
expect_no_out 'task `refresh`'

run init --yes "$REPO"
expect_status 0
expect_out 'Wrote pyproject.toml.'
# The old bytes stay as they were (the file did not end with a newline: one is added), then the table.
checks=$((checks + 1))
head -c "$(wc -c <"$WORK/legacy.before")" "$REPO/pyproject.toml" | cmp -s - "$WORK/legacy.before" ||
    fail "the start of pyproject.toml changed"
checks=$((checks + 1))
tail -n +8 "$REPO/pyproject.toml" | head -n 3 | grep -qx '\[tool.svcscope\]' || fail "no [tool.svcscope] after a blank line"
run check --show-settings "$REPO"
expect_out 'dispatch-functions     = ["proj.celery_utils.dispatch_task"]'
# After: the decorator makes a task, which the task rules now see.
run check "$REPO"
expect_out 'task `refresh`'
expect_no_out 'vendor/'

# Again: nothing changes.
cp "$REPO/pyproject.toml" "$WORK/legacy.after"
run init --yes "$REPO"
expect_status 0
expect_out 'nothing to change'
expect_out 'No services package: migration mode'
expect_file_is "$REPO/pyproject.toml" "$WORK/legacy.after"

# ---- a services package, a custom decorator, and a pyproject.toml with other tools' tables ----
new_repo shop
write services/__init__.py ''
write services/jobs/__init__.py ''
write services/jobs/billing_jobs.py 'from shop.celery import instrumented_task


@instrumented_task
def _charge(pk):
    pass


def delay_charge(pk):
    return _charge.delay(pk)
'
write services/billing/__init__.py ''
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery

app = Celery("shop")


def instrumented_task(func):
    return app.task(name=func.__name__)(func)
'
write pyproject.toml '[project]
name = "shop"  # keep me

[tool.ruff]
line-length = 100  # ruff'"'"'s

[tool.svcscope]
# our budget
max-task-statements = 5   # aligned
tasks-service = "jobs"

[tool.mypy]
strict = true
'
git_commit_all
cp "$REPO/pyproject.toml" "$WORK/shop.before"

run init --yes "$REPO"
expect_status 0
expect_out 'pyproject.toml: [tool.svcscope] would change:'
expect_out '+ services-root = "services"'
expect_out '+ task-decorators = ["shop.celery.instrumented_task"]'
expect_no_out 'tasks-service'
# Outside the table, and the table's own lines, byte for byte; the new keys after its last line.
cat >"$WORK/shop.want" <<'EOF'
[project]
name = "shop"  # keep me

[tool.ruff]
line-length = 100  # ruff's

[tool.svcscope]
# our budget
max-task-statements = 5   # aligned
tasks-service = "jobs"
services-root = "services"  # the services package (found: the shallowest `services` package)
task-decorators = ["shop.celery.instrumented_task"]  # the project's decorators that wrap @shared_task or @app.task (those need no entry)

[tool.mypy]
strict = true
EOF
expect_file_is "$REPO/pyproject.toml" "$WORK/shop.want"
run init --yes "$REPO"
expect_out 'nothing to change'
expect_file_is "$REPO/pyproject.toml" "$WORK/shop.want"

# A key that differs is changed in place, its comment kept.
sed 's/^tasks-service = "jobs"$/tasks-service = "tasks"  # mine/' "$WORK/shop.want" >"$REPO/pyproject.toml"
run init --yes "$REPO"
expect_status 0
expect_out '~ tasks-service = "jobs"  (line 10 was "tasks")'
checks=$((checks + 1))
grep -qx 'tasks-service = "jobs"  # mine' "$REPO/pyproject.toml" || fail "tasks-service not changed in place"

# ---- --baseline: a legacy codebase starts green ------------------------------------------------
REPO=$WORK/legacy
run init --yes --baseline "$REPO/.svcscope-baseline.json" "$REPO"
expect_status 0
expect_out '+ baseline = ".svcscope-baseline.json"'
expect_err 'findings to'
run check "$REPO"
expect_status 0
expect_out 'Found 0 violations'
cp "$REPO/pyproject.toml" "$WORK/legacy.baseline"
cp "$REPO/.svcscope-baseline.json" "$WORK/baseline.json"
run init --yes --baseline "$REPO/.svcscope-baseline.json" "$REPO"
expect_status 0
expect_out 'nothing to change'
expect_out 'exists and `baseline` names it: kept'
expect_file_is "$REPO/pyproject.toml" "$WORK/legacy.baseline"
expect_file_is "$REPO/.svcscope-baseline.json" "$WORK/baseline.json"
# A new finding is reported.
write orders/more.py 'from celery import shared_task


@shared_task
def pong():
    pass
'
run check "$REPO"
expect_status 1
expect_out 'task `pong`'

# ---- no pyproject.toml: one is made ------------------------------------------------------------
new_repo bare
write app/__init__.py ''
git_commit_all
run init --yes "$REPO"
expect_status 0
expect_out 'Proposed for pyproject.toml (new):'
expect_out 'Wrote a new pyproject.toml.'
checks=$((checks + 1))
head -n 1 "$REPO/pyproject.toml" | grep -qx '\[tool.svcscope\]' || fail "the new pyproject.toml does not start with the table"

# ---- on a terminal: a y/N question -------------------------------------------------------------
new_repo asked
write app/__init__.py ''
write pyproject.toml '[project]
name = "asked"
'
git_commit_all
cp "$REPO/pyproject.toml" "$WORK/asked.before"
if command -v script >/dev/null 2>&1; then
    printf 'n\n' | script -qec "\"$SVCSCOPE\" init \"$REPO\"" /dev/null >"$WORK/asked.out" 2>&1
    OUT=$(cat "$WORK/asked.out")
    expect_out 'Write this into pyproject.toml? [y/N]'
    expect_out 'Nothing written.'
    expect_file_is "$REPO/pyproject.toml" "$WORK/asked.before"
    printf 'y\n' | script -qec "\"$SVCSCOPE\" init \"$REPO\"" /dev/null >"$WORK/asked.out" 2>&1
    OUT=$(cat "$WORK/asked.out")
    expect_out 'Wrote pyproject.toml.'
    checks=$((checks + 1))
    grep -qx '\[tool.svcscope\]' "$REPO/pyproject.toml" || fail "y did not write the table"
else
    skip_part "script(1) is missing: the y/N question is not tried"
fi

# ---- refusals: nothing is written, exit status 2 -----------------------------------------------
new_repo inline
write app/__init__.py ''
write pyproject.toml '[tool]
svcscope = { max-task-statements = 5 }
'
git_commit_all
cp "$REPO/pyproject.toml" "$WORK/inline.before"
run init --yes "$REPO"
expect_status 2
expect_err 'init: pyproject.toml:2: tool.svcscope is not a [tool.svcscope] table: set the keys by hand'
expect_err 'the proposed settings:'
expect_file_is "$REPO/pyproject.toml" "$WORK/inline.before"

write pyproject.toml '[tool.svcscope]
max-task-statements = "five"
'
cp "$REPO/pyproject.toml" "$WORK/inline.before"
run init --yes "$REPO"
expect_status 2
expect_err 'pyproject.toml:2: max-task-statements: expected a whole number'
expect_file_is "$REPO/pyproject.toml" "$WORK/inline.before"

# A pyproject.toml that is a link is not written through.
printf '[project]\nname = "x"\n' >"$WORK/elsewhere.toml"
rm "$REPO/pyproject.toml"
ln -s "$WORK/elsewhere.toml" "$REPO/pyproject.toml"
run init --yes "$REPO"
expect_status 2
expect_err 'pyproject.toml is not a regular file (a link?): it is not rewritten'
checks=$((checks + 1))
[ -L "$REPO/pyproject.toml" ] && [ "$(cat "$WORK/elsewhere.toml")" = '[project]
name = "x"' ] || fail "the link or its target changed"

run init --yes --baseline /tmp "$REPO"
expect_status 2
run init --yes --baseline "$WORK/outside.json" "$REPO"
expect_status 2
expect_err 'is outside the project'
run init "$REPO" "$REPO"
expect_status 2
expect_err 'init: one PATH at most'
run init --help
expect_status 0
expect_out 'usage: svcscope init [--yes] [--baseline FILE] [PATH]'

finish
