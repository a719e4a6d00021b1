from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("settings/calendar/", views.CalendarSettingsView.as_view(), name="calendar-settings"),
    path("settings/payment-method/", views.PaymentMethodView.as_view(), name="payment-method"),
]
