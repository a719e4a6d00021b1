#!/bin/sh
# A resize storm: the terminal is resized 50 times in a row, to sizes from 1x1 to 200x60, while
# keys are typed. The explorer survives it, draws the layout of the last size, and q still gives
# the shell back cleanly. A real terminal (tmux); skipped without tmux.
command -v tmux >/dev/null 2>&1 || { echo "resize_storm: tmux not installed, skipped"; exit 77; }
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
. "$TOP_SRCDIR/tests/tui/tmux_lib.sh"
tmux_start resize_storm 100 30
# EDITOR=true: a key that opens the editor (e) comes back at once. ESCDELAY=1000: on a loaded
# machine a key sequence must not be split into Esc and stray letters. Home and End are not sent:
# tmux sends End as ESC [ F, which xterm's terminfo does not know, and its F would open a preview.
tmux_ respawn-pane -k -t t "exec env TERM=xterm-256color LC_ALL=C.UTF-8 ESCDELAY=1000 EDITOR=true VISUAL=true '$SVCSCOPE' '$REPO'"
checks=$((checks + 1))
wait_for "errors," || fail "the explorer did not load: $(screen)"

# 50 resizes, keys typed between them; the sizes come from a fixed sequence (reproducible).
keys="j k Tab j Enter BTab ? Escape * / b Enter n N Escape l h PageDown PageUp"
i=0
seed=7
while [ $i -lt 50 ]; do
    seed=$(((seed * 1103515245 + 12345) % 2147483648))
    w=$((seed % 200 + 1))
    h=$((seed / 256 % 60 + 1))
    tmux_ resize-window -t t -x "$w" -y "$h"
    # shellcheck disable=SC2086
    set -- $keys
    shift $((i % 10))
    tmux_ send-keys -t t "$1" "$2"
    sleep 0.02
    i=$((i + 1))
done
checks=$((checks + 1))
[ "$(pane '#{pane_dead}')" = 0 ] || fail "the explorer died in the resize storm: $(pane 'status=#{pane_dead_status} signal=#{pane_dead_signal}')"

# Settle at a known size: the layout of that size, within its width. Typed keys may have left an
# overlay open (under heavy load a key sequence can still arrive split): Esc closes any of them.
tmux_ resize-window -t t -x 100 -y 30
n=0
while [ $n -lt 8 ]; do
    tmux_ send-keys -t t Escape
    sleep 1.2
    screen | grep -qE '┌─|Keys' || break
    n=$((n + 1))
done
checks=$((checks + 1))
wait_for "│ Source" || wait_for "Source" || fail "no panes at 100x30 after the storm: $(screen)"
checks=$((checks + 1))
[ "$(screen | wc -l)" -eq 30 ] || fail "the pane is not 30 lines after the storm"
if width=$(screen | wc -L 2>/dev/null); then
    checks=$((checks + 1))
    [ "$width" -le 100 ] || fail "a line is $width columns wide at 100 columns"
fi
tmux_ resize-window -t t -x 30 -y 8
checks=$((checks + 1))
wait_for "Terminal too small: 30x8" || fail "no 'too small' screen at 30x8 after the storm: $(screen)"
tmux_ resize-window -t t -x 100 -y 30
wait_for "Source" >/dev/null

# q quits; with an overlay or a prompt open (a late key of the storm can still open one under
# heavy load) q closes it or is typed into it, as it should: Esc, then q again. Five tries.
attempt=0
while :; do
    tmux_ send-keys -t t q
    i=0
    while [ $i -lt 50 ] && [ "$(pane '#{pane_dead}')" != 1 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ "$(pane '#{pane_dead}')" = 1 ] && break
    attempt=$((attempt + 1))
    [ $attempt -ge 5 ] && break
    tmux_ send-keys -t t Escape
    sleep 1.2
done
checks=$((checks + 1))
[ "$(pane '#{pane_dead}')" = 1 ] || fail "q did not end the explorer after the storm: $(screen)"
i=0
while [ $i -lt 50 ] && [ "$(pane '#{pane_dead_status}#{pane_dead_signal}')" = "" ]; do
    sleep 0.1
    i=$((i + 1))
done
checks=$((checks + 1))
case $(pane '#{pane_dead_status}#{pane_dead_signal}') in
0 | "") ;;
*) fail "the explorer did not exit cleanly: $(pane 'status=#{pane_dead_status} signal=#{pane_dead_signal}')" ;;
esac
finish
