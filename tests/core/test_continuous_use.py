"""How long benzodiazepines have been taken (issue 8): a dose change, which ends one
recorded use the day before the next begins, does not reset the duration; neither does a
switch to another drug. A gap does."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.assessment import continuous_use_since

TODAY = dt.date(2026, 12, 1)
D = dt.date


def test_one_use_runs_from_its_start() -> None:
    assert continuous_use_since([(D(2024, 3, 1), None)], TODAY) == D(2024, 3, 1)


def test_a_dose_change_does_not_reset_it() -> None:
    uses = [(D(2024, 3, 1), D(2026, 10, 31)), (D(2026, 11, 1), None)]
    assert continuous_use_since(uses, TODAY) == D(2024, 3, 1)


def test_several_dose_changes_and_a_switch_do_not_reset_it() -> None:
    uses = [
        (D(2026, 11, 20), None),  # diazepam, after the switch
        (D(2025, 6, 1), D(2026, 11, 25)),  # clonazepam, during the crossover
        (D(2023, 1, 10), D(2025, 5, 31)),
    ]
    assert continuous_use_since(uses, TODAY) == D(2023, 1, 10)


def test_a_gap_starts_it_again() -> None:
    uses = [(D(2020, 1, 1), D(2021, 1, 1)), (D(2021, 1, 3), None)]
    assert continuous_use_since(uses, TODAY) == D(2021, 1, 3)


def test_no_current_use_has_no_duration() -> None:
    assert continuous_use_since([(D(2020, 1, 1), D(2021, 1, 1))], TODAY) is None
    assert continuous_use_since([], TODAY) is None


@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2026, 1, 1)),
    lengths=st.lists(st.integers(min_value=1, max_value=400), max_size=8),
)
def test_any_chain_of_dose_changes_runs_from_the_first(start: dt.date, lengths: list[int]) -> None:
    uses: list[tuple[dt.date, dt.date | None]] = []
    since = start
    for days in lengths:
        ended = since + dt.timedelta(days=days - 1)
        if ended >= TODAY:
            break
        uses.append((since, ended))
        since = ended + dt.timedelta(days=1)
    uses.append((since, None))
    assert continuous_use_since(reversed(uses), TODAY) == start
