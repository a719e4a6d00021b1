from unittest import mock

from django.test import SimpleTestCase

from services.tasks import email_tasks
from services.tasks.email_tasks import delay_send_payment_receipt


class WrapperTests(SimpleTestCase):
    @mock.patch.object(email_tasks._send_welcome_email, "delay")
    def test_delay_send_welcome_email_queues_the_task(self, delay):
        email_tasks.delay_send_welcome_email(42)

        delay.assert_called_once_with(42)

    @mock.patch.object(email_tasks._send_payment_receipt, "apply_async")
    def test_receipt_can_be_held_back(self, apply_async):
        delay_send_payment_receipt(7, countdown=30)

        apply_async.assert_called_once_with((7,), countdown=30)


class TaskTests(SimpleTestCase):
    @mock.patch("services.tasks.email_tasks.email")
    def test_welcome_email_hands_off_to_the_notifications_service(self, email):
        email_tasks._send_welcome_email(42)

        email.send_welcome_email.assert_called_once_with(42)

    @mock.patch("services.tasks.email_tasks.sms")
    def test_delivery_reminder_hands_off_to_the_notifications_service(self, sms):
        email_tasks.send_delivery_reminder(9)

        sms.send_delivery_reminder.assert_called_once_with(9)
