"""The bound on a person's age in years, shared by every part of Clonacare that takes an
age: the assessment record, the taper's patient and the clinic's forms.

It lives below both the assessment and the taper packages (the assessment imports the
taper, never the reverse), and is read from the assessment record's bounds file,
``assessment/data/record.toml`` ``[age]``, a typo guard with its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from clonacare.core.errors import ClinicalError
from clonacare.core.sourced import load_toml, require_source, to_decimal

BOUNDS_FILE = Path(__file__).parent / "assessment" / "data" / "record.toml"


@dataclass(frozen=True)
class UpperBound:
    """The largest value a record may give a field (a typo guard), with its source."""

    field: str
    max: Decimal
    source: str


def read_upper_bound(name: str, raw: Any, where: str) -> UpperBound:
    """The bound of field ``name`` from its data table ``raw`` (``max`` and ``source``).

    Raises ClinicalError("data-file") naming ``where`` when ``max`` is missing, not a
    number or not above 0, or the source is missing.
    """
    if not isinstance(raw, dict) or "max" not in raw:
        raise ClinicalError("data-file", f"{where}: 'max' is missing.")
    most = to_decimal(raw["max"], f"{where} max")
    if most <= 0:
        raise ClinicalError("data-file", f"{where}: 'max' must be more than 0.")
    return UpperBound(field=name, max=most, source=require_source(raw, where))


@cache
def age_bound() -> UpperBound:
    """The oldest age in years accepted anywhere, with its source.

    Raises ClinicalError("data-file") when the ``[age]`` table is missing or malformed.
    """
    data = load_toml(BOUNDS_FILE)
    if "age" not in data:
        raise ClinicalError("data-file", f"{BOUNDS_FILE.name}: the [age] bound is missing.")
    return read_upper_bound("age", data["age"], f"{BOUNDS_FILE.name} [age]")
