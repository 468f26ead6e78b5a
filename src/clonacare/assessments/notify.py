"""Emailing people about safety alerts: the care team when one is raised, the on-call
address and the program admins when no one acknowledged it in time.

What a mail says, and what it leaves out (docs/records.md, "Alert delivery"): the kind
of alert and the catalogue's message for it (the same words for every patient), the
program, when it was raised, the patient's record number and a link to the record.
Never the patient's name, date of birth, answers or which answer raised it: records of
substance use treatment are protected by 42 CFR Part 2, and an email can be forwarded,
misdirected or kept on servers outside the program. Whoever receives it signs in (with
two-factor where the program requires it) to see the rest, and that read is audited.

Every recipient gets one message of their own (no one sees the others' addresses), and
one row in the notification log (``AlertNotification``): sent, failed, or not sent
because the person has no email address. A failure to send never undoes the alert: it
is stored and shown on every staff page whatever the mail server does.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone

from clonacare.accounts.models import Role
from clonacare.assessments.models import AlertNotification, SafetyAlert
from clonacare.audit.log import Actor, record

log = logging.getLogger(__name__)

# The audit actor of what Clonacare does by itself (emails, escalations).
SYSTEM = Actor(
    user_id=None,
    username="clonacare",
    role="system",
    program_id=None,
    ip_address=None,
    user_agent="alert delivery",
)


@dataclass(frozen=True)
class Recipient:
    """A staff member (``user``) or the program's on-call address (``user`` None);
    ``address`` empty when there is none to write to."""

    user: User | None
    address: str

    @property
    def name(self) -> str:
        return self.user.get_username() if self.user is not None else "on-call"


def record_link(alert: SafetyAlert) -> str:
    """The patient's record, where the alert is shown and acknowledged."""
    path = reverse("clinic:patient", kwargs={"patient_id": alert.patient_id})
    return f"{settings.SITE_URL.rstrip('/')}{path}#alert-{alert.pk}"


def _when(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def _facts(alerts: Sequence[SafetyAlert]) -> list[str]:
    """Each alert's kind and meaning, then the program, when, the record and the link."""
    first = alerts[0]
    lines: list[str] = []
    for alert in alerts:
        lines += [f"Alert: {alert.code}", f"What it means: {alert.message}"]
    return [
        *lines,
        f"Program: {first.patient.program.name}",
        f"Raised: {_when(first.raised_at)}",
        f"Patient record: {first.patient_id}",
        f"Open the record: {record_link(first)}",
    ]


PRIVACY_NOTE = (
    "This email leaves out the patient's name and answers on purpose: substance use "
    "treatment records are protected (42 CFR Part 2) and email can travel outside the "
    "program. Sign in to see who it is and which answer raised the alert."
)


def care_team_mail(alerts: Sequence[SafetyAlert]) -> tuple[str, str]:
    """The subject and body of the one mail to each member of the care team about
    ``alerts``, raised together for one patient (an ASQ acuity yes raises two)."""
    program = alerts[0].patient.program
    codes = ", ".join(a.code for a in alerts)
    several = len(alerts) > 1
    subject = (
        f"[{settings.SITE_NAME}] Safety alert{'s' if several else ''} ({codes}) for a "
        f"{program.name} patient"
    )
    lines = [
        f"{'Safety alerts were' if several else 'A safety alert was'} raised for a patient "
        "whose care team you are on.",
        "",
        *_facts(alerts),
        "",
        f"Acknowledge {'each' if several else 'it'} on the record with a note of what was "
        f"done. If no one acknowledges {'an alert' if several else 'it'} within "
        f"{program.escalation_minutes} minutes, it is sent to the program's on-call contact "
        "and program admins.",
        "",
        PRIVACY_NOTE,
    ]
    return subject, "\n".join(lines) + "\n"


def escalation_mail(alert: SafetyAlert, care_team: tuple[int, int]) -> tuple[str, str]:
    """The subject and body of the mail to the on-call address and the program admins.
    ``care_team``: how many members were emailed, of how many."""
    program = alert.patient.program
    minutes = program.escalation_minutes
    subject = (
        f"[{settings.SITE_NAME}] Not acknowledged in {minutes} minutes: safety alert "
        f"({alert.code}) for a {program.name} patient"
    )
    emailed, members = care_team
    lines = [
        "No one on the care team has acknowledged this safety alert within the program's "
        f"escalation time ({minutes} minutes). You receive it as {program.name}'s on-call "
        "contact or as a program admin.",
        "",
        *_facts([alert]),
        f"Care team emailed: {emailed} of {members} members",
        "",
        "Make sure someone acts on it now, and acknowledge it on the record with a note of "
        "what was done.",
        "",
        PRIVACY_NOTE,
    ]
    return subject, "\n".join(lines) + "\n"


def _send(
    alerts: Sequence[SafetyAlert],
    kind: str,
    recipients: list[Recipient],
    mail: tuple[str, str],
    now: dt.datetime,
) -> list[AlertNotification]:
    """One message per recipient with an address (about all of ``alerts``); a log row
    for every recipient and alert. Returns the first alert's rows."""
    subject, body = mail
    rows: list[AlertNotification] = []
    connection = get_connection(fail_silently=False)
    for recipient in recipients:
        status, error = AlertNotification.Status.SENT, ""
        if not recipient.address:
            status = AlertNotification.Status.NO_ADDRESS
        else:
            message = EmailMessage(subject, body, to=[recipient.address], connection=connection)
            try:
                message.send()
            except Exception as exc:  # a mail server's failure must not lose the log row
                log.exception(
                    "alerts %s: the mail to %s failed", [a.pk for a in alerts], recipient.name
                )
                status, error = AlertNotification.Status.FAILED, str(exc)[:400]
        rows += [
            AlertNotification(
                alert=alert,
                kind=kind,
                recipient=recipient.user,
                address=recipient.address,
                status=status,
                error=error,
                at=now,
            )
            for alert in alerts
        ]
    AlertNotification.objects.bulk_create(rows)
    return [row for row in rows if row.alert == alerts[0]]


def _outcome(rows: list[AlertNotification]) -> dict[str, list[str]]:
    """The audit entry's detail: who was emailed, who has no address, whose mail failed
    (usernames, and ``on-call`` for the program's address; never an address)."""
    by_status: dict[str, list[str]] = {"sent": [], "no_address": [], "failed": []}
    for row in rows:
        name = row.recipient.get_username() if row.recipient is not None else "on-call"
        by_status[row.status.replace("-", "_")].append(name)
    return by_status


def care_team_of(alert: SafetyAlert) -> list[Recipient]:
    """The active members of the patient's care team, by username."""
    members = User.objects.filter(
        care_assignments__patient_id=alert.patient_id, is_active=True
    ).order_by("username")
    return [Recipient(user, user.email.strip()) for user in members]


def notify_care_team(
    alert_ids: Sequence[int], *, now: dt.datetime | None = None
) -> list[AlertNotification]:
    """Email every active member of the care team, once, about alerts newly raised
    together for one patient; log each recipient, stamp ``notified_at`` and audit
    ``alert.notify`` on each alert. Called once the transaction that stored them
    commits; an alert already notified, or gone by then, is left out."""
    now = now or timezone.now()
    alerts = list(
        SafetyAlert.objects.select_related("patient__program")
        .filter(pk__in=alert_ids, notified_at__isnull=True)
        .order_by("id")
    )
    if not alerts:
        return []
    rows = _send(
        alerts, AlertNotification.Kind.RAISED, care_team_of(alerts[0]), care_team_mail(alerts), now
    )
    SafetyAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(notified_at=now)
    for alert in alerts:
        alert.notified_at = now
        record(SYSTEM, "alert.notify", patient=alert.patient, target=alert, detail=_outcome(rows))
    return rows


def escalation_recipients(alert: SafetyAlert) -> list[Recipient]:
    """The program's on-call address (first), then its active program admins by username."""
    program = alert.patient.program
    admins = User.objects.filter(
        membership__program_id=program.pk, membership__role=Role.PROGRAM_ADMIN, is_active=True
    ).order_by("username")
    return [
        Recipient(None, program.on_call_email.strip()),
        *(Recipient(user, user.email.strip()) for user in admins),
    ]


def notify_escalation(alert: SafetyAlert, *, now: dt.datetime) -> list[AlertNotification]:
    """Email the on-call address and the program admins about ``alert`` (already marked
    escalated by the caller), log each one and audit ``alert.escalate``."""
    raised = alert.notifications.filter(kind=AlertNotification.Kind.RAISED)
    care_team = (raised.filter(status=AlertNotification.Status.SENT).count(), raised.count())
    rows = _send(
        [alert],
        AlertNotification.Kind.ESCALATED,
        escalation_recipients(alert),
        escalation_mail(alert, care_team),
        now,
    )
    detail = {"minutes": alert.patient.program.escalation_minutes, **_outcome(rows)}
    record(SYSTEM, "alert.escalate", patient=alert.patient, target=alert, detail=detail)
    return rows
