"""Text messages through our SMS gateway."""
import requests
from django.conf import settings
from django.utils import formats, timezone

from orders.models import Order


class SmsDeliveryError(Exception):
    """The gateway did not accept the message."""


def send_sms(phone_number, body):
    """Send one text message; raises ``SmsDeliveryError`` when the gateway refuses it."""
    response = requests.post(
        settings.SMS_GATEWAY_URL,
        json={"to": phone_number, "text": body[:160]},
        headers={"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
        timeout=10,
    )
    if response.status_code >= 400:
        raise SmsDeliveryError(f"Gateway answered {response.status_code}: {response.text[:200]}")
    return response.json()["id"]


def send_delivery_reminder(order_id):
    """Remind the customer that their delivery is coming, if they want reminders."""
    order = Order.objects.select_related("customer__profile").get(pk=order_id)
    profile = order.customer.profile
    if not (profile.sms_reminders and profile.phone and order.delivery_slot_start):
        return None
    when = formats.time_format(timezone.localtime(order.delivery_slot_start), "H:i")
    return send_sms(profile.phone, f"Your shop order #{order.pk} arrives today around {when}.")
