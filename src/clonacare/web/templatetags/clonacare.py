"""Template filters shared by every page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

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
    shows the person who answered (the band's ``patient_label``, else its label), in the
    page's language where the instrument file gives them in it (``patient_label_es``)."""
    if not label:
        return ""
    return str(definition.patient_band(label, get_language() or "en"))


@register.filter
def patient_band_lang(definition: Any, label: str) -> str:
    """``lang="{{ definition|patient_band_lang:response.band }}"``: the language the
    words of ``patient_band`` are in (``en`` when the file has none in the page's)."""
    language = get_language() or "en"
    if not label:
        return language
    return str(definition.patient_band_in(label, language)[1])
