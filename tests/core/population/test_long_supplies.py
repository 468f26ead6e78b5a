"""A fill whose days' supply runs past the period's end covers the period to its last
day, and the fills of the same drug after it add no day and no dose inside the period,
however long the supplies are."""

from __future__ import annotations

from pathlib import Path

from tests.core.population.dispensing import OLDER, fill, flagged


def test_a_supply_longer_than_the_period_covers_it_to_its_last_day(tmp_path: Path) -> None:
    rows = [
        # diazepam 1 mg a day for 1,000 days, from 1 January
        fill("p", 0, strength=10, quantity=100, days=1000, born=OLDER),
        # 10 mg a day, shifted to start after day 1,000: outside the period
        fill("p", 100, strength=10, quantity=30, days=30, born=OLDER),
    ]
    details = flagged(tmp_path, rows)["p"]["details"]
    assert details["days_covered"] == 365
    assert details["average_daily_de_mg"] == 1.0
    assert details["benzodiazepine_fill_dates"] == 2
    assert details["early_refills"] == 1  # day 100 of a 1,000 days' supply


def test_a_later_fill_shifted_past_a_long_supply_adds_no_dose(tmp_path: Path) -> None:
    rows = [
        fill("p", 0, strength=10, quantity=30, days=30, born=OLDER),  # 10 mg a day, days 0-29
        fill("p", 20, strength=10, quantity=500, days=500, born=OLDER),  # 10 mg, days 30-364
        fill("p", 40, strength=40, quantity=30, days=30, born=OLDER),  # 40 mg, after day 529
    ]
    details = flagged(tmp_path, rows)["p"]["details"]
    assert (details["days_covered"], details["average_daily_de_mg"]) == (365, 10.0)


def test_supplies_of_years_on_years_are_screened(tmp_path: Path) -> None:
    long = "100000000000000000"  # 10**17 days
    rows = [
        fill("p", 0, strength=10, quantity=30, days=long, born=OLDER),
        fill("p", 30, strength=10, quantity=30, days=long, born=OLDER),
        fill("p", 60, strength=10, quantity=30, days=30, born=OLDER),
    ]
    details = flagged(tmp_path, rows)["p"]["details"]
    assert details["days_covered"] == 365
    assert (details["benzodiazepine_fills"], details["early_refills"]) == (3, 2)
    assert details["average_daily_de_mg"] == 0.0  # 300 mg over 10**17 days


def test_a_supply_too_long_to_multiply_is_still_judged_an_early_refill(tmp_path: Path) -> None:
    # 75% of 2 * 10**17 days, in whole hundredths, is more than a 64-bit integer holds.
    huge = str(2 * 10**17)
    rows = [
        fill("p", 0, strength=10, quantity=30, days=huge, born=OLDER),
        fill("p", 30, strength=10, quantity=30, days=huge, born=OLDER),
        fill("p", 60, strength=10, quantity=30, days=30, born=OLDER),
    ]
    details = flagged(tmp_path, rows)["p"]["details"]
    assert (details["benzodiazepine_fills"], details["early_refills"]) == (3, 2)
    assert details["days_covered"] == 365
