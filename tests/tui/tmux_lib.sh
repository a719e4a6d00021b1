# The tests that run the explorer in a real terminal: a tmux server on a private socket
# ($SOCKET, set before this is sourced) with one window, t. CAPTURE holds extra flags of
# capture-pane (-J joins the lines the pane wrapped).
tmux_() { tmux -L "$SOCKET" -f /dev/null "$@"; }
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
