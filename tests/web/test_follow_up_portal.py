"""The patient after the taper: the check-in page asks the same questions worded for
after the last dose, and the portal says when the next monthly check-in is due, or that
the care team has ended them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.log import Actor
from clonacare.monitoring.actions import do_set_follow_up
from tests.personas import World, signed_in
from tests.web.follow_up_world import finished_taper

pytestmark = pytest.mark.django_db

AFTER_INTRO = (
    "<p>A few questions about how you have been since you stopped. Some symptoms can go on "
    "for a while after the last dose; your care team reads these answers to notice them "
    "and help.</p>"
)
AFTER_HEADING = "<h2>Since you stopped, how much has each of these troubled you today?</h2>"
ENDED_CHECK_IN = (
    "Your care team has ended the check-ins after your taper, so none is asked for. You can "
    "still check in whenever you want to tell them something."
)
ENDED_PLAN = (
    "<p>Your care team has ended the check-ins after your taper. You can still check in "
    "whenever you want to tell them something."
)
AFTER_TAPER_TEXT = (
    "<p>After your taper, a check-in is asked for every day through the 7 days after your "
    "last dose, then once every 30 days, counted from your first day without the medicine, "
    "for as long as your care team keeps these check-ins on.</p>"
)


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def words(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def end_follow_up(world: World) -> None:
    kim = Actor(world.kim.pk, "kim", "nurse", world.riverside.pk, None, "")
    do_set_follow_up(kim, world.alex, False, "Doing well.", now=timezone.now())


def test_between_monthly_check_ins_the_portal_names_the_next_one(
    client: Client, world: World
) -> None:
    finished_taper(world, stopped_days_ago=10)
    nxt = timezone.localdate() + dt.timedelta(days=20)
    signed_in(client, world.alex_user)
    plan = page(client, "/portal/plan/")
    assert f"Your next check-in: <strong>{words(nxt)}</strong>." in plan
    assert AFTER_TAPER_TEXT in plan
    check_in = page(client, "/portal/check-in/")
    assert AFTER_INTRO in check_in
    assert AFTER_HEADING in check_in
    assert f"No check-in is asked for today; your next one is on {words(nxt)}." in check_in


def test_on_a_monthly_day_the_check_in_is_due(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=30)
    signed_in(client, world.alex_user)
    assert "Your monthly check-in is due today." in page(client, "/portal/check-in/")
    assert "Your next check-in: <strong>today</strong>." in page(client, "/portal/plan/")


def test_in_the_first_week_without_the_drug_it_is_daily(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=3)
    signed_in(client, world.alex_user)
    html = page(client, "/portal/check-in/")
    assert "Your monthly check-in is due today." in html
    assert AFTER_INTRO in html


def test_once_the_care_team_ends_them_the_portal_says_so(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=30)
    end_follow_up(world)
    signed_in(client, world.alex_user)
    check_in = page(client, "/portal/check-in/")
    assert ENDED_CHECK_IN in check_in
    assert "is due today" not in check_in
    assert AFTER_INTRO in check_in  # a check-in can still be sent
    plan = page(client, "/portal/plan/")
    assert ENDED_PLAN in plan
    assert "Your next check-in" not in plan


def test_during_the_taper_the_page_is_worded_as_before(client: Client, world: World) -> None:
    finished_taper(world, stopped_days_ago=-3)
    signed_in(client, world.alex_user)
    html = page(client, "/portal/check-in/")
    assert "A few questions about today. Your care team reads them to see how the taper" in html
    assert "<h2>How much has each of these troubled you today?</h2>" in html
    assert AFTER_INTRO not in html


def test_a_plan_that_keeps_a_lower_dose_has_no_after_taper_wording(
    client: Client, world: World
) -> None:
    finished_taper(world, stopped_days_ago=10, stops=False)
    signed_in(client, world.alex_user)
    assert AFTER_INTRO not in page(client, "/portal/check-in/")
    assert "After your taper" not in page(client, "/portal/plan/")
