#!/bin/sh
# The callers pane shows what `svcscope callers` shows: for a delay_ wrapper, its task and what the
# task runs, every call site with the enclosing definition and the source line, labelled as the
# CLI labels it, the direct uses of the task; for a task run by celery beat, its beat schedule
# entries. Enter opens a site or an entry.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=130x34
run_script <<'KEYS'
:wait-loaded
/delay_send_welcome_email
<Enter>
c
:save-display callers_wrapper
<Enter>
:save-display callers_site
<S-Tab>
/regenerate_invoice_pdf
<Enter>
c
:save-display callers_misplaced_task
<Colon>_retry_failed_payments
<Enter>
c
:save-display callers_beat
<End>
<Enter>
:save-display callers_beat_opened
# c on another entry's "task" line: the callers of the task it names
jjjj
c
:save-display callers_beat_from_source
KEYS
expect_status 0
expect_screen callers_wrapper
expect_screen callers_site
expect_screen callers_misplaced_task
expect_in_screen callers_misplaced_task "! [.delay outside the tasks service] orders/views.py"
expect_in_screen callers_wrapper "[passed as a value] accounts/views.py:25:27: in Si"
expect_in_screen callers_wrapper "[called in-process, not queued]"
expect_in_screen callers_wrapper "runs services.notifications.email.send_welcome_email"
expect_screen callers_beat
expect_in_screen callers_beat "beat schedule  1 entry"
expect_in_screen callers_beat "[beat schedule entry \"retry-failed-payments\"] shop"
expect_screen callers_beat_opened
expect_in_screen callers_beat_opened "Source  shop/celery.py:28"
expect_screen callers_beat_from_source
expect_in_screen callers_beat_from_source "Callers  task _mark_overdue_invoices"
expect_in_screen callers_beat_from_source "[beat schedule entry \"mark-overdue-invoices\"]"
finish
