#!/bin/sh
# The problems pane: every finding; s cycles the sort, 1/2/3 hide severities, / filters by
# code, path or message; Enter shows the finding in the source.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
z
:save-display problems_all
s
:save-display problems_by_code
s
2
3
:save-display problems_errors_only
2
3
/SVC30
<Enter>
:save-display problems_filtered
z
<Enter>
:save-display problems_open
KEYS
expect_status 0
expect_screen problems_all
expect_screen problems_by_code
expect_screen problems_errors_only
expect_screen problems_filtered
expect_screen problems_open
finish
