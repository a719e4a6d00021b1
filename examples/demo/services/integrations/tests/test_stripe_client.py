from unittest import mock

import stripe
from django.test import SimpleTestCase, override_settings

from services.integrations import StripeAPIError, stripe_client


@override_settings(STRIPE_SECRET_KEY="sk_test_123")
class StripeClientTests(SimpleTestCase):
    @mock.patch("stripe.PaymentIntent.create")
    def test_returns_a_plain_dict(self, create):
        create.return_value = {"id": "pi_1", "status": "succeeded", "amount": 2500, "object": "payment_intent"}

        intent = stripe_client.create_payment_intent(
            amount=2500, currency="EUR", payment_method_id="pm_card_visa", metadata={}
        )

        self.assertEqual(intent, {"id": "pi_1", "status": "succeeded", "amount": 2500})
        self.assertEqual(create.call_args.kwargs["currency"], "eur")

    @mock.patch("stripe.PaymentIntent.create")
    def test_card_errors_keep_the_message_for_the_customer(self, create):
        create.side_effect = stripe.CardError(
            "Your card was declined.", param=None, code="card_declined"
        )

        with self.assertRaises(StripeAPIError) as caught:
            stripe_client.create_payment_intent(
                amount=2500, currency="EUR", payment_method_id="pm_card_visa", metadata={}
            )

        self.assertEqual(caught.exception.code, "card_declined")
