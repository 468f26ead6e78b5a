"""What the patient is told after a safety alert: the one place that words it.

Every sentence is true of the stored alerts and their notification log: what the alert
is about (its code: a suicide answer, an unanswered safety question, a seizure), whether
the care team was emailed (sent, being sent, failed, no address on file, no one on the
care team), whether a repeat joined an alert already open and whether the care team was
emailed again, whether and to whom it was escalated, and when it would be. It always ends
with whom to call in danger now, from the crisis resources file (988 or 911 in the US
file), never a number written here. The pages (``_crisis_alert.html``) and the API
(``what_happens``) show the same sentences.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings

from clonacare.assessments.models import AlertNotification, SafetyAlert, SeizureReport
from clonacare.assessments.notify import escalation_reach, minutes_text
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.instruments.definition import SCREEN_INCOMPLETE

Kind = AlertNotification.Kind
Status = AlertNotification.Status
Reason = AlertNotification.Reason

# Most urgent first: which alert the delivery sentences describe when a form raised several.
URGENCY = ("suicide-risk-imminent", "seizure", "suicide-risk", SCREEN_INCOMPLETE)

WHAT = {
    "suicide-risk-imminent": (
        "Some of your answers tell us you may be having thoughts of harming yourself."
    ),
    "suicide-risk": "Some of your answers tell us you may be having thoughts of harming yourself.",
    SCREEN_INCOMPLETE: (
        "A question about your safety was left unanswered, or its answer could not be read; "
        "your care team will ask it with you."
    ),
    "seizure": "Your answers tell us about a seizure.",
}
OTHER = "Some of your answers need your care team's attention."


@dataclass(frozen=True)
class Notice:
    """``call_now``: the emergency line when a seizure may be happening now, else "";
    ``lines``: what the alerts are and what happened and will happen to them;
    ``danger_now``: whom to call in danger now (``988 or 911``)."""

    call_now: str = ""
    lines: list[str] = field(default_factory=list)
    danger_now: str = ""

    @property
    def call_now_sentence(self) -> str:
        return f"If a seizure is happening now, call {self.call_now} now." if self.call_now else ""

    @property
    def danger_now_sentence(self) -> str:
        return f"If you are in danger now, call {self.danger_now}."

    def sentences(self) -> list[str]:
        first = [self.call_now_sentence] if self.call_now else []
        return [*first, *self.lines, self.danger_now_sentence]


def _urgency(alert: SafetyAlert) -> tuple[int, int]:
    rank = URGENCY.index(alert.code) if alert.code in URGENCY else len(URGENCY)
    return rank, -alert.pk


def _plural(who: str) -> bool:
    return who.endswith("admins")


def _who(rows: Sequence[AlertNotification]) -> str:
    """Whom escalation rows name: the on-call contact and/or the admins."""
    on_call = any(r.recipient_id is None for r in rows)
    admins = any(r.recipient_id is not None for r in rows)
    if on_call and admins:
        return "the program's on-call contact and admins"
    return "the program's on-call contact" if on_call else "the program's admins"


def _latest_batch(alert: SafetyAlert, kind: str) -> list[AlertNotification]:
    """The rows of the newest batch of ``kind`` (queued together), by the order written."""
    rows = list(alert.notifications.filter(kind=kind).order_by("id"))
    if not rows:
        return []
    newest = rows[-1].at
    return [r for r in rows if r.at == newest]


def _care_team_sentence(alert: SafetyAlert, batch: list[AlertNotification]) -> str:
    statuses = {r.status for r in batch}
    again = bool(batch) and batch[0].reason == Reason.AGAIN
    if Status.SENT in statuses:
        if again:
            return (
                "It was already open; your care team has been emailed again about your "
                "newest answer."
            )
        if alert.repeats:
            return (
                "Your care team was emailed when this alert was first raised; it is still "
                "open, and your newest answer has been added to it."
            )
        return "Your care team has been emailed about it now."
    if alert.repeats and not again:
        return "This alert was already open; your newest answer has been added to it."
    if Status.PENDING in statuses:
        return "An email to your care team is being sent now."
    if Status.FAILED in statuses:
        return "The email to your care team could not be sent; it will be tried again."
    if Status.NO_ADDRESS in statuses:
        return "No email could be sent to your care team (no address on file)."
    return "No one is on your care team in Clonacare yet, so no email could be sent."


def _escalation_sentence(
    alert: SafetyAlert, care_team: list[AlertNotification], now: dt.datetime
) -> str:
    program = alert.patient.program
    minutes = minutes_text(program.escalation_minutes)
    batch = _latest_batch(alert, Kind.ESCALATED)
    if alert.escalated_at is not None and batch:
        reached = [r for r in batch if r.status in (Status.SENT, Status.PENDING)]
        if not reached:
            return (
                "It was due to go to the program's on-call contact and admins, but no email "
                "could be sent to them."
            )
        who = _who(reached)
        verb = (
            ("have" if _plural(who) else "has") + " been emailed"
            if any(r.status == Status.SENT for r in reached)
            else ("are" if _plural(who) else "is") + " being emailed now"
        )
        reason = batch[0].reason
        if reason == Reason.UNREACHED:
            return f"Because no email reached your care team, {who} {verb} instead."
        if reason == Reason.AGAIN:
            sent = any(r.status == Status.SENT for r in reached)
            again = "have been emailed again" if sent else "are being emailed again now"
            return f"It had already gone to {who}; as it was raised again, they {again}."
        return f"No one marked it as handled within {minutes}, so {who} {verb}."
    reach = escalation_reach(program)
    if not reach or alert.notified_at is None:
        return ""
    if not any(r.status in (Status.SENT, Status.PENDING) for r in care_team):
        return f"Because no email reached your care team, it goes to {reach} at once."
    due = alert.notified_at + dt.timedelta(minutes=program.escalation_minutes)
    left = math.ceil((due - now).total_seconds() / 60)
    if left <= 0:
        return (
            f"No one has marked it as handled within {minutes}, so it is due to go to {reach} now."
        )
    verb = "are" if _plural(reach) else "is"
    return f"If no one marks it as handled within {minutes_text(left)}, {reach} {verb} emailed."


def delivery_sentences(alert: SafetyAlert, now: dt.datetime) -> list[str]:
    """What happened and will happen to ``alert`` at ``now``, for the patient, in order,
    from its notification log."""
    if not alert.is_open:
        return ["Your care team has marked this alert as handled."]
    site = settings.SITE_NAME
    lines = [
        f"It is stored for your care team and shows on their screens in {site} until one "
        "of them marks it as handled."
    ]
    care_team = _latest_batch(alert, Kind.RAISED)
    if alert.notified_at is not None:
        lines.append(_care_team_sentence(alert, care_team))
    escalation = _escalation_sentence(alert, care_team, now)
    if escalation:
        lines.append(escalation)
    lines.append("An email may not be read at once, so do not wait for a reply if you need help.")
    return lines


def patient_notice(
    alerts: Sequence[SafetyAlert],
    now: dt.datetime,
    *,
    seizure_report: SeizureReport | None = None,
    possibly_now: bool = False,
) -> Notice:
    """What the patient is told about ``alerts`` (those their form or report raised or
    joined): what each kind is about, then the delivery of the most urgent one. The
    emergency line first when a seizure is (or may be: ``possibly_now``) happening now."""
    crisis = load_crisis_resources(settings.CRISIS_FILE or None)
    ranked = sorted(alerts, key=_urgency)
    what: list[str] = []
    for alert in ranked:
        sentence = (
            "You told us about a seizure."
            if alert.code == "seizure" and seizure_report is not None
            else WHAT.get(alert.code, OTHER)
        )
        if sentence not in what:
            what.append(sentence)
    seizure_now = seizure_report is not None and (seizure_report.happening_now or possibly_now)
    lines = [*what, *(delivery_sentences(ranked[0], now) if ranked else [])]
    return Notice(
        call_now=crisis.emergency if seizure_now else "",
        lines=lines,
        danger_now=crisis.danger_now,
    )


def what_the_patient_is_told(
    alerts: Sequence[SafetyAlert],
    now: dt.datetime,
    *,
    seizure_report: SeizureReport | None = None,
    possibly_now: bool = False,
) -> list[str]:
    """The API's ``what_happens``: the page's sentences, as a list, the call to action
    first when a seizure is happening now and whom to call in danger now last."""
    fresh = list(
        SafetyAlert.objects.select_related("patient__program").filter(pk__in=[a.pk for a in alerts])
    )
    return patient_notice(
        fresh, now, seizure_report=seizure_report, possibly_now=possibly_now
    ).sentences()
