"""Customer profile data that does not belong on the auth user."""
from django.conf import settings
from django.db import models


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    phone = models.CharField(max_length=20, blank=True)
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    default_payment_method = models.CharField(max_length=64, blank=True)
    sms_reminders = models.BooleanField(default=True)
    marketing_opt_in = models.BooleanField(default=False)

    def __str__(self):
        return f"Profile of {self.user}"


class CalendarConnection(models.Model):
    """OAuth tokens for the customer's Google Calendar."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_connection"
    )
    access_token = models.TextField()
    refresh_token = models.TextField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Calendar of {self.user}"
