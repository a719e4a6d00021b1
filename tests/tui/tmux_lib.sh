# The explorer in a real terminal: tests that run it in tmux source this after lib.sh. It gives
# tmux_ (a server of the test's own), screen (the pane's text), pane FORMAT, and wait_for TEXT;
# the server goes when the test ends. Without tmux, or when it cannot start, the test is skipped.
command -v tmux >/dev/null 2>&1 || { echo "$TEST_NAME: tmux not installed, skipped"; exit 77; }

SOCKET="svcscope-$TEST_NAME-$$"
tmux_() { tmux -L "$SOCKET" -f /dev/null "$@"; }
trap 'tmux_ kill-server 2>/dev/null; rm -rf "$WORK"' EXIT
screen() { tmux_ capture-pane -p -t t; }
pane() { tmux_ list-panes -t t -F "$1"; }

# wait_for TEXT: up to 10 s for the pane to show TEXT
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# tmux_start COLSxLINES COMMAND: a session "t" of that size running COMMAND
tmux_start() {
    tmux_ new-session -d -s t -x "${1%x*}" -y "${1#*x}" "$2" || { echo "$TEST_NAME: tmux cannot start, skipped"; exit 77; }
}
