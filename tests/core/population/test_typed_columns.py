"""A Parquet file whose dates and numbers are typed (DATE, integers, DOUBLE, float32)
gives what the same rows written as text give: the same bad rows under the same reasons,
the same flags and figures. A guard for any reading of typed columns without their text
(docs/benchmarks.md, "Population screen")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from clonacare.core.population import ScreenResult, load_definitions
from clonacare.core.population.engine import run_screen as screen
from tests.core.population.dispensing import COLUMNS, PERIOD, write_csv

TYPES = {
    "patient_id": pa.string(),
    "birth_date": pa.date32(),
    "fill_date": pa.date32(),
    "drug": pa.string(),
    "strength_mg": pa.float64(),
    "quantity": pa.int64(),
    "days_supply": pa.float64(),
    "prescriber_id": pa.string(),
    "pharmacy_id": pa.string(),
}


def typed(
    patient: str,
    fill_date: date | None,
    drug: str = "diazepam",
    strength: float | None = 5.0,
    quantity: int | None = 30,
    days: float | None = 30.0,
    born: date | None = date(1950, 5, 20),
    prescriber: str = "DR-1",
) -> dict[str, Any]:
    return {
        "patient_id": patient,
        "birth_date": born,
        "fill_date": fill_date,
        "drug": drug,
        "strength_mg": strength,
        "quantity": quantity,
        "days_supply": days,
        "prescriber_id": prescriber,
        "pharmacy_id": "RX-1",
    }


ROWS = [
    typed("older", date(2026, 1, 1)),
    typed("older", date(2026, 2, 10), strength=7.5, days=20.0),
    typed("older", date(2026, 3, 1), quantity=45, prescriber="DR-2"),
    typed("x", None),  # missing-value: a typed column's only missing value is null
    typed("x", date(2026, 1, 5), born=None),  # missing-value
    typed("x", date(2026, 1, 5), strength=None),  # missing-value
    typed("x", date(2026, 1, 5), days=30.5),  # bad-number: days' supply is whole days
    typed("x", date(2026, 1, 5), strength=0.0),  # bad-number
    typed("x", date(2026, 1, 5), quantity=-30),  # bad-number
    typed("x", date(2026, 1, 5), drug="zolpidem"),  # unknown-drug
    typed("x", date(2026, 1, 5), days=-30.0),  # negative-days-supply
    typed("x", date(2026, 1, 5), days=0.0),  # zero-days-supply
    typed("x", date(2025, 12, 31)),  # fill-before-period
    typed("x", date(2027, 1, 1)),  # fill-after-period
]
DIAGNOSES = {
    "patient_id": ["older", "older", "older"],
    "code": ["W19.XXXA", "F03", ""],
    "date": [date(2026, 1, 2), None, date(2026, 1, 2)],
}


def screen_typed(
    tmp_path: Path, rows: list[dict[str, Any]] = ROWS, types: dict[str, pa.DataType] = TYPES
) -> ScreenResult:
    fills = tmp_path / "typed.parquet"
    pq.write_table(pa.table({c: pa.array([r[c] for r in rows], types[c]) for c in COLUMNS}), fills)
    dx = tmp_path / "typed-diagnoses.parquet"
    pq.write_table(pa.table(DIAGNOSES), dx)
    return screen(fills, dx, PERIOD, load_definitions())


def screen_text(tmp_path: Path, rows: list[dict[str, Any]] = ROWS) -> ScreenResult:
    """The same rows as text: the fills as CSV, the diagnoses as Parquet text columns."""
    fills = write_csv(tmp_path / "text.csv", rows)
    dx = tmp_path / "text-diagnoses.parquet"
    pq.write_table(pa.table({c: pa.array(v).cast(pa.string()) for c, v in DIAGNOSES.items()}), dx)
    return screen(fills, dx, PERIOD, load_definitions())


def test_it_counts_a_typed_files_bad_rows_under_the_reasons_of_its_text(tmp_path: Path) -> None:
    result = screen_typed(tmp_path)
    assert result.rows.read == 14
    assert dict(result.rows.rejected) == {
        "missing-value": 3,
        "bad-number": 3,
        "unknown-drug": 1,
        "negative-days-supply": 1,
        "zero-days-supply": 1,
        "fill-before-period": 1,
        "fill-after-period": 1,
    }
    assert result.diagnoses is not None
    assert (result.diagnoses.read, dict(result.diagnoses.rejected)) == (3, {"missing-value": 2})
    assert result == screen_text(tmp_path)


def test_it_flags_and_figures_a_typed_file_as_its_text(tmp_path: Path) -> None:
    result = screen_typed(tmp_path)
    assert [(i.patient_id, i.flags) for i in result.items] == [("older", ("older-adult",))]
    details = result.items[0].details
    assert (details["days_covered"], details["benzodiazepine_fill_dates"]) == (80, 3)
    assert details["diagnoses"] == ["falls"]
    assert result.items == screen_text(tmp_path).items


def test_it_reads_other_types_through_their_text(tmp_path: Path) -> None:
    # A float32's double is not the number its text says (0.1 is 0.100000001...): it is
    # read as its text, as are 16- and 32-bit whole numbers.
    types = {
        **TYPES,
        "strength_mg": pa.float32(),
        "days_supply": pa.int16(),
        "quantity": pa.int32(),
    }
    whole = [r for r in ROWS if r["days_supply"] is None or r["days_supply"] % 1 == 0]
    whole[1] = {**whole[1], "strength_mg": 0.1}
    result = screen_typed(tmp_path, whole, types)
    assert result.rows.read == 13
    assert dict(result.rows.rejected)["bad-number"] == 2
    assert (
        result.items[0].details["average_daily_de_mg"]
        == screen_text(tmp_path, whole).items[0].details["average_daily_de_mg"]
    )
    assert result == screen_text(tmp_path, whole)
