#!/bin/sh
# Reading things whole: the lines under the problems show the selected finding's message whole
# (the row cuts it), those under the callers the selected call site's row; a status message too
# long for the line ends at a word with the key of the message log, and M shows every message
# since the start, whole.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
:save-display detail_problems
<Colon>delay_send_welcome_email
<Enter>
c
:save-display detail_callers
<S-Tab>
<S-Tab>
u
:save-display message_cut
M
:save-display message_log
<Esc>
:save-display message_closed
KEYS
expect_status 0
expect_screen detail_problems
# The first finding's message, cut on its row, whole below it.
expect_in_screen detail_problems "W SVC501 accounts/helpers.py:9:5  \`helpers.py\` of Django app \`accounts\` is not D"
expect_in_screen detail_problems " functions (\`display_name\`, \`normalize_phone\`, \`greeting\`): move them to a"
expect_in_screen detail_callers "delay_send_welcome_email"
expect_in_screen message_cut "nothing applied in this session to undo (svcscope fix --undo undoes  … M: whole"
expect_in_screen message_log "┌─ Messages  "
expect_in_screen message_log "nothing applied in this session to undo (svcscope fix --undo"
expect_in_screen message_log "undoes a batch applied elsewhere)"
expect_in_screen message_log "wrapper services.tasks.email_tasks.delay_send_welcome_email"
checks=$((checks + 1))
grep -q "Messages" "$WORK/message_closed" && fail "Esc did not close the message log"
finish
