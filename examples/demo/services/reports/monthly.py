"""Monthly revenue figures for the finance team."""
from django.db.models import Count, F, Sum

from orders.models import Order, OrderLine


def revenue_by_month(year):
    """Paid revenue in cents for each month of ``year``, as ``{month: cents}``."""
    rows = (
        OrderLine.objects.filter(
            order__status__in=[Order.Status.PAID, Order.Status.SHIPPED],
            order__created_at__year=year,
        )
        .values("order__created_at__month")
        .annotate(cents=Sum(F("quantity") * F("unit_price_cents")))
    )
    return {row["order__created_at__month"]: row["cents"] for row in rows}


def top_products(year, month, limit=10):
    """The best-selling SKUs of a month, with how many orders included them."""
    return list(
        OrderLine.objects.filter(order__created_at__year=year, order__created_at__month=month)
        .values("sku", "description")
        .annotate(orders=Count("order", distinct=True), units=Sum("quantity"))
        .order_by("-units")[:limit]
    )
