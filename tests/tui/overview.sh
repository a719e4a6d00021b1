#!/bin/sh
# Overviews in the source pane's place: the billing service (its public API and who imports it),
# the tasks service (every task, its wrappers, their caller counts and call sites), Enter on a
# call site (the source, at that line), back to the overview, Enter on an importer (its app in the
# tree, with the app's overview: the services it uses).
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=130x34
run_script <<'KEYS'
:wait-loaded
jjj
:save-display overview_service
jjjj
:save-display overview_tasks
<Tab>
jjjj
<Enter>
:save-display overview_site
<C-o>
:save-display overview_back
<S-Tab>
kkkk
<Tab>
jjjjjjjjjjj
<Enter>
:save-display overview_app
KEYS
expect_status 0
expect_screen overview_service
expect_screen overview_tasks
expect_screen overview_site
expect_screen overview_back
expect_screen overview_app
expect_in_screen overview_service "Imported by  9 imports"
expect_in_screen overview_tasks "delay_mark_overdue_invoices  0 callers"
expect_in_screen overview_tasks "shop/celery.py:32  beat schedule entry \"mark-overdue-invoices\""
expect_in_screen overview_site "Source  orders/views.py:60"
expect_in_screen overview_app "overview of orders/"
finish
