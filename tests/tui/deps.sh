#!/bin/sh
# Dependencies (D): which Django apps and services import which, as a matrix of import counts
# with the edges the rules flag marked `!` (a list, flagged edges first, where the matrix does not
# fit); Enter on an edge lists its import lines, Enter on a line opens it in the source (a jump
# C-o comes back from); Esc goes back to the edges, then closes the view.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x24
run_script <<'KEYS'
:wait-loaded
D
:save-display deps_matrix
j
:save-display deps_moved
k
<Enter>
:save-display deps_lines
<Esc>
:save-display deps_back
<Enter>
j
<Enter>
:save-display deps_opened
<C-o>
D
:resize 50x24
:save-display deps_list
<Esc>
:save-display deps_closed
KEYS
expect_status 0
expect_screen deps_matrix
expect_in_screen deps_matrix "Dependencies"
expect_in_screen deps_matrix "1 accounts (app)       ·     1    2!"
expect_in_screen deps_matrix "accounts (app) → integrations  2 imports (1 flagged)"
expect_in_screen deps_moved "orders (app) → integrations  2 imports"
expect_screen deps_lines
expect_in_screen deps_lines "! accounts/views.py:14  from services.integrations.google_calendar import get_credentials"
expect_in_screen deps_lines "  accounts/views.py:13  from services.integrations import CalendarNotConnected"
expect_in_screen deps_back "Rows import columns"
expect_screen deps_opened
expect_in_screen deps_opened "Source  accounts/views.py:14"
expect_screen deps_list
expect_in_screen deps_list "! accounts (app) → integrations  2 imports"
expect_in_screen deps_list "  orders (app) → billing  5 imports"
checks=$((checks + 1))
if grep -q "Dependencies" "$WORK/deps_closed"; then fail "Esc leaves the dependencies open"; fi
finish
