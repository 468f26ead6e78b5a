"""Formularies: which products a pharmacy can dispense (the US default or a site's own file).

File format (TOML), documented in docs/formulary.md::

    name = "Riverside pharmacy"
    liquid_resolution_ml = 0.1
    liquid_resolution_source = "..."
    [[products]]
    drug = "diazepam"          # a drug of the equivalence tables
    form = "tablet"            # tablet | odt | capsule | liquid
    strength_mg = 2            # tablet, odt, capsule
    scored = true              # tablets only: halves allowed
    concentration_mg_per_ml = 1  # liquid only
    source = "where this product is listed"
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.drugs.facts import known_drugs
from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import (
    load_toml,
    one_of,
    optional_text,
    require_source,
    required_text,
    to_decimal,
    true_or_false,
)

CODE = "formulary"  # the refusal code of a malformed formulary file
DEFAULT_FILE = Path(__file__).parent / "data" / "formulary-us.toml"
FORMS = ("tablet", "odt", "capsule", "liquid")
FORM_NAMES = {
    "tablet": "tablet",
    "odt": "orally disintegrating tablet",
    "capsule": "capsule",
    "liquid": "oral solution",
}
_PRODUCT_KEYS = {
    "drug",
    "form",
    "strength_mg",
    "scored",
    "concentration_mg_per_ml",
    "label",
    "source",
}


@dataclass(frozen=True)
class Product:
    """One dispensable product. For liquids ``mg_per_unit`` is the concentration per mL."""

    drug: str
    form: str
    mg_per_unit: Decimal
    scored: bool
    source: str
    label: str | None = None

    @property
    def unit(self) -> str:
        return "mL" if self.form == "liquid" else "tablet" if self.form != "capsule" else "capsule"

    @property
    def name(self) -> str:
        if self.form == "liquid":
            label = self.label or FORM_NAMES["liquid"]
            return f"{self.drug} {_fmt(self.mg_per_unit)} mg/mL {label}"
        return f"{self.drug} {_fmt(self.mg_per_unit)} mg {self.label or FORM_NAMES[self.form]}"


@dataclass(frozen=True)
class Formulary:
    name: str
    products: tuple[Product, ...]
    liquid_resolution_ml: Decimal
    liquid_resolution_source: str
    path: str

    def products_for(self, drug: str) -> tuple[Product, ...]:
        """Products of ``drug``, largest unit first; empty when the formulary has none."""
        return tuple(
            sorted(
                (p for p in self.products if p.drug == drug),
                key=lambda p: (p.form == "liquid", -p.mg_per_unit),
            )
        )


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _product(raw: Any, where: str, known_drugs: frozenset[str] | None) -> Product:
    if not isinstance(raw, dict):
        raise ClinicalError("formulary", f"{where}: each product is a table.")
    unknown = set(raw) - _PRODUCT_KEYS
    if unknown:
        raise ClinicalError("formulary", f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
    drug = required_text(raw, "drug", where, code=CODE)
    if known_drugs is not None and drug not in known_drugs:
        raise ClinicalError("formulary", f"{where}: unknown drug {drug!r}.")
    form = one_of(raw, "form", where, FORMS, code=CODE)
    key = "concentration_mg_per_ml" if form == "liquid" else "strength_mg"
    if key not in raw:
        raise ClinicalError("formulary", f"{where}: a {form} needs '{key}'.")
    mg = to_decimal(raw[key], f"{where} {key}")
    if not mg.is_finite() or mg <= 0:
        raise ClinicalError("formulary", f"{where}: '{key}' must be a positive number.")
    scored = true_or_false(raw, "scored", where, default=False, code=CODE)
    if scored and form != "tablet":
        raise ClinicalError("formulary", f"{where}: only tablets can be scored.")
    return Product(
        drug=drug,
        form=form,
        mg_per_unit=mg,
        scored=scored,
        source=require_source(raw, where),
        label=optional_text(raw, "label", where, code=CODE),
    )


def load_formulary(path: Path | str | None = None) -> Formulary:
    """Load a formulary file; without ``path``, the US default.

    Raises ClinicalError("formulary") naming the file and the product at fault.
    """
    if path is None:
        return _default_formulary()
    return _load(Path(path))


@cache
def _default_formulary() -> Formulary:
    return _load(DEFAULT_FILE)


def _load(path: Path) -> Formulary:
    try:
        data = load_toml(path)
    except ClinicalError as exc:
        raise ClinicalError("formulary", exc.message) from None
    except UnicodeDecodeError:
        raise ClinicalError(
            "formulary", f"Formulary {path} is not a TOML text file (it is not UTF-8)."
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ClinicalError("formulary", f"Cannot read formulary {path}: {reason}.") from None
    raw_products = data.get("products")
    if not isinstance(raw_products, list) or not raw_products:
        raise ClinicalError("formulary", f"Formulary {path} lists no [[products]].")
    drugs = frozenset(known_drugs())
    products = tuple(
        _product(raw, f"Formulary {path.name}, product {i + 1}", drugs)
        for i, raw in enumerate(raw_products)
    )
    resolution = to_decimal(data.get("liquid_resolution_ml", "0.1"), f"{path.name} resolution")
    if not resolution.is_finite() or resolution <= 0:
        raise ClinicalError(
            "formulary", f"Formulary {path}: liquid_resolution_ml must be positive."
        )
    return Formulary(
        name=str(data.get("name", path.stem)),
        products=products,
        liquid_resolution_ml=resolution,
        liquid_resolution_source=str(
            data.get("liquid_resolution_source", "site formulary configuration")
        ),
        path=str(path),
    )
