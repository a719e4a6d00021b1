"""Transactional e-mails."""
from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from accounts.helpers import display_name
from orders.models import Order, Payment
from services.utils import format_money


class UnsubscribedRecipient(Exception):
    """The recipient asked us not to send this kind of e-mail."""


def send_templated_email(recipient, subject, template, context):
    """Render ``template``.txt/.html with ``context`` and send it to ``recipient``."""
    if not recipient.is_active:
        raise UnsubscribedRecipient(f"{recipient} has closed their account.")
    context = dict(context, name=display_name(recipient))
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    message.send()


def send_welcome_email(user_id):
    user = User.objects.get(pk=user_id)
    send_templated_email(user, "Welcome to the shop", "welcome", {"user": user})


def send_order_confirmation(order_id):
    order = Order.objects.select_related("customer").prefetch_related("lines").get(pk=order_id)
    send_templated_email(
        order.customer,
        f"We received your order #{order.pk}",
        "order_confirmation",
        {"order": order, "total": format_money(order.total_cents, order.currency)},
    )


def send_payment_receipt(payment_id):
    payment = Payment.objects.select_related("order__customer").get(pk=payment_id)
    send_templated_email(
        payment.order.customer,
        f"Receipt for order #{payment.order_id}",
        "payment_receipt",
        {"payment": payment, "amount": format_money(payment.amount_cents, payment.order.currency)},
    )
