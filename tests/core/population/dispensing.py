"""Hand-made dispensing files for the population screen's tests: fills are written by
their day in the period (day 0 is 1 January 2026, the period ends 31 December 2026)."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from clonacare.core.population import Period, ScreenResult, load_definitions
from clonacare.core.population.engine import run_screen as screen

AS_OF = date(2026, 12, 31)
PERIOD = Period.ending_on(AS_OF, 365)
COLUMNS = (
    "patient_id",
    "birth_date",
    "fill_date",
    "drug",
    "strength_mg",
    "quantity",
    "days_supply",
    "prescriber_id",
    "pharmacy_id",
)
ADULT = "1976-05-20"  # 50 on the last day
OLDER = "1950-05-20"  # 76: flagged older-adult with two fill dates, so its figures show


def on(day: int) -> str:
    return (PERIOD.start + timedelta(days=day)).isoformat()


def fill(
    patient: str,
    day: int | str,
    drug: str = "diazepam",
    strength: float | str = 5,
    quantity: float | str = 30,
    days: int | str = 30,
    prescriber: str = "DR-1",
    pharmacy: str = "RX-1",
    born: str = ADULT,
) -> dict[str, Any]:
    return {
        "patient_id": patient,
        "birth_date": born,
        "fill_date": on(day) if isinstance(day, int) else day,
        "drug": drug,
        "strength_mg": strength,
        "quantity": quantity,
        "days_supply": days,
        "prescriber_id": prescriber,
        "pharmacy_id": pharmacy,
    }


def write_csv(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_screen(
    tmp_path: Path,
    rows: list[dict[str, Any]],
    diagnoses: list[tuple[str, str, str]] | None = None,
) -> ScreenResult:
    fills = write_csv(tmp_path / "fills.csv", rows)
    dx = None
    if diagnoses is not None:
        dx = tmp_path / "diagnoses.csv"
        with dx.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(("patient_id", "code", "date"))
            writer.writerows(diagnoses)
    return screen(fills, dx, PERIOD, load_definitions())


def flagged(tmp_path: Path, rows: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    """The items of a screen by patient: {patient_id: {"flags": [...], "details": {...}}}."""
    result = run_screen(tmp_path, rows, **kw)
    return {
        i.patient_id: {"flags": list(i.flags), "details": dict(i.details)} for i in result.items
    }
