"""Small helpers for showing and contacting customers."""
import re

from django.utils import timezone

_NOT_DIALABLE = re.compile(r"[^\d+]")


def display_name(user):
    """The name we greet a customer with: first name, full name or e-mail."""
    if user.first_name:
        return user.first_name
    full_name = user.get_full_name().strip()
    return full_name or user.email.split("@", 1)[0]


def normalize_phone(raw, default_country_code="+351"):
    """Turn what people type into an E.164-ish number the SMS gateway accepts."""
    number = _NOT_DIALABLE.sub("", raw or "")
    if not number:
        return ""
    if number.startswith("00"):
        number = "+" + number[2:]
    if not number.startswith("+"):
        number = default_country_code + number.lstrip("0")
    return number


def greeting(user, now=None):
    """Return a greeting such as "Good morning, Ana", in the shop's time zone."""
    hour = timezone.localtime(now).hour
    if hour < 12:
        part_of_day = "morning"
    elif hour < 18:
        part_of_day = "afternoon"
    else:
        part_of_day = "evening"
    return f"Good {part_of_day}, {display_name(user)}"
