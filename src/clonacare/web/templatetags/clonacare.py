"""Template filters shared by every page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def mg(value: Decimal | float | int | None) -> str:
    """A dose as a clinician writes it: 1.5, 0.125, 2 (no trailing zeros, no rounding)."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


@register.filter
def patient_band(definition: Any, label: str) -> str:
    """``{{ definition|patient_band:response.band }}``: a result in the words the portal
    shows the person who answered (the band's ``patient_label``, else its label)."""
    if not label:
        return ""
    return str(definition.patient_band(label))
