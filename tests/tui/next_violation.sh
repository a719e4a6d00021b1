#!/bin/sh
# n and N walk the findings of the whole project in order, opening each module; N from the
# first finding wraps to the last.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
]
:save-display next_first
]
]
:save-display next_third
[
[
[
:save-display next_wrapped
KEYS
expect_status 0
expect_screen next_first
expect_screen next_third
expect_screen next_wrapped
expect_in_screen next_wrapped "search wrapped to the last finding"
finish
