"""Exceptions raised by the billing service."""


class BillingError(Exception):
    """Base class for everything that can go wrong while billing a customer."""


class PaymentError(BillingError):
    """A payment could not be taken; the message is safe to show the customer."""


class CardDeclined(PaymentError):
    """The card issuer refused the charge."""


class InvoiceError(BillingError):
    """An invoice could not be issued or rendered."""


class RefundError(BillingError):
    """A refund was refused, e.g. because the refund window has closed."""
