"""Third-party APIs: Stripe and Google Calendar.

Use ``from services.integrations import stripe_client`` or
``from services.integrations import google_calendar``.
"""
from .google_calendar.credentials import CalendarNotConnected
from .stripe_client import StripeAPIError

__all__ = ["CalendarNotConnected", "StripeAPIError"]
