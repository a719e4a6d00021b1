#!/bin/sh
# ? shows the keys, generated from the key table; j/G scroll it; Esc closes it.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=80x40
run_script <<'KEYS'
:wait-loaded
?
:save-display help_top
G
:save-display help_end
<Esc>
:save-display help_closed
KEYS
expect_status 0
expect_screen help_top
expect_screen help_end
expect_screen help_closed
finish
