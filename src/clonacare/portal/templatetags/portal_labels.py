"""``{% load portal_labels %}``, then ``{{ member.role|portal_label:"role" }}``: a stored
choice in the page's language (``portal.labels``)."""

from __future__ import annotations

from django import template

from clonacare.portal.labels import portal_label as label_of

register = template.Library()


@register.filter(name="portal_label")
def portal_label(code: str, kind: str) -> str:
    """The word for ``code`` of ``kind`` (``role``, ``patient-status``, ``session-kind``,
    ``session-status``, ``attendance``) in the page's language."""
    return label_of(kind, code)
