"""The set-up the tests of the check-ins after the taper share: alex's taper, approved
in the past, that stopped clonazepam (or kept a lower dose on) a given number of days
ago, as a prescriber drafts and approves it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from clonacare.audit.log import Actor
from clonacare.core.taper import CustomStep
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from clonacare.plans.models import Plan
from tests.personas import PASSWORD, World

# A short custom taper: a week on the current doses, a week on less, then the stop.
STEP_DAYS = 7


def avery(world: World) -> Actor:
    return Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")


def finished_taper(world: World, *, stopped_days_ago: int, stops: bool = True) -> Plan:
    """alex's approved plan whose first day without clonazepam was ``stopped_days_ago``
    days before today (``stops``), or which reached its last dose, kept on, then."""
    now = timezone.now()
    then = now - dt.timedelta(days=stopped_days_ago + 2 * STEP_DAYS)
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
    plan = do_draft_plan(avery(world), world.alex, asked, now=then)
    return do_approve_plan(avery(world), plan, password=PASSWORD, otp=None, now=then)
