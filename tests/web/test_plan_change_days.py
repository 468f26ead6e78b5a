"""The days the plan in force changes the daily dose, stored beside it: written when a
plan is approved, rewritten when it is revised, removed when it is superseded, filled by
a data migration for plans approved before they were stored; and the worklist's "dose
changes starting today" reading them."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.utils import timezone

from clonacare.audit.log import Actor
from clonacare.plans.actions import (
    PlanParameters,
    do_approve_plan,
    do_draft_plan,
    do_revise_plan,
)
from clonacare.plans.models import Plan, PlanChangeDay
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

fill = importlib.import_module("clonacare.plans.migrations.0004_fill_plan_change_days")


def avery(world: World) -> Actor:
    return Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")


def drafted(world: World, *, days_ago: int = 0) -> Plan:
    """Alex's plan, drafted ``days_ago`` days ago to start that day: clonazepam switched
    to diazepam a portion a week (days 0, 7, 14, 21), then 10% every 14 days."""
    then = timezone.now() - dt.timedelta(days=days_ago)
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    return do_draft_plan(avery(world), world.alex, parameters, now=then)


def approve(world: World, plan: Plan, *, days_ago: int = 0) -> Plan:
    then = timezone.now() - dt.timedelta(days=days_ago)
    return do_approve_plan(avery(world), plan, password=PASSWORD, otp=None, now=then)


def stored(plan: Plan) -> list[dt.date]:
    return list(PlanChangeDay.objects.filter(plan=plan).order_by("on").values_list("on", flat=True))


def days_from(start: dt.date, *offsets: int) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in offsets]


def test_approving_stores_the_start_and_each_day_the_daily_dose_changes(world: World) -> None:
    plan = approve(world, drafted(world))
    start = timezone.localdate()
    days = stored(plan)
    assert days[:7] == days_from(start, 0, 7, 14, 21, 28, 42, 56)
    steps = plan.plan_json["steps"]
    assert len(days) == len(steps)  # every step of this plan changes the dose
    assert set(PlanChangeDay.objects.values_list("patient_id", flat=True)) == {world.alex.pk}


def test_a_draft_keeps_no_change_days(world: World) -> None:
    drafted(world)
    assert not PlanChangeDay.objects.exists()


def test_a_superseded_plan_loses_its_change_days(world: World) -> None:
    first = approve(world, drafted(world, days_ago=3), days_ago=3)
    assert stored(first)[0] == timezone.localdate() - dt.timedelta(days=3)
    second = approve(world, drafted(world))
    assert stored(first) == []
    assert stored(second)[0] == timezone.localdate()


def test_a_pause_moves_the_later_change_days(world: World) -> None:
    plan = approve(world, drafted(world, days_ago=3), days_ago=3)
    start = timezone.localdate() - dt.timedelta(days=3)
    do_revise_plan(
        avery(world),
        plan,
        "pause",
        reason="Insomnia since the last cut",
        effective=timezone.localdate(),
        now=timezone.now(),
        days=14,
    )
    # The first week's dose is held 14 days longer: every later change comes 14 days later.
    assert stored(plan)[:4] == days_from(start, 0, 21, 28, 35)


def test_a_refused_revision_leaves_the_change_days(world: World) -> None:
    plan = approve(world, drafted(world))
    before = stored(plan)
    response = ApiClient(world.avery).post(
        f"/plans/{plan.pk}/revisions", {"kind": "pause", "reason": "Insomnia"}
    )
    assert response.status_code == 400
    assert stored(plan) == before


def test_the_migration_fills_the_change_days_of_plans_approved_before(world: World) -> None:
    superseded = approve(world, drafted(world, days_ago=5), days_ago=5)
    in_force = approve(world, drafted(world, days_ago=3), days_ago=3)
    do_revise_plan(
        avery(world),
        in_force,
        "pause",
        reason="Insomnia since the last cut",
        effective=timezone.localdate(),
        now=timezone.now(),
        days=14,
    )
    draft = drafted(world)
    expected = stored(in_force)
    PlanChangeDay.objects.all().delete()  # as in a database from before they were stored

    assert fill.fill_plans(apps) == 1
    assert stored(in_force) == expected  # read from the newest revision
    assert stored(superseded) == stored(draft) == []
    assert fill.fill_plans(apps) == 0  # a plan that has its rows is left alone


def reasons(user: User) -> dict[int, list[str]]:
    response = ApiClient(user).get("/worklist")
    assert response.status_code == 200
    return {item["patient_id"]: item["reasons"] for item in response.json()["items"]}


def test_the_worklist_lists_the_day_the_plan_starts(world: World) -> None:
    approve(world, drafted(world))
    assert reasons(world.avery) == {world.alex.pk: ["The taper plan starts today."]}
    assert reasons(world.kim) == {world.alex.pk: ["The taper plan starts today."]}


def test_the_worklist_lists_a_change_of_the_plan_in_force_today(world: World) -> None:
    approve(world, drafted(world, days_ago=7), days_ago=7)
    listed = reasons(world.avery)[world.alex.pk]
    assert listed[0] == "The taper plan's dose changes today."


def test_the_worklist_lists_no_change_on_a_day_the_plan_holds_the_dose(world: World) -> None:
    approve(world, drafted(world, days_ago=8), days_ago=8)
    assert "The taper plan's dose changes today." not in reasons(world.avery).get(world.alex.pk, [])


def test_a_superseded_plans_change_today_is_not_listed(world: World) -> None:
    approve(world, drafted(world, days_ago=7), days_ago=7)
    approve(world, drafted(world, days_ago=0))
    assert reasons(world.avery)[world.alex.pk] == ["The taper plan starts today."]
