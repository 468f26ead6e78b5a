"""The rules behind the program's outcomes (docs/outcomes.md), as pure functions on
plain values: the small-cell rule, and the response and remission cut-offs of the PHQ-9
and GAD-7. Their numbers and sources are in ``data/outcomes.toml``, read through the
core's sourced-data helpers, which refuse a value without a source. No Django here.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from clonacare.core.sourced import (
    fail,
    load_toml,
    number,
    require_source,
    required_text,
    table,
    whole_number,
)

RULES_FILE = Path(__file__).parent / "data" / "outcomes.toml"
INSTRUMENTS = ("phq9", "gad7")

# Why a figure is withheld.
FEWER_THAN = "fewer-than"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class ScoreCutoffs:
    """Response and remission for one instrument's total."""

    instrument: str
    label: str
    response_drop_pct: Decimal
    remission_below: int
    response_source: str
    remission_source: str


@dataclass(frozen=True)
class OutcomeRules:
    smallest_shown: int
    small_cell_source: str
    lower_dose_source: str
    instruments: tuple[ScoreCutoffs, ...]


def load_rules(path: Path = RULES_FILE) -> OutcomeRules:
    """Read the outcomes data file. Raises ClinicalError("data-file") naming the table
    and key when a value or its source is missing or malformed."""
    data = load_toml(path)
    name = path.name
    small = table(data, "small_cell", name)
    where = f"{name} [small_cell]"
    smallest = whole_number(small, "smallest_shown", where, low=1, high=1000)
    small_source = require_source(small, where)
    lower = table(data, "lower_dose", name)
    lower_source = require_source(lower, f"{name} [lower_dose]")
    instruments = table(data, "instruments", name)
    cutoffs = []
    for instrument in INSTRUMENTS:
        raw = table(instruments, instrument, f"{name} [instruments]")
        where = f"{name} [instruments.{instrument}]"
        drop = number(raw, "response_drop_pct", where)
        if not Decimal(0) < drop <= Decimal(100):
            raise fail(where, "'response_drop_pct' must be above 0 and at most 100.")
        cutoffs.append(
            ScoreCutoffs(
                instrument=instrument,
                label=required_text(raw, "label", where),
                response_drop_pct=drop,
                remission_below=whole_number(raw, "remission_below", where, low=1, high=100),
                response_source=required_text(raw, "response_source", where),
                remission_source=required_text(raw, "remission_source", where),
            )
        )
    return OutcomeRules(smallest, small_source, lower_source, tuple(cutoffs))


@cache
def rules() -> OutcomeRules:
    """The shipped rules, read once."""
    return load_rules()


def patients_of(keys: Collection[tuple[int, Hashable]]) -> int:
    """How many patients stand behind ``keys`` (each key starts with a patient id)."""
    return len({key[0] for key in keys})


def is_small(patients: int, smallest_shown: int) -> bool:
    """A cell of 1 to ``smallest_shown`` − 1 patients; zero identifies no one."""
    return 0 < patients < smallest_shown


def withheld(
    part: Collection[tuple[int, Hashable]],
    whole: Collection[tuple[int, Hashable]] | None,
    smallest_shown: int,
) -> str | None:
    """Why a figure counting ``part`` (of ``whole``, for a proportion) is withheld, or
    None when it may be shown. ``FEWER_THAN``: the part, or the whole, rests on 1 to
    ``smallest_shown`` − 1 patients. ``COMPLEMENTARY``: the rest of the whole (the whole
    less the part) does, so showing the part beside the whole would give it away by
    subtraction."""
    if is_small(patients_of(part), smallest_shown):
        return FEWER_THAN
    if whole is None:
        return None
    if is_small(patients_of(whole), smallest_shown):
        return FEWER_THAN
    part_keys = set(part)
    rest = [key for key in whole if key not in part_keys]
    if is_small(patients_of(rest), smallest_shown):
        return COMPLEMENTARY
    return None


def responded(first: int, latest: int, cutoffs: ScoreCutoffs) -> bool:
    """A fall from ``first`` to ``latest`` of at least the response percentage."""
    return Decimal(first - latest) * 100 >= cutoffs.response_drop_pct * first


def in_remission(latest: int, cutoffs: ScoreCutoffs) -> bool:
    return latest < cutoffs.remission_below


def counts_for_change(first: int, cutoffs: ScoreCutoffs) -> bool:
    """A first score above remission: only such a patient can respond or remit."""
    return first >= cutoffs.remission_below


def median_days(lengths: Sequence[int]) -> float | None:
    """The median of ``lengths`` (days), None for none."""
    if not lengths:
        return None
    return float(statistics.median(lengths))


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in per cent to one decimal; None for an empty whole."""
    if whole == 0:
        return None
    return float((Decimal(part) * 100 / whole).quantize(Decimal("0.1")))
