"""Issuing and rendering invoices."""
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from orders.models import Invoice, Order

from .errors import InvoiceError


def next_invoice_number(issued_at):
    """Invoice numbers restart every year: ``2024-000123``."""
    prefix = f"{issued_at:%Y}-"
    last = (
        Invoice.objects.select_for_update()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


@transaction.atomic
def create_invoice_for_order(order_id):
    """Issue the invoice of an order (once) and render its PDF.

    Orders paid by card get a paid invoice; orders paid by bank transfer get
    an open one, due after the payment terms.
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status == Order.Status.CANCELLED:
        raise InvoiceError(f"{order} was cancelled and cannot be invoiced.")
    if hasattr(order, "invoice"):
        return order.invoice
    already_paid = order.status in (Order.Status.PAID, Order.Status.SHIPPED)

    issued_at = timezone.now()
    invoice = Invoice.objects.create(
        order=order,
        number=next_invoice_number(issued_at),
        issued_at=issued_at,
        due_at=issued_at + timedelta(days=settings.INVOICE_PAYMENT_TERMS_DAYS),
        status=Invoice.Status.PAID if already_paid else Invoice.Status.OPEN,
    )
    transaction.on_commit(lambda: render_invoice_pdf(invoice.pk))
    return invoice


def render_invoice_pdf(invoice_id):
    """(Re)build the PDF of an invoice from the current order lines."""
    from weasyprint import HTML

    invoice = Invoice.objects.select_related("order__customer").get(pk=invoice_id)
    if invoice.status == Invoice.Status.VOID:
        raise InvoiceError(f"Invoice {invoice.number} is void and cannot be rendered.")
    html = render_to_string(
        "billing/invoice.html",
        {"invoice": invoice, "order": invoice.order, "lines": invoice.order.lines.all()},
    )
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(HTML(string=html).write_pdf()))
    return invoice


def overdue_invoices(now=None):
    """Open invoices whose due date has passed."""
    return Invoice.objects.filter(status=Invoice.Status.OPEN, due_at__lt=now or timezone.now())
