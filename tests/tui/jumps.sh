#!/bin/sh
# The jump list: Enter on a problem jumps to its source; C-o (or Backspace) comes back to the
# pane, file and line before it, C-n goes forward again; a new jump drops the places ahead.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
]
<Tab><Tab>
jjjj
:save-display jump_before
<Enter>
:save-display jump_opened
<C-o>
:save-display jump_back
<C-n>
:save-display jump_forward
<C-n>
:save-display jump_newest
<Backspace>
:save-display jump_backspace
]
<C-n>
:save-display jump_dropped
KEYS
expect_status 0
expect_screen jump_before
expect_screen jump_opened
expect_in_screen jump_opened "Source  orders/signals.py:16"
expect_screen jump_back
expect_in_screen jump_back "Source  accounts/helpers.py:9"
expect_screen jump_forward
expect_in_screen jump_forward "Source  orders/signals.py:16"
expect_in_screen jump_newest "at the newest place in the jump list"
expect_screen jump_backspace
expect_in_screen jump_dropped "at the newest place in the jump list"
# Back restores the screen as it was before the jump: the focused pane, the file, the line, the scroll.
checks=$((checks + 1))
diff "$WORK/jump_before" "$WORK/jump_back" >&2 || fail "C-o does not restore the screen before the jump"
finish
