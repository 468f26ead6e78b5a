"""The check-in schedule after a taper that stopped the drug (``monitoring.schedule``,
plain functions): from the first day without the drug the taper's weekly days end; the
days after the stop stay daily, then one check-in every ``after_taper`` days counted
from that day while the care team keeps the follow-up on, and none once they end it.
A plan that ends on a dose kept on keeps the taper's schedule. The number is a
Clonacare default read from ``monitoring/data/rules.toml`` with its source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.monitoring.schedule import (
    AfterTaperRule,
    CheckInSchedule,
    ScheduleRule,
    after_taper,
    after_taper_rule,
    after_taper_text,
    check_in_schedule,
    load_after_taper,
)

START = dt.date(2026, 9, 1)
CHANGE = dt.date(2026, 9, 15)
STOP = dt.date(2026, 10, 1)  # the first day without the drug: the plan's last change
RULE = ScheduleRule(days_after_change=7, every_days=7, source="test")
MONTHLY = AfterTaperRule(every_days=30, source="test")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def schedule(*, follow_up: bool = True, stop: dt.date | None = STOP) -> CheckInSchedule:
    ends = None if stop is None else after_taper(stop, follow_up=follow_up, rule=MONTHLY)
    return check_in_schedule(START, [START, CHANGE, STOP], RULE, ends=ends)


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        ("2026-09-29", True),  # during the taper: 28 days from the start (weekly)
        ("2026-09-30", False),  # the last day on the drug, not a weekly day
        ("2026-10-01", True),  # the first day without it
        ("2026-10-08", True),  # the 7th day after the stop: daily still
        ("2026-10-09", False),  # no weekly days after the taper
        ("2026-10-13", False),  # would have been a weekly day of the taper
        ("2026-10-31", True),  # 30 days after the stop
        ("2026-11-01", False),
        ("2026-11-30", True),  # 60 days
        ("2027-09-26", True),  # 360 days: as long as the follow-up is on
    ],
)
def test_after_the_stop_it_is_daily_for_a_week_then_every_30_days(asked: str, due: bool) -> None:
    assert schedule().is_due(day(asked)) is due


def test_the_taper_before_the_stop_is_unchanged() -> None:
    during = (START, STOP)
    assert schedule().due_days(*during) == check_in_schedule(START, [CHANGE, STOP], RULE).due_days(
        *during
    )


def test_with_the_follow_up_ended_nothing_is_due_after_the_stop() -> None:
    ended = schedule(follow_up=False)
    assert ended.due_days(STOP, day("2027-10-01")) == []
    assert ended.is_due(day("2026-09-29")) is True  # the taper's days are not touched
    assert ended.next_due(day("2026-09-30")) is None
    assert ended.next_due(day("2026-09-26")) == day("2026-09-29")
    assert ended.follow_up_ended(STOP) is True
    assert ended.follow_up_ended(day("2026-09-30")) is False


def test_it_finds_the_next_monthly_day() -> None:
    assert schedule().next_due(day("2026-10-09")) == day("2026-10-31")
    assert schedule().next_due(day("2026-11-01")) == day("2026-11-30")
    assert schedule().is_after_taper(STOP) is True
    assert schedule().is_after_taper(day("2026-09-30")) is False


def test_a_plan_that_keeps_a_dose_on_keeps_the_weekly_schedule() -> None:
    kept = schedule(stop=None)
    assert kept.is_due(day("2026-10-13")) is True
    assert kept.is_due(day("2026-10-31")) is False
    assert kept.is_after_taper(day("2027-01-01")) is False
    assert kept.follow_up_ended(day("2027-01-01")) is False


def test_the_shipped_number_is_a_clonacare_default_with_its_source() -> None:
    rule = after_taper_rule()
    assert rule.every_days == 30
    assert rule.source.startswith("Clonacare default (configurable), issue 11")
    assert "monthly read as every 30 days" in rule.source
    assert after_taper_text() == (
        "After your taper, a check-in is asked for every day through the 7 days after "
        "your last dose, then once every 30 days, counted from your first day without the "
        "medicine, for as long as your care team keeps these check-ins on."
    )
    assert after_taper_text(ScheduleRule(0, 7, "test"), AfterTaperRule(28, "test")) == (
        "After your taper, a check-in is asked for once every 28 days, counted from your "
        "first day without the medicine, for as long as your care team keeps these "
        "check-ins on."
    )


GOOD = '[schedule]\ndays_after_change = 7\nevery_days = 7\nsource = "ours"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD, "rules.toml [schedule]: the [after_taper] table is missing."),
        (
            GOOD + "[schedule.after_taper]\nevery_days = 30\n",
            "rules.toml [schedule.after_taper]: every clinical value needs a 'source'.",
        ),
        (
            GOOD + '[schedule.after_taper]\nevery_days = 0\nsource = "ours"\n',
            "rules.toml [schedule.after_taper]: 'every_days' must be a whole number from 1 to 365.",
        ),
        (
            GOOD + '[schedule.after_taper]\nevery_days = "monthly"\nsource = "ours"\n',
            "rules.toml [schedule.after_taper]: 'every_days' must be a whole number from 1 to 365.",
        ),
    ],
)
def test_a_bad_after_taper_table_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(ClinicalError) as refused:
        load_after_taper(path)
    assert (refused.value.code, refused.value.message) == ("data-file", message)


def test_a_good_after_taper_table_is_read(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(GOOD + '[schedule.after_taper]\nevery_days = 28\nsource = "ours"\n')
    assert load_after_taper(path) == AfterTaperRule(28, "ours")
