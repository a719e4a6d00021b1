"""E-mail and SMS tasks: each one hands off to the notifications service."""
from services.notifications import email, sms
from shop.celery import app


@app.task
def _send_welcome_email(user_id):
    """Send the welcome e-mail to a new customer."""
    email.send_welcome_email(user_id)


def delay_send_welcome_email(user_id):
    return _send_welcome_email.delay(user_id)


@app.task(autoretry_for=(ConnectionError,), retry_backoff=True)
def _send_order_confirmation(order_id):
    """Confirm an order by e-mail."""
    email.send_order_confirmation(order_id)


def delay_send_order_confirmation(order_id):
    return _send_order_confirmation.delay(order_id)


@app.task(autoretry_for=(ConnectionError,), retry_backoff=True)
def _send_payment_receipt(payment_id):
    """E-mail the receipt of a successful payment."""
    email.send_payment_receipt(payment_id)


def delay_send_payment_receipt(payment_id, *, countdown=0):
    """Queue the receipt; ``countdown`` leaves time for a quick refund to land first."""
    return _send_payment_receipt.apply_async((payment_id,), countdown=countdown)


@app.task(rate_limit="30/m")
def send_delivery_reminder(order_id):
    """Text the customer on the morning of their delivery."""
    sms.send_delivery_reminder(order_id)


def delay_send_delivery_reminder(order_id, *, eta):
    return send_delivery_reminder.apply_async((order_id,), eta=eta)
