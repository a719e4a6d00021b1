"""Loading, refreshing and storing customers' Google OAuth credentials."""
from datetime import timezone as dt_timezone

from django.conf import settings
from django.utils import timezone
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials

from accounts.models import CalendarConnection

SCOPES = [
    "https://www.googleapis.com/auth/calendar.freebusy",
    "https://www.googleapis.com/auth/calendar.events",
]
TOKEN_URI = "https://oauth2.googleapis.com/token"


class CalendarNotConnected(Exception):
    """The customer has not connected a Google Calendar, or revoked access."""


def get_credentials(user):
    """Credentials for ``user``'s calendar, refreshed when they have expired."""
    try:
        connection = CalendarConnection.objects.get(user=user, revoked_at__isnull=True)
    except CalendarConnection.DoesNotExist as exc:
        raise CalendarNotConnected(f"{user} has not connected a calendar.") from exc

    credentials = Credentials(
        token=connection.access_token,
        refresh_token=connection.refresh_token,
        token_uri=TOKEN_URI,
        client_id=settings.GOOGLE_CLIENT_ID,
        client_secret=settings.GOOGLE_CLIENT_SECRET,
        scopes=SCOPES,
        expiry=timezone.make_naive(connection.expires_at, dt_timezone.utc),
    )
    if not credentials.valid:
        credentials.refresh(Request())
        store_credentials(user, credentials)
    return credentials


def store_credentials(user, credentials):
    CalendarConnection.objects.update_or_create(
        user=user,
        defaults={
            "access_token": credentials.token,
            "refresh_token": credentials.refresh_token,
            "expires_at": timezone.make_aware(credentials.expiry, dt_timezone.utc),
            "revoked_at": None,
        },
    )


def revoke_credentials(user):
    CalendarConnection.objects.filter(user=user).update(revoked_at=timezone.now())
