#!/bin/sh
# s in the fix preview applies the fix and stages it alone (svc_fix_apply with stage): the index
# gets exactly the fix, the user's other change to the file stays unstaged; the project reloads,
# the finding is gone, and the source and the problems mark the fix "✓ staged".
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
FILE=services/tasks/billing_tasks.py
# A change of the user's, not staged, in the same file.
sed -i '1s/.*/"""Billing tasks: invoices, payments and their follow-ups."""/' "$REPO/$FILE"
cp "$REPO/$FILE" "$WORK/before.py"
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC404
<Enter>
<Enter>
f
s
:wait-loaded
:save-display fix_staged
<Tab>
z
G
:save-display fix_staged_problems
KEYS
expect_status 0
expect_screen fix_staged
expect_screen fix_staged_problems
expect_in_screen fix_staged "✓ staged SVC404"
expect_in_screen fix_staged "SVC404 fixed and staged"
expect_in_screen fix_staged_problems "0 of 23"

# The index holds exactly the fix: four added lines, in that file only.
checks=$((checks + 1))
staged=$(git -C "$REPO" diff --cached --numstat)
[ "$staged" = "$(printf '4\t0\t%s' "$FILE")" ] || fail "git diff --cached --numstat is: $staged"
checks=$((checks + 1))
added=$(git -C "$REPO" diff --cached -U0 | grep '^+[^+]' || true)
[ "$added" = "$(printf '%s\n' '+def delay_retry_failed_payments():' '+    return _retry_failed_payments.delay()')" ] ||
    fail "the staged lines are: $added"
# The user's change is still there, and still not staged.
checks=$((checks + 1))
unstaged=$(git -C "$REPO" diff -U0 | grep '^[-+][^-+]' || true)
[ "$unstaged" = "$(printf '%s\n' '-"""Billing tasks: invoices and payment follow-ups."""' '+"""Billing tasks: invoices, payments and their follow-ups."""')" ] ||
    fail "the unstaged change is: $unstaged"
# The work tree file changed: the fix is in it.
checks=$((checks + 1))
cmp -s "$REPO/$FILE" "$WORK/before.py" && fail "the work tree file did not change"
checks=$((checks + 1))
grep -q '^def delay_retry_failed_payments():$' "$REPO/$FILE" || fail "the work tree file lacks the wrapper"
finish
