# The explorer in a real terminal: tests that run it in tmux source this after lib.sh. It gives
# tmux_ (a server on a private socket, $SOCKET, of the test's own unless set before), screen (the
# pane's text; CAPTURE holds extra flags of capture-pane: -J joins the lines the pane wrapped),
# pane FORMAT, wait_for TEXT, expect_screen_text TEXT WHAT and tmux_start; the server goes when
# the test ends. Without tmux, or when it cannot start, the test is skipped.
command -v tmux >/dev/null 2>&1 || { echo "$TEST_NAME: tmux not installed, skipped"; exit 77; }

SOCKET=${SOCKET:-"svcscope-$TEST_NAME-$$"}
tmux_() { tmux -L "$SOCKET" -f /dev/null "$@"; }
trap 'tmux_ kill-server 2>/dev/null; rm -rf "$WORK"' EXIT
screen() { tmux_ capture-pane -p ${CAPTURE:-} -t t; }
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

# expect_screen_text TEXT WHAT: the pane shows TEXT within 10 s, else WHAT fails
expect_screen_text() {
    checks=$((checks + 1))
    wait_for "$1" || fail "$2: the pane does not show '$1'
--- pane ---
$(screen)
------------"
}

# tmux_start COLSxLINES COMMAND: a session "t" of that size running COMMAND
tmux_start() {
    tmux_ new-session -d -s t -x "${1%x*}" -y "${1#*x}" "$2" || { echo "$TEST_NAME: tmux cannot start, skipped"; exit 77; }
}
