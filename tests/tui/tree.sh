#!/bin/sh
# The tree of the demo: branches on open, then every node expanded (*), and its end (G).
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=80x40
run_script <<'KEYS'
:wait-loaded
:save-display tree_open
*
:save-display tree_expanded
z
G
:save-display tree_end
KEYS
expect_status 0
expect_screen tree_open
expect_screen tree_expanded
expect_screen tree_end
finish
