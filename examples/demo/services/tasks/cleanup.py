"""Housekeeping jobs."""
from services.billing import payments
from shop.celery import app


@app.task
def _expire_unpaid_orders(max_age_hours=48):
    """Cancel orders nobody paid for; run every six hours by celery beat."""
    return payments.expire_unpaid_orders(max_age_hours=max_age_hours)


def delay_expire_unpaid_orders(max_age_hours=48):
    return _expire_unpaid_orders.delay(max_age_hours)
