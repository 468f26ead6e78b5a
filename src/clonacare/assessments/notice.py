"""What the patient is told after a safety alert: the one place that words it.

Every sentence is true of the stored alerts and their notification log: what the alert
is about (its code: a suicide answer, an unanswered safety question, a seizure), whether
the care team was emailed (sent, being sent, failed, no address on file, no one on the
care team), whether a repeat joined an alert already open and whether the care team was
emailed again, whether and to whom it was escalated, and when it would be. It always ends
with whom to call in danger now, from the crisis resources file (988 or 911 in the US
file), never a number written here. The pages (``_crisis_alert.html``) and the API
(``what_happens``) show the same sentences.

The sentences are in the active language, translated when they are made (gettext at call
time, never at import): a Spanish page (``/es/``) shows them in Spanish, while the API's
``what_the_patient_is_told`` makes them in English unless asked otherwise, so its text
never changes with a page's language (issue 16). Only the words change with the
language: which sentence is said is decided by the same facts in every language.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from clonacare.assessments.models import AlertNotification, SafetyAlert, SeizureReport
from clonacare.assessments.notify import escalation_targets
from clonacare.core.crisis import load_crisis_resources
from clonacare.core.instruments.definition import SCREEN_INCOMPLETE

Kind = AlertNotification.Kind
Status = AlertNotification.Status
Reason = AlertNotification.Reason

# Most urgent first: which alert the delivery sentences describe when a form raised several.
URGENCY = ("suicide-risk-imminent", "seizure", "suicide-risk", SCREEN_INCOMPLETE)

# Marked for the catalogue here, translated when a notice is made (``gettext``).
WHAT = {
    "suicide-risk-imminent": gettext_noop(
        "Some of your answers tell us you may be having thoughts of harming yourself."
    ),
    "suicide-risk": gettext_noop(
        "Some of your answers tell us you may be having thoughts of harming yourself."
    ),
    SCREEN_INCOMPLETE: gettext_noop(
        "A question about your safety was left unanswered, or its answer could not be read; "
        "your care team will ask it with you."
    ),
    "seizure": gettext_noop("Your answers tell us about a seizure."),
}
OTHER = gettext_noop("Some of your answers need your care team's attention.")


def phone_numbers(contacts: Sequence[str]) -> str:
    """Numbers to call, joined in the active language: ``988 or 911``, ``988 o 911``."""
    return pgettext("between phone numbers", " or ").join(contacts)


@dataclass(frozen=True)
class Notice:
    """``call_now``: the emergency line when a seizure may be happening now, else "";
    ``lines``: what the alerts are and what happened and will happen to them;
    ``danger_now``: whom to call in danger now (``988 or 911``). The numbers are joined,
    and the sentences made, in the active language."""

    call_now: str = ""
    lines: list[str] = field(default_factory=list)
    danger_now: str = ""

    @property
    def call_now_sentence(self) -> str:
        if not self.call_now:
            return ""
        return gettext("If a seizure is happening now, call %(numbers)s now.") % {
            "numbers": self.call_now
        }

    @property
    def danger_now_sentence(self) -> str:
        return gettext("If you are in danger now, call %(numbers)s.") % {"numbers": self.danger_now}

    def sentences(self) -> list[str]:
        first = [self.call_now_sentence] if self.call_now else []
        return [*first, *self.lines, self.danger_now_sentence]


def _urgency(alert: SafetyAlert) -> tuple[int, int]:
    rank = URGENCY.index(alert.code) if alert.code in URGENCY else len(URGENCY)
    return rank, -alert.pk


def _whom(on_call: bool, admins: bool) -> tuple[str, bool]:
    """Whom an escalation reaches, for a sentence, and whether the words are plural;
    ``("", False)`` for no one."""
    # Translators: these three name whom an alert goes to, always after "to" or as the
    # one emailed; in Spanish they are written with their "a" ("al contacto de guardia…").
    if on_call and admins:
        return gettext("the program's on-call contact and admins"), True
    if on_call:
        return gettext("the program's on-call contact"), False
    if admins:
        return gettext("the program's admins"), True
    return "", False


def _who(rows: Sequence[AlertNotification]) -> tuple[str, bool]:
    """Whom escalation rows name: the on-call contact and/or the admins."""
    on_call = any(r.recipient_id is None for r in rows)
    admins = any(r.recipient_id is not None for r in rows)
    return _whom(on_call, admins)


def _minutes(minutes: int) -> str:
    """``1 minute``, ``15 minutes``, in the active language."""
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


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
            return gettext(
                "It was already open; your care team has been emailed again about your "
                "newest answer."
            )
        if alert.repeats:
            return gettext(
                "Your care team was emailed when this alert was first raised; it is still "
                "open, and your newest answer has been added to it."
            )
        return gettext("Your care team has been emailed about it now.")
    if alert.repeats and not again:
        return gettext("This alert was already open; your newest answer has been added to it.")
    if Status.PENDING in statuses:
        return gettext("An email to your care team is being sent now.")
    if Status.FAILED in statuses:
        return gettext("The email to your care team could not be sent; it will be tried again.")
    if Status.NO_ADDRESS in statuses:
        return gettext("No email could be sent to your care team (no address on file).")
    return gettext("No one is on your care team in Clonacare yet, so no email could be sent.")


def _escalated_sentence(reason: str, who: str, plural: bool, sent: bool, minutes: str) -> str:
    """What happened to an escalation already made (to ``who``): ``sent`` when an email
    went, else one is being sent. One whole sentence for each case, so that a language
    can word each as it needs."""
    words = {"who": who, "minutes": minutes}
    if reason == Reason.UNREACHED:
        if sent:
            return (
                gettext(
                    "Because no email reached your care team, %(who)s have been emailed instead."
                )
                if plural
                else gettext(
                    "Because no email reached your care team, %(who)s has been emailed instead."
                )
            ) % words
        return (
            gettext(
                "Because no email reached your care team, %(who)s are being emailed now instead."
            )
            if plural
            else gettext(
                "Because no email reached your care team, %(who)s is being emailed now instead."
            )
        ) % words
    if reason == Reason.AGAIN:
        if sent:
            return (
                gettext(
                    "It had already gone to %(who)s; as it was raised again, they have been "
                    "emailed again."
                )
                % words
            )
        return (
            gettext(
                "It had already gone to %(who)s; as it was raised again, they are being emailed "
                "again now."
            )
            % words
        )
    if sent:
        return (
            gettext("No one marked it as handled within %(minutes)s, so %(who)s have been emailed.")
            if plural
            else gettext(
                "No one marked it as handled within %(minutes)s, so %(who)s has been emailed."
            )
        ) % words
    return (
        gettext("No one marked it as handled within %(minutes)s, so %(who)s are being emailed now.")
        if plural
        else gettext(
            "No one marked it as handled within %(minutes)s, so %(who)s is being emailed now."
        )
    ) % words


def _escalation_sentence(
    alert: SafetyAlert, care_team: list[AlertNotification], now: dt.datetime
) -> str:
    program = alert.patient.program
    minutes = _minutes(program.escalation_minutes)
    batch = _latest_batch(alert, Kind.ESCALATED)
    if alert.escalated_at is not None and batch:
        reached = [r for r in batch if r.status in (Status.SENT, Status.PENDING)]
        if not reached:
            return gettext(
                "It was due to go to the program's on-call contact and admins, but no email "
                "could be sent to them."
            )
        who, plural = _who(reached)
        sent = any(r.status == Status.SENT for r in reached)
        return _escalated_sentence(batch[0].reason, who, plural, sent, minutes)
    reach, plural = _whom(*escalation_targets(program))
    if not reach or alert.notified_at is None:
        return ""
    words = {"who": reach, "minutes": minutes}
    if not any(r.status in (Status.SENT, Status.PENDING) for r in care_team):
        return (
            gettext("Because no email reached your care team, it goes to %(who)s at once.") % words
        )
    due = alert.notified_at + dt.timedelta(minutes=program.escalation_minutes)
    left = math.ceil((due - now).total_seconds() / 60)
    if left <= 0:
        return (
            gettext(
                "No one has marked it as handled within %(minutes)s, so it is due to go to "
                "%(who)s now."
            )
            % words
        )
    words["minutes"] = _minutes(left)
    return (
        gettext("If no one marks it as handled within %(minutes)s, %(who)s are emailed.")
        if plural
        else gettext("If no one marks it as handled within %(minutes)s, %(who)s is emailed.")
    ) % words


def delivery_sentences(alert: SafetyAlert, now: dt.datetime) -> list[str]:
    """What happened and will happen to ``alert`` at ``now``, for the patient, in order,
    from its notification log."""
    if not alert.is_open:
        return [gettext("Your care team has marked this alert as handled.")]
    lines = [
        gettext(
            "It is stored for your care team and shows on their screens in %(site)s until "
            "one of them marks it as handled."
        )
        % {"site": settings.SITE_NAME}
    ]
    care_team = _latest_batch(alert, Kind.RAISED)
    if alert.notified_at is not None:
        lines.append(_care_team_sentence(alert, care_team))
    escalation = _escalation_sentence(alert, care_team, now)
    if escalation:
        lines.append(escalation)
    lines.append(
        gettext("An email may not be read at once, so do not wait for a reply if you need help.")
    )
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
            gettext("You told us about a seizure.")
            if alert.code == "seizure" and seizure_report is not None
            else gettext(WHAT.get(alert.code, OTHER))
        )
        if sentence not in what:
            what.append(sentence)
    seizure_now = seizure_report is not None and (seizure_report.happening_now or possibly_now)
    lines = [*what, *(delivery_sentences(ranked[0], now) if ranked else [])]
    return Notice(
        call_now=phone_numbers(crisis.emergency_contacts) if seizure_now else "",
        lines=lines,
        danger_now=phone_numbers(crisis.danger_now_contacts),
    )


def danger_now_notice() -> Notice:
    """The notice with no alert to tell of: whom to call in danger now, alone."""
    crisis = load_crisis_resources(settings.CRISIS_FILE or None)
    return Notice(danger_now=phone_numbers(crisis.danger_now_contacts))


def what_the_patient_is_told(
    alerts: Sequence[SafetyAlert],
    now: dt.datetime,
    *,
    seizure_report: SeizureReport | None = None,
    possibly_now: bool = False,
    language: str = "en",
) -> list[str]:
    """The API's ``what_happens``: the page's sentences, as a list, the call to action
    first when a seizure is happening now and whom to call in danger now last. In
    English unless ``language`` names another (a page passes its own): the API's text
    never follows the language of whatever else is active."""
    fresh = list(
        SafetyAlert.objects.select_related("patient__program").filter(pk__in=[a.pk for a in alerts])
    )
    with translation.override(language):
        return patient_notice(
            fresh, now, seizure_report=seizure_report, possibly_now=possibly_now
        ).sentences()
