"""The check-in schedule's rule (``monitoring.schedule``, plain functions): daily from
each day the plan changes the dose through the days after it, weekly from the plan's
first day otherwise, never before the plan starts; its numbers are Clonacare defaults
read from ``monitoring/data/rules.toml`` with their source, a bad file refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clonacare.core.errors import ClinicalError
from clonacare.monitoring.schedule import (
    ScheduleRule,
    check_in_schedule,
    load_schedule,
    schedule_rule,
    schedule_text,
)

START = dt.date(2026, 12, 1)
LATER_CHANGE = dt.date(2026, 12, 29)
RULE = ScheduleRule(days_after_change=7, every_days=7, source="test")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        ("2026-11-30", False),  # before the plan starts
        ("2026-12-01", True),  # the first day: a change day
        ("2026-12-04", True),  # the week after it: daily
        ("2026-12-08", True),  # the 7th day after it
        ("2026-12-09", False),  # the 8th: weekly again, and not a weekly day
        ("2026-12-14", False),
        ("2026-12-15", True),  # 14 days from the start: weekly
        ("2026-12-22", True),
        ("2026-12-28", False),
        ("2026-12-29", True),  # the next change
        ("2027-01-02", True),
        ("2027-01-05", True),  # the 7th day after it (and 35 days from the start)
        ("2027-01-06", False),
        ("2027-01-12", True),  # 42 days from the start
    ],
)
def test_it_is_daily_in_the_week_after_a_change_and_weekly_otherwise(asked: str, due: bool) -> None:
    schedule = check_in_schedule(START, [LATER_CHANGE, START], RULE)
    assert schedule.is_due(day(asked)) is due


def test_the_weekly_days_count_from_the_plans_first_day_not_from_a_change() -> None:
    schedule = check_in_schedule(START, [day("2026-12-10")], RULE)
    # Daily 10 to 17 December, then the weekly days of the plan: 22 and 29 December.
    assert schedule.due_days(day("2026-12-16"), day("2027-01-01")) == [
        day("2026-12-16"),
        day("2026-12-17"),
        day("2026-12-22"),
        day("2026-12-29"),
    ]


def test_it_lists_the_due_days_of_a_window() -> None:
    schedule = check_in_schedule(START, [], RULE)
    expected = [START + dt.timedelta(days=n) for n in range(8)] + [day("2026-12-15")]
    assert schedule.due_days(day("2026-11-28"), day("2026-12-16")) == expected
    assert schedule.due_days(day("2026-12-16"), day("2026-12-16")) == []


def test_it_finds_the_next_due_day() -> None:
    schedule = check_in_schedule(START, [LATER_CHANGE], RULE)
    assert schedule.next_due(day("2026-11-20")) == START
    assert schedule.next_due(day("2026-12-05")) == day("2026-12-05")
    assert schedule.next_due(day("2026-12-09")) == day("2026-12-15")
    assert schedule.next_due(day("2026-12-23")) == day("2026-12-29")


def test_other_numbers_change_the_schedule() -> None:
    rule = ScheduleRule(days_after_change=2, every_days=3, source="test")
    schedule = check_in_schedule(START, [], rule)
    assert schedule.due_days(START, day("2026-12-11")) == [
        day("2026-12-01"),
        day("2026-12-02"),
        day("2026-12-03"),
        day("2026-12-04"),
        day("2026-12-07"),
        day("2026-12-10"),
    ]
    only_changes = check_in_schedule(START, [], ScheduleRule(0, 1, "test"))
    assert only_changes.due_days(START, day("2026-12-04")) == [
        START,
        day("2026-12-02"),
        day("2026-12-03"),
    ]


def test_the_shipped_numbers_are_clonacare_defaults_with_their_source() -> None:
    rule = schedule_rule()
    assert (rule.days_after_change, rule.every_days) == (7, 7)
    assert rule.source.startswith("Clonacare default (configurable), issue 10")
    assert "not a clinical number" in rule.source
    assert schedule_text() == (
        "A check-in is asked for every day from the day your dose changes through the 7 "
        "days after it, and once every 7 days otherwise, counted from the first day of "
        "your plan."
    )
    assert schedule_text(ScheduleRule(0, 1, "test")) == (
        "A check-in is asked for on each day your dose changes, and every day otherwise, "
        "counted from the first day of your plan."
    )


GOOD = 'days_after_change = 7\nevery_days = 7\nsource = "ours"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[other]\nx = 1\n", "rules.toml: the [schedule] table is missing."),
        (
            "[schedule]\ndays_after_change = 7\nevery_days = 7\n",
            "rules.toml [schedule]: every clinical value needs a 'source'.",
        ),
        (
            '[schedule]\ndays_after_change = 7\nevery_days = 0\nsource = "ours"\n',
            "rules.toml [schedule]: 'every_days' must be a whole number from 1 to 365.",
        ),
        (
            '[schedule]\ndays_after_change = "a week"\nevery_days = 7\nsource = "ours"\n',
            "rules.toml [schedule]: 'days_after_change' must be a whole number from 0 to 365.",
        ),
        (
            '[schedule]\nevery_days = 7\nsource = "ours"\n',
            "rules.toml [schedule]: 'days_after_change' must be a whole number from 0 to 365.",
        ),
        (
            '[schedule]\ndays_after_change = -1\nevery_days = 7\nsource = "ours"\n',
            "rules.toml [schedule]: 'days_after_change' must be a whole number from 0 to 365.",
        ),
    ],
)
def test_a_bad_schedule_table_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(ClinicalError) as refused:
        load_schedule(path)
    assert (refused.value.code, refused.value.message) == ("data-file", message)


def test_a_good_schedule_table_is_read(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text("[schedule]\n" + GOOD)
    assert load_schedule(path) == ScheduleRule(7, 7, "ours")
