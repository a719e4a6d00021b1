#!/bin/sh
# Search in the source: `/` in the source searches its text as typed (the title counts the lines
# that match), Enter keeps it, n and N go to the next and previous line (wrapping, and saying so),
# Esc clears it; `/` in the tree still filters the tree. ] and [ walk the findings the problems
# show: their text filter and severities apply, and findings about folders are steps too.
. "$TOP_SRCDIR/tests/tui/lib.sh"

demo_repo
SCREEN=100x30
run_script <<'KEYS'
:wait-loaded
<Colon>orders/views.py:1
<Enter>
/Order
:save-display search_typed
:save-attrs search_attrs
<Enter>
n
:save-display search_next
N
N
:save-display search_wrapped
<Esc>
:save-display search_cleared
n
:save-display search_none
KEYS
expect_status 0
expect_in_screen search_typed "Search the source: Order"
expect_in_screen search_typed "/Order  line 1 of "
expect_in_screen search_next "/Order  line 2 of "
expect_in_screen search_wrapped "search wrapped to the bottom"
checks=$((checks + 1))
grep -q "/Order" "$WORK/search_cleared" && fail "Esc left the search in the title"
expect_in_screen search_none "no search: / searches the source"
# The matches are drawn in reverse; a capital in the pattern matches case ("Order", not "orders").
expect_screen search_typed
checks=$((checks + 1))
[ "$(grep -c 'RRRRR' "$WORK/search_attrs")" -ge 2 ] || fail "the matches of /Order are not drawn in reverse: $(cat "$WORK/search_attrs")"
expect_in_screen search_typed "from orders.models import Order, Payment"

# ] through the problems' filter: only SVC10x findings, folders (services/integrations/tests,
# services/reports) included, in path order.
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
/SVC10
<Enter>
]
:save-display step1
]
:save-display step2
]
:save-display step3
]
:save-display step4
]
:save-display step5
]
:save-display step6
]
:save-display step7
KEYS
expect_status 0
expect_in_screen step1 "google_calendar/test_credentials.py:1  1 finding"
expect_in_screen step2 "SVC104 The tests folder of service"
expect_in_screen step3 "notifications/tests/factories.py:1  1 finding"
expect_in_screen step4 "SVC101 Service \`reports\` is not a package"
expect_in_screen step5 "SVC106 Service \`reports\` has no tests folder"
expect_in_screen step6 "Source  services/utils.py:1"
expect_in_screen step7 "search wrapped to the first finding"
expect_in_screen step7 "google_calendar/test_credentials.py:1  1 finding"

# Severity toggles: with errors hidden, ] skips them (the demo's first warning is SVC501 in
# accounts/helpers.py, its first error SVC201 in accounts/views.py).
run_script <<'KEYS'
:wait-loaded
<Tab>
<Tab>
1
]
:save-display warnings_only
]
:save-display warnings_only2
KEYS
expect_status 0
expect_in_screen warnings_only "Source  accounts/helpers.py:9"
expect_in_screen warnings_only2 "Source  accounts/views.py:51"
finish
