"""What the patient is told will happen after a safety alert.

Every sentence is true of the stored alert: whether the care team was emailed (or had
no address on file), whether a repeat joined an alert already open, whether and when
the program's on-call contact is emailed, or that it was marked as handled. It always
ends with whom to call in danger now, from the crisis resources file (the crisis lines
and emergency services: 988 or 911 in the US file), never a number written here.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from clonacare.accounts.models import Role
from clonacare.assessments.models import AlertNotification, SafetyAlert, SeizureReport
from clonacare.core.crisis import load_crisis_resources


def escalation_reaches(alert: SafetyAlert) -> str:
    """Who an escalation of ``alert`` would email, for a sentence: the program's
    on-call contact when it has an address, else its program admins when one has an
    email address; empty when it would reach no one."""
    program = alert.patient.program
    if program.on_call_email.strip():
        return "the program's on-call contact"
    admins = User.objects.filter(
        membership__program_id=program.pk, membership__role=Role.PROGRAM_ADMIN, is_active=True
    ).exclude(email="")
    return "the program's admins" if admins.exists() else ""


def _is(who: str) -> str:
    return "are" if who.endswith("admins") else "is"


def _has(who: str) -> str:
    return "have" if who.endswith("admins") else "has"


def _emailed(alert: SafetyAlert) -> str:
    """The sentence on the care team's email, from the notification log; empty before
    the mails went out (they go once the alert is committed)."""
    if alert.notified_at is None:
        return ""
    statuses = set(
        alert.notifications.filter(kind=AlertNotification.Kind.RAISED).values_list(
            "status", flat=True
        )
    )
    if AlertNotification.Status.SENT in statuses:
        if alert.repeats:
            return (
                "Your care team was emailed when this alert was first raised; it is still "
                "open, and your newest answer has been added to it."
            )
        return "Your care team has been emailed about it now."
    if AlertNotification.Status.FAILED in statuses:
        return "The email to your care team could not be sent."
    if AlertNotification.Status.NO_ADDRESS in statuses:
        return "No email could be sent to your care team (no address on file)."
    return "No one is on your care team in Clonacare yet, so no email could be sent."


def delivery_sentences(alert: SafetyAlert, now: dt.datetime) -> list[str]:
    """What happened and will happen to ``alert`` at ``now``, for the patient, in order."""
    site = settings.SITE_NAME
    if not alert.is_open:
        return ["Your care team has marked this alert as handled."]
    lines = [
        f"It is stored for your care team and shows on their screens in {site} until one "
        "of them marks it as handled."
    ]
    emailed = _emailed(alert)
    if emailed:
        lines.append(emailed)
    minutes = alert.patient.program.escalation_minutes
    reaches = escalation_reaches(alert)
    left = math.ceil((alert.raised_at + dt.timedelta(minutes=minutes) - now).total_seconds() / 60)
    if reaches and alert.escalated_at is not None:
        lines.append(
            f"No one marked it as handled within {minutes} minutes, so {reaches} "
            f"{_has(reaches)} been emailed too."
        )
    elif reaches and left <= 0:
        lines.append(
            f"No one has marked it as handled within {minutes} minutes, so it is due to go "
            f"to {reaches} now."
        )
    elif reaches:
        within = f"{left} minutes" if left != 1 else "1 minute"
        lines.append(
            f"If no one marks it as handled within {within}, {reaches} {_is(reaches)} emailed."
        )
    lines.append("An email may not be read at once, so do not wait for a reply if you need help.")
    return lines


def what_the_patient_is_told(alert: SafetyAlert, report: SeizureReport | None = None) -> list[str]:
    """The API's ``what_happens``: the page's sentences, as a list, the call to action
    first when a seizure is happening now and whom to call in danger now last."""
    crisis = load_crisis_resources(settings.CRISIS_FILE or None)
    alert = SafetyAlert.objects.select_related("patient__program").get(pk=alert.pk)
    first = (
        [f"If a seizure is happening now, call {crisis.emergency} now."]
        if report is not None and report.happening_now
        else []
    )
    return [
        *first,
        "An alert has gone to your care team.",
        *delivery_sentences(alert, timezone.now()),
        f"If you are in danger now, call {crisis.danger_now}.",
    ]
