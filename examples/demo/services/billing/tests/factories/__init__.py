"""Builders for the objects billing tests need."""
from .orders import make_order, make_payment

__all__ = ["make_order", "make_payment"]
