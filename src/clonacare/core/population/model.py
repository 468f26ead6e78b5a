"""The screen's value objects: the period screened, the rows read and rejected, and one
item per flagged patient; ``result_to_dict`` gives the JSON shape (docs/population.md)."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from clonacare.core.errors import ClinicalError

REJECT_REASONS = (
    "missing-value",
    "bad-date",
    "bad-number",
    "unknown-drug",
    "negative-days-supply",
    "zero-days-supply",
    "fill-before-period",
    "fill-after-period",
)
"""Why a dispensing row is not screened, in the order they are checked (a row is counted
under the first that applies): docs/population.md, "Bad rows"."""

DIAGNOSIS_REJECT_REASONS = ("missing-value", "bad-date")

ENGINES = ("duckdb", "spark")
"""The engines a screen runs on: an embedded DuckDB (the default), or Apache Spark."""


@dataclass(frozen=True)
class Period:
    """The days screened, ``start`` to ``end`` inclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def ending_on(cls, as_of: date, days: int) -> Period:
        """The ``days`` days ending on ``as_of`` (included)."""
        return cls(as_of - timedelta(days=days - 1), as_of)

    @classmethod
    def calendar_year(cls, year: int) -> Period:
        """1 January to 31 December of ``year``; ClinicalError("bad-period") outside
        1900-2999."""
        if not 1900 <= year <= 2999:
            raise ClinicalError("bad-period", f"The year {year} is not one that can be screened.")
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class RowCounts:
    """How many rows a file had, and how many were set aside, by reason."""

    read: int
    rejected: MappingProxyType[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "rejected": dict(self.rejected)}


@dataclass(frozen=True)
class ScreenItem:
    """One patient with at least one flag: the flags in the order of FLAG_CODES, and the
    figures behind every flag (``details``, JSON-ready)."""

    patient_id: str
    flags: tuple[str, ...]
    details: MappingProxyType[str, Any]


@dataclass(frozen=True)
class ScreenResult:
    period: Period
    engine: str
    equivalence_table: str
    rows: RowCounts
    diagnoses: RowCounts | None
    items: tuple[ScreenItem, ...]


def result_to_dict(result: ScreenResult) -> dict[str, Any]:
    """The JSON document of a screen: the issue's keys (``as_of``, ``engine``, ``rows``,
    ``items``, ``count``) and, added, ``period``, ``equivalence_table`` and
    ``diagnoses`` (its rows, when a diagnoses file was screened)."""
    document: dict[str, Any] = {
        "as_of": result.period.end.isoformat(),
        "period": {"start": result.period.start.isoformat(), "end": result.period.end.isoformat()},
        "engine": result.engine,
        "equivalence_table": result.equivalence_table,
        "rows": result.rows.to_dict(),
    }
    if result.diagnoses is not None:
        document["diagnoses"] = result.diagnoses.to_dict()
    # Hundreds of thousands of small dicts, none in a cycle: without the cyclic
    # collector walking them again and again as they are made, this takes 1.0 s instead
    # of 2.6 s for 678,454 items.
    collecting = gc.isenabled()
    gc.disable()
    try:
        document["items"] = [
            {"patient_id": i.patient_id, "flags": list(i.flags), "details": dict(i.details)}
            for i in result.items
        ]
    finally:
        if collecting:
            gc.enable()
    document["count"] = len(result.items)
    return document
