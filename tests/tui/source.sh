#!/bin/sh
# Selecting a definition scrolls the source to it; a finding shows inline: the gutter letter
# and the code and message on virtual lines that the line numbers skip.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
/_mark_overdue
<Enter>
:save-display source_def
<Tab>
j
:save-display source_cursor
KEYS
expect_status 0
expect_screen source_def
expect_screen source_cursor
expect_in_screen source_def "SVC407"
finish
