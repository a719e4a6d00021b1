from services.billing.invoices import (create_invoice,
def f(:
    raise PaymentError(
class X(Base
    @app.task(bind=True, name="x"
    def t(self): return 1
x = [1, 2
except ValueError as e: pass
