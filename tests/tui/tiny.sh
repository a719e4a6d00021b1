#!/bin/sh
# A 10x5 terminal (and smaller): the explorer starts in it, takes keys without drawing outside the
# screen or crashing, and shows its panes again once the terminal is large enough. Headless (a
# key script) and, when tmux is installed, in a real 10x5 terminal.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=10x5
run_script <<'KEYS'
:wait-loaded
:save-display tiny_start
jjk<Tab>?
<Esc>
/billing
<Enter>
*<S-Tab>n
:save-display tiny_keys
:resize 1x1
:save-display tiny_1x1
jk
:resize 2x40
:resize 400x3
:resize 80x24
:save-display tiny_grown
KEYS
expect_status 0
expect_in_screen tiny_start "Terminal"
expect_in_screen tiny_keys "Terminal"
expect_in_screen tiny_grown "Tree"
expect_in_screen tiny_grown "Source"
for f in tiny_start tiny_keys; do
    checks=$((checks + 1))
    [ "$(wc -l < "$WORK/$f")" -le 5 ] && [ "$(wc -L < "$WORK/$f")" -le 10 ] || fail "$f is larger than 10x5"
done
checks=$((checks + 1))
[ -z "$ERR" ] || fail "the explorer wrote to stderr: $ERR"

# A real 10x5 terminal
command -v tmux >/dev/null 2>&1 || { skip_part "tmux not installed: the terminal part"; finish; }
SOCKET="svcscope-tiny-$$"
tmux_() { tmux -L "$SOCKET" -f /dev/null "$@"; }
trap 'tmux_ kill-server 2>/dev/null; rm -rf "$WORK"' EXIT
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        tmux_ capture-pane -p -t t | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
tmux_ new-session -d -s t -x 10 -y 5 "sleep 600" || { skip_part "tmux cannot start: the terminal part"; finish; }
tmux_ set-option -g remain-on-exit on
tmux_ respawn-pane -k -t t "exec env TERM=xterm-256color LC_ALL=C.UTF-8 '$SVCSCOPE' '$REPO'"
checks=$((checks + 1))
wait_for "Terminal" || fail "no 'too small' screen in a 10x5 terminal: $(tmux_ capture-pane -p -t t)"
tmux_ send-keys -t t j j Tab '?' Escape / b i l l Enter
tmux_ resize-window -t t -x 100 -y 30
checks=$((checks + 1))
wait_for "Source" || fail "no panes after growing from 10x5: $(tmux_ capture-pane -p -t t)"
tmux_ send-keys -t t q
i=0
while [ $i -lt 50 ] && [ "$(tmux_ list-panes -t t -F '#{pane_dead}')" != 1 ]; do
    sleep 0.1
    i=$((i + 1))
done
checks=$((checks + 1))
[ "$(tmux_ list-panes -t t -F '#{pane_dead}')" = 1 ] || fail "q did not end the explorer"
checks=$((checks + 1))
case $(tmux_ list-panes -t t -F '#{pane_dead_status}#{pane_dead_signal}') in
0 | "") ;;
*) fail "the explorer did not exit cleanly: $(tmux_ list-panes -t t -F 'status=#{pane_dead_status} signal=#{pane_dead_signal}')" ;;
esac
finish
