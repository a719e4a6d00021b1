# tmux tests of the explorer: the real program in a real terminal, its screen read back with
# capture-pane. Sourced after lib.sh, once the test has checked that tmux is installed.
SOCKET=${SOCKET:-"svcscope-test-$$"}
tmux_() { tmux -L "$SOCKET" -f /dev/null "$@"; }
trap 'tmux_ kill-server 2>/dev/null; rm -rf "$WORK"' EXIT

# CAPTURE: extra flags of capture-pane (-J joins the lines the pane wrapped)
screen() { tmux_ capture-pane -p ${CAPTURE:-} -t t; }
pane() { tmux_ list-panes -t t -F "$1"; }

# tmux_start TEST COLS LINES: a session "t" whose pane first runs a command that waits, so that
# remain-on-exit is on before svcscope starts in it (respawn-pane); exit 77 when tmux cannot start.
tmux_start() {
    tmux_ new-session -d -s t -x "$2" -y "$3" "sleep 600" || { echo "$1: tmux cannot start, skipped"; exit 77; }
    tmux_ set-option -g remain-on-exit on
}

# wait_for TEXT [SECONDS]: the pane shows TEXT within SECONDS (default 10)
wait_for() {
    i=0
    while [ $i -lt $((${2:-10} * 10)) ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# expect_screen_text TEXT WHAT [SECONDS]: a check that the pane shows TEXT within SECONDS
expect_screen_text() {
    checks=$((checks + 1))
    wait_for "$1" "${3:-10}" || fail "$2: the pane does not show '$1'
--- pane ---
$(screen)
------------"
}

# wait_dead WHAT: a check that svcscope ends within 10 s (after WHAT)
wait_dead() {
    i=0
    while [ $i -lt 100 ] && [ "$(pane '#{pane_dead}')" != 1 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    checks=$((checks + 1))
    [ "$(pane '#{pane_dead}')" = 1 ] || fail "$1 did not end svcscope"
}
