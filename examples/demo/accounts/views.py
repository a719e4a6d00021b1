"""Sign-up and account settings."""
from functools import partial

from django.contrib import messages
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.transaction import on_commit
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import CreateView, TemplateView

from services import billing
from services.integrations import CalendarNotConnected
from services.integrations.google_calendar import get_credentials
from services.tasks import email_tasks


class SignUpView(CreateView):
    form_class = UserCreationForm
    template_name = "accounts/signup.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        on_commit(partial(email_tasks.delay_send_welcome_email, self.object.pk))
        return response


class CalendarSettingsView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/calendar_settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            get_credentials(self.request.user)
        except CalendarNotConnected:
            context["calendar_connected"] = False
        else:
            context["calendar_connected"] = True
        return context


class PaymentMethodView(LoginRequiredMixin, TemplateView):
    """Make the card the customer just entered in Stripe Elements the default."""

    template_name = "accounts/payment_method.html"

    def post(self, request):
        try:
            billing.payments.update_default_card(request.user, request.POST["payment_method_id"])
        except billing.PaymentError as exc:
            messages.error(request, f"We could not save that card: {exc}")
        else:
            messages.success(request, "Your card was saved.")
        return redirect("accounts:payment-method")
