#!/bin/sh
# `svcscope --demo` opens the explorer on a fresh copy of the demo project.
. "$TOP_SRCDIR/tests/tui/lib.sh"

export TMPDIR="$WORK"
run_script --demo <<'KEYS'
:wait-loaded
:save-display demo
KEYS
expect_status 0
expect_err "demo project copied to"
expect_in_screen demo "services/"
expect_in_screen demo "Misplaced tasks"
expect_in_screen demo "svcscope-demo-"
finish
