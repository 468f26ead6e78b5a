"""Claims exports pad their text: a value with spaces, tabs or line breaks around it
reads as the value without them, in every column, and a value of nothing but those
reads as missing. (Written as Parquet text, which keeps every character as it is.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clonacare.core.population import ScreenResult, load_definitions
from clonacare.core.population.engine import run_screen as screen
from tests.core.population.dispensing import COLUMNS, OLDER, PERIOD, fill

PADDINGS = (" ", "\t", "  \t", "\n", "\r\n", "\x0b", "\x0c ")

ROWS = [
    fill("older", 0, strength=7.5, born=OLDER),
    fill("older", 20, quantity=45, days=25, prescriber="DR-2", born=OLDER),
    fill("older", 50, drug="Clonazepam", strength=0.5, quantity=60, born=OLDER),
    fill("x", 10, strength="five"),  # bad-number
    fill("x", "2026-02-30"),  # bad-date
    fill("x", 10, days=-30),  # negative-days-supply
]


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    table = pa.table({c: pa.array([str(r[c]) for r in rows], pa.string()) for c in COLUMNS})
    pq.write_table(table, path)
    return path


def run(path: Path) -> ScreenResult:
    return screen(path, None, PERIOD, load_definitions())


def padded(rows: list[dict[str, Any]], before: str, after: str) -> list[dict[str, Any]]:
    return [{c: f"{before}{r[c]}{after}" for c in COLUMNS} for r in rows]


@pytest.mark.parametrize("padding", PADDINGS, ids=repr)
def test_a_padded_value_reads_as_the_value_in_every_column(tmp_path: Path, padding: str) -> None:
    plain = run(write(tmp_path / "plain.parquet", ROWS))
    assert [(i.patient_id, i.flags) for i in plain.items] == [("older", ("older-adult",))]
    assert dict(plain.rows.rejected) == {
        "bad-date": 1,
        "bad-number": 1,
        "negative-days-supply": 1,
    }
    for before, after in ((padding, ""), ("", padding), (padding, padding)):
        rows = padded(ROWS, before, after)
        assert run(write(tmp_path / "padded.parquet", rows)) == plain, (before, after)


@pytest.mark.parametrize("column", COLUMNS)
def test_a_value_of_only_spaces_and_tabs_is_missing(tmp_path: Path, column: str) -> None:
    rows = [*ROWS, {**fill("y", 10), column: " \t "}]
    result = run(write(tmp_path / "blank.parquet", rows))
    assert dict(result.rows.rejected) == {
        "missing-value": 1,
        "bad-date": 1,
        "bad-number": 1,
        "negative-days-supply": 1,
    }
    assert [i.patient_id for i in result.items] == ["older"]


def test_other_characters_around_a_value_are_kept(tmp_path: Path) -> None:
    # Only whitespace is stripped: an id that starts or ends with another control
    # character, or has a space inside, is another patient than the plain one.
    ids = ["older", "\x01older", "older\x1f", "old er", "older!"]
    rows = [
        {**fill(patient, day, born=OLDER), "patient_id": patient}
        for patient in ids
        for day in (0, 40)
    ]
    result = run(write(tmp_path / "ids.parquet", rows))
    assert sorted(i.patient_id for i in result.items) == sorted(ids)


def test_one_prescriber_and_pharmacy_padded_differently_fill_by_fill_are_one_each(
    tmp_path: Path,
) -> None:
    def rows(prescribers: list[str], pharmacies: list[str]) -> list[dict[str, Any]]:
        return [
            fill("older", day, prescriber=prescriber, pharmacy=pharmacy, born=OLDER)
            for day, prescriber, pharmacy in zip((10, 40, 70), prescribers, pharmacies, strict=True)
        ]

    plain = run(write(tmp_path / "plain.parquet", rows(["DR-1"] * 3, ["RX-1"] * 3)))
    details = plain.items[0].details
    assert (details["prescribers_in_window"], details["pharmacies_in_window"]) == (1, 1)
    assert details["window"]["end"] == "2026-01-11"  # the first fill
    padded = rows(["DR-1", " DR-1", "DR-1\t"], ["\nRX-1", "RX-1", "RX-1  "])
    assert run(write(tmp_path / "padded.parquet", padded)) == plain
    # Two prescribers, though the smallest and largest values as read (" DR-2" and
    # "DR-2 ") are one of them padded two ways: the provider windows count two.
    two = run(write(tmp_path / "two.parquet", rows([" DR-2", "DR-1", "DR-2 "], ["RX-1"] * 3)))
    assert two.items[0].details["prescribers_in_window"] == 2


def test_a_drug_name_reads_alike_in_any_case_and_padding(tmp_path: Path) -> None:
    # Matched as read when written as the drug table writes it (lower case, no
    # spaces), and stripped and lowered first otherwise: the same drug either way.
    def rows(names: list[str]) -> list[dict[str, Any]]:
        days = (0, 30, 60, 90)
        return [fill("older", d, drug=n, born=OLDER) for d, n in zip(days, names, strict=True)]

    plain = run(write(tmp_path / "plain.parquet", rows(["diazepam"] * 4)))
    assert plain.items[0].details["days_covered"] == 120
    written = ["DIAZEPAM", " diazepam", "Diazepam\t", "diazepam"]
    assert run(write(tmp_path / "written.parquet", rows(written))) == plain
    # A name the table does not hold is an unknown drug however it is written, and a
    # name of only whitespace is missing.
    odd = run(write(tmp_path / "odd.parquet", rows(["zolpidem", " ZOLPIDEM ", "\t", ""])))
    assert dict(odd.rows.rejected) == {"missing-value": 2, "unknown-drug": 2}
