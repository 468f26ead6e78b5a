"""Every flag on hand-made fills at its threshold and one day, one prescriber or one
percent short of it (thresholds: core/population/data/flags.toml)."""

from __future__ import annotations

from pathlib import Path

from tests.core.population.dispensing import OLDER, fill, flagged


def test_it_flags_long_term_use_from_120_days_covered(tmp_path: Path) -> None:
    rows = [fill("at", d) for d in (0, 30, 60, 90)]
    rows += [fill("short", d, days=30 if d < 90 else 29) for d in (0, 30, 60, 90)]
    rows += [fill("over", d, days=30 if d < 90 else 31) for d in (0, 30, 60, 90)]
    items = flagged(tmp_path, rows)
    assert items["at"]["flags"] == ["long-term-use"]
    assert items["at"]["details"]["days_covered"] == 120
    assert items["at"]["details"]["days_covered_at_least"] == {
        "90": True,
        "120": True,
        "180": False,
    }
    assert "short" not in items
    assert items["over"]["details"]["days_covered"] == 121


def test_it_flags_a_high_dose_from_40_mg_diazepam_equivalent_a_day(tmp_path: Path) -> None:
    rows = [
        fill("forty", 100, strength=10, quantity=120),
        fill("thirty-nine", 100, strength=10, quantity=117),
        fill("one-percent-under", 100, strength=10, quantity=118.8),  # 39.6 mg a day
        fill("one-percent-over", 100, strength=10, quantity=121.2),  # 40.4 mg a day
        # alprazolam 2 mg is diazepam 40 mg on the Ashton table (0.5 mg = diazepam 10 mg)
        fill("alprazolam", 100, drug="alprazolam", strength=2, quantity=30),
    ]
    items = flagged(tmp_path, rows)
    assert items["forty"]["flags"] == ["high-dose"]
    assert items["forty"]["details"]["average_daily_de_mg"] == 40.0
    assert items["alprazolam"]["details"]["average_daily_de_mg"] == 40.0
    assert "thirty-nine" not in items
    assert "one-percent-under" not in items
    assert items["one-percent-over"]["flags"] == ["high-dose"]


def _providers(patient: str, last_day: int, pharmacies: int = 4) -> list[dict[str, object]]:
    return [
        fill(patient, day, drug="lorazepam", strength=1, quantity=14, days=7,
             prescriber=f"DR-{n}", pharmacy=f"RX-{min(n, pharmacies)}")
        for n, day in enumerate((10, 40, 70, last_day), start=1)
    ]  # fmt: skip


def test_it_flags_four_prescribers_and_four_pharmacies_within_180_days(tmp_path: Path) -> None:
    rows = _providers("in-180", 189) + _providers("in-181", 190)
    rows += _providers("three-pharmacies", 100, pharmacies=3)
    # four pharmacies but three prescribers: the second prescriber fills twice
    same = {"DR-3": "DR-2"}
    rows += [
        {**row, "prescriber_id": same.get(str(row["prescriber_id"]), row["prescriber_id"])}
        for row in _providers("three-prescribers", 100)
    ]
    items = flagged(tmp_path, rows)
    assert items["in-180"]["flags"] == ["multiple-providers"]
    details = items["in-180"]["details"]
    assert (details["prescribers_in_window"], details["pharmacies_in_window"]) == (4, 4)
    assert details["window"] == {"start": "2026-01-11", "end": "2026-07-09"}
    assert "in-181" not in items
    assert "three-pharmacies" not in items
    assert "three-prescribers" not in items


def test_a_prescriber_or_pharmacy_counts_once_in_a_window_however_often_it_fills(
    tmp_path: Path,
) -> None:
    def fills(patient: str, first_day: int) -> list[dict[str, object]]:
        # DR-1 fills on ``first_day`` and again on day 200; DR-2 twice on day 190.
        return [
            fill(patient, day, drug="lorazepam", strength=1, quantity=14, days=7,
                 prescriber=f"DR-{n}", pharmacy=f"RX-{n}", born=OLDER)
            for n, day in ((1, first_day), (2, 190), (2, 190), (3, 195), (4, 199), (1, 200))
        ]  # fmt: skip

    # DR-1's fill on day 19 is outside every window that holds the other three (the one
    # ending on day 199 covers days 20 to 199): only its fill on day 200 brings it in.
    # On day 21 it is inside the window ending on day 199, the earliest with all four.
    rows = fills("outside", 19) + fills("inside", 21)
    rows += [row for row in fills("near-miss", 19) if row["fill_date"] != "2026-07-20"]
    items = flagged(tmp_path, rows)
    for patient, end in (("outside", "2026-07-20"), ("inside", "2026-07-19")):
        details = items[patient]["details"]
        assert "multiple-providers" in items[patient]["flags"]
        assert (details["prescribers_in_window"], details["pharmacies_in_window"]) == (4, 4)
        assert details["window"]["end"] == end
    details = items["near-miss"]["details"]
    assert "multiple-providers" not in items["near-miss"]["flags"]
    assert (details["prescribers_in_window"], details["pharmacies_in_window"]) == (3, 3)


def test_it_flags_two_refills_before_75_percent_of_the_supply(tmp_path: Path) -> None:
    rows = [fill("early", d, drug="clonazepam", strength=0.5, quantity=60) for d in (0, 22, 44)]
    rows += [fill("on-time", d, drug="clonazepam", strength=0.5, quantity=60) for d in (0, 22, 45)]
    # an early fill of another drug is not an early refill of this one
    rows += [
        fill("switch", 0),
        fill("switch", 10, drug="lorazepam", strength=1),
        fill("switch", 20),
    ]
    items = flagged(tmp_path, rows)
    assert items["early"]["flags"] == ["early-refill"]
    assert items["early"]["details"]["early_refills"] == 2
    assert "on-time" not in items
    assert "switch" not in items


def _cob(
    patient: str, second_opioid_days: int, same_day_benzo: bool = False
) -> list[dict[str, object]]:
    return [
        fill(patient, 200, drug="alprazolam", strength=0.5, quantity=60),
        fill(patient, 200 if same_day_benzo else 230, drug="alprazolam", strength=0.5, quantity=60),
        fill(patient, 200, drug="oxycodone", strength=5, quantity=60, days=15),
        fill(patient, 215, drug="oxycodone", strength=5, quantity=60, days=second_opioid_days),
    ]


def test_it_flags_30_days_of_opioids_and_benzodiazepines_together(tmp_path: Path) -> None:
    rows = _cob("thirty", 15) + _cob("twenty-nine", 14) + _cob("one-benzo-date", 15, True)
    # one opioid fill date: two fills on the same day, 30 days of both all the same
    rows += [
        fill("one-opioid-date", 200, drug="alprazolam", strength=0.5, quantity=60),
        fill("one-opioid-date", 230, drug="alprazolam", strength=0.5, quantity=60),
        fill("one-opioid-date", 200, drug="oxycodone", strength=5, quantity=60, days=15),
        fill("one-opioid-date", 200, drug="oxycodone", strength=5, quantity=60, days=15),
    ]
    items = flagged(tmp_path, rows)
    assert items["thirty"]["flags"] == ["opioid-overlap"]
    details = items["thirty"]["details"]
    assert details["overlap_days"] == 30
    assert details["opioid_fill_dates"] == 2
    assert details["opioid_days_supply"] == 30
    assert details["opioid_max_daily_mme"] == 30.0  # oxycodone 20 mg a day x 1.5
    assert "twenty-nine" not in items
    assert "one-benzo-date" not in items
    assert "one-opioid-date" not in items


def test_cancer_sickle_cell_and_hospice_in_the_period_exclude_the_overlap(tmp_path: Path) -> None:
    rows = _cob("cancer", 15) + _cob("sickle", 15) + _cob("hospice", 15) + _cob("old-cancer", 15)
    diagnoses = [
        ("cancer", "C50.911", "2026-03-01"),
        ("sickle", "D57.1", "2026-03-01"),
        ("hospice", "Z51.5", "2026-03-01"),
        ("old-cancer", "C50.911", "2025-03-01"),  # before the period
    ]
    items = flagged(tmp_path, rows, diagnoses=diagnoses)
    assert set(items) == {"old-cancer"}
    assert items["old-cancer"]["flags"] == ["opioid-overlap"]
    assert items["old-cancer"]["details"]["excluded_from_opioid_overlap"] == []


def test_it_flags_an_older_adult_from_65_on_the_last_day(tmp_path: Path) -> None:
    rows = [fill("sixty-five", d, days=7, born="1961-12-31") for d in (50, 120)]
    rows += [fill("sixty-four", d, days=7, born="1962-01-01") for d in (50, 120)]
    rows += [fill("one-date", 50, days=7, born="1940-01-01")] * 2
    items = flagged(
        tmp_path,
        rows,
        diagnoses=[("sixty-five", "W19.XXXA", "2026-02-01"), ("sixty-five", "G30.9", "2020-01-01")],
    )
    assert items["sixty-five"]["flags"] == ["older-adult"]
    assert items["sixty-five"]["details"]["age"] == 65
    assert items["sixty-five"]["details"]["diagnoses"] == ["falls", "dementia"]
    assert "sixty-four" not in items
    assert "one-date" not in items


def _escalating(patient: str, last_strength: float, first_day: int = 0) -> list[dict[str, object]]:
    first = [fill(patient, first_day + d, strength=10, born=OLDER) for d in (0, 30, 60)]
    last = [fill(patient, d, strength=last_strength, born=OLDER) for d in (275, 305, 335)]
    return first + last


def test_it_flags_a_dose_50_percent_higher_in_the_last_90_days(tmp_path: Path) -> None:
    rows = (
        _escalating("fifty", 15) + _escalating("fifty-one", 15.1) + _escalating("forty-nine", 14.9)
    )
    items = flagged(tmp_path, rows)
    assert "dose-escalation" in items["fifty"]["flags"]
    assert items["fifty"]["details"]["escalation_ratio"] == 1.5
    assert "dose-escalation" in items["fifty-one"]["flags"]
    assert "dose-escalation" not in items["forty-nine"]["flags"]
    assert items["forty-nine"]["details"]["escalation_ratio"] == 1.49


def test_escalation_is_not_judged_when_the_first_and_last_90_days_overlap(tmp_path: Path) -> None:
    rows = [fill("late", d, strength=s, born=OLDER) for d, s in ((186, 5), (275, 20), (335, 20))]
    items = flagged(tmp_path, rows)
    assert items["late"]["flags"] == ["older-adult"]
    assert items["late"]["details"]["escalation_ratio"] is None


def test_items_come_most_flags_first_then_by_patient(tmp_path: Path) -> None:
    rows = _escalating("b-two", 15) + _escalating("a-two", 15)
    rows += [fill("c-one", d, born=OLDER, days=7) for d in (0, 50)]
    rows += _providers("a-one", 189)
    items = list(flagged(tmp_path, rows))
    assert items == ["a-two", "b-two", "a-one", "c-one"]
