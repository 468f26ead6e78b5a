"""``{% patient_alert_notice as notice %}``: what the patient is told about the alerts
the page is about (``_crisis_alert.html``), in the words of ``assessments.notice``.

The alerts are the page's own, never the patient's newest: a result page's are those its
response raised or joined (``response``), a refused form's those the refusal raised or
joined (``safety.alert_ids``), a seizure report's those it raised or joined
(``seizure_alerts``); each read through the patient's gate."""

from __future__ import annotations

from django import template
from django.utils import timezone

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.models import Role, membership_of
from clonacare.assessments.access import alerts_visible_to
from clonacare.assessments.models import InstrumentResponse
from clonacare.assessments.notice import Notice, danger_now_notice, patient_notice
from clonacare.patients.access import patients_visible_to

register = template.Library()


def _alert_ids(context: template.Context) -> list[int]:
    """The ids of the alerts the page is about."""
    shown = context.get("seizure_alerts")
    if shown is not None:
        return [a.pk for a in shown]
    safety = context.get("safety")
    if safety is not None:
        return list(getattr(safety, "alert_ids", ()))
    response = context.get("response")
    if isinstance(response, InstrumentResponse):
        return [
            *response.alerts.values_list("pk", flat=True),
            *response.alert_repeats.values_list("alert_id", flat=True),
        ]
    return []


@register.simple_tag(takes_context=True)
def patient_alert_notice(context: template.Context) -> Notice:
    """``call_now`` (``911`` when a seizure is or may be happening now), ``lines`` (what
    the alerts are and what happens, as ``notice.patient_notice``), ``danger_now``
    (``988 or 911``), in the page's language. Without a signed-in patient: the danger-now
    line alone."""
    request = context.get("request")
    user = getattr(request, "user", None)
    membership = membership_of(user)
    if request is None or membership is None or membership.role != Role.PATIENT:
        return danger_now_notice()
    actor = actor_from_request(request)
    alerts = list(
        alerts_visible_to(actor, patients_visible_to(actor))
        .select_related("patient__program")
        .filter(pk__in=_alert_ids(context))
    )
    report = context.get("seizure_report")
    notice = patient_notice(
        alerts,
        timezone.now(),
        seizure_report=report,
        possibly_now=bool(context.get("possibly_now")),
    )
    if not alerts and report is None:
        return danger_now_notice()
    return notice
