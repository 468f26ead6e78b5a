"""The population screen's definitions, loaded from sourced data files: the flags and
their thresholds (``data/flags.toml``), the benzodiazepines with their diazepam-equivalent
(every drug of the equivalence table the taper engine uses), the opioids with their MME
factors (``data/opioids.toml``) and the ICD-10-CM groups (``data/diagnoses.toml``).

Pure data: nothing here imports the query engine. Every loader refuses a table without a
``source`` (ClinicalError "data-file", core/sourced.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clonacare.core.drugs import equivalence_table
from clonacare.core.drugs.equivalence import DIAZEPAM_REFERENCE_MG
from clonacare.core.sourced import (
    fail,
    load_toml,
    require_source,
    required_text,
    table,
    text_list,
    to_decimal,
    whole_number,
)

DATA = Path(__file__).parent / "data"
FLAGS_FILE = DATA / "flags.toml"
OPIOIDS_FILE = DATA / "opioids.toml"
DIAGNOSES_FILE = DATA / "diagnoses.toml"

FLAG_CODES = (
    "long-term-use",
    "high-dose",
    "multiple-providers",
    "early-refill",
    "opioid-overlap",
    "older-adult",
    "dose-escalation",
)
"""Every flag, in the order the output lists them."""

# The thresholds each flag must give, as whole numbers.
_THRESHOLDS: dict[str, tuple[str, ...]] = {
    "long-term-use": ("min_days_covered",),
    "high-dose": ("min_average_daily_de_mg",),
    "multiple-providers": ("min_prescribers", "min_pharmacies", "window_days"),
    "early-refill": ("min_early_fills", "early_before_percent"),
    "opioid-overlap": (
        "min_opioid_fills",
        "min_opioid_days_supply",
        "min_benzodiazepine_fills",
        "min_overlap_days",
    ),
    "older-adult": ("min_age_years", "min_benzodiazepine_fills"),
    "dose-escalation": ("window_days", "min_increase_percent"),
}
_GROUP_LISTS = {"opioid-overlap": "exclusions", "older-adult": "named_diagnoses"}


@dataclass(frozen=True)
class Flag:
    """One flag: its ``code``, ``title``, ``definition`` (thresholds filled in),
    whole-number ``thresholds`` by name, and ``source``."""

    code: str
    title: str
    definition: str
    thresholds: MappingProxyType[str, int]
    source: str
    reported_days_covered: tuple[int, ...] = ()
    diagnosis_groups: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> int:
        return self.thresholds[name]


@dataclass(frozen=True)
class CodeRange:
    """ICD-10-CM codes whose first ``len(low)`` characters lie from ``low`` to ``high``."""

    low: str
    high: str


@dataclass(frozen=True)
class DiagnosisGroup:
    name: str
    title: str
    ranges: tuple[CodeRange, ...]
    source: str


@dataclass(frozen=True)
class Benzodiazepine:
    """A benzodiazepine and its diazepam-equivalent factor: diazepam mg per mg of it."""

    drug: str
    de_factor: Decimal


@dataclass(frozen=True)
class Opioid:
    """An opioid and its MME conversion factor (oral morphine mg per mg of it), with the
    key of the table it comes from (``[citations]`` of the opioids file) and that
    table's citation."""

    drug: str
    mme_factor: Decimal
    source: str = ""
    citation: str = ""


@dataclass(frozen=True)
class Definitions:
    """Everything a screen needs to know, loaded and checked."""

    period_days: int
    flags: MappingProxyType[str, Flag]
    equivalence_table: str
    equivalence_title: str
    equivalence_version: str
    equivalence_source: str
    benzodiazepines: tuple[Benzodiazepine, ...]
    opioids: tuple[Opioid, ...]
    opioid_source: str
    diagnosis_groups: MappingProxyType[str, DiagnosisGroup]
    flags_file: str

    def flag(self, code: str) -> Flag:
        return self.flags[code]


def _flag(code: str, raw: Mapping[str, Any], where: str, groups: Mapping[str, Any]) -> Flag:
    title = required_text(raw, "title", where)
    source = require_source(raw, where)
    thresholds = {name: whole_number(raw, name, where, low=0) for name in _THRESHOLDS[code]}
    reported: tuple[int, ...] = ()
    if code == "long-term-use":
        value = raw.get("reported_days_covered", [])
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
        ):
            raise fail(where, "'reported_days_covered' must be a list of whole numbers.")
        reported = tuple(sorted(set(value)))
    chosen: tuple[str, ...] = ()
    if code in _GROUP_LISTS:
        chosen = text_list(raw, _GROUP_LISTS[code], where)
        unknown = [g for g in chosen if g not in groups]
        if unknown:
            raise fail(where, f"unknown diagnosis group(s) {', '.join(unknown)}.")
    template = required_text(raw, "definition", where)
    try:
        definition = template.format_map(thresholds)
    except (KeyError, ValueError) as exc:
        raise fail(where, f"the definition names an unknown threshold {exc}.") from None
    return Flag(
        code=code,
        title=title,
        definition=definition,
        thresholds=MappingProxyType(thresholds),
        source=source,
        reported_days_covered=reported,
        diagnosis_groups=chosen,
    )


def _groups(path: Path) -> dict[str, DiagnosisGroup]:
    data = load_toml(path)
    raw_groups = table(data, "groups", str(path))
    groups = {}
    for name, raw in raw_groups.items():
        where = f"{path} [groups.{name}]"
        if not isinstance(raw, dict):
            raise fail(where, "each group is a table.")
        source = require_source(raw, where)
        ranges = []
        raw_ranges = raw.get("ranges")
        if not isinstance(raw_ranges, list) or not raw_ranges:
            raise fail(where, "'ranges' must be a list of {from, to} tables.")
        for item in raw_ranges:
            low, high = (item.get(k) if isinstance(item, dict) else None for k in ("from", "to"))
            if not (isinstance(low, str) and isinstance(high, str) and len(low) == len(high)):
                raise fail(where, "each range needs 'from' and 'to' codes of the same length.")
            ranges.append(CodeRange(low.upper(), high.upper()))
        groups[name] = DiagnosisGroup(
            name, required_text(raw, "title", where), tuple(ranges), source
        )
    return groups


def _opioids(path: Path) -> tuple[tuple[Opioid, ...], str]:
    data = load_toml(path)
    source = require_source(table(data, "source", str(path)), f"{path} [source]")
    citations = table(data, "citations", str(path))
    raw = table(data, "opioids", str(path))
    opioids = []
    for drug, row in sorted(raw.items()):
        where = f"{path} [opioids] {drug}"
        if not isinstance(row, dict):
            raise fail(where, "expected a table with a 'factor' and a 'source'.")
        value = to_decimal(row.get("factor"), where)
        if value <= 0:
            raise fail(f"{path} [opioids]", f"the factor of {drug} must be above 0.")
        cited = require_source(row, where)
        if not isinstance(citations.get(cited), str):
            raise fail(where, f"the source {cited!r} is not one of [citations].")
        opioids.append(Opioid(drug.lower(), value, cited, citations[cited]))
    return tuple(opioids), source


def load_definitions(flags_file: str | Path | None = None) -> Definitions:
    """The screen's definitions: the shipped flags, or a site's copy (``flags_file``).

    Raises ClinicalError("data-file") naming the file, the table and the key when a flag,
    a threshold or a source is missing or malformed.
    """
    return _load(Path(flags_file) if flags_file is not None else FLAGS_FILE)


@cache
def _load(path: Path) -> Definitions:
    data = load_toml(path)
    where = str(path)
    period = table(data, "period", where)
    require_source(period, f"{where} [period]")
    period_days = whole_number(period, "days", f"{where} [period]", low=1)
    equivalence = table(data, "equivalence", where)
    require_source(equivalence, f"{where} [equivalence]")
    chosen = equivalence_table(required_text(equivalence, "table", f"{where} [equivalence]"))
    groups = _groups(DIAGNOSES_FILE)
    raw_flags = table(data, "flags", where)
    flags = {}
    for code in FLAG_CODES:
        raw = raw_flags.get(code)
        if not isinstance(raw, dict):
            raise fail(where, f"the flag [flags.{code}] is missing.")
        flags[code] = _flag(code, raw, f"{where} [flags.{code}]", groups)
    unknown = sorted(set(raw_flags) - set(FLAG_CODES))
    if unknown:
        raise fail(where, f"unknown flag(s) {', '.join(unknown)}.")
    benzodiazepines = tuple(
        Benzodiazepine(drug, DIAZEPAM_REFERENCE_MG / chosen.equivalent_mg(drug))
        for drug in sorted(chosen.entries)
    )
    opioids, opioid_source = _opioids(OPIOIDS_FILE)
    return Definitions(
        period_days=period_days,
        flags=MappingProxyType(flags),
        equivalence_table=chosen.name,
        equivalence_title=chosen.title,
        equivalence_version=chosen.version,
        equivalence_source=chosen.source,
        benzodiazepines=benzodiazepines,
        opioids=opioids,
        opioid_source=opioid_source,
        diagnosis_groups=MappingProxyType(groups),
        flags_file=str(path),
    )
