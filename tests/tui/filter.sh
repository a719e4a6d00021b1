#!/bin/sh
# `/` filters the tree by name as you type (ancestors of matches stay); Enter keeps the
# filter and opens the match; Esc clears it.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
run_script <<'KEYS'
:wait-loaded
/refund
:save-display filter_typing
<Enter>
:save-display filter_kept
<Esc>
:save-display filter_cleared
/no-such-name
:save-display filter_nothing
KEYS
expect_status 0
expect_screen filter_typing
expect_screen filter_kept
expect_screen filter_cleared
expect_screen filter_nothing
finish
