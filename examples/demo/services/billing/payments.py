"""Taking, checking and refunding payments through Stripe."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Profile
from orders.models import Order, Payment
from services.billing.errors import CardDeclined, PaymentError, RefundError
from services.integrations import StripeAPIError, stripe_client
from services.tasks import email_tasks

REFUND_WINDOW = timedelta(days=30)
MAX_ATTEMPTS = 3


def charge_order(order, *, payment_method_id):
    """Charge the customer for ``order`` and record the payment.

    Raises ``CardDeclined`` or ``PaymentError``; their messages can be shown
    to the customer as they are.
    """
    if order.status != Order.Status.PENDING:
        raise PaymentError(f"{order} is not awaiting payment.")
    try:
        intent = stripe_client.create_payment_intent(
            amount=order.total_cents,
            currency=order.currency,
            payment_method_id=payment_method_id,
            metadata={"order_id": order.pk},
        )
    except StripeAPIError as exc:
        if exc.code == "card_declined":
            raise CardDeclined(exc.user_message or "Your card was declined.") from exc
        raise PaymentError("The payment provider is unavailable, please try again.") from exc

    with transaction.atomic():
        payment = Payment.objects.create(
            order=order,
            provider_id=intent["id"],
            amount_cents=order.total_cents,
            status=_payment_status(intent["status"]),
        )
        if payment.status == Payment.Status.SUCCEEDED:
            _mark_paid(order, payment)
    return payment


def refresh_payment_status(payment_id):
    """Ask Stripe how a payment that was still processing ended up."""
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    intent = stripe_client.retrieve_payment_intent(payment.provider_id)
    new_status = _payment_status(intent["status"])
    if new_status == payment.status:
        return payment
    with transaction.atomic():
        payment.status = new_status
        payment.save(update_fields=["status"])
        if new_status == Payment.Status.SUCCEEDED:
            _mark_paid(payment.order, payment)
    return payment


def retry_failed_payments():
    """Try failed payments again with the customer's default card."""
    failed = Payment.objects.filter(
        status=Payment.Status.FAILED,
        attempts__lt=MAX_ATTEMPTS,
        order__status=Order.Status.PENDING,
    ).select_related("order__customer__profile")
    for payment in failed:
        profile = payment.order.customer.profile
        if not profile.default_payment_method:
            continue
        try:
            charge_order(payment.order, payment_method_id=profile.default_payment_method)
        except PaymentError:
            Payment.objects.filter(pk=payment.pk).update(attempts=payment.attempts + 1)


def refund_payment(payment, *, amount_cents=None):
    """Refund all of a payment, or part of it."""
    if payment.status != Payment.Status.SUCCEEDED:
        raise RefundError("Only successful payments can be refunded.")
    if timezone.now() - payment.created_at > REFUND_WINDOW:
        raise RefundError("The refund window for this payment has closed.")
    stripe_client.create_refund(payment.provider_id, amount_cents=amount_cents)
    payment.status = Payment.Status.REFUNDED
    payment.save(update_fields=["status"])


def update_default_card(user, payment_method_id):
    """Attach a card to the customer in Stripe and use it for future charges."""
    profile, _ = Profile.objects.get_or_create(user=user)
    if not profile.stripe_customer_id:
        profile.stripe_customer_id = stripe_client.create_customer(email=user.email)
    try:
        stripe_client.attach_payment_method(profile.stripe_customer_id, payment_method_id)
    except StripeAPIError as exc:
        raise PaymentError(exc.user_message or "That card cannot be used.") from exc
    profile.default_payment_method = payment_method_id
    profile.save(update_fields=["stripe_customer_id", "default_payment_method"])


def expire_unpaid_orders(*, max_age_hours=48):
    """Cancel orders that were never paid; returns how many were cancelled."""
    cutoff = timezone.now() - timedelta(hours=max_age_hours)
    return Order.objects.filter(status=Order.Status.PENDING, created_at__lt=cutoff).update(
        status=Order.Status.CANCELLED
    )


def _payment_status(intent_status):
    if intent_status == "succeeded":
        return Payment.Status.SUCCEEDED
    if intent_status in ("processing", "requires_action", "requires_confirmation"):
        return Payment.Status.PROCESSING
    return Payment.Status.FAILED


def _mark_paid(order, payment):
    order.status = Order.Status.PAID
    order.save(update_fields=["status", "updated_at"])
    transaction.on_commit(
        lambda: email_tasks.delay_send_payment_receipt(payment.pk, countdown=30)
    )
