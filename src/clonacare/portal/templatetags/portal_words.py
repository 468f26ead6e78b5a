"""Template filters of the portal's pages: ``{% load portal_words %}``, then
``{{ code|dose_time }}`` and ``{{ day|patient_date }}`` or
``{{ day|patient_date:"weekday" }}`` (``portal.words``)."""

from __future__ import annotations

import datetime as dt

from django import template

from clonacare.portal.words import dose_time_label, patient_date

register = template.Library()


@register.filter(name="dose_time")
def dose_time(code: str) -> str:
    """A dose time code in the page's language."""
    return dose_time_label(code)


@register.filter(name="patient_date", expects_localtime=True)
def patient_date_filter(value: dt.date | None, form: str = "day") -> str:
    """A date (or an aware datetime, in local time) in the page's language."""
    return patient_date(value, form)
