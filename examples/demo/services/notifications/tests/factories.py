"""Customers for the notification tests."""
from django.contrib.auth.models import User

from accounts.models import Profile


def make_customer(*, email="ana@example.com", first_name="Ana", phone="+351912345678"):
    user = User.objects.create_user(email.split("@")[0], email, first_name=first_name)
    Profile.objects.create(user=user, phone=phone)
    return user
