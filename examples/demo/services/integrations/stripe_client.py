"""The only module that talks to the Stripe SDK.

Everything returned is a plain dict, and every Stripe error is turned into
``StripeAPIError`` so callers never need to import ``stripe``.
"""
import stripe
from django.conf import settings

from orders.serializers import OrderLineSerializer


class StripeAPIError(Exception):
    def __init__(self, message, *, code=None, user_message=None):
        super().__init__(message)
        self.code = code
        self.user_message = user_message


def _call(method, *args, **kwargs):
    stripe.api_key = settings.STRIPE_SECRET_KEY
    try:
        return method(*args, **kwargs)
    except stripe.CardError as exc:
        raise StripeAPIError(str(exc), code=exc.code, user_message=exc.user_message) from exc
    except stripe.StripeError as exc:
        raise StripeAPIError(str(exc), code=getattr(exc, "code", None)) from exc


def create_customer(*, email):
    return _call(stripe.Customer.create, email=email)["id"]


def attach_payment_method(customer_id, payment_method_id):
    _call(stripe.PaymentMethod.attach, payment_method_id, customer=customer_id)
    _call(
        stripe.Customer.modify,
        customer_id,
        invoice_settings={"default_payment_method": payment_method_id},
    )


def create_payment_intent(*, amount, currency, payment_method_id, metadata):
    intent = _call(
        stripe.PaymentIntent.create,
        amount=amount,
        currency=currency.lower(),
        payment_method=payment_method_id,
        confirm=True,
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        metadata=metadata,
    )
    return {"id": intent["id"], "status": intent["status"], "amount": intent["amount"]}


def retrieve_payment_intent(intent_id):
    intent = _call(stripe.PaymentIntent.retrieve, intent_id)
    return {"id": intent["id"], "status": intent["status"], "amount": intent["amount"]}


def create_refund(intent_id, *, amount_cents=None):
    params = {"payment_intent": intent_id}
    if amount_cents is not None:
        params["amount"] = amount_cents
    return _call(stripe.Refund.create, **params)["id"]


def checkout_line_items(order):
    """Order lines in the shape Stripe Checkout expects."""
    return [
        {
            "quantity": line["quantity"],
            "price_data": {
                "currency": order.currency.lower(),
                "unit_amount": line["unit_price_cents"],
                "product_data": {"name": line["description"], "metadata": {"sku": line["sku"]}},
            },
        }
        for line in OrderLineSerializer(order.lines.all(), many=True).data
    ]
