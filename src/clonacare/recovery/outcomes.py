"""The program's outcomes (docs/outcomes.md): what became of the tapers, the scores, the
CBT modules and the groups of one program over a period, as figures a page, the CSV
export and the API show alike, with the small-cell rule already applied.

Read through ``access_program_outcomes`` (the program's admin and clinical staff; anyone
else, and any other program, is answered as missing) and ``program_outcomes``, which
reads the apps that own each fact in six queries whatever the number of patients: the
plans with their first and last days and how they end (read from the plan JSON by the
database, so no plan's steps are loaded), their revisions, the returns to use, the
PHQ-9 and GAD-7 totals, the module assignments and the group attendance.

A taper attempt is a patient's run of approved plans until a return to use: a plan
approved after another without a return to use between them replaces it in the same
attempt (a re-plan); a plan approved after a return to use starts a new attempt. An
attempt is cut short (neither finished nor on a lower dose) when its last plan was
superseded before its end, or a return to use started between its first day and its
end. The taper figures count attempts; the small-cell rule counts the patients behind
them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models.fields.json import KT

from clonacare.accounts.models import STAFF_ACCOUNT_ROLES, Program
from clonacare.assessments.models import InstrumentResponse
from clonacare.audit.log import Actor, record, record_denied
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import RecordNotFound
from clonacare.plans.models import Plan, PlanRevision
from clonacare.recovery.models import ReturnToUse
from clonacare.recovery.outcomes_rules import (
    OutcomeRules,
    ScoreCutoffs,
    counts_for_change,
    in_remission,
    median_days,
    patients_of,
    percent,
    responded,
    rules,
    withheld,
)
from clonacare.therapy.models import Attendance, GroupSession, ModuleAssignment

Key = tuple[int, Hashable]

PLAN_SOURCE = "Clonacare: the plan in force (its newest revision) and its end (plans.models)"
RETURN_SOURCE = "Clonacare: returns to use recorded on the recovery record"
MODULE_SOURCE = "Clonacare: the CBT modules counsellors assign (docs/therapy.md)"
GROUP_SOURCE = "Clonacare: the registers of the program's support groups (docs/groups.md)"


class OutcomesNotFound(RecordNotFound):
    """No program with that id whose outcomes this actor may see (missing, another
    program's, or a role that never sees them: answered alike)."""

    refusal_code = "outcomes-not-found"
    refusal_message = "Program not found."


@dataclass(frozen=True)
class Period:
    """The days ``start`` to ``end``, both included; ``start`` None for all time."""

    start: dt.date | None
    end: dt.date

    def holds(self, day: dt.date | None) -> bool:
        if day is None:
            return False
        return (self.start is None or day >= self.start) and day <= self.end

    def as_query(self) -> dict[str, str]:
        """The period as the page's and the API's ``from`` and ``to``."""
        return {"from": self.start.isoformat() if self.start else "", "to": self.end.isoformat()}


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ClinicalError(
            "outcomes-period",
            f"The '{name}' date must be a date like 2026-01-31, not {text[:40]!r}.",
        ) from None


def parse_period(start: str | None, end: str | None, *, today: dt.date) -> Period:
    """The period from the ``from`` and ``to`` texts (ISO dates; either may be empty:
    from the first record, to ``today``). Refused (``outcomes-period``, 400): a text
    that is not a date, a ``to`` after today (no outcome is known yet), or a ``from``
    after the ``to``."""
    first = _date(start.strip(), "from") if start and start.strip() else None
    last = _date(end.strip(), "to") if end and end.strip() else today
    if last > today:
        raise ClinicalError(
            "outcomes-period",
            f"The period ends today ({today.isoformat()}) at the latest, not on "
            f"{last.isoformat()}: outcomes after today are not known yet.",
        )
    if first is not None and first > last:
        raise ClinicalError(
            "outcomes-period",
            f"The period's 'from' date ({first.isoformat()}) is after its 'to' date "
            f"({last.isoformat()}).",
        )
    return Period(first, last)


def may_see_outcomes(actor: Actor, program_id: int) -> bool:
    """The program's admin, prescribers, nurses and counsellors; no patient, no one of
    another program, no site admin (who sees no patient data)."""
    if actor.user_id is None or actor.program_id != program_id:
        return False
    return actor.role in STAFF_ACCOUNT_ROLES


def access_program_outcomes(
    actor: Actor, program_id: int, period: Period, *, purpose: str = "outcomes.view"
) -> Program:
    """The program ``program_id`` whose outcomes ``actor`` may see; the read of
    ``period`` is audited as ``purpose``. Raises OutcomesNotFound for anyone else, for
    another program and for no such program, audited as ``<purpose>.denied``."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None or not may_see_outcomes(actor, program_id):
        record_denied(
            actor,
            purpose,
            object_type="Program",
            object_id=program_id,
            id_name="program_id",
            owner_patient_id=None,
        )
        raise OutcomesNotFound(program_id)
    record(actor, purpose, program_id=program_id, detail=period.as_query())
    return program


@dataclass(frozen=True)
class Figure:
    """One figure. ``kind``: ``count`` (``count`` of something), ``proportion``
    (``count`` of ``denominator``, ``value`` the per cent) or ``median`` (``value`` in
    days, over ``count`` tapers). When ``withheld`` (``"fewer-than"`` or
    ``"complementary"``), ``count`` and ``value`` are None, and so is ``denominator``
    when it is the small cell itself."""

    key: str
    label: str
    kind: str
    count: int | None
    denominator: int | None
    value: float | None
    withheld: str | None
    definition: str
    source: str


@dataclass(frozen=True)
class Outcomes:
    program: Program
    period: Period
    today: dt.date
    smallest_shown: int
    small_cell_source: str
    figures: tuple[Figure, ...]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


@dataclass
class _Attempt:
    patient_id: int
    number: int
    first_day: dt.date | None
    end: dt.date | None = None
    discontinued: bool = False
    cut_short: bool = False
    paused_on: tuple[dt.date, ...] = ()


def _day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _attempts(program_id: int, returns: dict[int, list[dt.date]]) -> list[_Attempt]:
    """Each patient's taper attempts (two queries: the plans and their revisions), split
    by the ``returns`` to use (patient id to the days)."""
    plans: list[dict[str, Any]] = [
        dict(row)
        for row in Plan.objects.filter(patient__program_id=program_id, approved_at__isnull=False)
        .annotate(
            first_day=KT("plan_json__steps__0__start"),
            end_day=KT("plan_json__end_date"),
            ends=KT("plan_json__outcome"),
        )
        .order_by("patient_id", "approved_at", "id")
        .values("id", "patient_id", "approved_at", "superseded_at", "first_day", "end_day", "ends")
    ]
    revisions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    revision: dict[str, Any]
    for revision in (  # type: ignore[assignment]
        PlanRevision.objects.filter(
            plan__patient__program_id=program_id, plan__approved_at__isnull=False
        )
        .annotate(end_day=KT("plan_json__end_date"), ends=KT("plan_json__outcome"))
        .order_by("plan_id", "number")
        .values("plan_id", "number", "kind", "effective_on", "end_day", "ends")
    ):
        revisions[revision["plan_id"]].append(revision)
    attempts: list[_Attempt] = []
    previous: dict[str, Any] | None = None
    current: _Attempt | None = None
    for plan in plans:
        approved = plan["approved_at"].date()
        same_patient = previous is not None and previous["patient_id"] == plan["patient_id"]
        returned_between = same_patient and any(
            previous["approved_at"].date() <= on <= approved  # type: ignore[index]
            for on in returns.get(plan["patient_id"], ())
        )
        if current is None or not same_patient or returned_between:
            number = current.number + 1 if current is not None and same_patient else 1
            current = _Attempt(plan["patient_id"], number, _day(plan["first_day"]))
            attempts.append(current)
        # The plan in force: its newest revision, else the plan as drafted.
        in_force = revisions[plan["id"]][-1] if revisions[plan["id"]] else plan
        current.end = _day(in_force["end_day"])
        current.discontinued = in_force["ends"] == "discontinued"
        superseded = plan["superseded_at"]
        current.cut_short = (
            superseded is not None and current.end is not None and superseded.date() < current.end
        )
        current.paused_on += tuple(
            r["effective_on"] for r in revisions[plan["id"]] if r["kind"] == PlanRevision.Kind.PAUSE
        )
        previous = plan
    for attempt in attempts:
        # A return to use before the plan's end cut the attempt short, whatever the
        # plan's dates say; one after it follows a finished taper.
        first, end = attempt.first_day, attempt.end
        attempt.cut_short = attempt.cut_short or any(
            first is not None and end is not None and first <= on < end
            for on in returns.get(attempt.patient_id, ())
        )
    return attempts


def _scores(
    program_id: int, period: Period, chosen: OutcomeRules
) -> dict[tuple[int, str], list[int]]:
    """(patient, instrument) to the complete totals in the period, oldest first."""
    responses = InstrumentResponse.objects.filter(
        patient__program_id=program_id,
        instrument__in=[c.instrument for c in chosen.instruments],
        complete=True,
        total__isnull=False,
        submitted_at__date__lte=period.end,
    )
    if period.start is not None:
        responses = responses.filter(submitted_at__date__gte=period.start)
    totals: dict[tuple[int, str], list[int]] = defaultdict(list)
    for patient_id, instrument, total in responses.order_by("submitted_at", "id").values_list(
        "patient_id", "instrument", "total"
    ):
        if total is not None:
            totals[(patient_id, instrument)].append(total)
    return totals


def _figure(
    key: str,
    label: str,
    part: Sequence[Key],
    whole: Sequence[Key] | None,
    smallest: int,
    definition: str,
    source: str,
) -> Figure:
    why = withheld(part, whole, smallest)
    denominator = len(whole) if whole is not None else None
    kind = "count" if whole is None else "proportion"
    if why is not None:
        whole_small = whole is not None and 0 < patients_of(whole) < smallest
        return Figure(
            key,
            label,
            kind,
            None,
            None if whole_small else denominator,
            None,
            why,
            definition,
            source,
        )
    value = float(len(part)) if whole is None else percent(len(part), len(whole))
    return Figure(key, label, kind, len(part), denominator, value, None, definition, source)


def _score_figures(
    totals: dict[tuple[int, str], list[int]], cutoffs: ScoreCutoffs, smallest: int
) -> list[Figure]:
    scored: list[Key] = []
    response: list[Key] = []
    remission: list[Key] = []
    for (patient_id, instrument), values in totals.items():
        if instrument != cutoffs.instrument or len(values) < 2:
            continue
        if not counts_for_change(values[0], cutoffs):
            continue
        scored.append((patient_id, instrument))
        if responded(values[0], values[-1], cutoffs):
            response.append((patient_id, instrument))
        if in_remission(values[-1], cutoffs):
            remission.append((patient_id, instrument))
    below = cutoffs.remission_below
    among = (
        f"among patients whose first {cutoffs.label} total in the period was {below} or "
        "more and who have a later one"
    )
    return [
        _figure(
            f"{cutoffs.instrument}_response",
            f"{cutoffs.label} response",
            response,
            scored,
            smallest,
            f"Latest total at least {cutoffs.response_drop_pct}% below the first, {among}.",
            cutoffs.response_source,
        ),
        _figure(
            f"{cutoffs.instrument}_remission",
            f"{cutoffs.label} remission",
            remission,
            scored,
            smallest,
            f"Latest total below {below}, {among}.",
            cutoffs.remission_source,
        ),
    ]


def program_outcomes(
    program: Program, period: Period, *, today: dt.date, with_rules: OutcomeRules | None = None
) -> Outcomes:
    """The figures of ``program`` over ``period`` as of ``today`` (the gate has let the
    reader in), small cells withheld. Six queries, whatever the number of patients.
    ``with_rules``: other cut-offs than the shipped data file's (``load_rules``)."""
    chosen: OutcomeRules = with_rules or rules()
    smallest = chosen.smallest_shown
    returns: dict[int, list[dt.date]] = defaultdict(list)
    for patient_id, on in ReturnToUse.objects.filter(patient__program_id=program.pk).values_list(
        "patient_id", "on"
    ):
        returns[patient_id].append(on)
    attempts = _attempts(program.pk, returns)
    ended_by = min(period.end, today)

    def ended(attempt: _Attempt) -> bool:
        return (
            not attempt.cut_short
            and attempt.end is not None
            and attempt.end <= ended_by
            and period.holds(attempt.end)
        )

    started = [(a.patient_id, a.number) for a in attempts if period.holds(a.first_day)]
    finished_attempts = [a for a in attempts if ended(a) and a.discontinued]
    finished = [(a.patient_id, a.number) for a in finished_attempts]
    lower = [(a.patient_id, a.number) for a in attempts if ended(a) and not a.discontinued]
    paused = [
        (a.patient_id, a.number) for a in attempts if any(period.holds(d) for d in a.paused_on)
    ]
    returned: list[Key] = [
        (patient_id, 0) for patient_id, days in returns.items() if any(map(period.holds, days))
    ]
    figures = [
        _figure(
            "started",
            "Started a taper",
            started,
            None,
            smallest,
            "Taper attempts whose first plan's first day falls in the period.",
            PLAN_SOURCE,
        ),
        _figure(
            "finished",
            "Finished: stopped the benzodiazepine",
            finished,
            None,
            smallest,
            "Taper attempts whose plan in force stops the drug and whose first day without "
            "it falls in the period (and is past).",
            PLAN_SOURCE,
        ),
        _figure(
            "paused",
            "Paused",
            paused,
            None,
            smallest,
            "Taper attempts with a pause that took effect in the period.",
            PLAN_SOURCE,
        ),
        _figure(
            "lower_dose",
            "Stayed on a lower dose",
            lower,
            None,
            smallest,
            "Taper attempts whose plan in force ends on a dose kept on, and whose last "
            "planned day falls in the period: an acceptable outcome, not a failure.",
            chosen.lower_dose_source,
        ),
        _figure(
            "returned_to_use",
            "Returned to use",
            returned,
            None,
            smallest,
            "Patients with a return to use recorded as starting in the period.",
            RETURN_SOURCE,
        ),
    ]
    lengths = [(a.end - a.first_day).days for a in finished_attempts if a.first_day and a.end]
    finished_figure = figures[1]
    figures.append(
        Figure(
            "median_taper_days",
            "Median taper length (days)",
            "median",
            finished_figure.count,
            None,
            median_days(lengths) if finished_figure.withheld is None else None,
            finished_figure.withheld,
            "For the finished tapers: days from the first plan's first day to the first "
            "day without the drug, the middle value.",
            PLAN_SOURCE,
        )
    )
    totals = _scores(program.pk, period, chosen)
    for cutoffs in chosen.instruments:
        figures.extend(_score_figures(totals, cutoffs, smallest))
    assignments = ModuleAssignment.objects.filter(
        patient__program_id=program.pk, assigned_at__date__lte=period.end
    )
    if period.start is not None:
        assignments = assignments.filter(assigned_at__date__gte=period.start)
    assigned: list[Key] = []
    completed: list[Key] = []
    for patient_id, pk, done_at in assignments.values_list("patient_id", "id", "completed_at"):
        assigned.append((patient_id, pk))
        if done_at is not None and done_at.date() <= period.end:
            completed.append((patient_id, pk))
    figures.append(
        _figure(
            "module_completion",
            "CBT modules completed",
            completed,
            assigned,
            smallest,
            "Modules assigned in the period and completed by its end, of those assigned.",
            MODULE_SOURCE,
        )
    )
    marks = Attendance.objects.filter(
        session__group__program_id=program.pk,
        session__status=GroupSession.Status.HELD,
        session__date__lte=period.end,
    )
    if period.start is not None:
        marks = marks.filter(session__date__gte=period.start)
    recorded: list[Key] = []
    attended: list[Key] = []
    for patient_id, pk, status in marks.values_list("patient_id", "id", "status"):
        recorded.append((patient_id, pk))
        if status == Attendance.Status.ATTENDED:
            attended.append((patient_id, pk))
    figures.append(
        _figure(
            "group_attendance",
            "Group attendance",
            attended,
            recorded,
            smallest,
            "Places at held group sessions in the period where the member came, of those "
            "whose attendance was recorded (attended, absent or excused).",
            GROUP_SOURCE,
        )
    )
    return Outcomes(program, period, today, smallest, chosen.small_cell_source, tuple(figures))
