#!/bin/sh
# Definitions: d on a line that uses a service function opens its def in the other file (the
# tree follows) and C-o comes back; a line naming several definitions opens a menu whose Enter
# goes to the one selected; a name defined outside the repository says so; c on a line calling
# a delay_ wrapper shows that wrapper's callers.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
]]]]]]]
<Tab>
kkkkkkkkkkkkkkkkkkkkkkk
:save-display def_before
d
:save-display def_opened
<C-o>
:save-display def_back
gjjjjjjjjjjjjjjjj
<C-]>
:save-display def_menu
j
<Enter>
:save-display def_menu_picked
<C-o>
kkkkkkkkkk
d
:save-display def_external
KEYS
expect_status 0
expect_screen def_before
expect_in_screen def_before "Source  orders/views.py:50"
expect_screen def_opened
expect_in_screen def_opened "Source  services/billing/payments.py:17"
expect_in_screen def_opened "ƒ def charge_order"
expect_in_screen def_back "Source  orders/views.py:50"
# Back restores the screen as it was before the jump.
checks=$((checks + 1))
diff "$WORK/def_before" "$WORK/def_back" >&2 || fail "C-o does not restore the screen before d"
expect_screen def_menu
expect_in_screen def_menu "Definitions on line 17"
expect_in_screen def_menu "PaymentError"
expect_in_screen def_menu_picked "Source  services/billing/errors.py:8  "
expect_screen def_external
expect_in_screen def_external "\`timezone\` is defined outside the repository"

# c on a call site of a delay_ wrapper (not inside its definition): the wrapper's callers.
run_script <<'KEYS'
:wait-loaded
/PayOrderView
<Enter>
<Tab>
jjjjjjjjjjjjjj
c
:save-display def_callers_site
KEYS
expect_status 0
expect_screen def_callers_site
expect_in_screen def_callers_site "Callers]  delay_refresh_payment_status  1 call site"
finish
