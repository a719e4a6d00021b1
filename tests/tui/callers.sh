#!/bin/sh
# The callers pane for a delay_ wrapper: its task, every call site with the enclosing
# definition and the source line, the direct uses of the task; Enter opens a site.
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
KEYS
expect_status 0
expect_screen callers_wrapper
expect_screen callers_site
expect_screen callers_misplaced_task
expect_in_screen callers_misplaced_task "[.delay]"
finish
