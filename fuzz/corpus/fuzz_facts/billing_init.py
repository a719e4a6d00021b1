"""Billing: charging customers, refunds and invoices.

Exceptions are importable from here::

    from services.billing import PaymentError
"""
from . import invoices, payments
from .errors import BillingError, CardDeclined, InvoiceError, PaymentError

__all__ = [
    "BillingError",
    "CardDeclined",
    "InvoiceError",
    "PaymentError",
    "invoices",
    "payments",
]
