#!/bin/sh
# Live reload in a real terminal (tmux): an edit, `git add`, a commit and a checkout made from
# outside show on the explorer's screen within a couple of seconds, with no key sent; a checkout
# of 200 files is followed; idle, the explorer does not wake up; keys still work afterwards; and
# the same by polling.
command -v tmux >/dev/null 2>&1 || { echo "tmux_live: tmux not installed, skipped"; exit 77; }
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
# A branch that adds 200 modules to orders/, for the checkout below; the explorer starts on main.
git -C "$REPO" checkout -q -b bulk
i=0
while [ $i -lt 200 ]; do
    printf 'VALUE = %d\n' $i > "$REPO/orders/bulk_$i.py"
    i=$((i + 1))
done
git -C "$REPO" add -A && git -C "$REPO" commit -q -m bulk && git -C "$REPO" checkout -q main

. "$TOP_SRCDIR/tests/tui/tmux_lib.sh"
tmux_start tmux_live 120 36
tmux_ respawn-pane -k -t t "exec env TERM=xterm-256color LC_ALL=C.UTF-8 '$SVCSCOPE' '$REPO'"
expect_screen_text "16 errors," "loaded"

printf 'from services.billing.invoices import _x\n' > "$REPO/orders/extra.py"
expect_screen_text "reloaded: orders/extra.py changed" "an edit from outside" 2
expect_screen_text "17 errors," "the edit's finding counted" 2

git -C "$REPO" add orders/extra.py
expect_screen_text "reloaded: git index changed" "git add from outside" 2

git -C "$REPO" commit -q -m extra
expect_screen_text "reloaded: HEAD moved" "git commit from outside" 2

printf 'X = 1\n' > "$REPO/orders/late.py"
expect_screen_text "reloaded: orders/late.py changed" "a new file from outside" 2

# The 200 files of the checkout are reloaded together (tests/tui/live.sh counts them: here a
# loaded machine may pause git long enough to split them).
git -C "$REPO" checkout -q bulk
expect_screen_text "reloaded: HEAD moved" "a checkout of 200 files" 3
expect_screen_text "bulk@" "the branch shown after the checkout" 3
expect_screen_text "16 errors," "the checkout's files loaded" 3

# Idle: once the reload is done, the main thread sleeps in poll() and is not woken.
pid=$(pane '#{pane_pid}')
if [ -r "/proc/$pid/status" ]; then
    sleep 1
    before=$(grep voluntary_ctxt_switches "/proc/$pid/status")
    sleep 2
    after=$(grep voluntary_ctxt_switches "/proc/$pid/status")
    checks=$((checks + 1))
    [ "$before" = "$after" ] || fail "the explorer woke up while nothing changed: $before, then $after"
fi

# Keys still reach it.
tmux_ send-keys -t t q
wait_dead "q after the live reloads"

# Polling, as on macOS (no inotify: curses waits for keys alone, until the next look): an edit
# shows within the polling second and the debounce, and keys still work.
tmux_ respawn-pane -k -t t "exec env TERM=xterm-256color LC_ALL=C.UTF-8 SVCSCOPE_WATCH=poll '$SVCSCOPE' '$REPO'"
expect_screen_text "errors," "loaded with polling"
printf 'from services.billing.invoices import _p\n' > "$REPO/orders/polled.py"
expect_screen_text "reloaded: orders/polled.py changed" "an edit seen by polling" 3
tmux_ send-keys -t t q
wait_dead "q with polling"
finish
