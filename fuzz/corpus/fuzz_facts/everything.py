"""Docstring."""
from __future__ import annotations
import services.billing.invoices as inv, os.path
from services.tasks import email_tasks
from . import sibling
from .. import *
from celery import shared_task

__all__ = ["delay_x", "Error"]
INSTALLED_APPS = ["orders", "accounts.apps.AccountsConfig"]
__all__ += ["y"]

class Error(ValueError, metaclass=Meta):
    pass

@shared_task(bind=True, name="svc.x", **opts)
def _x(self, a, /, b=1, *args, c: int = 2, **kw) -> None:
    for i in range(3):
        inv.create(a, *args, key=b, **kw)
    while False:
        pass
    try:
        email_tasks.delay_send(a)
    except (Error, inv.PaymentError) as e:
        raise Error("x") from e
    if isinstance(a, (Error, KeyError)):
        return lambda q=a: q.delay()
    match a:
        case inv.Point(x=0) as p:
            pass
    x = [y async for y in z] if (w := 3) else {k: v for k, v in d}
    global G
    _x.apply_async(args=[1], countdown=3)  # noqa
    return f"{a!r:>{b}}" "tail"

def delay_x(a, b=1):
    return _x.delay(a, b)

async def g():
    await sibling.h()

type Alias = list[int]
on_commit(partial(email_tasks.delay_send, 1))
