"""A sleep diary's figures (``therapy.exercises.check_fields``, ``sleep_figures``):
whatever the times of a night that the diary accepts, total sleep fits in the time in
bed and sleep efficiency stays between 0 and 100; what does not fit is refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clonacare.core.errors import ClinicalError
from clonacare.therapy.exercises import MINUTES_A_DAY, check_fields, sleep_figures


def clock(minutes: int) -> str:
    minutes %= MINUTES_A_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def nights(draw: Any) -> tuple[dict[str, object], bool]:
    """A night whose times follow each other, and whether its minutes fit in it."""
    bed = draw(st.integers(0, MINUTES_A_DAY - 1))
    attempt = draw(st.integers(0, MINUTES_A_DAY - 1))
    waking = draw(st.integers(attempt, MINUTES_A_DAY - 1))
    out = draw(st.integers(waking, MINUTES_A_DAY - 1))
    to_fall = draw(st.integers(0, MINUTES_A_DAY))
    awake = draw(st.integers(0, MINUTES_A_DAY))
    night: dict[str, object] = {
        "bed_time": clock(bed),
        "sleep_attempt_time": clock(bed + attempt),
        "minutes_to_fall_asleep": to_fall,
        "wakings": draw(st.integers(0, 99)),
        "minutes_awake": awake,
        "final_waking_time": clock(bed + waking),
        "out_of_bed_time": clock(bed + out),
        "sleep_quality": draw(st.integers(1, 5)),
        "nap_minutes": 0,
        "notes": "",
    }
    return night, to_fall + awake <= waking - attempt


@given(nights())
def test_total_sleep_fits_in_the_time_in_bed(drawn: tuple[dict[str, object], bool]) -> None:
    night, fits = drawn
    if not fits:
        with pytest.raises(ClinicalError) as refused:
            check_fields("sleep-diary", night)
        assert (refused.value.code, refused.value.message) == (
            "exercise-field",
            "The minutes to fall asleep and awake in the night add up to more than the "
            "time from trying to sleep to the final waking.",
        )
        return
    figures = sleep_figures(check_fields("sleep-diary", night))
    assert 0 <= figures.total_sleep_minutes <= figures.time_in_bed_minutes < MINUTES_A_DAY
    if figures.efficiency_percent is None:
        assert figures.time_in_bed_minutes == 0
    else:
        assert 0 <= figures.efficiency_percent <= 100
