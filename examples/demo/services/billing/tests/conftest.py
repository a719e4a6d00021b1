"""Shared fixtures for the billing tests."""
import pytest

from services.integrations import stripe_client


@pytest.fixture
def stripe_intent(monkeypatch):
    """Make Stripe answer every payment intent with the status of our choice."""
    answer = {"id": "pi_test_123", "status": "succeeded"}

    def fake_create_payment_intent(**kwargs):
        return dict(answer, amount=kwargs["amount"])

    monkeypatch.setattr(stripe_client, "create_payment_intent", fake_create_payment_intent)
    monkeypatch.setattr(stripe_client, "retrieve_payment_intent", lambda intent_id: answer)
    return answer
