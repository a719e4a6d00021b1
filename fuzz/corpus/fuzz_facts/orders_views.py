"""Views for browsing, paying for and scheduling orders."""
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import DetailView, ListView
from rest_framework import generics, permissions

from orders.models import Order, Payment
from orders.serializers import OrderSerializer
from orders.tasks import regenerate_invoice_pdf
from services.billing import PaymentError, payments
from services.integrations import CalendarNotConnected, google_calendar
from services.tasks import billing_tasks, email_tasks


class CustomerOrdersMixin(LoginRequiredMixin):
    def get_queryset(self):
        return Order.objects.filter(customer=self.request.user).prefetch_related("lines")


class OrderListView(CustomerOrdersMixin, ListView):
    template_name = "orders/order_list.html"
    paginate_by = 20


class OrderDetailView(CustomerOrdersMixin, DetailView):
    template_name = "orders/order_detail.html"


class OrderDetailAPIView(generics.RetrieveAPIView):
    serializer_class = OrderSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Order.objects.filter(customer=self.request.user).prefetch_related("lines")


class PayOrderView(LoginRequiredMixin, View):
    """Charge the saved card and hand the follow-up work to background tasks."""

    def post(self, request, pk):
        order = get_object_or_404(Order, pk=pk, customer=request.user)
        try:
            payment = payments.charge_order(
                order, payment_method_id=request.POST["payment_method_id"]
            )
        except PaymentError as exc:
            messages.error(request, str(exc))
            return redirect("orders:detail", pk=order.pk)

        if payment.status == Payment.Status.PROCESSING:
            billing_tasks.delay_refresh_payment_status(payment.pk)
        else:
            billing_tasks.schedule_invoice_generation(order.pk)
            transaction.on_commit(lambda: email_tasks.delay_send_order_confirmation(order.pk))
        messages.success(request, "Thank you! Your payment was received.")
        return redirect("orders:detail", pk=order.pk)


class CancelOrderView(LoginRequiredMixin, View):
    def post(self, request, pk):
        order = get_object_or_404(Order, pk=pk, customer=request.user)
        if order.status != Order.Status.PENDING:
            messages.error(request, "Only orders awaiting payment can be cancelled.")
            return redirect("orders:detail", pk=order.pk)
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status", "updated_at"])
        messages.info(request, f"{order} was cancelled.")
        return redirect("orders:list")


class DeliverySlotView(LoginRequiredMixin, View):
    """Offer delivery windows that fit around the customer's own calendar."""

    def get(self, request, pk):
        order = get_object_or_404(Order, pk=pk, customer=request.user)
        day = parse_date(request.GET.get("day", "")) or timezone.localdate()
        try:
            credentials = google_calendar.credentials.get_credentials(request.user)
        except CalendarNotConnected:
            credentials = None
        slots = google_calendar.list_free_slots(credentials, day) if credentials else []
        return render(
            request,
            "orders/delivery_slots.html",
            {"order": order, "day": day, "slots": slots, "calendar_connected": credentials is not None},
        )


@method_decorator(staff_member_required, name="dispatch")
class RegenerateInvoiceView(View):
    def post(self, request, pk):
        order = get_object_or_404(Order.objects.select_related("invoice"), pk=pk)
        regenerate_invoice_pdf.delay(order.invoice.pk)
        messages.info(request, f"The PDF of {order.invoice} is being regenerated.")
        return redirect("admin:orders_order_change", order.pk)
