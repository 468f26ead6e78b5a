"""The patient sees the check-in schedule: the plan page says when the next check-in is
and shows the schedule with its numbers; the check-in page says whether today's check-in
is due."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.log import Actor
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db

SCHEDULE = (
    "A check-in is asked for every day from the day your dose changes through the 7 days "
    "after it, and once every 7 days otherwise, counted from the first day of your plan. "
    "These are Clonacare's standard numbers, not a medical rule; your clinic may set others."
)
PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


def today() -> dt.date:
    return timezone.localdate()


def approved(world: World, *, days_ago: int, **parameters: Any) -> Plan:
    then = timezone.now() - dt.timedelta(days=days_ago)
    actor = Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")
    asked = PlanParameters(method="percent", step=Decimal(10), **parameters)
    plan = do_draft_plan(actor, world.alex, asked, now=then)
    return do_approve_plan(actor, plan, password=PASSWORD, otp=None, now=then)


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def check_in_today(world: World) -> None:
    body = {
        "seizure": False,
        "self_harm_thoughts": False,
        "sleep": 3,
        "anxiety": 4,
        "craving": 2,
        "ciwa_b": dict.fromkeys(PATIENT_ITEMS, 1),
    }
    response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/check-ins", body)
    assert response.status_code == 201


def test_on_the_plans_first_day_the_check_in_is_due_today(client: Client, world: World) -> None:
    approved(world, days_ago=0, switch_to="diazepam")
    signed_in(client, world.alex_user)
    plan = page(client, "/portal/plan/")
    assert "Your next check-in: <strong>today</strong>." in plan
    assert SCHEDULE in plan
    assert "Today's check-in is due." in page(client, "/portal/check-in/")


def test_once_done_the_next_check_in_is_the_next_day_asked_for(
    client: Client, world: World
) -> None:
    approved(world, days_ago=0, switch_to="diazepam")
    check_in_today(world)
    signed_in(client, world.alex_user)
    plan = page(client, "/portal/plan/")
    assert "Your next check-in: <strong>tomorrow</strong> (you have checked in today)." in plan
    assert "You have checked in today. Your next check-in: tomorrow." in page(
        client, "/portal/check-in/"
    )


def test_between_weekly_check_ins_the_page_names_the_next_day(client: Client, world: World) -> None:
    # Started 16 days ago and changing on its 28th day: weekly check-ins on its day 21.
    approved(world, days_ago=16, interval=28, switch_at=Decimal("7.5"))
    weekly = today() + dt.timedelta(days=5)
    named = f"{weekly:%A} {weekly.day} {weekly:%B}"
    signed_in(client, world.alex_user)
    assert f"Your next check-in: <strong>{named}</strong>." in page(client, "/portal/plan/")
    assert (
        f"No check-in is asked for today; your next one is on {named}. You can still check "
        "in whenever you want to tell your care team something."
    ) in page(client, "/portal/check-in/")


def test_without_an_approved_plan_no_schedule_is_shown(client: Client, world: World) -> None:
    signed_in(client, world.alex_user)
    assert "Your next check-in" not in page(client, "/portal/plan/")
    check_in_page = page(client, "/portal/check-in/")
    assert "check-in-due" not in check_in_page
    assert "Today's check-in is due." not in check_in_page
