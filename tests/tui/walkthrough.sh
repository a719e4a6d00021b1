#!/bin/sh
# The questions a new user asks of an architecture, each answered at 80x24 in at most four keys
# that the hint line shows at that moment: which apps import this service; which tasks does this
# service have and who triggers each; where is this name defined; back to where I was; why is
# this a violation. Each step checks the hint line first, then the answer on the screen.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
run_script <<'KEYS'
:wait-loaded
:save-display start
<Colon>billing
<Enter>
:save-display importers
<Colon>tasks
<Enter>
:save-display tasks
<Tab>
:save-display tasks_focused
jjjj
<Enter>
:save-display call_site
d
:save-display definition
<C-o>
:save-display back
<Tab>
:save-display problems
i
:save-display why
KEYS
expect_status 0

# expect_hint SCREEN TEXT: the hint line (the last row) of a saved screen shows TEXT.
expect_hint() {
    checks=$((checks + 1))
    tail -n 1 "$WORK/$1" | grep -qF -- "$2" || fail "the hint line of $1 lacks '$2': $(tail -n 1 "$WORK/$1")"
}

# Which apps import the billing service: `:`, its name, Enter.
expect_hint start ": go to"
expect_in_screen importers "overview of services/billing/"
expect_in_screen importers "Imported by  9 imports  (2 apps"
expect_in_screen importers "app accounts  1 import"
expect_in_screen importers "app orders  5 imports"
# Which tasks the tasks service has, and who triggers each: the same three keys.
expect_hint importers ": go to"
expect_in_screen tasks "Tasks  9"
expect_in_screen tasks "» schedule_invoice_generation  1 caller"
expect_in_screen tasks "orders/views.py:60  in PayOrderView.post"
# Where a name is defined: the overview's lines open (Enter), the source's names go to their
# definition (d).
expect_hint tasks "Tab pane"
expect_hint tasks_focused "Enter open"
expect_in_screen call_site "Source  orders/views.py:60"
expect_hint call_site "d definition"
expect_in_screen definition "billing_tasks.py:16"
expect_in_screen definition "def schedule_invoice_generation(order_id):"
# Back to where I was: one key, named on the line as soon as there is somewhere to go back to.
expect_hint definition "C-o back"
expect_in_screen back "Source  orders/views.py:60"
# Why a finding is a violation: the problems have the keys of the finding selected.
expect_hint back "Tab pane"
expect_hint problems "i why"
expect_in_screen why "Why:"
expect_in_screen why "SVC501 [logic-in-app]"
finish
