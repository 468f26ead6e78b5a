"""What the outcomes tests plant (tests assert on what they plant): more Riverside
patients on avery's care team, approved taper plans that started a chosen number of days
ago (through the plans' actions), pauses, returns to use, PHQ-9 and GAD-7 totals, module
assignments and group attendance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from clonacare.accounts.models import Program
from clonacare.assessments.models import InstrumentResponse
from clonacare.audit.log import Actor
from clonacare.patients.models import BenzodiazepineUse, CareTeamMember, Patient
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan, do_revise_plan
from clonacare.plans.models import Plan
from clonacare.recovery.models import ReturnToUse
from clonacare.therapy.models import Attendance, GroupSession, ModuleAssignment, SupportGroup
from tests.personas import PASSWORD, World

# The bands plan of the persona's regimen (clonazepam 0.5 mg morning, 1 mg night, switched
# to diazepam) stops the drug 336 days after its first day; ending on 10 mg diazepam kept
# on, it ends 126 days after.
STOPS_AFTER_DAYS = 336
ENDS_ON_DOSE_AFTER_DAYS = 126


def actor_of(user: User) -> Actor:
    membership = user.membership
    return Actor(user.pk, user.username, membership.role, membership.program_id, None, "")


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def add_patients(world: World, count: int, program: Program | None = None) -> list[Patient]:
    """``count`` more patients of ``program`` (Riverside), avery and kim on each care
    team (brook for Northgate), clonazepam 0.5 mg morning and 1 mg night."""
    program = program or world.riverside
    team = [world.avery, world.kim] if program == world.riverside else [world.brook]
    patients = []
    start = Patient.objects.count()
    for n in range(count):
        patient = Patient.objects.create(
            program=program,
            given_name=f"Patient{start + n}",
            family_name="Outcome",
            date_of_birth=dt.date(1970, 1, 1),
        )
        BenzodiazepineUse.objects.create(
            patient=patient,
            drug="clonazepam",
            morning_mg=Decimal("0.5"),
            night_mg=Decimal("1"),
            since=dt.date(2020, 1, 1),
            prescriber_name="Dr. Avery",
        )
        for member in team:
            CareTeamMember.objects.create(patient=patient, user=member)
        patients.append(patient)
    return patients


def taper(
    world: World, patient: Patient, *, started_days_ago: int, end_dose: Decimal | None = None
) -> Plan:
    """An approved bands plan whose first day was ``started_days_ago`` days ago."""
    prescriber = world.avery if patient.program_id == world.riverside.pk else world.brook
    actor = actor_of(prescriber)
    then = timezone.now() - dt.timedelta(days=started_days_ago)
    parameters = PlanParameters(method="bands", switch_to="diazepam", end_dose=end_dose)
    plan = do_draft_plan(actor, patient, parameters, now=then)
    return do_approve_plan(actor, plan, password=PASSWORD, otp=None, now=then)


def pause(world: World, plan: Plan, *, days_ago_: int) -> None:
    """A 14-day pause of ``plan`` from ``days_ago_`` days ago."""
    then = timezone.now() - dt.timedelta(days=days_ago_)
    do_revise_plan(
        actor_of(world.avery),
        plan,
        "pause",
        reason="Withdrawal symptoms rose after the last cut.",
        effective=then.date(),
        now=then,
        days=14,
    )


def return_to_use(world: World, patient: Patient, on: dt.date) -> None:
    ReturnToUse.objects.create(
        patient=patient,
        on=on,
        drug="clonazepam",
        recorded_by=world.avery,
        recorded_at=timezone.now(),
    )


def score(world: World, patient: Patient, instrument: str, total: int, on: dt.date) -> None:
    """A complete ``instrument`` response with ``total``, submitted at noon on ``on``."""
    InstrumentResponse.objects.create(
        patient=patient,
        instrument=instrument,
        answers={},
        complete=True,
        total=total,
        result={},
        self_reported=True,
        entered_by=world.avery,
        submitted_at=dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC),
    )


def module(world: World, patient: Patient, *, completed: bool, on: dt.date) -> None:
    when = dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC)
    ModuleAssignment.objects.create(
        patient=patient,
        module="sleep",
        assigned_by=world.lee,
        assigned_at=when,
        status="completed" if completed else "in-progress",
        completed_at=when + dt.timedelta(days=7) if completed else None,
    )


def group(world: World, name: str = "Tapering together") -> SupportGroup:
    return SupportGroup.objects.create(
        program=world.riverside,
        name=name,
        schedule="Tuesdays, 6 to 7:30 pm",
        weekday=1,
        starts_at=dt.time(18),
        facilitator=world.lee,
        place="Room 2",
        capacity=30,
        created_by=world.lee,
        created_at=timezone.now(),
    )


def register(
    world: World, group_: SupportGroup, on: dt.date, marks: dict[Patient, str], *, held: bool = True
) -> None:
    session = GroupSession.objects.create(
        group=group_,
        date=on,
        status="held" if held else "cancelled",
        recorded_by=world.lee,
        recorded_at=timezone.now(),
    )
    for patient, status in marks.items():
        Attendance.objects.create(session=session, patient=patient, status=status)
