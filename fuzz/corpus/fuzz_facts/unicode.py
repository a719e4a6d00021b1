# -*- coding: utf-8 -*-
from ..café import naïve as n
α = "€ 😀"
def 名(x=α):
    return n(x).delay(α)
�� = broken
