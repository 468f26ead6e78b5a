"""Missed check-ins on the worklist count only the days the check-in schedule asked for
one (daily in the week after each dose change, weekly otherwise), and a check-in entered
late for such a day counts as done."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from clonacare.audit.log import Actor
from clonacare.patients.models import Patient
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


def today() -> dt.date:
    return timezone.localdate()


def approved(world: World, *, days_ago: int, **parameters: Any) -> Plan:
    """Alex's plan, drafted and approved ``days_ago`` days ago to start that day."""
    then = timezone.now() - dt.timedelta(days=days_ago)
    actor = Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")
    asked = PlanParameters(method="percent", step=Decimal(10), **parameters)
    plan = do_draft_plan(actor, world.alex, asked, now=then)
    return do_approve_plan(actor, plan, password=PASSWORD, otp=None, now=then)


def check_in(user: User, patient: Patient, days_ago: int) -> None:
    body = {
        "date": (today() - dt.timedelta(days=days_ago)).isoformat(),
        "seizure": False,
        "self_harm_thoughts": False,
        "sleep": 3,
        "anxiety": 4,
        "craving": 2,
        "ciwa_b": dict.fromkeys(PATIENT_ITEMS, 1),
    }
    response = ApiClient(user).post(f"/patients/{patient.pk}/check-ins", body)
    assert response.status_code == 201, response.json()


def reasons(world: World) -> list[str]:
    response = ApiClient(world.avery).get("/worklist")
    assert response.status_code == 200
    found = {item["patient_id"]: item["reasons"] for item in response.json()["items"]}
    listed: list[str] = found.get(world.alex.pk, [])
    return listed


def test_days_the_schedule_did_not_ask_for_are_not_missed(world: World) -> None:
    # Started 20 days ago, next change on its 28th day: the last 7 days hold one weekly
    # check-in day (the 14th), so no flag, though no check-in was done at all.
    approved(world, days_ago=20, interval=28, switch_at=Decimal("7.5"))
    assert reasons(world) == []


def test_the_week_after_a_change_asks_for_a_check_in_every_day(world: World) -> None:
    # Switching to diazepam changes the dose every 7 days: every day is asked for.
    approved(world, days_ago=10, switch_to="diazepam")
    check_in(world.alex_user, world.alex, 3)
    assert reasons(world) == ["6 of the last 7 scheduled check-ins were not done."]


def test_a_late_entry_for_a_scheduled_day_counts_as_done(world: World) -> None:
    approved(world, days_ago=4, switch_to="diazepam")
    for days_ago in (4, 3, 2):
        check_in(world.alex_user, world.alex, days_ago)  # all entered today: late entries
    assert reasons(world) == []


def test_a_check_in_on_a_day_not_asked_for_does_not_stand_for_one_that_was(
    world: World,
) -> None:
    # Started 40 days ago (changes on its days 0, 7, 14, 21, 28, 42): of the last 7 days
    # (its days 33 to 39) the schedule asks for days 33, 34 and 35 (the week after day
    # 28; day 35 is a weekly day too), not 36 to 39.
    approved(world, days_ago=40, switch_to="diazepam")
    check_in(world.alex_user, world.alex, 3)  # day 37
    check_in(world.alex_user, world.alex, 2)  # day 38
    assert reasons(world) == ["3 of the last 3 scheduled check-ins were not done."]
    check_in(world.alex_user, world.alex, 5)  # day 35
    assert reasons(world) == []


def test_four_check_ins_in_the_window_can_still_leave_three_scheduled_days_undone(
    world: World,
) -> None:
    # Every day asked for; check-ins on 4 of the 7 days: 3 missed, flagged.
    approved(world, days_ago=10, switch_to="diazepam")
    for days_ago in (7, 6, 5, 4):
        check_in(world.alex_user, world.alex, days_ago)
    assert reasons(world) == ["3 of the last 7 scheduled check-ins were not done."]


def test_five_check_ins_in_the_window_leave_too_few_days_to_be_flagged(world: World) -> None:
    approved(world, days_ago=10, switch_to="diazepam")
    for days_ago in (7, 6, 5, 4, 3):
        check_in(world.alex_user, world.alex, days_ago)
    assert reasons(world) == []
