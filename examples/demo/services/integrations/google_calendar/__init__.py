"""Google Calendar: OAuth credentials and free/busy look-ups.

    from services.integrations import google_calendar

    credentials = google_calendar.get_credentials(user)
    slots = google_calendar.list_free_slots(credentials, day)
"""
from .credentials import get_credentials, revoke_credentials, store_credentials
from .events import create_event, list_free_slots

__all__ = [
    "create_event",
    "get_credentials",
    "list_free_slots",
    "revoke_credentials",
    "store_credentials",
]
