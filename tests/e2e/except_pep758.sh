#!/bin/sh
# Python 3.14's `except A, B:` (PEP 758): two types are read as types; with three the pinned
# grammar fails, and check says so with the line while the rest of the file is still checked.
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
    try:
        pass
    except ValueError, TypeError, KeyError:
        pass
    billing.charge.delay()
'
git_commit_all

run check --select SVC303,SVC402 "$REPO"
expect_status 1
expect_out "orders/views.py:7:12: SVC303"
expect_out "orders/views.py:7:34: SVC303 [qualified-exception] Exception \`RefundError\`"
expect_out "orders/views.py:16:5: SVC402"  # after the clause the grammar cannot read
expect_err "orders/views.py:14:"
expect_err "PEP 758"

finish
