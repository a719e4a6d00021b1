from django.contrib.auth.models import User

from orders.models import Order, OrderLine, Payment


def make_order(*, status=Order.Status.PENDING, lines=((2, 1250),), customer=None):
    """An order with ``lines`` given as ``(quantity, unit_price_cents)`` pairs."""
    if customer is None:
        count = User.objects.count()
        customer = User.objects.create_user(f"customer{count}", f"customer{count}@example.com")
    order = Order.objects.create(customer=customer, status=status)
    for number, (quantity, unit_price_cents) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=order,
            sku=f"SKU-{number:03d}",
            description=f"Product {number}",
            quantity=quantity,
            unit_price_cents=unit_price_cents,
        )
    return order


def make_payment(order, *, status=Payment.Status.SUCCEEDED, created_at=None):
    payment = Payment.objects.create(
        order=order,
        provider_id=f"pi_test_{order.pk}",
        amount_cents=order.total_cents,
        status=status,
    )
    if created_at is not None:
        Payment.objects.filter(pk=payment.pk).update(created_at=created_at)
        payment.refresh_from_db()
    return payment
