"""The figures of an item are rounded to 2 places as the exact value is: a screen rounds
whole columns at once and sends only the values near a tie through Python's round, so
repeating decimals (thirds, sevenths, ninths, elevenths) must come out as exact
arithmetic gives them (docs/population.md, "Engines")."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from tests.core.population.dispensing import OLDER, fill, run_screen

# Days' supplies whose daily doses repeat: 5 * quantity / days mg of diazepam a day.
SUPPLIES = (3, 6, 7, 9, 11, 13)
QUANTITIES = range(1, 41)


def test_average_doses_in_repeating_decimals_round_as_exact_arithmetic(tmp_path: Path) -> None:
    rows = []
    expected = {}
    for days in SUPPLIES:
        for quantity in QUANTITIES:
            patient = f"d{days}-q{quantity}"
            # Two fills far apart (an older adult with two fill dates is flagged, so
            # the figures show): covered 2 * days, 2 * 5 * quantity mg in all.
            rows += [
                fill(patient, day, strength=5, quantity=quantity, days=days, born=OLDER)
                for day in (0, 200)
            ]
            expected[patient] = float(round(Fraction(5 * quantity, days), 2))
    result = run_screen(tmp_path, rows)
    averages = {i.patient_id: i.details["average_daily_de_mg"] for i in result.items}
    assert averages == expected
