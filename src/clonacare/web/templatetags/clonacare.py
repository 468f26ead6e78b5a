"""Template filters shared by every page."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def mg(value: Decimal | float | int | None) -> str:
    """A dose as a clinician writes it: 1.5, 0.125, 2 (no trailing zeros, no rounding)."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")
