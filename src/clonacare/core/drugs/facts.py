"""Per-drug facts other than equivalence: label maximum daily doses and half-lives."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml, to_decimal

DATA_FILE = Path(__file__).parent / "data" / "drugs.toml"


@dataclass(frozen=True)
class LabelMaximum:
    mg_per_day: Decimal
    indication: str
    source: str
    # The drug's own label as a source (the level of care and the record cite it).
    label_source: str = ""


@dataclass(frozen=True)
class DrugFacts:
    name: str
    brand: str | None
    half_life_h: str | None
    half_life_source: str
    label_maximums: tuple[LabelMaximum, ...]

    def highest_label_maximum(self) -> LabelMaximum | None:
        """The largest label maximum over all indications, or None when the label gives none."""
        return max(self.label_maximums, key=lambda m: m.mg_per_day, default=None)


@cache
def known_drugs() -> tuple[str, ...]:
    return tuple(sorted(load_toml(DATA_FILE)["drugs"]))


@cache
def drug_facts(name: str) -> DrugFacts:
    """Facts for ``name``; ClinicalError("unknown-drug") when the data has no such drug."""
    data = load_toml(DATA_FILE)
    drugs = data["drugs"]
    if name not in drugs:
        raise ClinicalError(
            "unknown-drug", f"Unknown drug {name!r}; known drugs: {', '.join(sorted(drugs))}."
        )
    raw = drugs[name]
    sources = data["sources"]
    maximums = tuple(
        LabelMaximum(
            mg_per_day=to_decimal(m["mg"], f"{DATA_FILE.name} {name} label_maximum_mg"),
            indication=str(m["indication"]),
            source=str(sources["label_maximum"]),
            label_source=str(sources["label_maximum_of"]).format(drug=name),
        )
        for m in raw.get("label_maximum_mg", [])
    )
    return DrugFacts(
        name=name,
        brand=raw.get("brand"),
        half_life_h=raw.get("half_life_h"),
        half_life_source=str(sources["half_life"]),
        label_maximums=maximums,
    )
