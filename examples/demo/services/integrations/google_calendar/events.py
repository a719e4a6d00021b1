"""Reading and writing calendar events."""
from datetime import datetime, time, timedelta

from django.utils import timezone
from googleapiclient.discovery import build

DELIVERY_DAY_START = time(9, 0)
DELIVERY_DAY_END = time(19, 0)


def _service(credentials):
    return build("calendar", "v3", credentials=credentials, cache_discovery=False)


def list_free_slots(credentials, day, *, slot_minutes=60):
    """Start times on ``day`` when the customer's primary calendar is free."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, DELIVERY_DAY_START, tzinfo=tz)
    end = datetime.combine(day, DELIVERY_DAY_END, tzinfo=tz)
    answer = (
        _service(credentials)
        .freebusy()
        .query(body={"timeMin": start.isoformat(), "timeMax": end.isoformat(), "items": [{"id": "primary"}]})
        .execute()
    )
    busy = [
        (datetime.fromisoformat(block["start"]), datetime.fromisoformat(block["end"]))
        for block in answer["calendars"]["primary"]["busy"]
    ]
    slot = timedelta(minutes=slot_minutes)
    slots = []
    candidate = start
    while candidate + slot <= end:
        if all(candidate + slot <= busy_start or candidate >= busy_end for busy_start, busy_end in busy):
            slots.append(candidate)
        candidate += slot
    return slots


def create_event(credentials, *, summary, start, end, description=""):
    """Put an event in the customer's primary calendar and return its id."""
    event = {
        "summary": summary,
        "description": description,
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": end.isoformat()},
    }
    created = _service(credentials).events().insert(calendarId="primary", body=event).execute()
    return created["id"]
