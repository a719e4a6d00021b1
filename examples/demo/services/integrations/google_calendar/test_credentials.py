from django.contrib.auth.models import User
from django.test import TestCase

from .credentials import CalendarNotConnected, get_credentials


class GetCredentialsTests(TestCase):
    def test_user_without_a_connection(self):
        user = User.objects.create_user("bruno", "bruno@example.com")

        with self.assertRaises(CalendarNotConnected):
            get_credentials(user)
