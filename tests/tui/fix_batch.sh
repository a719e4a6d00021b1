#!/bin/sh
# F previews the fixes of every finding with the code of the one selected, in one diff, and a
# applies them together (one batch: one u takes them all back). An unsafe batch says so in its
# title and a does not apply it (A would).
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC403
<Enter>
F
:save-display fix_batch_unsafe
a
:save-display fix_batch_unsafe_refused
<Esc>
/<C-u>SVC301
<Enter>
F
:save-display fix_batch
G
:save-display fix_batch_end
a
:wait-loaded
:save-display fix_batch_applied
KEYS
expect_status 0
expect_screen fix_batch_unsafe
expect_screen fix_batch
expect_screen fix_batch_end
expect_screen fix_batch_applied
expect_in_screen fix_batch_unsafe "Fix every SVC403: 1 finding in 1 file ─ unsafe: may change behaviour"
expect_in_screen fix_batch_unsafe_refused "an unsafe fix: A applies it, S applies and stage"
expect_in_screen fix_batch "Fix every SVC301: 2 findings in 2 files"
expect_in_screen fix_batch "services/billing/errors.py:20: Add"
expect_in_screen fix_batch "services/notifications/sms.py:9: Add"
expect_in_screen fix_batch_applied "2 SVC301 fixed (u undoes): 2 files"
# Both fixes are in the work tree, nothing is staged, and the unsafe batch wrote nothing.
checks=$((checks + 1))
changed=$(git -C "$REPO" status --porcelain)
[ "$changed" = "$(printf '%s\n' ' M services/billing/__init__.py' ' M services/notifications/__init__.py')" ] ||
    fail "git status is: $changed"
checks=$((checks + 1))
grep -q 'RefundError' "$REPO/services/billing/__init__.py" &&
    grep -q 'SmsDeliveryError' "$REPO/services/notifications/__init__.py" || fail "a fix of the batch is missing"
finish
