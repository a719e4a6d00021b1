#!/bin/sh
# Python 3.14's `except A, B:` (PEP 758): every name is read as a type, with two and with three
# or more (which the pinned grammar cannot parse: the file is parsed again with the clause
# rewritten), also after a call with a keyword argument. Only when something else in the file
# does not parse does check warn, with the line, while the rest of the file is still checked.
. "$TOP_SRCDIR/tests/e2e/lib.sh"

new_repo shop
write services/__init__.py ''
write services/billing/__init__.py 'class PaymentError(Exception):
    pass


class RefundError(Exception):
    pass
'
write services/billing/tests/__init__.py ''
write orders/__init__.py ''
write orders/models.py ''
write orders/views.py 'from services import billing


def pay():
    try:
        pass
    except billing.PaymentError, billing.RefundError:
        pass


def refund():
    embed(batch, task="query")
    try:
        pass
    except KeyError, billing.PaymentError, ValueError, billing.RefundError:
        pass
    billing.charge.delay()
'
write orders/broken.py 'from services import billing


def parse(s):
    try:
        return int(s)
    except ValueError, TypeError, KeyError:
        return None


def broken(:
    pass
'
git_commit_all

run check --select SVC303,SVC402 "$REPO"
expect_status 1
expect_out "orders/views.py:7:12: SVC303"
expect_out "orders/views.py:7:34: SVC303 [qualified-exception] Exception \`RefundError\`"
expect_out "orders/views.py:15:22: SVC303 [qualified-exception] Exception \`PaymentError\`"
expect_out "orders/views.py:15:56: SVC303 [qualified-exception] Exception \`RefundError\`"
expect_out "orders/views.py:17:5: SVC402"
expect_no_out "orders/broken.py"
expect_err "orders/broken.py:7:"
expect_err "PEP 758"
[ "$(printf '%s\n' "$ERR" | grep -c "orders/views.py")" -eq 0 ] || fail "views.py parses: $ERR"

run tree --format json "$REPO"
expect_no_out '"filename": "orders/views.py"'

finish
