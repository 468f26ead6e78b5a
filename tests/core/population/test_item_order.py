"""The flagged patients come back in order, most flags first and then by patient id,
whichever part of the screen worked them out: patients of one drug, of several drugs,
and those with more than one prescriber or pharmacy are worked out apart and put in
order at the end."""

from __future__ import annotations

from pathlib import Path

from tests.core.population.dispensing import OLDER, fill, run_screen


def test_items_of_every_kind_of_patient_come_in_one_order(tmp_path: Path) -> None:
    def one_drug(patient: str, days: tuple[int, ...]) -> list[dict[str, object]]:
        return [fill(patient, d, born=OLDER) for d in days]

    def two_drugs(patient: str, days: tuple[int, ...]) -> list[dict[str, object]]:
        return [
            fill(patient, d, drug="diazepam" if n % 2 else "lorazepam", strength=1, born=OLDER)
            for n, d in enumerate(days)
        ]

    def two_prescribers(patient: str, days: tuple[int, ...]) -> list[dict[str, object]]:
        return [fill(patient, d, prescriber=f"DR-{n % 2}", born=OLDER) for n, d in enumerate(days)]

    two_dates = (0, 30)  # older-adult only
    four_months = (0, 30, 60, 90)  # older-adult and long-term-use (120 days)
    rows = [
        *one_drug("c-one-drug", two_dates),
        *one_drug("a-one-drug", four_months),
        *two_drugs("b-two-drugs", two_dates),
        *two_drugs("d-two-drugs", four_months),
        *two_prescribers("a-two-prescribers", two_dates),
        *two_prescribers("e-two-prescribers", four_months),
    ]
    result = run_screen(tmp_path, rows)
    assert [(item.patient_id, len(item.flags)) for item in result.items] == [
        ("a-one-drug", 2),
        ("d-two-drugs", 2),
        ("e-two-prescribers", 2),
        ("a-two-prescribers", 1),
        ("b-two-drugs", 1),
        ("c-one-drug", 1),
    ]
    assert {item.flags for item in result.items} == {
        ("long-term-use", "older-adult"),
        ("older-adult",),
    }
    assert result.items[2].details["prescribers_in_window"] == 2
