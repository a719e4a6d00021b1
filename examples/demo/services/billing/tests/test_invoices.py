from unittest import mock

from django.test import TestCase

from orders.models import Invoice, Order
from services.billing import InvoiceError
from services.billing.invoices import create_invoice_for_order, next_invoice_number

from .factories import make_order


@mock.patch("services.billing.invoices.render_invoice_pdf")
class CreateInvoiceForOrderTests(TestCase):
    def test_issues_a_numbered_invoice_for_a_paid_order(self, render_invoice_pdf):
        order = make_order(status=Order.Status.PAID)

        with self.captureOnCommitCallbacks(execute=True):
            invoice = create_invoice_for_order(order.pk)

        self.assertEqual(invoice.status, Invoice.Status.PAID)
        self.assertRegex(invoice.number, r"^\d{4}-000001$")
        render_invoice_pdf.assert_called_once_with(invoice.pk)

    def test_is_idempotent(self, render_invoice_pdf):
        order = make_order(status=Order.Status.PAID)

        first = create_invoice_for_order(order.pk)
        second = create_invoice_for_order(order.pk)

        self.assertEqual(first.pk, second.pk)

    def test_bank_transfer_orders_get_an_open_invoice(self, render_invoice_pdf):
        order = make_order(status=Order.Status.PENDING)

        invoice = create_invoice_for_order(order.pk)

        self.assertEqual(invoice.status, Invoice.Status.OPEN)
        self.assertGreater(invoice.due_at, invoice.issued_at)

    def test_refuses_cancelled_orders(self, render_invoice_pdf):
        order = make_order(status=Order.Status.CANCELLED)

        with self.assertRaises(InvoiceError):
            create_invoice_for_order(order.pk)


class NextInvoiceNumberTests(TestCase):
    def test_numbers_restart_every_year(self):
        order = make_order(status=Order.Status.PAID)
        with mock.patch("services.billing.invoices.render_invoice_pdf"):
            invoice = create_invoice_for_order(order.pk)

        next_year = invoice.issued_at.replace(year=invoice.issued_at.year + 1)

        self.assertEqual(next_invoice_number(next_year), f"{next_year:%Y}-000001")
