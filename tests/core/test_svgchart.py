"""The chart writer's ticks: round steps for numbers, round dates for time, never more
than asked for; and the same data gives the same text."""

from __future__ import annotations

import datetime as dt

import pytest

from clonacare.core.svgchart import date_ticks, number_label, round_step


@pytest.mark.parametrize(
    ("span", "most", "step"),
    [(27, 6, 5.0), (21, 6, 5.0), (44, 6, 10.0), (11, 6, 2.0), (0.55, 6, 0.1), (3, 6, 0.5)],
)
def test_the_step_is_round_and_cuts_the_span_into_at_most_so_many(
    span: float, most: int, step: float
) -> None:
    assert round_step(span, most) == pytest.approx(step)
    assert span / round_step(span, most) <= most


def test_a_short_span_is_ticked_by_weeks_from_its_first_day() -> None:
    first = dt.date(2027, 1, 4)
    assert date_ticks(first, dt.date(2027, 3, 1), 8) == [
        first + dt.timedelta(weeks=2 * n) for n in range(5)
    ]


def test_a_long_span_is_ticked_on_the_first_of_round_months() -> None:
    ticks = date_ticks(dt.date(2027, 1, 4), dt.date(2028, 11, 9), 8)
    assert ticks == [
        dt.date(2027, 4, 1),
        dt.date(2027, 7, 1),
        dt.date(2027, 10, 1),
        dt.date(2028, 1, 1),
        dt.date(2028, 4, 1),
        dt.date(2028, 7, 1),
        dt.date(2028, 10, 1),
    ]


def test_tick_numbers_lose_their_trailing_zeros() -> None:
    assert [number_label(v) for v in (0.0, 2.5, 10.0, 0.25, 0.1 * 3)] == [
        "0",
        "2.5",
        "10",
        "0.25",
        "0.3",
    ]
