from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order, Payment
from services.billing import PaymentError, payments
from services.billing.errors import RefundError

from .factories import make_order, make_payment

pytestmark = pytest.mark.django_db


def test_successful_charge_marks_the_order_paid(stripe_intent):
    order = make_order()

    payment = payments.charge_order(order, payment_method_id="pm_card_visa")

    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert order.status == Order.Status.PAID


def test_processing_charge_leaves_the_order_pending(stripe_intent):
    stripe_intent["status"] = "processing"
    order = make_order()

    payments.charge_order(order, payment_method_id="pm_card_visa")

    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


def test_cannot_pay_a_cancelled_order(stripe_intent):
    order = make_order(status=Order.Status.CANCELLED)

    with pytest.raises(PaymentError):
        payments.charge_order(order, payment_method_id="pm_card_visa")


def test_refund_window_is_thirty_days():
    order = make_order(status=Order.Status.PAID)
    payment = make_payment(order, created_at=timezone.now() - timedelta(days=31))

    with pytest.raises(RefundError):
        payments.refund_payment(payment)
