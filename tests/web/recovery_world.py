"""The set-up the recovery record's tests share: alex's history over the year and more
before today, as the care team recorded it.

- 500 days ago: a DSM-5 SUD checklist meeting the disorder (5 criteria, craving among
  them); the record begins then.
- A first taper, approved 434 days ago, that stopped clonazepam: its first day without
  the drug was 420 days ago.
- 380 days ago a checklist with craving alone, 250 days ago one with no criterion.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from clonacare.assessments.actions import do_submit_response
from clonacare.assessments.models import InstrumentResponse
from clonacare.audit.log import Actor
from clonacare.core.taper import CustomStep
from clonacare.patients.models import Patient
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from clonacare.plans.models import Plan
from tests.personas import PASSWORD, World

STEP_DAYS = 7
MET = "1,1,1,1,1,0,0,0,0,0,0"
CRAVING_ONLY = "0,0,0,1,0,0,0,0,0,0,0"
NONE = "0,0,0,0,0,0,0,0,0,0,0"


def avery(world: World) -> Actor:
    return Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def day_ago(days: int) -> dt.date:
    return timezone.localdate(days_ago(days))


def checklist(world: World, patient: Patient, tokens: str, *, ago: int) -> InstrumentResponse:
    answers = dict(zip([f"A{i}" for i in range(1, 12)], tokens.split(","), strict=True))
    return do_submit_response(avery(world), patient, "dsm5-sud", answers, now=days_ago(ago))


def taper(world: World, patient: Patient, *, stopped_ago: int, stops: bool = True) -> Plan:
    """An approved two-step plan of ``patient`` whose first day without clonazepam
    (``stops``) or last step on a lower dose was ``stopped_ago`` days before today."""
    then = days_ago(stopped_ago + 2 * STEP_DAYS)
    start = timezone.localdate(then)
    lower = CustomStep(start=start + dt.timedelta(days=STEP_DAYS), doses=(("night", Decimal(1)),))
    last = CustomStep(
        start=start + dt.timedelta(days=2 * STEP_DAYS),
        doses=() if stops else (("night", Decimal("0.5")),),
    )
    asked = PlanParameters(
        method="custom",
        start=start,
        steps=(lower, last),
        override_reason="A short supervised taper, as agreed with the patient.",
    )
    plan = do_draft_plan(avery(world), patient, asked, now=then)
    return do_approve_plan(avery(world), plan, password=PASSWORD, otp=None, now=then)


def alex_history(world: World) -> Plan:
    """alex's history (the module's docstring); returns the first taper."""
    checklist(world, world.alex, MET, ago=500)
    first = taper(world, world.alex, stopped_ago=420)
    checklist(world, world.alex, CRAVING_ONLY, ago=380)
    checklist(world, world.alex, NONE, ago=250)
    return first
