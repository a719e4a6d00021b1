"""Billing tasks: invoices and payment follow-ups."""
from django.utils import timezone

from orders.models import Invoice
from services.billing import invoices, payments
from services.integrations import StripeAPIError
from shop.celery import app, instrumented_task


@app.task
def _generate_invoice(order_id):
    """Issue the invoice of a paid order."""
    invoices.create_invoice_for_order(order_id)


def schedule_invoice_generation(order_id):
    return _generate_invoice.delay(order_id)


@app.task(bind=True, autoretry_for=(StripeAPIError,), retry_backoff=True, max_retries=5)
def _refresh_payment_status(self, payment_id):
    """Poll Stripe until a processing payment has settled."""
    payments.refresh_payment_status(payment_id)


def delay_refresh_payment_status(payment_id):
    return _refresh_payment_status.apply_async((payment_id,), countdown=60)


@app.task
def _retry_failed_payments():
    """Run hourly by celery beat (see shop/celery.py)."""
    payments.retry_failed_payments()


@instrumented_task
def _mark_overdue_invoices():
    """Flag open invoices past their due date; run nightly by celery beat."""
    now = timezone.now()
    for invoice in invoices.overdue_invoices(now):
        invoice.status = Invoice.Status.OVERDUE
        invoice.save(update_fields=["status"])


def delay_mark_overdue_invoices():
    return _mark_overdue_invoices.delay()
