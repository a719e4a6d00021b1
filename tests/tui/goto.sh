#!/bin/sh
# Go to (`:` and C-p): typing part of a name ranks it first, Enter selects it in the tree and shows
# its source (a jump, which C-o comes back from); `path:line` opens that line in the source; a path
# the project lacks and a line past the end are said and go nowhere; input is UTF-8.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=130x34
run_script <<'KEYS'
:wait-loaded
]
:save-display goto_before
<Colon>
welc
:save-display goto_typing
<Enter>
:save-display goto_task
<C-o>
:save-display goto_back
<C-p>
welcome
<Down>
:save-display goto_second
<Enter>
:save-display goto_wrapper
<Colon>
services/billing/invoices.py:15:5
<Enter>
:save-display goto_line
<Colon>
nosuch/file.py:3
<Enter>
:save-display goto_no_file
<C-u>
services/utils.py:900
<Enter>
:save-display goto_past_end
<C-u>
éx<Backspace><Backspace>billing/inv
:save-display goto_edited
<Enter>
:save-display goto_file
<Colon>
billing
<Esc>
:save-display goto_closed
KEYS
expect_status 0
expect_screen goto_typing
# The task is the first match, with its kind.
checks=$((checks + 1))
sed -n 5p "$WORK/goto_typing" | grep -q "services.tasks.email_tasks._send_welcome_email .*task" ||
    fail "typing welc does not rank the task _send_welcome_email first"
expect_screen goto_task
expect_in_screen goto_task "Source  services/tasks/email_tasks.py:7"
expect_in_screen goto_task "◆ task _send_welcome_email"
expect_screen goto_back
# Back to the file and line before (the tree keeps what the go-to expanded, as after any jump).
expect_in_screen goto_before "Source  accounts/helpers.py:9"
expect_in_screen goto_back "Source  accounts/helpers.py:9"
checks=$((checks + 1))
sed -n '2,20s/^[^│]*│//p' "$WORK/goto_before" > "$WORK/source_before"
sed -n '2,20s/^[^│]*│//p' "$WORK/goto_back" > "$WORK/source_back"
diff "$WORK/source_before" "$WORK/source_back" >&2 ||
    fail "C-o after a go-to does not bring the source back as it was"
expect_screen goto_second
expect_in_screen goto_wrapper "Source  services/tasks/email_tasks.py:12"
expect_screen goto_line
expect_in_screen goto_line "Source  services/billing/invoices.py:15"
expect_in_screen goto_no_file "no file nosuch/file.py in the project"
expect_in_screen goto_no_file "> nosuch/file.py:3"
expect_in_screen goto_past_end "services/utils.py has 23 lines: no line 900"
expect_in_screen goto_past_end "Source  services/billing/invoices.py:15"
expect_in_screen goto_edited "> billing/inv"
expect_in_screen goto_file "Source  services/billing/invoices.py:1"
expect_in_screen goto_file "file services/billing/invoices.py"
checks=$((checks + 1))
! grep -q "Go to" "$WORK/goto_closed" || fail "Esc does not close the go-to prompt"
finish
