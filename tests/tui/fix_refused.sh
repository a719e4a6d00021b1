#!/bin/sh
# What applying refuses is shown with its reason, never dropped: a file changed on disk after the
# preview (changed here from the script with :exec), a locked index (nothing at all is written),
# and a fix that cannot be staged alone because the user changed those lines and did not stage them.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
# The user's unstaged change, on the very line the SVC301 fix of services/billing/errors.py edits.
INIT=services/billing/__init__.py
sed -i 's/^\(from .errors import .*PaymentError\)$/\1  # ours/' "$REPO/$INIT"
cp "$REPO/$INIT" "$WORK/init_before.py"
cp "$REPO/services/tasks/billing_tasks.py" "$WORK/tasks_before.py"
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC404
<Enter>
f
:exec echo '# changed meanwhile' >> demo/services/tasks/billing_tasks.py
a
:save-display fix_refused_changed
<Esc>
/<C-u>SVC301
<Enter>
:exec touch demo/.git/index.lock
f
s
:save-display fix_refused_locked
<Esc>
:exec rm demo/.git/index.lock
f
s
:save-display fix_refused_stage
<Esc>
KEYS
expect_status 0
expect_screen fix_refused_changed
expect_screen fix_refused_stage
expect_in_screen fix_refused_changed "services/tasks/billing_tasks.py: changed on disk since it was read; reload and try again"
expect_in_screen fix_refused_locked "the git index is locked by another git process"
expect_in_screen fix_refused_stage "the fix cannot be staged alone: you changed these lines and did"
# Nothing was written: the changed file is as the script left it, the other as the user did.
checks=$((checks + 1))
{ cat "$WORK/tasks_before.py"; echo '# changed meanwhile'; } | cmp -s - "$REPO/services/tasks/billing_tasks.py" ||
    fail "services/tasks/billing_tasks.py was touched"
checks=$((checks + 1))
cmp -s "$WORK/init_before.py" "$REPO/$INIT" || fail "$INIT was touched"
checks=$((checks + 1))
[ -z "$(git -C "$REPO" diff --cached)" ] || fail "something was staged: $(git -C "$REPO" diff --cached)"
finish
