"""``{% patient_alert_notice as notice %}``: what the patient is told will happen after
a safety alert (``_crisis_alert.html``), in the words of ``assessments.notice``."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils import timezone

from clonacare.accounts.models import Role, membership_of
from clonacare.assessments.access import alerts_visible_to
from clonacare.assessments.models import SafetyAlert
from clonacare.assessments.notice import delivery_sentences
from clonacare.audit.log import actor_from_request
from clonacare.core.crisis import load_crisis_resources
from clonacare.patients.access import patients_visible_to

register = template.Library()


def _codes(context: template.Context) -> set[str]:
    """The alert codes the page shows: the include's ``alerts`` or the result's."""
    shown = context.get("alerts") or (context.get("result") or {}).get("alerts") or []
    return {str(a.get("code")) for a in shown if isinstance(a, dict) and a.get("code")}


@register.simple_tag(takes_context=True)
def patient_alert_notice(context: template.Context) -> dict[str, Any]:
    """``lines`` (what happens, as ``delivery_sentences``), ``danger_now`` (``988 or
    911``), ``seizure_now`` (``911`` when the patient says a seizure is happening now,
    else empty). Without a signed-in patient: the danger-now line alone."""
    crisis = load_crisis_resources(settings.CRISIS_FILE or None)
    notice: dict[str, Any] = {"lines": [], "danger_now": crisis.danger_now, "seizure_now": ""}
    request = context.get("request")
    user = getattr(request, "user", None)
    membership = membership_of(user)
    if request is None or membership is None or membership.role != Role.PATIENT:
        return notice
    # The alert a seizure report raised or joined, found by the page that read the
    # report through its gate; otherwise the patient's own alerts of the codes shown.
    newest: SafetyAlert | None = context.get("seizure_alert")
    if newest is None:
        actor = actor_from_request(request)
        alerts = alerts_visible_to(actor, patients_visible_to(actor)).select_related(
            "patient__program"
        )
        codes = _codes(context)
        if codes:
            alerts = alerts.filter(code__in=codes)
        newest = alerts.filter(acknowledged_at__isnull=True).order_by("-raised_at", "-id").first()
        newest = newest or alerts.order_by("-raised_at", "-id").first()
    if newest is None:
        return notice
    notice["lines"] = delivery_sentences(newest, timezone.now())
    report = context.get("seizure_report")
    if report is not None and report.happening_now:
        notice["seizure_now"] = crisis.emergency
    return notice
