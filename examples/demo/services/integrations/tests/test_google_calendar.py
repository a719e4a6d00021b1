from datetime import date, datetime, time
from unittest import mock

from django.test import SimpleTestCase
from django.utils import timezone

from services.integrations import google_calendar


class ListFreeSlotsTests(SimpleTestCase):
    @mock.patch.object(google_calendar.events, "_service")
    def test_skips_busy_hours(self, service):
        tz = timezone.get_current_timezone()
        busy_from = datetime.combine(date(2024, 5, 2), time(10, 0), tzinfo=tz)
        busy_to = datetime.combine(date(2024, 5, 2), time(12, 0), tzinfo=tz)
        service.return_value.freebusy.return_value.query.return_value.execute.return_value = {
            "calendars": {
                "primary": {"busy": [{"start": busy_from.isoformat(), "end": busy_to.isoformat()}]}
            }
        }

        slots = google_calendar.list_free_slots(object(), date(2024, 5, 2))

        self.assertEqual([slot.hour for slot in slots], [9, 12, 13, 14, 15, 16, 17, 18])
