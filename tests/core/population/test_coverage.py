"""Days covered: same-drug supply that overlaps is moved to start when the earlier fill
runs out (the PQA convention); fills of different drugs on the same days count once;
supply past the period's last day is not counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.population.dispensing import OLDER, fill, flagged


@pytest.mark.parametrize(
    ("fills", "covered"),
    [
        ([(0, "diazepam", 30), (10, "diazepam", 30)], 60),  # shifted: 0-29, then 30-59
        ([(0, "diazepam", 30), (10, "lorazepam", 30)], 40),  # two drugs: 0-39 once
        ([(0, "diazepam", 30), (100, "diazepam", 30)], 60),  # a gap between
        ([(0, "diazepam", 30), (5, "diazepam", 30), (10, "diazepam", 30)], 90),  # a chain
        ([(300, "diazepam", 30), (350, "diazepam", 30)], 45),  # cut at 31 December
        ([(320, "diazepam", 30), (330, "diazepam", 30)], 45),  # shifted past the end
        # shifted supply of one drug overlapping another drug's fill counts once
        ([(0, "diazepam", 30), (10, "diazepam", 30), (40, "lorazepam", 30)], 70),
    ],
)
def test_days_covered(tmp_path: Path, fills: list[tuple[int, str, int]], covered: int) -> None:
    rows = [fill("p", day, drug=drug, days=days, born=OLDER) for day, drug, days in fills]
    assert flagged(tmp_path, rows)["p"]["details"]["days_covered"] == covered


def test_the_average_dose_counts_each_shifted_day_once(tmp_path: Path) -> None:
    # diazepam 10 mg a day from two overlapping fills: shifted, 60 days at 10 mg, not
    # 20 days at 20 mg
    rows = [fill("p", d, strength=10, born=OLDER) for d in (0, 10)]
    details = flagged(tmp_path, rows)["p"]["details"]
    assert (details["days_covered"], details["average_daily_de_mg"]) == (60, 10.0)


def test_two_drugs_on_the_same_days_add_their_doses(tmp_path: Path) -> None:
    rows = [
        fill("p", 0, strength=10, born=OLDER),
        fill("p", 10, drug="lorazepam", strength=1, quantity=30, born=OLDER),  # diazepam 10 mg
    ]
    details = flagged(tmp_path, rows)["p"]["details"]
    # 300 mg + 300 mg of diazepam-equivalent over 40 days covered
    assert (details["days_covered"], details["average_daily_de_mg"]) == (40, 15.0)
