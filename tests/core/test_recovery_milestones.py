"""Runs without a benzodiazepine and their milestones (core/recovery).

Milestone days 30, 90, 180 and 365 are Clonacare program markers (issue 11), counted
from the first day without the drug (the end date of a plan that stops it)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.errors import ClinicalError
from clonacare.core.recovery import Milestone, TaperEnd, parse_rules, recovery_rules, runs_without

RULES = recovery_rules().milestones
D = dt.date


def test_it_reads_the_milestone_days_and_their_source() -> None:
    assert RULES.days == (30, 90, 180, 365)
    assert RULES.source == "Clonacare program milestones (issue 11)"


def test_it_shows_milestones_reached_with_their_dates_and_the_next_one() -> None:
    [run] = runs_without([TaperEnd(D(2026, 1, 1), True)], [], today=D(2026, 4, 1), rules=RULES)
    assert run.started_on == D(2026, 1, 1)
    assert run.ended_on is None
    assert run.days_without == 90
    assert run.reached == (Milestone(30, D(2026, 1, 31)), Milestone(90, D(2026, 4, 1)))
    assert run.next == Milestone(180, D(2026, 6, 30))


def test_it_reaches_a_milestone_on_its_day_and_not_the_day_before() -> None:
    taper = [TaperEnd(D(2026, 1, 1), True)]
    [before] = runs_without(taper, [], today=D(2026, 1, 30), rules=RULES)
    [on_the_day] = runs_without(taper, [], today=D(2026, 1, 31), rules=RULES)
    assert before.reached == ()
    assert before.next == Milestone(30, D(2026, 1, 31))
    assert on_the_day.reached == (Milestone(30, D(2026, 1, 31)),)


def test_a_taper_not_finished_yet_starts_no_run() -> None:
    assert (
        runs_without([TaperEnd(D(2026, 5, 1), True)], [], today=D(2026, 4, 30), rules=RULES) == []
    )


def test_a_taper_ending_on_a_lower_dose_starts_no_run() -> None:
    assert (
        runs_without([TaperEnd(D(2026, 1, 1), False)], [], today=D(2027, 1, 1), rules=RULES) == []
    )


def test_a_return_to_use_ends_the_run_and_a_later_taper_starts_a_new_one() -> None:
    runs = runs_without(
        [TaperEnd(D(2025, 1, 1), True), TaperEnd(D(2026, 3, 1), True)],
        [D(2025, 7, 1)],
        today=D(2026, 4, 15),
        rules=RULES,
    )
    first, second = runs
    assert (first.started_on, first.ended_on, first.days_without) == (
        D(2025, 1, 1),
        D(2025, 7, 1),
        181,
    )
    assert [m.days for m in first.reached] == [30, 90, 180]
    assert first.next is None
    assert (second.started_on, second.ended_on, second.days_without) == (D(2026, 3, 1), None, 45)
    assert second.reached == (Milestone(30, D(2026, 3, 31)),)
    assert second.next == Milestone(90, D(2026, 5, 30))


def test_a_return_to_use_before_any_run_or_in_the_future_ends_nothing() -> None:
    [run] = runs_without(
        [TaperEnd(D(2026, 1, 1), True)],
        [D(2025, 6, 1), D(2026, 9, 1)],
        today=D(2026, 2, 1),
        rules=RULES,
    )
    assert run.ended_on is None


def test_every_milestone_reached_leaves_no_next_one() -> None:
    [run] = runs_without([TaperEnd(D(2024, 1, 1), True)], [], today=D(2026, 1, 1), rules=RULES)
    assert [m.days for m in run.reached] == [30, 90, 180, 365]
    assert run.next is None


def test_it_refuses_milestone_days_out_of_order() -> None:
    data = {
        "milestones": {"days": [90, 30], "source": "x"},
        "lower_dose": {"source": "x"},
        "remission": {},
    }
    with pytest.raises(ClinicalError) as refused:
        parse_rules(data, "recovery.toml")
    assert refused.value.message == (
        "recovery.toml [milestones]: 'days' must be whole numbers above 0, smallest first, "
        "each once."
    )


DAYS = st.integers(min_value=0, max_value=2000)


@given(
    tapers=st.lists(st.tuples(DAYS, st.booleans()), max_size=5),
    returns=st.lists(DAYS, max_size=5),
    today=DAYS,
)
def test_runs_never_overlap_and_milestones_are_never_in_the_future(
    tapers: list[tuple[int, bool]], returns: list[int], today: int
) -> None:
    start = D(2024, 1, 1)
    runs = runs_without(
        [TaperEnd(start + dt.timedelta(days=d), stops) for d, stops in tapers],
        [start + dt.timedelta(days=d) for d in returns],
        today=start + dt.timedelta(days=today),
        rules=RULES,
    )
    for before, after in itertools.pairwise(runs):
        assert before.ended_on is not None
        assert before.ended_on <= after.started_on
    for run in runs:
        last = run.ended_on or start + dt.timedelta(days=today)
        assert run.days_without == (last - run.started_on).days >= 0
        assert all(m.on <= last for m in run.reached)
        assert run.next is None or (run.ended_on is None and run.next.on > last)
    assert all(run.ended_on is not None for run in runs[:-1])
