"""Doses as plain digits, the way people write them and forms show them."""

from __future__ import annotations

from decimal import Decimal


def plain_mg(value: Decimal) -> str:
    """``value`` in plain digits without trailing zeros: 10 (never 1E+1), 4.5 (not
    4.500), 0.125, 0 (not 0E-3)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text
