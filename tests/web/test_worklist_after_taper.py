"""After a taper that stops the drug, the worklist counts missed check-ins by the
schedule after the taper: the week after the stop is still asked for day by day while
the care team keeps the follow-up on, and nothing is asked for (so nothing is missed)
once they have ended it. The plan's stop day is stored at approval, so the worklist
reads it in the same query as before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clonacare.monitoring.actions import do_set_follow_up
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.follow_up_world import avery, finished_taper

pytestmark = pytest.mark.django_db


def reasons(world: World) -> list[str]:
    response = ApiClient(world.avery).get("/worklist")
    assert response.status_code == 200
    found = {item["patient_id"]: item["reasons"] for item in response.json()["items"]}
    listed: list[str] = found.get(world.alex.pk, [])
    return listed


def test_the_stop_day_is_stored_with_the_approved_plan(world: World) -> None:
    plan = finished_taper(world, stopped_days_ago=3)
    assert Plan.objects.get(pk=plan.pk).stop_day == timezone.localdate() - dt.timedelta(days=3)
    kept_on = finished_taper(world, stopped_days_ago=3, stops=False)
    assert Plan.objects.get(pk=kept_on.pk).stop_day is None


def test_the_week_after_the_stop_is_asked_for_while_the_follow_up_is_on(world: World) -> None:
    finished_taper(world, stopped_days_ago=3)
    assert reasons(world) == ["7 of the last 7 scheduled check-ins were not done."]


def test_nothing_is_missed_after_the_stop_once_the_follow_up_has_ended(world: World) -> None:
    # The whole 7-day window is after the stop: with the follow-up on, every day of the
    # week after the stop (a dose change) is asked for; with it ended, none is.
    finished_taper(world, stopped_days_ago=7)
    assert reasons(world) == ["7 of the last 7 scheduled check-ins were not done."]
    do_set_follow_up(
        avery(world), world.alex, False, "Agreed at the last visit.", now=timezone.now()
    )
    assert reasons(world) == []


def test_the_days_before_the_stop_are_still_the_tapers(world: World) -> None:
    # Stopped 3 days ago: the 4 days before the stop were the week after the last dose
    # change, each asked for; ending the follow-up changes only the days after the stop.
    finished_taper(world, stopped_days_ago=3)
    do_set_follow_up(
        avery(world), world.alex, False, "Agreed at the last visit.", now=timezone.now()
    )
    assert reasons(world) == ["4 of the last 4 scheduled check-ins were not done."]


def test_the_follow_up_costs_the_worklist_no_query(world: World) -> None:
    finished_taper(world, stopped_days_ago=3)
    with CaptureQueriesContext(connection) as before:
        reasons(world)
    do_set_follow_up(
        avery(world), world.alex, False, "Agreed at the last visit.", now=timezone.now()
    )
    with CaptureQueriesContext(connection) as after:
        reasons(world)
    assert len(after) == len(before)
