#!/bin/sh
# f on a finding without a fix says why on the status line: the rule has none (a person has to
# judge), or it has one but svcscope cannot be sure of it here; f away from any finding says so.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=200x30
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC203
<Enter>
f
:save-display fix_none
/<C-u>orders/signals.py
<Enter>
f
:save-display fix_none_here
<Enter>
k
f
:save-display fix_none_line
KEYS
expect_status 0
expect_screen fix_none
expect_in_screen fix_none "no automatic fix for SVC203: needs a person's judgement"
expect_in_screen fix_none_here "no automatic fix for SVC402 here: task \`regenerate_invoice_pdf\` is not in the tasks service yet"
expect_in_screen fix_none_line "no finding on this line: ] goes to the next one, or select one in the problems pane"
checks=$((checks + 1))
[ -z "$(git -C "$REPO" status --porcelain)" ] || fail "the repository changed: $(git -C "$REPO" status --porcelain)"
finish
