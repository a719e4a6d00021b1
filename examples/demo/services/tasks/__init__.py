"""Celery tasks, and the only place that calls ``.delay``.

Every task is private (``_send_welcome_email``) and has a public
``delay_...`` function next to it that the rest of the code calls::

    from services.tasks import email_tasks

    email_tasks.delay_send_welcome_email(user.pk)
"""
