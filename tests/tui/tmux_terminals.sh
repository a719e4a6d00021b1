#!/bin/sh
# The explorer in real terminals of several kinds (tmux): no black text anywhere (greys from the
# 256-colour palette, or dim with 8 colours), and a terminal that cannot show it (TERM=dumb, TERM
# unset) gets a message naming `svcscope check` and `svcscope tree`, and exit status 2.
command -v tmux >/dev/null 2>&1 || { echo "tmux_terminals: tmux not installed, skipped"; exit 77; }
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SOCKET="svcscope-test-$$"
. "$TOP_SRCDIR/tests/tui/tmux_lib.sh"
trap 'tmux_ kill-server 2>/dev/null; rm -rf "$WORK"' EXIT
# The pane with its colours, as SGR escapes, one per line.
sgr() { tmux_ capture-pane -p -e -t t | grep -o "$(printf '\033')\[[0-9;]*m"; }

# run TERM-VALUE KEYS...: the explorer on the demo in that terminal, the keys typed after loading
run() {
    term=$1
    shift
    tmux_ respawn-pane -k -t t "exec env TERM=$term LC_ALL=C.UTF-8 '$SVCSCOPE' '$REPO'"
    expect_screen_text "errors," "loaded with TERM=$term"
    for key in "$@"; do tmux_ send-keys -t t "$key"; done
    # the source shows the first violation with its line numbers
    expect_screen_text "└" "a violation shown with TERM=$term"
}

tmux_ new-session -d -s t -x 120 -y 36 "sleep 600" || { echo "tmux_terminals: tmux cannot start, skipped"; exit 77; }
tmux_ set-option -g remain-on-exit on
tmux_ set-option -g default-terminal tmux-256color 2>/dev/null

# Black text (SGR 30) is only ever on a background of its own (the selection, the focused title).
# The pane's SGR escapes are followed cell by cell (tmux carries them over from line to line):
# the count of visible characters drawn black on the default background.
ESC=$(printf '\033')
black_on_default() {
    awk -v esc="$ESC" '
        BEGIN { fg = -1; bg = -1 }
        {
            n = split($0, parts, esc)
            for (i = 1; i <= n; i++) {
                text = parts[i]
                if (i > 1 && match(text, /^\[[0-9;]*m/)) {
                    m = split(substr(text, 2, RLENGTH - 2), c, ";")
                    text = substr(text, RLENGTH + 1)
                    if (m == 0) { fg = -1; bg = -1 }
                    for (j = 1; j <= m; j++) {
                        v = c[j] + 0
                        if (v == 0) { fg = -1; bg = -1 }
                        else if (v >= 30 && v <= 37) fg = v
                        else if (v == 39) fg = -1
                        else if (v >= 40 && v <= 47) bg = v
                        else if (v == 49) bg = -1
                        else if (v == 38 || v == 48) { if (v == 38) fg = 1000 + c[j + 2]; else bg = 1000 + c[j + 2]; j += 2 }
                    }
                }
                if (text ~ /[^ ]/ && fg == 30 && bg == -1) bad++
            }
        }
        END { print bad + 0 }' "$1"
}
no_black_text() {
    checks=$((checks + 1))
    tmux_ capture-pane -p -e -t t > "$WORK/pane.sgr"
    black=$(black_on_default "$WORK/pane.sgr")
    [ "$black" -eq 0 ] || fail "TERM=$1: black text on the default background, in $black places"
}

run xterm-256color '*' ']'
no_black_text xterm-256color
checks=$((checks + 1))
sgr | grep -q '38;5;245m' || fail "TERM=xterm-256color: no grey from the 256-colour palette for notes and line numbers"

run xterm '*' ']'
no_black_text xterm
checks=$((checks + 1))
sgr | grep -q '\[2m\|;2m' || fail "TERM=xterm (8 colours): notes and line numbers are not dim"

# Terminals the explorer cannot draw on; the message is read whole, as the pane wrapped it.
CAPTURE=-J
for term in dumb ""; do
    if [ -n "$term" ]; then env="TERM=$term"; else env="-u TERM"; fi
    tmux_ respawn-pane -k -t t "env $env LC_ALL=C.UTF-8 '$SVCSCOPE' '$REPO'; echo \"status=\$?\"; sleep 600"
    expect_screen_text "status=2" "${term:-unset} TERM: exit status 2"
    expect_screen_text "svcscope check" "${term:-unset} TERM: the message names svcscope check"
    expect_screen_text "svcscope tree" "${term:-unset} TERM: the message names svcscope tree"
done
finish
