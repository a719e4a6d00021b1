#!/bin/sh
# Below 40x10 a "too small" screen replaces the panes; growing again brings them back,
# and resizing works while the help is open and while a filter is typed.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
run_script <<'KEYS'
:wait-loaded
:resize 30x8
:save-display too_small
j
:resize 40x10
:save-display smallest
?
:resize 60x16
:save-display help_resized
<Esc>
/bill
:resize 80x24
:save-display filter_resized
KEYS
expect_status 0
expect_screen too_small
expect_screen smallest
expect_screen help_resized
expect_screen filter_resized
finish
