#!/bin/sh
# Dragging the lines between panes with the mouse, in a real terminal (tmux, which hands the
# explorer xterm's mouse reports): the tree's right edge, and the bottom panes' title row; each
# size goes into the user settings.
command -v tmux >/dev/null 2>&1 || { echo "tmux_drag: tmux not installed, skipped"; exit 77; }
. "$TOP_SRCDIR/tests/tui/lib.sh"
. "$TOP_SRCDIR/tests/tui/tmux_lib.sh"

demo_repo
export XDG_CONFIG_HOME="$WORK/xdg"
CONFIG="$XDG_CONFIG_HOME/svcscope/config.toml"
# mouse BUTTON-EVENT COL ROW: an SGR mouse report (1-based), M pressed, m released
mouse() { tmux_ send-keys -t t -l "$(printf '\033[<0;%d;%d%s' "$2" "$3" "$1")"; sleep 0.3; }

tmux_start tmux_drag 100 30
tmux_ respawn-pane -k -t t "exec env TERM=xterm-256color LC_ALL=C.UTF-8 XDG_CONFIG_HOME='$XDG_CONFIG_HOME' '$SVCSCOPE' '$REPO'"
checks=$((checks + 1))
wait_for "errors," || fail "the explorer did not start: $(screen)"
line=$(screen | sed -n 1p | awk -F'│' '{ print length($1) }')
title=$(screen | grep -n "Problems" | head -n 1 | cut -d: -f1)

# The tree's edge, from its column to 13 columns left (xterm counts from 1).
mouse M $((line + 1)) 5
mouse m $((line + 1 - 13)) 5
checks=$((checks + 1))
wait_for "the tree takes " || fail "dragging the tree's edge did nothing: $(screen)"
now=$(screen | sed -n 1p | awk -F'│' '{ print length($1) }')
checks=$((checks + 1))
[ "$now" -eq $((line - 13)) ] || fail "the tree's edge is at $now, not $((line - 13))"

# The bottom panes' titles, five rows up.
mouse M 30 "$title"
mouse m 30 $((title - 5))
checks=$((checks + 1))
wait_for "the bottom panes take " || fail "dragging the bottom panes' titles did nothing: $(screen)"
checks=$((checks + 1))
[ "$(screen | grep -n "Problems" | head -n 1 | cut -d: -f1)" -eq $((title - 5)) ] || fail "the bottom panes did not move up five rows: $(screen)"
checks=$((checks + 1))
grep -q '^tree-width = [0-9][0-9]*$' "$CONFIG" && grep -q '^bottom-height = [0-9][0-9]*$' "$CONFIG" ||
    fail "the sizes are not in the settings: $(cat "$CONFIG" 2>&1)"
tmux_ send-keys -t t q
finish
