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
one row in the notification log (``AlertNotification``). Rows are written ``pending``
in the transaction that raises the alert (``queue_care_team``, ``queue_escalation``;
``no-address`` at once for a person without an address), and sent after it commits by
``send_pending``: by the background sender of ``clonacare serve``, woken at once, or in
the request itself when no sender runs in the process (tests, a development server).
A failed send stays ``failed`` and is tried again by later passes, up to MAX_ATTEMPTS
tries in all. A failure to send never undoes the alert: it is stored and shown on every
staff page whatever the mail server does.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from clonacare.accounts.models import Program, Role
from clonacare.assessments.models import AlertNotification, SafetyAlert
from clonacare.audit.log import Actor, record

log = logging.getLogger(__name__)

# How many times one mail is tried before it is left failed (an operational default,
# not a clinical number): the first try and four retries, one per delivery pass.
MAX_ATTEMPTS = 5

# The audit actor of what Clonacare does by itself (emails, escalations).
SYSTEM = Actor(
    user_id=None,
    username="clonacare",
    role="system",
    program_id=None,
    ip_address=None,
    user_agent="alert delivery",
)

Kind = AlertNotification.Kind
Status = AlertNotification.Status
Reason = AlertNotification.Reason


@dataclass(frozen=True)
class Recipient:
    """A staff member (``user``) or the program's on-call address (``user`` None);
    ``address`` empty when there is none to write to."""

    user: User | None
    address: str

    @property
    def name(self) -> str:
        return self.user.get_username() if self.user is not None else "on-call"


def minutes_text(minutes: int) -> str:
    """``1 minute``, ``15 minutes``."""
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


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
        if alert.repeats and alert.last_raised_at is not None:
            lines.append(
                f"Raised again: {alert.repeats} time{'s' if alert.repeats > 1 else ''} "
                f"while open, last at {_when(alert.last_raised_at)}"
            )
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


# Who is emailed ---------------------------------------------------------------------


def program_admins(program: Program) -> list[User]:
    """The program's active program admins, by username (the one query for them)."""
    return list(
        User.objects.filter(
            membership__program_id=program.pk,
            membership__role=Role.PROGRAM_ADMIN,
            is_active=True,
        ).order_by("username")
    )


def escalation_recipients(program: Program) -> list[Recipient]:
    """The program's on-call address (first), then its active program admins by username."""
    return [
        Recipient(None, program.on_call_email.strip()),
        *(Recipient(user, user.email.strip()) for user in program_admins(program)),
    ]


def escalation_targets(program: Program) -> tuple[bool, bool]:
    """Whom an escalation would email: ``(on_call, admins)``, whether the program has an
    on-call address and whether any of its admins has an email address."""
    on_call = bool(program.on_call_email.strip())
    admins = any(u.email.strip() for u in program_admins(program))
    return on_call, admins


def escalation_reach(program: Program) -> str:
    """Whom an escalation emails, for a sentence: ``the program's on-call contact and
    admins``, ``the program's on-call contact``, ``the program's admins``, or "" when it
    would reach no one (no on-call address and no admin with an email address)."""
    on_call, admins = escalation_targets(program)
    if on_call and admins:
        return "the program's on-call contact and admins"
    if on_call:
        return "the program's on-call contact"
    return "the program's admins" if admins else ""


def care_team_of(patient_id: int) -> list[Recipient]:
    """The active members of the patient's care team, by username."""
    members = User.objects.filter(care_assignments__patient_id=patient_id, is_active=True).order_by(
        "username"
    )
    return [Recipient(user, user.email.strip()) for user in members]


# What the mails say -----------------------------------------------------------------


def care_team_mail(alerts: Sequence[SafetyAlert], reason: str = Reason.NEW) -> tuple[str, str]:
    """The subject and body of the one mail to each member of the care team about
    ``alerts``, raised together for one patient (an ASQ acuity yes raises two), or
    raised again (``reason`` ``again``)."""
    program = alerts[0].patient.program
    codes = ", ".join(a.code for a in alerts)
    several = len(alerts) > 1
    again = reason == Reason.AGAIN
    subject = (
        f"[{settings.SITE_NAME}] {'Raised again: s' if again else 'S'}afety "
        f"alert{'s' if several else ''} ({codes}) for a {program.name} patient"
    )
    opening = (
        f"{'Safety alerts were' if several else 'A safety alert was'} raised for a patient "
        "whose care team you are on."
    )
    if again:
        opening = (
            f"{'Open safety alerts were' if several else 'An open safety alert was'} raised "
            "again for a patient whose care team you are on."
        )
    reach = escalation_reach(program)
    it = "an alert" if several else "it"
    then = (
        f"If no one acknowledges {it} within {minutes_text(program.escalation_minutes)}, "
        f"it is sent to {reach}."
        if reach
        else "The program has no on-call address and no admin with an email address, so "
        "no one else is emailed if it is not acknowledged."
    )
    lines = [
        opening,
        "",
        *_facts(alerts),
        "",
        f"Acknowledge {'each' if several else 'it'} on the record with a note of what was "
        f"done. {then}",
        "",
        PRIVACY_NOTE,
    ]
    return subject, "\n".join(lines) + "\n"


def escalation_mail(
    alert: SafetyAlert, care_team: tuple[int, int], reason: str = Reason.OVERDUE
) -> tuple[str, str]:
    """The subject and body of the mail to the on-call address and the program admins.
    ``care_team``: how many members were emailed, of how many. ``reason``: ``overdue``
    (not acknowledged in time), ``unreached`` (no care-team mail could be sent) or
    ``again`` (raised again after it was escalated)."""
    program = alert.patient.program
    minutes = minutes_text(program.escalation_minutes)
    emailed, members = care_team
    if reason == Reason.UNREACHED:
        subject_why = "No one on the care team could be emailed"
        why = (
            "No one on the care team could be emailed about this safety alert (the mails "
            "failed, no member has an email address, or no one is on the care team), so it "
            "comes to you at once."
        )
    elif reason == Reason.AGAIN:
        subject_why = "Raised again after escalation"
        why = (
            "This safety alert was already sent to you, and it has been raised again while "
            "no one has acknowledged it."
        )
    else:
        subject_why = f"Not acknowledged in {minutes}"
        why = (
            "No one on the care team has acknowledged this safety alert within the "
            f"program's escalation time ({minutes})."
        )
    subject = (
        f"[{settings.SITE_NAME}] {subject_why}: safety alert ({alert.code}) for a "
        f"{program.name} patient"
    )
    lines = [
        f"{why} You receive it as {program.name}'s on-call contact or as a program admin.",
        "",
        *_facts([alert]),
        f"Care team emailed: {emailed} of {members} members",
        "",
        "Make sure someone acts on it now: reach the patient's care team or the "
        "program's on-call clinician. A clinician on the care team acknowledges it on the "
        "record with a note of what was done.",
        "",
        PRIVACY_NOTE,
    ]
    return subject, "\n".join(lines) + "\n"


# Queueing (inside the transaction that raises the alert) ----------------------------


def _queue(
    alerts: Sequence[SafetyAlert],
    kind: str,
    reason: str,
    recipients: list[Recipient],
    now: dt.datetime,
) -> list[AlertNotification]:
    """A row for every recipient and alert: pending, or no-address. When nothing is
    left to send (no one with an address), the outcome is audited now."""
    rows = [
        AlertNotification(
            alert=alert,
            kind=kind,
            reason=reason,
            recipient=recipient.user,
            address=recipient.address,
            status=Status.PENDING if recipient.address else Status.NO_ADDRESS,
            at=now,
        )
        for recipient in recipients
        for alert in alerts
    ]
    AlertNotification.objects.bulk_create(rows)
    if not any(r.status == Status.PENDING for r in rows):
        for alert in alerts:
            _audit(alert, kind, reason, [r for r in rows if r.alert == alert])
    transaction.on_commit(wake_sender)
    return rows


def queue_care_team(
    alerts: Sequence[SafetyAlert], now: dt.datetime, reason: str = Reason.NEW
) -> list[AlertNotification]:
    """Queue one mail to each active member of the care team about ``alerts`` (one
    patient's, raised together) and stamp ``notified_at`` on those not yet notified
    (the escalation clock starts then)."""
    rows = _queue(alerts, Kind.RAISED, reason, care_team_of(alerts[0].patient_id), now)
    fresh = [a.pk for a in alerts if a.notified_at is None]
    SafetyAlert.objects.filter(pk__in=fresh).update(notified_at=now)
    for alert in alerts:
        alert.notified_at = alert.notified_at or now
    return rows


def queue_escalation(
    alert: SafetyAlert, now: dt.datetime, reason: str = Reason.OVERDUE
) -> list[AlertNotification]:
    """Queue the mail to the on-call address and the program admins about ``alert``
    (already marked escalated by the caller)."""
    return _queue(
        [alert], Kind.ESCALATED, reason, escalation_recipients(alert.patient.program), now
    )


# Sending (after the commit, off the request when a sender runs) ---------------------

_sender_wakeup: threading.Event | None = None
_inline_pass: Callable[[dt.datetime], object] | None = None


def use_inline_pass(run: Callable[[dt.datetime], object]) -> None:
    """What a commit that queued mails runs when no background sender runs in the
    process (``delivery.deliver_queued``, registered by the app's ``ready``)."""
    global _inline_pass  # one per process, set once at start
    _inline_pass = run


def use_background_sender(wakeup: threading.Event | None) -> None:
    """Register the background sender's event (``delivery.AlertDelivery``): from then
    on a commit that queued mails wakes it instead of sending in the request. None: no
    sender runs (mails are sent on commit, in the request)."""
    global _sender_wakeup  # one sender per process, set by clonacare serve
    _sender_wakeup = wakeup


def wake_sender() -> None:
    """Called once a transaction that queued mails commits: wakes the background sender,
    or, when none runs in this process, runs the short delivery pass now (sends the
    pending mails, escalates what no mail reached)."""
    if _sender_wakeup is not None:
        _sender_wakeup.set()
        return
    if _inline_pass is not None:
        _inline_pass(timezone.now())
    else:
        send_pending(timezone.now())


def _outcome(rows: Sequence[AlertNotification]) -> dict[str, list[str]]:
    """The audit entry's detail: who was emailed, who has no address, whose mail failed
    (usernames, and ``on-call`` for the program's address; never an address)."""
    by_status: dict[str, list[str]] = {"sent": [], "no_address": [], "failed": [], "pending": []}
    for row in rows:
        name = row.recipient.get_username() if row.recipient is not None else "on-call"
        by_status[row.status.replace("-", "_")].append(name)
    if not by_status["pending"]:
        del by_status["pending"]
    return by_status


def _audit(alert: SafetyAlert, kind: str, reason: str, rows: Sequence[AlertNotification]) -> None:
    detail: dict[str, object] = dict(_outcome(rows))
    if kind == Kind.ESCALATED:
        detail = {"minutes": alert.patient.program.escalation_minutes, **detail}
    if reason not in (Reason.NEW, Reason.OVERDUE):
        detail["reason"] = reason
    tries = max((r.attempts for r in rows), default=0)
    if tries > 1:
        detail["attempt"] = tries
    action = "alert.notify" if kind == Kind.RAISED else "alert.escalate"
    record(SYSTEM, action, patient=alert.patient, target=alert, detail=detail)


def _care_team_counts(alert: SafetyAlert) -> tuple[int, int]:
    raised = alert.notifications.filter(kind=Kind.RAISED)
    members = raised.values("recipient_id").distinct().count()
    emailed = raised.filter(status=Status.SENT).values("recipient_id").distinct().count()
    return emailed, members


def send_pending(now: dt.datetime, *, retry: bool = False) -> list[AlertNotification]:
    """Send the pending mails (and, with ``retry``, the failed ones tried fewer than
    MAX_ATTEMPTS times): one message per recipient for the alerts queued together, each
    row claimed first so two passes never send it twice. Audits ``alert.notify`` or
    ``alert.escalate`` per alert and batch. Returns the rows tried."""
    wanted = Q(status=Status.PENDING)
    if retry:
        wanted |= Q(status=Status.FAILED, attempts__lt=MAX_ATTEMPTS)
    rows = list(
        AlertNotification.objects.filter(wanted)
        .select_related("alert__patient__program", "recipient")
        .order_by("at", "id")
    )
    groups: dict[tuple[object, ...], list[AlertNotification]] = defaultdict(list)
    for row in rows:
        # One care-team mail about the alerts queued together; one escalation per alert.
        together = row.alert_id if row.kind == Kind.ESCALATED else row.alert.patient_id
        key = (together, row.kind, row.reason, row.at, row.recipient_id, row.address)
        groups[key].append(row)
    tried: list[AlertNotification] = []
    batches: dict[tuple[int, str, str, dt.datetime], None] = {}
    connection = get_connection(fail_silently=False)
    for group in groups.values():
        # Claimed by a conditional write on the try count read: a second pass reading
        # the same rows at the same moment claims none of them, so the mail goes once.
        claimed = AlertNotification.objects.filter(
            pk__in=[r.pk for r in group],
            status__in=[Status.PENDING, Status.FAILED],
            attempts=group[0].attempts,
        ).update(attempts=F("attempts") + 1, attempted_at=now)
        if claimed != len(group):  # another pass took some of them a moment ago
            continue
        first = group[0]
        alerts = sorted({r.alert_id: r.alert for r in group}.values(), key=lambda a: a.pk)
        subject, body = (
            care_team_mail(alerts, first.reason)
            if first.kind == Kind.RAISED
            else escalation_mail(alerts[0], _care_team_counts(alerts[0]), first.reason)
        )
        status, error = Status.SENT, ""
        message = EmailMessage(subject, body, to=[first.address], connection=connection)
        try:
            message.send()
        except Exception as exc:  # a mail server's failure must not lose the log row
            who = first.recipient.get_username() if first.recipient else "on-call"
            log.exception("alerts %s: the mail to %s failed", [a.pk for a in alerts], who)
            status, error = Status.FAILED, str(exc)[:400]
        AlertNotification.objects.filter(pk__in=[r.pk for r in group]).update(
            status=status, error=error
        )
        for row in group:
            row.status, row.error, row.attempts = status, error, row.attempts + 1
            batches[(row.alert_id, row.kind, row.reason, row.at)] = None
        tried += group
    for alert_id, kind, reason, at in batches:
        batch = list(
            AlertNotification.objects.filter(alert_id=alert_id, kind=kind, reason=reason, at=at)
            .select_related("recipient", "alert__patient__program")
            .order_by("id")
        )
        if batch and not any(r.status == Status.PENDING for r in batch):
            _audit(batch[0].alert, kind, reason, batch)
    return tried


def last_mail_at(alert: SafetyAlert) -> dt.datetime | None:
    """When the newest care-team mail about ``alert`` was queued (None: never)."""
    newest: dt.datetime | None = alert.notifications.filter(kind=Kind.RAISED).aggregate(
        newest=Max("at")
    )["newest"]
    return newest
