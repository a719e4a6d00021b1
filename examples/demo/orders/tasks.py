"""Background jobs for orders.

Written before the team adopted the tasks service; see services/tasks/.
"""
from celery import shared_task

from services.billing import invoices


@shared_task
def regenerate_invoice_pdf(invoice_id):
    """Render the invoice PDF again after the order lines changed."""
    invoices.render_invoice_pdf(invoice_id)
