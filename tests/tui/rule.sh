#!/bin/sh
# i explains the rule of the finding here (as `svcscope rules CODE` prints it) in an overlay
# that scrolls and closes with q or Esc: from the problems pane and from the source cursor; on a
# line without a finding it says so.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
run_script <<'KEYS'
:wait-loaded
<Tab><Tab>
j
i
:save-display rule_open
:resize 80x14
:save-display rule_small
G
:save-display rule_end
:resize 80x24
q
:save-display rule_closed
]
<S-Tab>
i
:save-display rule_source
<Esc>
:save-display rule_source_closed
k
i
:save-display rule_none
KEYS
expect_status 0
expect_screen rule_open
expect_in_screen rule_open "SVC201 deep-service-import"
expect_in_screen rule_open "Why: When using a service, never import (or chain) more than 3 levels down."
checks=$((checks + 1))
if grep -q "Suppress on one line" "$WORK/rule_small"; then fail "a small screen shows the whole explanation: nothing to scroll"; fi
expect_screen rule_end
expect_in_screen rule_end "Suppress on one line with \`# noqa: SVC201\`."
expect_screen rule_closed
expect_in_screen rule_source "SVC501 logic-in-app"
expect_screen rule_source_closed
expect_in_screen rule_none "no finding here to explain"
checks=$((checks + 1))
if grep -q "Why:" "$WORK/rule_closed" "$WORK/rule_source_closed"; then fail "the explanation stays after q or Esc"; fi
# The overlay holds what the CLI prints.
"$SVCSCOPE" rules SVC201 > "$WORK/cli"
checks=$((checks + 1))
grep -qF "$(sed -n 5p "$WORK/cli")" "$WORK/rule_open" || fail "the overlay lacks the CLI's line: $(sed -n 5p "$WORK/cli")"
finish
