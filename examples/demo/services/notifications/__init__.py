"""Notifications: e-mails and text messages to customers."""
from .email import UnsubscribedRecipient

__all__ = ["UnsubscribedRecipient"]
