"""Celery application for the shop project."""
import functools
import logging
import os
import time

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

logger = logging.getLogger(__name__)

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")

# Tasks live in the ``tasks`` service. ``autodiscover_tasks`` still picks up
# the legacy ``orders/tasks.py`` until it has been moved.
app.conf.imports = (
    "services.tasks.email_tasks",
    "services.tasks.billing_tasks",
    "services.tasks.cleanup",
)
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "retry-failed-payments": {
        "task": "services.tasks.billing_tasks._retry_failed_payments",
        "schedule": crontab(minute=15),
    },
    "mark-overdue-invoices": {
        "task": "services.tasks.billing_tasks._mark_overdue_invoices",
        "schedule": crontab(hour=2, minute=0),
    },
    "expire-unpaid-orders": {
        "task": "services.tasks.cleanup._expire_unpaid_orders",
        "schedule": crontab(hour="*/6", minute=30),
    },
}


def instrumented_task(func):
    """Register ``func`` as a Celery task that logs how long every run takes."""

    @functools.wraps(func)
    def timed(*args, **kwargs):
        started = time.monotonic()
        try:
            return func(*args, **kwargs)
        finally:
            elapsed = time.monotonic() - started
            logger.info("task %s finished in %.3fs", func.__qualname__, elapsed)

    return app.task(name=f"{func.__module__}.{func.__name__}")(timed)
