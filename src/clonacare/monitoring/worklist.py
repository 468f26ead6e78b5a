"""The worklist read model: the patients who need the care team today, most urgent
first, each with its reasons in plain language.

Read from the same patients as the caseload (``patients.access.list_patients``, so the
same access), in a fixed number of queries whatever the number of patients: one for the
patients with their counts and dates (subqueries, no joins that multiply rows), and one
each for their open alerts, open proposals, and the check-ins, missed doses and plan
change days of the missed-entry window. The reasons, most urgent first:

1. open safety alerts;
2. proposals to pause or slow awaiting a decision;
3. dose changes given by word of mouth awaiting their prescriber's co-signature;
4. draft taper plans awaiting approval;
5. dose changes starting today: the approved plan's change days
   (``plans.models.PlanChangeDay``), and dose changes recorded on the record;
6. missed check-ins or doses (``monitoring.rules.missed_entries``) while a plan is
   approved: only the days the check-in schedule (``monitoring.schedule``, read from
   the plan's change days, one more query) asked for a check-in are counted. After a
   plan that stops the drug (its ``stop_day``), only the monthly follow-up days count,
   and none once the care team has ended the follow-up (``FollowUpDecision``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clonacare.accounts.models import Role
from clonacare.assessments.models import SafetyAlert
from clonacare.audit.log import Actor
from clonacare.core.errors import ClinicalError
from clonacare.monitoring.models import CheckIn, DoseLog, FollowUpDecision, Proposal
from clonacare.monitoring.rules import missed_entries, rules
from clonacare.monitoring.schedule import after_taper, check_in_schedule, schedule_rule
from clonacare.patients.access import list_patients
from clonacare.patients.models import DoseChange, Patient
from clonacare.plans.models import Plan, PlanChangeDay

# Each reason's kind, in order of urgency (the first is the most urgent).
KINDS = (
    "alert",
    "proposal",
    "co-signature",
    "plan-approval",
    "dose-change-today",
    "missed-entries",
)
PLAN_CHANGES_TODAY = "The taper plan's dose changes today."
PLAN_STARTS_TODAY = "The taper plan starts today."
RECORD_CHANGE_TODAY = "A dose change starts today."
# What each staff role acts on, for the role filter: prescribers decide proposals,
# co-sign their orders and approve plans; everyone on the care team answers alerts and
# follows up missed entries; nurses give the day's dose changes.
ROLE_KINDS: dict[str, frozenset[str]] = {
    Role.PRESCRIBER: frozenset(KINDS),
    Role.NURSE: frozenset({"alert", "dose-change-today", "missed-entries"}),
    Role.COUNSELLOR: frozenset({"alert", "missed-entries"}),
}


@dataclass(frozen=True)
class WorklistItem:
    """One patient who needs action today (``patient_id``, ``name``): ``reasons`` in
    plain language and their ``kinds`` (KINDS), both most urgent first."""

    patient_id: int
    name: str
    reasons: tuple[str, ...]
    kinds: tuple[str, ...]


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """A per-patient count as a subquery (``patient`` = the outer patient), 0 for none."""
    counted = (
        queryset.filter(patient=OuterRef("pk"))
        .order_by()
        .values("patient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many.format(n=n)


def worklist(
    patients: QuerySet[Patient], now: dt.datetime, *, role: str | None = None
) -> list[WorklistItem]:
    """The patients among ``patients`` (already limited to what the reader may see) who
    need action on the day ``now`` falls on, most urgent first; discharged patients are
    left out. ``role`` (a staff role) keeps only the reasons that role acts on
    (ROLE_KINDS); None keeps every reason. A patient with no reason left is not listed.
    """
    today = timezone.localdate(now)
    missed_rule = rules().missed
    window_start = today - dt.timedelta(days=missed_rule.days)
    approved = Plan.objects.filter(patient=OuterRef("pk"), status=Plan.Status.APPROVED)
    window_check_ins = CheckIn.objects.filter(day__gte=window_start, day__lt=today)
    # One check-in a day at most: a patient with more than ``days - check_ins`` of them
    # in the window has fewer than ``check_ins`` days without one, so however their
    # schedule falls they cannot miss enough to be flagged (for a plan approved inside
    # the window too: its days before the approval only add uncovered days to the
    # window's, never to the plan's). Their check-in days and schedule are not read.
    most_covered = missed_rule.days - missed_rule.check_ins
    # Plain rows, not model instances: most patients need nothing, and building 2,000
    # Patient objects costs more than the queries themselves.
    listed = list(
        patients.exclude(status=Patient.Status.DISCHARGED)
        .annotate(
            pending_cosignatures=_count(
                DoseChange.objects.exclude(order=DoseChange.Order.PRESCRIBER).filter(
                    cosigned_at__isnull=True
                )
            ),
            draft_plans=_count(Plan.objects.filter(status=Plan.Status.DRAFT)),
            changes_today=_count(DoseChange.objects.filter(on=today)),
            # Only the approved plan keeps change days (plans.models.PlanChangeDay).
            plan_changes_today=_count(PlanChangeDay.objects.filter(on=today)),
            # The plan's first change day is the day it starts (the check-in schedule's
            # weekly days count from it).
            plan_start=Subquery(
                PlanChangeDay.objects.filter(patient=OuterRef("pk")).order_by("on").values("on")[:1]
            ),
            # At most one approved plan per patient: no ordering to pay for.
            approved_at=Subquery(approved.order_by().values("approved_at")[:1]),
            stop_day=Subquery(approved.order_by().values("stop_day")[:1]),
            # The care team's newest decision on the check-ins after the taper (none: on).
            follow_up=Subquery(
                FollowUpDecision.objects.filter(patient=OuterRef("pk"))
                .order_by("-decided_at", "-id")
                .values("on")[:1]
            ),
            window_check_ins=_count(window_check_ins),
        )
        .order_by("family_name", "given_name", "pk")
        .values(
            "pk",
            "given_name",
            "family_name",
            "pending_cosignatures",
            "draft_plans",
            "changes_today",
            "plan_changes_today",
            "plan_start",
            "approved_at",
            "stop_day",
            "follow_up",
            "window_check_ins",
        )
    )
    # The listed patients as a subquery, not a list of ids: the database joins it far
    # faster than Django builds and the database parses 2,000 parameters for each query.
    ids = patients.exclude(status=Patient.Status.DISCHARGED).order_by().values("pk")
    open_alerts: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for patient_id, code, raised_at in (
        SafetyAlert.objects.filter(patient_id__in=ids, acknowledged_at__isnull=True)
        .order_by("raised_at", "pk")
        .values_list("patient_id", "code", "raised_at")
    ):
        open_alerts[patient_id].append((code, raised_at))
    open_proposals: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for patient_id, kind, why in (
        Proposal.objects.filter(patient_id__in=ids, status=Proposal.Status.OPEN)
        .order_by()  # at most one open proposal per patient
        .values_list("patient_id", "kind", "why")
    ):
        open_proposals[patient_id].append((kind, str(why.get("text", ""))))
    on_plan = any(row["approved_at"] is not None for row in listed)
    check_in_days: dict[int, set[dt.date]] = defaultdict(set)
    missed_days: dict[int, list[dt.date]] = defaultdict(list)
    change_days: dict[int, list[dt.date]] = defaultdict(list)
    if on_plan:
        # Only the patients who could miss enough check-ins (``most_covered``): a short
        # list of ids, not a subquery that would count every patient's check-ins again;
        # unsorted, the window's days are counted, not listed.
        could_miss = [
            row["pk"]
            for row in listed
            if row["approved_at"] is not None and row["window_check_ins"] <= most_covered
        ]
        in_window = {"patient_id__in": ids, "day__gte": window_start, "day__lt": today}
        for patient_id, day in (
            CheckIn.objects.filter(patient_id__in=could_miss, day__gte=window_start, day__lt=today)
            .order_by()
            .values_list("patient_id", "day")
        ):
            check_in_days[patient_id].add(day)
        # A partial index (monitoring.0004) holds the missed doses alone.
        for patient_id, day in (
            DoseLog.objects.filter(status=DoseLog.Status.MISSED, **in_window)
            .order_by()
            .values_list("patient_id", "day")
        ):
            missed_days[patient_id].append(day)
        # The change days that can make a window day a daily check-in day (schedule).
        # Unsorted (the schedule sorts them): PlanChangeDay's default ordering by plan
        # would join every row to its plan.
        for patient_id, on in (
            PlanChangeDay.objects.filter(
                patient_id__in=could_miss,
                on__gte=window_start - dt.timedelta(days=schedule_rule().days_after_change),
                on__lt=today,
            )
            .order_by()
            .values_list("patient_id", "on")
        ):
            change_days[patient_id].append(on)
    wanted = ROLE_KINDS.get(role, frozenset(KINDS)) if role is not None else frozenset(KINDS)
    items = []
    for row in listed:
        patient_id = row["pk"]
        found: list[tuple[str, str]] = [
            ("alert", f"Open safety alert: {code}, raised {raised_at:%Y-%m-%d %H:%M} UTC.")
            for code, raised_at in open_alerts.get(patient_id, ())
        ]
        found.extend(
            ("proposal", f"A proposal to {kind} the taper awaits a decision: {text}")
            for kind, text in open_proposals.get(patient_id, ())
        )
        pending = row["pending_cosignatures"]
        if pending:
            found.append(
                (
                    "co-signature",
                    _plural(
                        pending,
                        "A dose change given by word of mouth awaits its prescriber's "
                        "co-signature.",
                        "{n} dose changes given by word of mouth await their prescriber's "
                        "co-signature.",
                    ),
                )
            )
        drafts = row["draft_plans"]
        if drafts:
            found.append(
                (
                    "plan-approval",
                    _plural(
                        drafts,
                        "A draft taper plan awaits approval.",
                        "{n} draft taper plans await approval.",
                    ),
                )
            )
        if row["plan_changes_today"]:
            starts = row["plan_start"] == today
            found.append(("dose-change-today", PLAN_STARTS_TODAY if starts else PLAN_CHANGES_TODAY))
        if row["changes_today"]:
            found.append(("dose-change-today", RECORD_CHANGE_TODAY))
        approved_at = row["approved_at"]
        if approved_at is not None:
            approved_on = timezone.localdate(approved_at)
            start = max(window_start, approved_on)
            due: list[dt.date] = []
            if row["window_check_ins"] <= most_covered:
                plan_start = row["plan_start"] or approved_on
                stop_day, follow_up = row["stop_day"], row["follow_up"] is not False
                ends = after_taper(stop_day, follow_up=follow_up) if stop_day else None
                schedule = check_in_schedule(plan_start, change_days.get(patient_id, ()), ends=ends)
                due = schedule.due_days(start, today)
            done: set[dt.date] | frozenset[dt.date] = check_in_days.get(patient_id, frozenset())
            flag = missed_entries(
                check_ins_due=len(due),
                check_ins_done=sum(1 for d in due if d in done),
                missed_doses=sum(1 for d in missed_days.get(patient_id, ()) if d >= start),
            )
            found.extend(("missed-entries", reason) for reason in flag.reasons)
        kept = [(kind, text) for kind, text in found if kind in wanted]
        if kept:
            kept.sort(key=lambda pair: KINDS.index(pair[0]))
            items.append(
                WorklistItem(
                    patient_id=patient_id,
                    name=f"{row['given_name']} {row['family_name']}",
                    reasons=tuple(text for _, text in kept),
                    kinds=tuple(kind for kind, _ in kept),
                )
            )
    # Most urgent first: by the most urgent reason, then by how many reasons; the list
    # was read in name order, and sorting keeps it among equals.
    items.sort(key=lambda item: (KINDS.index(item.kinds[0]), -len(item.kinds)))
    return items


NOT_FOR_PATIENTS = "The worklist is the care team's; a patient sees their own record instead."


def worklist_for(actor: Actor, now: dt.datetime, *, role: str | None = None) -> list[WorklistItem]:
    """The worklist of ``actor``: the patients of their caseload (the same gate and the
    same access, audited as ``worklist.view``) who need action today. ``role`` keeps the
    reasons a staff role acts on (ROLE_KINDS).

    Refused: ``not-allowed`` for a patient; ``role`` for a role filter that is not one
    of ROLE_KINDS. A site admin sees no patient, so their worklist is empty.
    """
    if actor.role == Role.PATIENT:
        raise ClinicalError("not-allowed", NOT_FOR_PATIENTS)
    if role is not None and role not in ROLE_KINDS:
        raise ClinicalError(
            "role",
            f"Unknown role {role!r} for the worklist; choose one of: {', '.join(ROLE_KINDS)}.",
        )
    return worklist(list_patients(actor, purpose="worklist.view"), now, role=role)
