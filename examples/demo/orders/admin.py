from django.contrib import admin, messages

from orders.models import Invoice, Order, OrderLine, Payment
from services.billing import errors
from services.billing.invoices import render_invoice_pdf  # noqa: SVC201


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


@admin.action(description="Render the invoice PDF again")
def rerender_invoices(modeladmin, request, queryset):
    rendered = 0
    for invoice in queryset:
        try:
            render_invoice_pdf(invoice.pk)
        except errors.InvoiceError as exc:
            modeladmin.message_user(request, f"{invoice}: {exc}", level=messages.ERROR)
        else:
            rendered += 1
    modeladmin.message_user(request, f"Rendered {rendered} invoice(s).")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "customer", "status", "currency", "created_at"]
    list_filter = ["status", "currency"]
    search_fields = ["id", "customer__email"]
    inlines = [OrderLineInline]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "order", "status", "issued_at", "due_at"]
    list_filter = ["status"]
    actions = [rerender_invoices]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["provider_id", "order", "amount_cents", "status", "attempts"]
    list_filter = ["status"]
    readonly_fields = ["provider_id", "amount_cents"]
