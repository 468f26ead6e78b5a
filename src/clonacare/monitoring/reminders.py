"""Email reminders of a due check-in, sent by Clonacare itself, never twice.

``send_check_in_reminders(now)`` is one pass: from ``CHECK_IN_REMINDER_HOUR`` (the
site's local hour, ``TIME_ZONE``) on, every patient who is not discharged, has an
approved plan whose check-in schedule (``monitoring.schedule``) asks for a check-in
today (after a taper that stopped the drug: the monthly follow-up, while the care team
keeps it on), and has not checked in today, is emailed once at the address on their portal
account. ``clonacare serve``'s background thread and ``clonacare remind`` (cron) run it
(docs/configuration.md, "Check-in reminders").

Never twice: each reminder is claimed by inserting its ``CheckInReminder`` row (one per
patient and day, a unique constraint) before the mail is sent; a pass that finds the
row taken by another pass leaves it. Never lost to a crash: a row still ``sending``
``ABANDONED_AFTER`` its claim belongs to a pass that died (a killed server) and the next
pass sends it, under the same Message-ID; the one case that sends twice is a death in
the moment between the mail server taking the mail and the row recording it. A mail
the server refuses is recorded ``failed`` and not tried again (a reminder a few hours
late is worth less than the certainty of never sending two); the next due day has its
own. A patient without an address is recorded ``no-address`` and audited, not emailed.

What the mail says: that a check-in is due today, and the link to the portal's check-in
page. Nothing clinical, no plan, no name, no tracking: email is not a private channel.
It is written in the language the patient chose for the portal (``LanguagePreference``,
issue 16; English when they chose none), and its link leads to the check-in page in that
language.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from clonacare.accounts.models import preferred_language
from clonacare.audit.log import Actor, record
from clonacare.monitoring.models import CheckIn, CheckInReminder, FollowUpDecision
from clonacare.monitoring.schedule import after_taper, check_in_schedule
from clonacare.patients.models import Patient
from clonacare.plans.models import Plan, PlanChangeDay

log = logging.getLogger(__name__)

# The audit actor of what Clonacare does by itself, as for the alert mails.
SYSTEM = Actor(
    user_id=None,
    username="clonacare",
    role="system",
    program_id=None,
    ip_address=None,
    user_agent="check-in reminders",
)

SUBJECT = gettext_lazy("Your check-in is due today")
# A claim still ``sending`` this long after it was made belongs to a pass that died (one
# mail takes seconds; ``EMAIL_TIMEOUT`` bounds each wait, 10 s by default): a later pass
# sends it.
ABANDONED_AFTER = dt.timedelta(minutes=15)
Status = CheckInReminder.Status


def check_in_link() -> str:
    """The portal's check-in page in the active language, as an absolute address
    (``SITE_URL``)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('portal:check-in')}"


def reminder_body() -> str:
    """The mail in the active language: the same words for every patient."""
    return gettext(
        "Hello,\n\n"
        "Your check-in is due today. It takes a few minutes:\n"
        "%(link)s\n\n"
        "If you have done it already, there is nothing more to do.\n\n"
        "This is an automatic message from %(site)s; replies are not read. "
        "If you need help now, call your care team or your local emergency number.\n"
    ) % {"link": check_in_link(), "site": settings.SITE_NAME}


def mail_language(patient: Patient) -> str:
    """The language of the patient's mails: the one they chose for the portal, else the
    site's default (``LANGUAGE_CODE``, English)."""
    return preferred_language(patient.user) or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Due:
    """A patient whose check-in is due today and not done: ``address`` empty when there
    is none to write to, with ``why``."""

    patient: Patient
    address: str
    why: str


def _address(patient: Patient) -> tuple[str, str]:
    user = patient.user
    if user is None:
        return "", "no portal account"
    if not user.is_active:
        return "", "the portal account is not active"
    if not user.email.strip():
        return "", "no email address on the portal account"
    return user.email.strip(), ""


def due_today(today: dt.date) -> list[Due]:
    """The patients to remind on ``today``: not discharged, with an approved plan whose
    schedule asks for a check-in today (after the taper: with the care team's follow-up
    decision), no check-in for today and no reminder row for today yet. Four queries,
    whatever their number: the plans, their revisions (the plan in force says how it
    ends), their change days, and the follow-up decisions."""
    plans = list(
        Plan.objects.filter(status=Plan.Status.APPROVED)
        .exclude(patient__status=Patient.Status.DISCHARGED)
        .filter(
            ~Exists(CheckIn.objects.filter(patient=OuterRef("patient"), day=today)),
            ~Exists(CheckInReminder.objects.filter(patient=OuterRef("patient"), day=today)),
        )
        .select_related("patient__user")
        .prefetch_related("plan_revisions")
        .order_by("patient_id")
    )
    change_days: dict[int, list[dt.date]] = defaultdict(list)
    for plan_id, on in PlanChangeDay.objects.filter(
        plan_id__in=[p.pk for p in plans], on__lte=today
    ).values_list("plan_id", "on"):
        change_days[plan_id].append(on)
    follow_up: dict[int, bool] = {}
    # Oldest first: the newest decision of each patient is the last one read.
    for patient_id, kept_on in (
        FollowUpDecision.objects.filter(patient_id__in=[p.patient_id for p in plans])
        .order_by("decided_at", "id")
        .values_list("patient_id", "on")
    ):
        follow_up[patient_id] = kept_on
    found = []
    for plan in plans:
        days = change_days[plan.pk]
        if not days:  # starts later (or approved before change days were kept)
            continue
        ends = None
        if plan.stops_the_drug():
            ends = after_taper(plan.end_date(), follow_up=follow_up.get(plan.patient_id, True))
        if check_in_schedule(min(days), days, ends=ends).is_due(today):
            address, why = _address(plan.patient)
            found.append(Due(plan.patient, address, why))
    return found


def _claim(patient: Patient, today: dt.date, now: dt.datetime) -> CheckInReminder | None:
    """The reminder's row, written now (committed before anything is sent); None when
    another pass has claimed it."""
    try:
        with transaction.atomic():
            return CheckInReminder.objects.create(
                patient=patient, day=today, status=Status.SENDING, claimed_at=now
            )
    except IntegrityError:
        return None


def _finish(row: CheckInReminder, status: str, error: str) -> None:
    with transaction.atomic():
        CheckInReminder.objects.filter(pk=row.pk).update(status=status, error=error)
        row.status, row.error = status, error
        record(
            SYSTEM,
            "check-in.remind",
            patient=row.patient,
            target=row,
            detail={"day": row.day.isoformat(), "status": status, "error": error},
        )


def send_check_in_reminders(now: dt.datetime) -> list[CheckInReminder]:
    """One pass at ``now``: before ``CHECK_IN_REMINDER_HOUR`` (local) nothing; from then
    on, the reminder of every patient ``due_today``, each claimed, sent (or recorded
    without an address) and audited as ``check-in.remind``. Returns the rows this pass
    claimed, with their status."""
    local = timezone.localtime(now)
    if local.hour < settings.CHECK_IN_REMINDER_HOUR:
        return []
    today = local.date()
    taken = _abandoned(today, now)
    claimed = [row for row, _ in taken]
    sender = _Sender()
    for row, due in taken:
        sender.send(row, due)
    for due in due_today(today):
        mine = _claim(due.patient, today, now)
        if mine is None:  # another pass took it a moment ago
            continue
        claimed.append(mine)
        sender.send(mine, due)
    return claimed


class _Sender:
    """Sends a pass's reminders over one connection, opened at the first mail."""

    def __init__(self) -> None:
        self.connection: Any = None

    def send(self, row: CheckInReminder, due: Due) -> None:
        if not due.address:
            _finish(row, Status.NO_ADDRESS, due.why)
            return
        self.connection = self.connection or get_connection(fail_silently=False)
        with translation.override(mail_language(due.patient)):
            subject, body = str(SUBJECT), reminder_body()
        message = EmailMessage(
            subject,
            body,
            to=[due.address],
            connection=self.connection,
            headers={"Message-ID": message_id(row)},
        )
        try:
            message.send()
        except Exception as exc:  # a mail server's failure is recorded, never raised
            log.exception("the check-in reminder %s could not be sent", row.pk)
            _finish(row, Status.FAILED, str(exc)[:400])
            return
        _finish(row, Status.SENT, "")


def message_id(row: CheckInReminder) -> str:
    """The reminder's Message-ID, the same on every try: should a pass die after the
    mail server took the mail and before the row said so, the mail sent again by the
    next pass is the same message to the mail systems that drop repeated ids."""
    host = urlsplit(settings.SITE_URL).hostname or "clonacare.invalid"
    return f"<check-in-reminder-{row.pk}@{host}>"


def _abandoned(today: dt.date, now: dt.datetime) -> list[tuple[CheckInReminder, Due]]:
    """Today's reminders claimed by a pass that died before it recorded how the send
    went (still ``sending`` ``ABANDONED_AFTER`` after the claim), each taken over by a
    conditional write on the claim time read, so that two passes never both do."""
    rows = CheckInReminder.objects.filter(
        day=today, status=Status.SENDING, claimed_at__lt=now - ABANDONED_AFTER
    ).select_related("patient__user")
    taken = []
    for row in rows:
        took = CheckInReminder.objects.filter(
            pk=row.pk, status=Status.SENDING, claimed_at=row.claimed_at
        ).update(claimed_at=now)
        if took:
            row.claimed_at = now
            address, why = _address(row.patient)
            taken.append((row, Due(row.patient, address, why)))
    return taken


def reminders_text(rows: list[CheckInReminder]) -> str:
    """What ``clonacare remind`` prints about a pass."""
    if not rows:
        return "No check-in reminder is due."
    sent = sum(1 for r in rows if r.status == Status.SENT)
    others = len(rows) - sent
    noun = "reminder" if sent == 1 else "reminders"
    text = f"Sent {sent} check-in {noun}."
    if others:
        text += f" {others} not sent (no address, or the mail server refused): see the audit log."
    return text
