"""The shop Django project.

Importing the Celery app here makes sure it is loaded when Django starts, so
that tasks defined with ``@app.task`` use it.
"""
from .celery import app as celery_app

__all__ = ("celery_app",)
