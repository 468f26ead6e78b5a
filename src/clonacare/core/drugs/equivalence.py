"""Dose equivalence tables (amount equal to diazepam 10 mg), each a named, sourced data set."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml, require_source, to_decimal

DATA_FILE = Path(__file__).parent / "data" / "equivalence.toml"
DIAZEPAM_REFERENCE_MG = Decimal(10)  # the tables are written as "equal to diazepam 10 mg"
EQUIVALENCE_TABLES = ("ashton", "vadod")


@dataclass(frozen=True)
class Equivalent:
    """The amount of ``drug`` equal to diazepam 10 mg; a range when the source gives one."""

    drug: str
    low_mg: Decimal
    high_mg: Decimal

    @property
    def is_range(self) -> bool:
        return self.low_mg != self.high_mg

    @property
    def midpoint_mg(self) -> Decimal:
        return (self.low_mg + self.high_mg) / 2


@dataclass(frozen=True)
class EquivalenceTable:
    name: str
    title: str
    version: str
    source: str
    entries: MappingProxyType[str, Equivalent]

    def equivalent(self, drug: str) -> Equivalent:
        """The entry for ``drug``; ClinicalError("unknown-drug") lists the known drugs."""
        try:
            return self.entries[drug]
        except KeyError:
            known = ", ".join(sorted(self.entries))
            raise ClinicalError(
                "unknown-drug", f"Unknown drug {drug!r}; known drugs: {known}."
            ) from None

    def equivalent_mg(self, drug: str, chosen_mg: Decimal | None = None) -> Decimal:
        """The amount of ``drug`` used as equal to diazepam 10 mg.

        For a range, ``chosen_mg`` (the clinician's pick) must lie inside it; without a
        pick the midpoint is used (callers warn ``equivalence-range``). For a single
        value ``chosen_mg`` is refused unless it equals the value.
        """
        entry = self.equivalent(drug)
        if chosen_mg is None:
            return entry.midpoint_mg if entry.is_range else entry.low_mg
        if not entry.low_mg <= chosen_mg <= entry.high_mg:
            span = f"{entry.low_mg}–{entry.high_mg} mg" if entry.is_range else f"{entry.low_mg} mg"
            raise ClinicalError(
                "equivalence-range",
                f"The {self.title} table gives {drug} {span} as equal to diazepam 10 mg; "
                f"{chosen_mg} mg is outside it.",
            )
        return chosen_mg

    def diazepam_equivalent_mg(
        self, drug: str, mg: Decimal, chosen_mg: Decimal | None = None
    ) -> Decimal:
        """Convert a dose of ``drug`` to diazepam-equivalent mg (exact decimal arithmetic)."""
        return mg * DIAZEPAM_REFERENCE_MG / self.equivalent_mg(drug, chosen_mg)

    def from_diazepam_mg(
        self, drug: str, diazepam_mg: Decimal, chosen_mg: Decimal | None = None
    ) -> Decimal:
        """Convert diazepam-equivalent mg back to mg of ``drug``."""
        return diazepam_mg * self.equivalent_mg(drug, chosen_mg) / DIAZEPAM_REFERENCE_MG


def _entry(drug: str, raw: Any, where: str) -> Equivalent:
    if isinstance(raw, list):
        if len(raw) != 2:
            raise ClinicalError("data-file", f"{where}: a range is [low, high].")
        low, high = (to_decimal(v, where) for v in raw)
    else:
        low = high = to_decimal(raw, where)
    if not Decimal(0) < low <= high:
        raise ClinicalError("data-file", f"{where}: equivalents must be positive, low ≤ high.")
    return Equivalent(drug=drug, low_mg=low, high_mg=high)


@cache
def equivalence_table(name: str = "ashton") -> EquivalenceTable:
    """Load one named table. ClinicalError("unknown-equivalence-table") for other names."""
    tables = load_toml(DATA_FILE)["tables"]
    if name not in tables:
        raise ClinicalError(
            "unknown-equivalence-table",
            f"Unknown equivalence table {name!r}; choose one of: {', '.join(sorted(tables))}.",
        )
    raw = tables[name]
    where = f"{DATA_FILE.name} [tables.{name}]"
    entries = {
        drug: _entry(drug, value, f"{where} {drug}")
        for drug, value in raw["equivalent_to_diazepam_10mg"].items()
    }
    return EquivalenceTable(
        name=name,
        title=str(raw["title"]),
        version=str(raw["version"]),
        source=require_source(raw, where),
        entries=MappingProxyType(entries),
    )
