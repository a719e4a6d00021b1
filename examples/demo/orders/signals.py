"""Signal receivers for the orders app."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from orders.models import Invoice, OrderLine
from orders.tasks import regenerate_invoice_pdf


@receiver(post_save, sender=OrderLine)
def refresh_invoice_after_line_change(sender, instance, created, **kwargs):
    """Keep the invoice PDF in step with the order lines."""
    invoice_id = (
        Invoice.objects.filter(order_id=instance.order_id).values_list("pk", flat=True).first()
    )
    if invoice_id is not None:
        regenerate_invoice_pdf.apply_async((invoice_id,), countdown=10)
