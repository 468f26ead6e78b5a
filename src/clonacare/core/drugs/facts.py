"""Per-drug facts other than equivalence: US brand names, label maximum daily doses and
half-lives."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import fail, load_toml, require_source, to_decimal

DATA_FILE = Path(__file__).parent / "data" / "drugs.toml"


@dataclass(frozen=True)
class LabelMaximum:
    mg_per_day: Decimal
    indication: str
    source: str
    # The drug's own label as a source (the level of care and the record cite it).
    label_source: str = ""


@dataclass(frozen=True)
class Brand:
    """A US brand name of one drug and the record that names it (an openFDA URL)."""

    name: str
    source: str


@dataclass(frozen=True)
class DrugFacts:
    name: str
    brands: tuple[Brand, ...]
    half_life_h: str | None
    half_life_source: str
    label_maximums: tuple[LabelMaximum, ...]

    @property
    def brand(self) -> str | None:
        """The first brand name in the data (Klonopin for clonazepam), or None."""
        return self.brands[0].name if self.brands else None

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
        brands=_brands(raw, f"{DATA_FILE.name} [drugs.{name}]"),
        half_life_h=raw.get("half_life_h"),
        half_life_source=str(sources["half_life"]),
        label_maximums=maximums,
    )


def _brands(raw: dict[str, Any], where: str) -> tuple[Brand, ...]:
    entries = raw.get("brands", [])
    if not isinstance(entries, list):
        raise fail(where, "'brands' must be a list of {name, source} tables.")
    brands = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise fail(where, "'brands' must be a list of {name, source} tables.")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail(where, "every brand needs a 'name'.")
        brands.append(Brand(name=name.strip(), source=require_source(entry, f"{where} {name}")))
    return tuple(brands)


def brand_index(path: Path = DATA_FILE) -> dict[str, str]:
    """Every brand name of the drug data, lower-cased, mapped to its drug's name.

    Raises ClinicalError("data-file") naming the drug when a brand has no name or no
    source, or when one brand name is given to two drugs.
    """
    index: dict[str, str] = {}
    for drug, raw in sorted(load_toml(path)["drugs"].items()):
        for brand in _brands(raw, f"{path.name} [drugs.{drug}]"):
            key = brand.name.lower()
            if key in index and index[key] != drug:
                raise fail(
                    f"{path.name} [drugs.{drug}]",
                    f"brand {brand.name!r} is also a brand of {index[key]}.",
                )
            index[key] = drug
    return index


@cache
def brand_names() -> dict[str, str]:
    """:func:`brand_index` of the shipped drug data, read once."""
    return brand_index()
