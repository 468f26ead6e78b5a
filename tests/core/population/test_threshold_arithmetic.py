"""A figure exactly at its threshold meets it, whatever order the engine adds the fills'
doses in: sums of fractions can come out a few parts in 10^16 short of the threshold,
and that must not decide a flag (docs/population.md, "Engines")."""

from __future__ import annotations

from pathlib import Path

from tests.core.population.dispensing import fill, run_screen

# A chaotic run of flurazepam 15 mg found in generated data: the diazepam-equivalent of
# the last 90 days is exactly 1.5 times that of the first 90 days of use, but added up in
# one order the floating-point sums fell just short of it.
ESCALATING = (
    ("2026-06-22", 30),
    ("2026-07-12", 30),
    ("2026-07-29", 60),
    ("2026-08-16", 60),
    ("2026-09-09", 60),
    ("2026-10-02", 60),
    ("2026-10-23", 60),
    ("2026-11-13", 60),
    ("2026-12-07", 60),
    ("2026-12-28", 90),
)


def test_a_rise_of_exactly_half_is_dose_escalation(tmp_path: Path) -> None:
    rows = [fill("escalating", on, "flurazepam", 15, quantity, 30) for on, quantity in ESCALATING]
    result = run_screen(tmp_path, rows)
    (item,) = result.items
    assert "dose-escalation" in item.flags
    assert item.details["escalation_ratio"] == 1.5


def test_a_rise_just_short_of_half_is_not(tmp_path: Path) -> None:
    rows = [fill("escalating", on, "flurazepam", 15, quantity, 30) for on, quantity in ESCALATING]
    rows[0]["quantity"] = 31  # a unit more in the first fill: the rise is 1.49 times
    result = run_screen(tmp_path, rows)
    (item,) = result.items
    assert "dose-escalation" not in item.flags
    assert item.details["escalation_ratio"] == 1.49
