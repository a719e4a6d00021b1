#!/bin/sh
# SVC900 unused-noqa: an svcscope code in a `# noqa` comment that suppresses nothing on its line,
# in every output format, in `rules`, with `--select SVC9`; its fix edits only the comment.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write services/__init__.py ''
write services/billing/__init__.py ''
write services/billing/tests/__init__.py ''
write services/billing/invoices.py 'def charge():
    pass
'
write orders/__init__.py ''
write orders/views.py 'from services.billing.invoices import charge  # noqa: SVC201
from services.billing import invoices  # noqa: SVC201
import os  # noqa: E501, SVC2, F401
import sys  # noqa
import json  # noqa: SVC4  # type: ignore
'
git_commit_all

run check "$REPO"
expect_status 0
expect_out 'orders/views.py:2:40: SVC900 [unused-noqa] `# noqa` code `SVC201` suppresses no svcscope finding on this line'
expect_out 'orders/views.py:3:12: SVC900 [unused-noqa] `# noqa` code `SVC2` suppresses'
expect_out 'orders/views.py:5:14: SVC900 [unused-noqa] `# noqa` code `SVC4` suppresses'
expect_out 'Found 3 violations (3 fixable).'
expect_no_out 'views.py:1:'
expect_no_out 'views.py:4:'

run check --fail-on info "$REPO"
expect_status 1

run check --select SVC9 --format json "$REPO"
expect_out '"code": "SVC900"'
expect_out '"severity": "info"'
expect_out '"applicability": "safe"'
run check --select SVC9 --format sarif "$REPO"
expect_out '"ruleId": "SVC900"'
run check --select SVC9 --format github "$REPO"
expect_out '::notice file=orders/views.py,line=2,col=40,endLine=2,endColumn=54,title=SVC900 [unused-noqa]::'
run check --select SVC2 "$REPO"
expect_no_out 'SVC900'
expect_out 'Found 0 violations'

run rules SVC900
expect_status 0
expect_out 'unused-noqa'
run rules
expect_out 'SVC900  unused-noqa'

run fix --select SVC9 "$REPO"
expect_status 0
expect_out 'Fixed 3 violations.'
checks=$((checks + 1))
want='from services.billing.invoices import charge  # noqa: SVC201
from services.billing import invoices
import os  # noqa: E501, F401
import sys  # noqa
import json  # type: ignore'
[ "$(cat "$REPO/orders/views.py")" = "$want" ] || fail "fixed file:
$(cat "$REPO/orders/views.py")"
run check --fail-on info "$REPO"
expect_status 0
expect_out 'Found 0 violations'

finish
