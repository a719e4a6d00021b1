from django.core import mail
from django.test import TestCase

from services.notifications import UnsubscribedRecipient, email

from .factories import make_customer


class SendWelcomeEmailTests(TestCase):
    def test_greets_the_customer_by_first_name(self):
        user = make_customer(first_name="Ana")

        email.send_welcome_email(user.pk)

        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["ana@example.com"])
        self.assertIn("Ana", mail.outbox[0].body)

    def test_does_not_write_to_closed_accounts(self):
        user = make_customer()
        user.is_active = False
        user.save()

        with self.assertRaises(UnsubscribedRecipient):
            email.send_welcome_email(user.pk)
        self.assertEqual(mail.outbox, [])
