#!/bin/sh
# `svcscope fix` on a real repository: --diff writes nothing, fixes applied and staged alone
# (the user's other edits stay unstaged), unsafe fixes left out until --unsafe, undo, a locked
# index, and bad usage.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write services/__init__.py ''
write services/billing/tests/__init__.py ''
write services/billing/invoices.py 'def create(order):
    return order
'
write services/billing/test_invoices.py 'from .invoices import create


def test_create():
    assert create(1)
'
write services/tasks/__init__.py 'from . import email_tasks
'
write services/tasks/tests/__init__.py ''
write shop/__init__.py ''
write shop/celery.py 'from celery import Celery

app = Celery("shop")
'
write services/tasks/email_tasks.py 'from shop.celery import app


@app.task
def _send_welcome(user_id):
    pass


def helper():
    return 1
'
git_commit_all

# --diff: the changes as a patch git accepts, nothing written, exit 1
run fix --diff "$REPO"
expect_status 1
expect_out "diff --git a/services/billing/__init__.py b/services/billing/__init__.py
new file mode 100644"
expect_out "+def delay_send_welcome(user_id):"
expect_out "+    return _send_welcome.delay(user_id)"
printf '%s\n' "$OUT" > "$WORK/fix.patch"
checks=$((checks + 1))
git -C "$REPO" apply --check "$WORK/fix.patch" || fail "git apply --check refuses the --diff output"
checks=$((checks + 1))
[ -z "$(git -C "$REPO" status --porcelain)" ] || fail "--diff wrote something: $(git -C "$REPO" status --porcelain)"

# --select: only that rule's fix
run fix --select SVC101 "$REPO"
expect_status 0
expect_out "Fixed 1 violation."
checks=$((checks + 1))
[ -f "$REPO/services/billing/__init__.py" ] || fail "SVC101's fix did not create services/billing/__init__.py"
checks=$((checks + 1))
grep -q delay_send_welcome "$REPO/services/tasks/email_tasks.py" && fail "--select SVC101 applied SVC404's fix"

# undo, once
run fix --undo "$REPO"
expect_status 0
expect_out "Undid the newest fix batch: 1 file restored."
checks=$((checks + 1))
[ -e "$REPO/services/billing/__init__.py" ] && fail "undo left services/billing/__init__.py"
run fix --undo "$REPO"
expect_status 1
expect_err "nothing to undo"

# --stage with the user's own unstaged edit in a fixed file: only the fix is staged
printf '\n\n# my own note\n' >> "$REPO/services/tasks/email_tasks.py"
run fix --stage "$REPO"
expect_status 1
expect_out "Fixed 2 violations (1 left: run svcscope check)."
run_git() { OUT=$(git -C "$REPO" "$@" 2>&1); }
run_git diff --cached --name-status
expect_out "A	services/billing/__init__.py"
expect_out "M	services/tasks/email_tasks.py"
run_git diff --cached services/tasks/email_tasks.py
expect_out "+def delay_send_welcome(user_id):"
expect_no_out "my own note"
run_git diff services/tasks/email_tasks.py
expect_out "+# my own note"
expect_no_out "+def delay_send_welcome"

# the unsafe fix (a move) with --unsafe, staged as a rename
git -C "$REPO" commit -q -m "safe fixes"
before_ls=$(git -C "$REPO" ls-files -s)
run fix "$REPO"
expect_status 1
expect_out "Fixed 0 violations (1 left: run svcscope check)."
expect_out "1 unsafe fix left out: --unsafe applies it."
run fix --unsafe --stage "$REPO"
expect_status 0
expect_out "Fixed 1 violation."
run_git status --porcelain
expect_out "R  services/billing/test_invoices.py -> services/billing/tests/test_invoices.py"
checks=$((checks + 1))
grep -q '^from \.\.invoices import create' "$REPO/services/billing/tests/test_invoices.py" ||
    fail "the moved test's relative import was not rewritten"
run check "$REPO"
expect_status 0

# undo of a staged move: work tree and index as before, byte for byte
run fix --undo "$REPO"
expect_status 0
run_git status --porcelain
expect_out " M services/tasks/email_tasks.py"
expect_no_out "test_invoices"
checks=$((checks + 1))
[ "$(git -C "$REPO" ls-files -s)" = "$before_ls" ] || fail "the index after undo differs from before the fix"
checks=$((checks + 1))
[ -f "$REPO/services/billing/test_invoices.py" ] && [ ! -e "$REPO/services/billing/tests/test_invoices.py" ] ||
    fail "undo did not move the test back"

# another git process holds the index: nothing is written, exit 2
touch "$REPO/.git/index.lock"
run fix --unsafe --stage "$REPO"
expect_status 2
expect_err "the git index is locked by another git process"
expect_err "nothing was changed"
checks=$((checks + 1))
[ -f "$REPO/services/billing/test_invoices.py" ] || fail "a locked index still let the move happen"
rm -f "$REPO/.git/index.lock"

# usage
run fix --diff --stage "$REPO"
expect_status 2
expect_err "nothing to --stage"
run fix --select NOPE "$REPO"
expect_status 2
expect_err "selects no rule"
run fix --undo --unsafe "$REPO"
expect_status 2
run fix --help
expect_status 0
expect_out "usage: svcscope fix"

finish
