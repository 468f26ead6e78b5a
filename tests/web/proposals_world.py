"""Alex's approved plan and check-ins that add up to a chosen CIWA-B sum: what the
proposal tests (API and page) set up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from clonacare.audit.log import Actor
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


def ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def approved_plan(world: World, days_ago: int = 5) -> Plan:
    """Alex's plan, drafted and approved ``days_ago`` days ago."""
    then = timezone.now() - dt.timedelta(days=days_ago)
    actor = Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    plan = do_draft_plan(actor, world.alex, parameters, now=then)
    return do_approve_plan(actor, plan, password=PASSWORD, otp=None, now=then)


def ciwa_b(total: int) -> dict[str, int]:
    """Answers to the patient-rated CIWA-B items that add up to ``total``."""
    answers = {}
    for item in PATIENT_ITEMS:
        answers[item] = min(4, total)
        total -= answers[item]
    return answers


def check_in(world: World, day: str, total: int) -> None:
    body = {
        "date": day,
        "seizure": False,
        "self_harm_thoughts": False,
        "sleep": 3,
        "anxiety": 4,
        "craving": 2,
        "ciwa_b": ciwa_b(total),
    }
    response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/check-ins", body)
    assert response.status_code == 201, response.json()
