"""The check-in reminders follow the schedule after the taper: once the plan has stopped
the drug, a reminder goes out on the monthly days (and the daily days just after the
stop) while the care team keeps the follow-up on, on no former weekly day, and never
once they have ended it; reading who is due stays a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.audit.log import Actor
from clonacare.monitoring.actions import do_set_follow_up
from clonacare.monitoring.reminders import due_today, send_check_in_reminders
from tests.personas import World
from tests.web.follow_up_world import finished_taper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings: SettingsWrapper, world: World) -> None:
    settings.SITE_URL = "https://clinic.example/"
    settings.CHECK_IN_REMINDER_HOUR = 9
    world.alex_user.email = "alex@mail.example"
    world.alex_user.save(update_fields=["email"])


def at_ten() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10)))


def end_follow_up(world: World, *, on: bool = False) -> None:
    lee = Actor(world.lee.pk, "lee", "counsellor", world.riverside.pk, None, "")
    do_set_follow_up(lee, world.alex, on, "Agreed at the review.", now=timezone.now())


@pytest.mark.parametrize("stopped_days_ago", [0, 7, 30, 60])
def test_a_reminder_goes_out_on_the_days_after_the_stop_and_the_monthly_days(
    world: World, stopped_days_ago: int
) -> None:
    finished_taper(world, stopped_days_ago=stopped_days_ago)
    sent = send_check_in_reminders(at_ten())
    assert [row.status for row in sent] == ["sent"]
    assert [m.to for m in mail.outbox] == [["alex@mail.example"]]


@pytest.mark.parametrize("stopped_days_ago", [8, 14, 21, 28, 31])
def test_no_reminder_on_the_other_days_after_the_taper(world: World, stopped_days_ago: int) -> None:
    # 14, 21 and 28 days after the stop were weekly days of the taper's schedule.
    finished_taper(world, stopped_days_ago=stopped_days_ago)
    assert send_check_in_reminders(at_ten()) == []
    assert mail.outbox == []


def test_no_reminder_once_the_care_team_has_ended_the_follow_up(world: World) -> None:
    finished_taper(world, stopped_days_ago=30)
    end_follow_up(world)
    assert send_check_in_reminders(at_ten()) == []
    assert mail.outbox == []


def test_the_newest_decision_counts(world: World) -> None:
    finished_taper(world, stopped_days_ago=30)
    end_follow_up(world)
    end_follow_up(world, on=True)
    assert [row.status for row in send_check_in_reminders(at_ten())] == ["sent"]


def test_a_plan_that_keeps_a_lower_dose_keeps_the_weekly_reminders(world: World) -> None:
    # The plan's first day was 28 days before "stopped_days_ago" 14: a weekly day.
    finished_taper(world, stopped_days_ago=14, stops=False)
    assert [row.status for row in send_check_in_reminders(at_ten())] == ["sent"]


def test_reading_who_is_due_takes_four_queries(
    world: World, django_assert_num_queries: Callable[[int], AbstractContextManager[Any]]
) -> None:
    finished_taper(world, stopped_days_ago=30)
    end_follow_up(world)
    end_follow_up(world, on=True)
    with django_assert_num_queries(4):
        assert [due.patient for due in due_today(timezone.localdate())] == [world.alex]
