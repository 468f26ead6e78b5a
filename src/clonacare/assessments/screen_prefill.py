"""What the level-of-care form prefills for the suicide screen, and why.

The latest stored (completed) ASQ is where the value usually comes from. A newer signal
about suicide risk means that screen no longer tells the whole story, so an older
"negative" is never offered over it:

- an open ``suicide-risk-imminent`` alert, or one raised after the latest ASQ, whatever
  raised it: "acute positive";
- ``suicide-risk`` raised after the latest ASQ by an ASQ (a refused or unfinished
  attempt, which is not stored) or by a level-of-care record: "non-acute positive";
- ``suicide-risk`` raised after it by anything else (PHQ-9 item 9, the C-SSRS), or
  ``suicide-screen-incomplete`` raised after it by anything: "incomplete". A PHQ-9
  answer is not an ASQ result and is never turned into one: the screen is marked
  incomplete, and a note beside the field asks for the ASQ.

Every raising counts, a repeat that joined an open alert included (``AlertRepeat``).
The form shows which screen or alert, and which date, the value came from; the
clinician can change it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import dateformat, timezone

from clonacare.assessments.models import AlertRepeat, InstrumentResponse, SafetyAlert
from clonacare.core.assessment import SUICIDE_SCREENS
from clonacare.core.instruments import instrument
from clonacare.patients.models import Patient

ASQ = "asq"
PHQ9 = "phq9"
IMMINENT = "suicide-risk-imminent"
RISK = "suicide-risk"
INCOMPLETE = "suicide-screen-incomplete"
SUICIDE_CODES = (IMMINENT, RISK, INCOMPLETE)
LEVEL_OF_CARE = "level-of-care"
# What raises a suicide alert with a screen's own result: an ASQ, or a level-of-care
# record (whose suicide_screen is that result).
SCREENS = (ASQ, LEVEL_OF_CARE)

NO_SCREEN = 'No ASQ on file: choose the screen\'s result ("incomplete" if it was not done).'
FROM_ASQ = "Prefilled from the ASQ of {date}: {band}."
FROM_ALERT = 'Prefilled "{value}" from the {code} alert of {date}{trigger}, {when}.'
AFTER_ASQ = "newer than the last completed ASQ ({date}, {band})"
NO_ASQ = "with no completed ASQ on file"
STILL_OPEN = "still open (not acknowledged)"
NOT_AN_ASQ = " Not an ASQ result: the screen stays incomplete until the ASQ is done."
PHQ9_NOTE = "{title} item {number} answered above {above} on {date}: complete the ASQ."


@dataclass(frozen=True)
class ScreenPrefill:
    """``value``: the suicide screen to prefill, or None (the clinician chooses).
    ``notes``: shown beside the field, the first saying where the value came from."""

    value: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Raising:
    """One time a suicide alert was raised: its code, when, what raised it (an
    instrument id, ``level-of-care``, or ``""`` when unknown) and which answer."""

    code: str
    at: dt.datetime
    origin: str
    trigger: str
    still_open: bool = False  # counted only because it is open (raised before the ASQ)


def _day(at: dt.datetime) -> str:
    return dateformat.format(timezone.localtime(at), "j M Y")


def _origin(response: InstrumentResponse | None, level_of_care_id: int | None, trigger: str) -> str:
    """What raised an alert. A form refused or left unfinished is not stored: its
    trigger (``asq item 5: not answered``) names the instrument."""
    if response is not None:
        return response.instrument
    if level_of_care_id is not None:
        return LEVEL_OF_CARE
    head, found, _ = trigger.partition(" item ")
    return head if found else ""


def _raisings(patient: Patient, after: dt.datetime | None) -> list[_Raising]:
    alerts = SafetyAlert.objects.filter(patient=patient, code__in=SUICIDE_CODES)
    repeats = AlertRepeat.objects.filter(alert__patient=patient, alert__code__in=SUICIDE_CODES)
    if after is not None:
        alerts = alerts.filter(raised_at__gt=after)
        repeats = repeats.filter(raised_at__gt=after)
    found = [
        _Raising(a.code, a.raised_at, _origin(a.response, a.level_of_care_id, a.trigger), a.trigger)
        for a in alerts.select_related("response")
    ]
    found += [
        _Raising(
            r.alert.code, r.raised_at, _origin(r.response, r.level_of_care_id, r.trigger), r.trigger
        )
        for r in repeats.select_related("alert", "response")
    ]
    return found


def _latest(raisings: Iterable[_Raising]) -> _Raising | None:
    return max(raisings, key=lambda r: r.at, default=None)


def _phq9_note(patient: Patient, after: dt.datetime | None) -> str | None:
    """The note for the latest PHQ-9 newer than the ASQ when an answer that raises
    ``suicide-risk`` on it (item 9 above 0) was given; None otherwise."""
    latest = patient.responses.filter(instrument=PHQ9)
    if after is not None:
        latest = latest.filter(submitted_at__gt=after)
    response = latest.order_by("-submitted_at", "-id").first()
    if response is None:
        return None
    definition = instrument(PHQ9)
    items = {item.id: item for item in definition.items}
    for rule in definition.alerts:
        if rule.code != RISK or rule.when is None:
            continue
        for item_id in rule.when.any_of:
            option = items[item_id].option(str(response.answers.get(item_id, "")))
            if option is not None and option.score > rule.when.above:
                return PHQ9_NOTE.format(
                    title=definition.short_title,
                    number=items[item_id].number,
                    above=rule.when.above,
                    date=_day(response.submitted_at),
                )
    return None


def _deciding(patient: Patient, after: dt.datetime | None) -> tuple[str, _Raising] | None:
    """The value the suicide alerts call for and the raising that decides it (the most
    recent of the highest kind: the module's docstring); None when none does."""
    raisings = _raisings(patient, after)
    imminent = _latest(r for r in raisings if r.code == IMMINENT)
    if imminent is None:
        still_open = (
            SafetyAlert.objects.filter(patient=patient, code=IMMINENT, acknowledged_at__isnull=True)
            .order_by("-raised_at", "-id")
            .first()
        )
        if still_open is not None:
            imminent = _Raising(
                IMMINENT, still_open.raised_at, "", still_open.latest_trigger, still_open=True
            )
    if imminent is not None:
        return "acute positive", imminent
    positive = _latest(r for r in raisings if r.code == RISK and r.origin in SCREENS)
    if positive is not None:
        return "non-acute positive", positive
    other = _latest(r for r in raisings if r.code in (RISK, INCOMPLETE))
    if other is not None:
        return "incomplete", other
    return None


def suicide_screen_prefill(patient: Patient) -> ScreenPrefill:
    """The suicide screen the level-of-care form offers for ``patient`` and the notes that
    say where it came from (the module's docstring gives the order). The caller has
    already been allowed to see the patient (staff see every alert of a patient they
    may see: ``assessments.access.alerts_visible_to``)."""
    asq = patient.responses.filter(instrument=ASQ).order_by("-submitted_at", "-id").first()
    after = asq.submitted_at if asq is not None else None
    deciding = _deciding(patient, after)
    value: str | None = None
    if deciding is not None:
        value, raising = deciding
        if raising.still_open:
            when = STILL_OPEN
        elif asq is not None:
            when = AFTER_ASQ.format(date=_day(asq.submitted_at), band=asq.band)
        else:
            when = NO_ASQ
        trigger = f" ({raising.trigger})" if raising.trigger else ""
        note = FROM_ALERT.format(
            value=value, code=raising.code, date=_day(raising.at), trigger=trigger, when=when
        )
        if raising.code == RISK and raising.origin not in SCREENS:
            note += NOT_AN_ASQ
    elif asq is not None and asq.band in SUICIDE_SCREENS:
        value = asq.band
        note = FROM_ASQ.format(date=_day(asq.submitted_at), band=asq.band)
    else:
        note = NO_SCREEN
    phq9 = _phq9_note(patient, after)
    return ScreenPrefill(value=value, notes=(note,) if phq9 is None else (note, phq9))
