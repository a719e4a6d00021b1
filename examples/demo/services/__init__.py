"""Business logic of the shop.

Django apps (``orders``, ``accounts``) only glue HTTP, the admin and the ORM
to the functions in here. Each sub-package is a service; import the service
or one of its modules, never deeper:

    from services.billing import payments, PaymentError
"""
