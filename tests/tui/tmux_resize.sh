#!/bin/sh
# The explorer in a real terminal (tmux): the layout follows the window size, a window that
# is too small gets the "too small" screen, q gives the shell back, and so does a SIGTERM.
command -v tmux >/dev/null 2>&1 || { echo "tmux_resize: tmux not installed, skipped"; exit 77; }
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
. "$TOP_SRCDIR/tests/tui/tmux_lib.sh"

# tmux records the exit status when it reaps the process, which can come well after it marks
# the pane dead; a status it never recorded is not held against svcscope.
exit_status() {
    i=0
    while [ $i -lt 50 ] && [ "$(pane '#{pane_dead_status}#{pane_dead_signal}')" = "" ]; do
        sleep 0.1
        i=$((i + 1))
    done
    pane 'status=#{pane_dead_status} signal=#{pane_dead_signal}'
}

start_explorer() {
    tmux_ respawn-pane -k -t t "exec env TERM=xterm-256color LC_ALL=C.UTF-8 '$SVCSCOPE' '$REPO'"
}

tmux_start tmux_resize 100 30
start_explorer

expect_screen_text "errors," "loaded at 100x30"
expect_screen_text "│ Source" "tree and source side by side at 100x30"
checks=$((checks + 1))
[ "$(screen | wc -l)" -eq 30 ] || fail "the pane is not 30 lines"

tmux_ resize-window -t t -x 60 -y 20
expect_screen_text "[Tree] Source" "tree and source share one place at 60x20"
# Display columns (GNU wc -L); where wc has no -L the check is left out.
if width=$(screen | wc -L 2>/dev/null); then
    checks=$((checks + 1))
    [ "$width" -le 60 ] || fail "a line is $width columns wide after the resize to 60"
fi

tmux_ resize-window -t t -x 30 -y 8
expect_screen_text "Terminal too small: 30x8" "too small at 30x8"

tmux_ resize-window -t t -x 100 -y 30
expect_screen_text "│ Source" "panes back at 100x30"

tmux_ send-keys -t t q
wait_dead "q"
# Curses drew on the alternate screen: once the terminal is given back, the panes are gone.
checks=$((checks + 1))
! screen | grep -qF "│ Source" || fail "the explorer is still on screen after q: terminal not restored"
checks=$((checks + 1))
how=$(exit_status)
case $how in
"status=0 signal=" | "status= signal=") ;;
*) fail "svcscope did not exit cleanly: $how" ;;
esac

# Killed: the terminal is given back, and the process still dies of the signal.
start_explorer
expect_screen_text "errors," "loaded again"
kill -TERM "$(pane '#{pane_pid}')"
wait_dead "SIGTERM"
checks=$((checks + 1))
! screen | grep -qF "│ Source" || fail "the explorer is still on screen after SIGTERM: terminal not restored"
checks=$((checks + 1))
how=$(exit_status)
case $how in
"status= signal=15" | "status= signal=") ;;
*) fail "svcscope did not die of SIGTERM: $how" ;;
esac
finish
