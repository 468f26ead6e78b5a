"""The recovery record: one timeline from the first assessment to now, the runs without
a benzodiazepine with their milestones, and DSM-5 remission.

``access_recovery_record`` reads the patient through their gate (audited as a read) and
each part through its own app's gate, so what a viewer may not see is not on their
timeline: a patient sees their self-report results and the alerts those raised, not the
clinician-rated checklists or the level-of-care assessments, nor draft plans. Counselling
sessions appear with their status only, never their notes (42 CFR Part 2).

The number of queries is fixed: one per kind of record, whatever their number
(tests/web/test_recovery_timeline_queries.py).

The events' sentences are put into the active language when the record is built
(gettext): English for the API and the staff pages, which have no Spanish paths, and
Spanish on the portal's ``/es/`` page (issue 16). What a person typed (a revision's
reason, a group's name) stays as typed; a score's band stays the instrument's English
word. A patient reads a safety alert in plain words, without its code or the
clinician's instruction that staff see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import (
    get_language,
    gettext,
    gettext_lazy,
    ngettext,
    pgettext_lazy,
)

from clonacare.assessments.access import (
    alerts_visible_to,
    level_of_care_visible_to,
    results_visible_to,
)
from clonacare.assessments.models import InstrumentResponse
from clonacare.audit.log import Actor
from clonacare.core.drugs import plain_mg
from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import instrument
from clonacare.core.instruments.definition import SCREEN_INCOMPLETE
from clonacare.core.recovery import (
    Checklist,
    Remission,
    RemissionStatus,
    Run,
    TaperEnd,
    craving_present,
    disorder_criteria,
    judge_remission,
    recovery_rules,
    runs_without,
)
from clonacare.patients.access import access_patient_by_id
from clonacare.patients.models import Patient
from clonacare.plans.access import plans_of
from clonacare.plans.models import Plan
from clonacare.recovery.access import is_staff_viewer, returns_to_use_of
from clonacare.therapy.access import assignments_of
from clonacare.therapy.group_access import attendance_of
from clonacare.therapy.labels import ATTENDANCE, SESSION_KINDS, SESSION_STATUSES
from clonacare.therapy.progress import progress
from clonacare.therapy.sessions import sessions_of

# What each kind of event is, in the order the same day shows them.
KINDS = (
    "assessment",
    "level-of-care",
    "alert",
    "plan-drafted",
    "plan-approved",
    "plan-revised",
    "dose-change",
    "taper-finished",
    "milestone",
    "session",
    "module-assigned",
    "module-completed",
    "group",
    "return-to-use",
    "remission",
)

# What a patient reads for each alert code: the subject only, in plain words. Staff read
# the code and the alert's message (its instruction to the clinician).
PATIENT_ALERTS: dict[str, Promise] = {
    "suicide-risk": gettext_lazy("Safety alert: answers about thoughts of harming yourself"),
    "suicide-risk-imminent": gettext_lazy(
        "Safety alert: answers about thoughts of harming yourself"
    ),
    SCREEN_INCOMPLETE: gettext_lazy(
        "Safety alert: a question about your safety was left unanswered"
    ),
    "seizure": gettext_lazy("Safety alert: a seizure reported"),
}
PATIENT_ALERT_OTHER = gettext_lazy("Safety alert: answers that need your care team's attention")

# A plan revision's kind, in the words of the model's labels in lower case,
# translatable; a test checks each kind has its entry and that the English is the
# label. Counselling sessions and group attendance take therapy.labels' words.
REVISION_KINDS: dict[str, Promise] = {
    "pause": pgettext_lazy("plan revision", "pause"),
    "slow-interval": pgettext_lazy("plan revision", "slow: a longer interval"),
    "slow-step": pgettext_lazy("plan revision", "slow: a smaller step"),
    "step-back": pgettext_lazy("plan revision", "step back to the previous dose"),
}


@dataclass(frozen=True)
class Event:
    """One thing on the timeline: its day, ``kind`` (one of ``KINDS``), plain ``text``,
    and what a staff link opens (``subject``: ``patient``, ``plan``, ``sessions``,
    ``modules``, ``group``, ``timeline``; ``subject_id`` its id). ``english``: a
    result's words that have no translation in the language of ``text`` (a published
    instrument's band, such as PHQ-9's ``moderate``), which a page shows after ``text``
    marked as English; empty when ``text`` holds the whole sentence."""

    on: dt.date
    kind: str
    text: str
    subject: str
    subject_id: int
    english: str = ""


@dataclass(frozen=True)
class LowerDose:
    """A taper plan that ended on a lower dose kept on: an acceptable outcome."""

    plan_id: int
    on: dt.date
    text: str
    source: str


@dataclass(frozen=True)
class RecoveryRecord:
    """The recovery record of ``patient`` as ``actor`` may see it on ``today``: the
    ``events`` oldest first, the ``runs`` without a benzodiazepine (oldest first), the
    ``lower_dose`` endings, ``remission`` (None for a viewer who may not see the
    checklists: a patient), and the milestones' source."""

    patient: Patient
    today: dt.date
    events: tuple[Event, ...]
    runs: tuple[Run, ...]
    lower_dose: tuple[LowerDose, ...]
    remission: Remission | None
    milestones_source: str

    @property
    def current_run(self) -> Run | None:
        last = self.runs[-1] if self.runs else None
        return last if last is not None and last.ended_on is None else None

    def newest_first(self) -> list[Event]:
        return list(reversed(self.events))


@cache
def _instrument_title(instrument_id: str) -> str:
    try:
        return instrument(instrument_id).short_title
    except ClinicalError:  # licensed (its pack is the site's) or no longer shipped
        return instrument_id


def _band(instrument_id: str, band: str, *, staff: bool, language: str) -> tuple[str, str]:
    """A result's band as the viewer reads it, with the language of its words: staff
    read the instrument's label; a patient the words the portal shows them
    (``patient_band_in``: the file's Spanish where it has its own words, else English)."""
    if staff:
        return band, "en"
    try:
        return instrument(instrument_id).patient_band_in(band, language)
    except ClinicalError:
        return band, "en"


def _day(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


def _daily_text(daily: Mapping[str, Any]) -> str:
    parts = [f"{plain_mg(Decimal(str(mg)))} mg {drug}" for drug, mg in daily.items() if mg]
    if not parts:
        return gettext("none")
    return f" {gettext('and')} ".join(parts)


def _dose_changes(plan: Plan, until: dt.date) -> list[Event]:
    """The days the plan in force changed the daily dose, up to ``until`` (today, or
    the day before the plan was superseded)."""
    events: list[Event] = []
    before: dict[str, Any] | None = None
    steps = sorted(plan.current_json().get("steps", []), key=lambda s: int(s.get("number", 0)))
    for step in steps:
        daily = {d: mg for d, mg in (step.get("daily_mg") or {}).items() if float(mg)}
        start = dt.date.fromisoformat(str(step["start"]))
        if start > until:
            break
        if daily and daily != before:
            first = before is None
            doses = {"doses": _daily_text(daily)}
            if first:
                text = gettext("Plan started: %(doses)s") % doses
            else:
                text = gettext("Daily dose changed to %(doses)s") % doses
            events.append(Event(start, "dose-change", text, "plan", plan.pk))
        before = daily
    return events


def _finished(plan: Plan, today: dt.date) -> bool:
    """An approved plan (in force or superseded since) whose end came on or before
    ``today`` and before any later plan replaced it."""
    if plan.approved_at is None or plan.end_date() > today:
        return False
    superseded = plan.superseded_at
    return superseded is None or _day(superseded) >= plan.end_date()


def _plan_events(
    plans: Sequence[Plan], visible: set[int], today: dt.date
) -> tuple[list[Event], list[TaperEnd], list[LowerDose]]:
    """The events of the plans whose ids are in ``visible`` (what the plans' gate lets
    the viewer see), and how every approved plan ended: a patient does not see a plan
    superseded since, but the end of their own first taper is a fact of their recovery
    (its milestones), so it is counted."""
    events: list[Event] = []
    ends: list[TaperEnd] = []
    lower: list[LowerDose] = []
    source = recovery_rules().lower_dose_source
    for plan in plans:
        shown = plan.pk in visible
        if plan.approved_at is None:
            if shown and plan.status == Plan.Status.DRAFT:
                text = gettext(
                    "A new %(drug)s taper plan drafted, awaiting a prescriber's approval"
                ) % {"drug": plan.drug}
                events.append(Event(_day(plan.created_at), "plan-drafted", text, "plan", plan.pk))
            continue
        if shown:
            text = gettext("%(Drug)s taper plan approved") % {"Drug": plan.drug.capitalize()}
            events.append(Event(_day(plan.approved_at), "plan-approved", text, "plan", plan.pk))
            for revision in plan.plan_revisions.all():
                kind = REVISION_KINDS.get(revision.kind) or revision.get_kind_display().lower()
                text = gettext("Plan revised (%(kind)s): %(reason)s") % {
                    "kind": kind,
                    "reason": revision.reason,
                }
                events.append(
                    Event(_day(revision.revised_at), "plan-revised", text, "plan", plan.pk)
                )
            until = today
            if plan.superseded_at is not None:
                until = min(today, _day(plan.superseded_at) - dt.timedelta(days=1))
            events.extend(_dose_changes(plan, until))
        if not _finished(plan, today):
            continue
        end = plan.end_date()
        stops = plan.stops_the_drug()
        ends.append(TaperEnd(end, stops))
        if stops:
            text = gettext("Taper finished: first day without a benzodiazepine")
        else:
            text = gettext("Taper finished on a lower dose of %(drug)s, kept on") % {
                "drug": plan.drug
            }
            lower.append(LowerDose(plan.pk, end, text, source))
        events.append(Event(end, "taper-finished", text, "plan", plan.pk))
    return events, ends, lower


def _checklists(results: Sequence[InstrumentResponse]) -> list[Checklist]:
    rules = recovery_rules().remission
    return [
        Checklist(_day(r.submitted_at), r.total, craving_present(r.answers, rules))
        for r in results
        if r.instrument == rules.instrument and r.complete and r.total is not None
    ]


def _remission_events(
    checklists: Sequence[Checklist], returns: Sequence[dt.date], patient: Patient
) -> list[Event]:
    """The days remission began, as the record judged it on the day of each checklist:
    an event each time the judgement became early or sustained remission."""
    rules = recovery_rules().remission
    shown = (RemissionStatus.EARLY, RemissionStatus.SUSTAINED)
    events: list[Event] = []
    before: RemissionStatus | None = None
    for day in sorted({c.on for c in checklists}):
        judged = judge_remission(
            checklists,
            returns,
            disorder_criteria=disorder_criteria(rules),
            today=day,
            rules=rules,
        )
        if judged.status in shown and judged.status != before and judged.since is not None:
            text = (
                f"{judged.label}: no criterion but craving on every checklist from "
                f"{judged.since.isoformat()} to {day.isoformat()}"
            )
            events.append(Event(day, "remission", text, "timeline", patient.pk))
        before = judged.status
    return events


def recovery_record(actor: Actor, patient: Patient, *, today: dt.date) -> RecoveryRecord:
    """The recovery record of ``patient`` (already read through its gate by ``actor``)
    as of ``today``. See the module's docstring for what each viewer sees."""
    patients = Patient.objects.filter(pk=patient.pk)
    staff = is_staff_viewer(actor)
    events: list[Event] = []
    language = get_language() or "en"
    results = list(results_visible_to(actor, patients).order_by("submitted_at", "id"))
    for result in results:
        total = "" if result.total is None else f": {result.total}"
        title = _instrument_title(result.instrument)
        english = ""
        if not result.complete:
            text = gettext("%(title)s: not complete") % {"title": title}
        elif not result.band:
            text = f"{title}{total}"
        else:
            words, words_language = _band(
                result.instrument, result.band, staff=staff, language=language
            )
            if words_language == language:
                text = f"{title}{total} ({words})"
            else:
                text, english = f"{title}{total}", words
        day = _day(result.submitted_at)
        events.append(Event(day, "assessment", text, "patient", patient.pk, english))
    for level in level_of_care_visible_to(actor, patients).order_by("assessed_at", "id"):
        text = f"Level of care: {level.level}; withdrawal risk {level.withdrawal_risk}"
        events.append(Event(_day(level.assessed_at), "level-of-care", text, "patient", patient.pk))
    for alert in alerts_visible_to(actor, patients).order_by("raised_at", "id"):
        if staff:
            text = f"Safety alert ({alert.code}): {alert.message}"
        else:
            text = str(PATIENT_ALERTS.get(alert.code, PATIENT_ALERT_OTHER))
        events.append(Event(_day(alert.raised_at), "alert", text, "patient", patient.pk))
    plans = list(Plan.objects.filter(patient=patient).prefetch_related("plan_revisions"))
    visible = set(plans_of(actor, patient).values_list("pk", flat=True))
    plan_events, ends, lower = _plan_events(plans, visible, today)
    events.extend(plan_events)
    for session in sessions_of(patient):
        day = _day(session.scheduled_at)
        if day > today:
            continue
        text = gettext("%(kind)s counselling session: %(status)s") % {
            "kind": SESSION_KINDS.get(session.kind, session.kind),
            "status": str(SESSION_STATUSES.get(session.status, session.status)).lower(),
        }
        events.append(Event(day, "session", text, "sessions", patient.pk))
    for assignment in assignments_of(patient):
        title = progress(assignment, language).title
        text = gettext("Module assigned: %(title)s") % {"title": title}
        events.append(
            Event(_day(assignment.assigned_at), "module-assigned", text, "modules", patient.pk)
        )
        if assignment.completed_at is not None:
            text = gettext("Module completed: %(title)s") % {"title": title}
            day = _day(assignment.completed_at)
            events.append(Event(day, "module-completed", text, "modules", patient.pk))
    for attendance in attendance_of(patient):
        held = attendance.session
        status = str(ATTENDANCE.get(attendance.status, attendance.status)).lower()
        text = gettext("Support group %(name)s: %(status)s") % {
            "name": held.group.name,
            "status": status,
        }
        events.append(Event(held.date, "group", text, "group", held.group_id))
    returns = list(returns_to_use_of(patient))
    for returned in returns:
        if returned.drug:
            text = gettext("Use started again (%(drug)s)") % {"drug": returned.drug}
        else:
            text = gettext("Use started again")
        if staff and returned.note:
            text = f"{text}: {returned.note}"
        events.append(Event(returned.on, "return-to-use", text, "timeline", patient.pk))
    rules = recovery_rules()
    return_days = [r.on for r in returns]
    runs = runs_without(ends, return_days, today=today, rules=rules.milestones)
    for run in runs:
        for milestone in run.reached:
            text = ngettext(
                "%(days)s day without a benzodiazepine",
                "%(days)s days without a benzodiazepine",
                milestone.days,
            ) % {"days": milestone.days}
            events.append(Event(milestone.on, "milestone", text, "timeline", patient.pk))
    remission: Remission | None = None
    if staff:
        checklists = _checklists(results)
        remission = judge_remission(
            checklists,
            return_days,
            disorder_criteria=disorder_criteria(rules.remission),
            today=today,
            rules=rules.remission,
        )
        events.extend(_remission_events(checklists, return_days, patient))
    order = {kind: i for i, kind in enumerate(KINDS)}
    events = [e for e in events if e.on <= today]
    events.sort(key=lambda e: (e.on, order[e.kind]))
    return RecoveryRecord(
        patient=patient,
        today=today,
        events=tuple(events),
        runs=tuple(runs),
        lower_dose=tuple(lower),
        remission=remission,
        milestones_source=rules.milestones.source,
    )


def access_recovery_record(
    actor: Actor, patient_id: int, *, now: dt.datetime, purpose: str = "recovery.timeline"
) -> RecoveryRecord:
    """The recovery record of patient ``patient_id`` if ``actor`` may see them, as of
    the day ``now`` falls on; the read is audited as ``purpose``. Raises PatientNotFound
    (audited as ``<purpose>.denied``) when there is no such patient or ``actor`` may not
    see them."""
    patient = access_patient_by_id(actor, patient_id, purpose=purpose)
    return recovery_record(actor, patient, today=timezone.localdate(now))
