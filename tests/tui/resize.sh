#!/bin/sh
# Resizing: L and H move the line beside the focused pane, K and J the line between the top and
# the bottom panes, = gives the automatic sizes back; the sizes go into the user settings'
# [layout] table, keeping the rest of the file, and the next start has them. A bad size in the
# file stops the explorer before the terminal is touched, naming the line.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
export XDG_CONFIG_HOME="$WORK/xdg"
CONFIG="$XDG_CONFIG_HOME/svcscope/config.toml"
mkdir -p "$XDG_CONFIG_HOME/svcscope"
printf '# my settings\ntheme = "default"\n' > "$CONFIG"
SCREEN=130x30

# column_of SCREEN: where the top row's line between the panes is
column_of() { sed -n 1p "$WORK/$1" | awk -F'│' '{ print length($1) }'; }
# row_of SCREEN TEXT: the 1-based row that shows TEXT first
row_of() { grep -nF -- "$2" "$WORK/$1" | head -n 1 | cut -d: -f1; }

run_script <<'KEYS'
:wait-loaded
:save-display auto
LLL
:save-display wider
KK
:save-display taller
KEYS
expect_status 0
checks=$((checks + 1))
[ "$(column_of wider)" -gt "$(column_of auto)" ] || fail "L did not widen the tree: $(column_of auto) -> $(column_of wider)"
checks=$((checks + 1))
[ "$(row_of taller Problems)" -eq "$(($(row_of wider Problems) - 2))" ] ||
    fail "K K did not move the bottom panes up two rows: $(row_of wider Problems) -> $(row_of taller Problems)"
expect_in_screen wider "the tree takes "
expect_in_screen taller "the bottom panes take "
checks=$((checks + 1))
printf '# my settings\ntheme = "default"\n' > "$WORK/head"
head -n 2 "$CONFIG" | diff "$WORK/head" - >&2 || fail "the settings file lost its own lines"
checks=$((checks + 1))
grep -q '^\[layout\]$' "$CONFIG" && grep -q '^tree-width = [0-9][0-9]*$' "$CONFIG" && grep -q '^bottom-height = [0-9][0-9]*$' "$CONFIG" ||
    fail "the sizes are not in the settings: $(cat "$CONFIG")"

# The next start has them; = goes back to the automatic sizes, and says so in the file.
run_script <<'KEYS'
:wait-loaded
:save-display kept
=
:save-display reset
KEYS
expect_status 0
checks=$((checks + 1))
[ "$(column_of kept)" -eq "$(column_of taller)" ] || fail "the tree's width was not kept: $(column_of taller) -> $(column_of kept)"
checks=$((checks + 1))
[ "$(row_of kept Problems)" -eq "$(row_of taller Problems)" ] || fail "the bottom's height was not kept"
checks=$((checks + 1))
[ "$(column_of reset)" -eq "$(column_of auto)" ] || fail "= did not give the automatic width back"
checks=$((checks + 1))
grep -q '^tree-width = "auto"$' "$CONFIG" || fail "= did not write auto: $(cat "$CONFIG")"

# H on the bottom row moves its own line (the problems narrower).
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
HHH
:save-display narrower
KEYS
expect_status 0
expect_in_screen narrower "the problems take "
checks=$((checks + 1))
grep -q '^problems-width = [0-9][0-9]*$' "$CONFIG" || fail "the problems' width is not in the settings: $(cat "$CONFIG")"

# A size out of range: refused before the terminal, with the line.
printf '[layout]\ntree-width = 95\n' > "$CONFIG"
run_script <<'KEYS'
:wait-loaded
KEYS
expect_status 2
expect_err "config.toml:2: layout: tree-width: expected a percentage from 10 to 90"
finish
