"""The recovery rules' data file (``data/recovery.toml``): milestone days and the DSM-5
remission specifiers, each with its source."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.sourced import (
    fail,
    load_toml,
    require_source,
    required_text,
    table,
    whole_number,
)

DATA_FILE = Path(__file__).parent / "data" / "recovery.toml"


@dataclass(frozen=True)
class MilestoneRules:
    """Days without a benzodiazepine that mark a milestone, smallest first."""

    days: tuple[int, ...]
    source: str


@dataclass(frozen=True)
class RemissionRules:
    """The DSM-5 remission specifiers: ``instrument`` is the checklist they are read from,
    ``craving_item`` the one criterion allowed, ``early_months`` and ``sustained_months``
    the spans of early and sustained remission."""

    instrument: str
    craving_item: str
    early_months: int
    sustained_months: int
    source: str


@dataclass(frozen=True)
class RecoveryRules:
    milestones: MilestoneRules
    lower_dose_source: str
    remission: RemissionRules


def parse_rules(data: dict[str, object], name: str) -> RecoveryRules:
    """The rules of a loaded data file; a missing or malformed value raises ClinicalError
    ("data-file") naming ``name``, the table and the key."""
    where = f"{name} [milestones]"
    raw = table(data, "milestones", name)
    days = raw.get("days")
    if (
        not isinstance(days, list)
        or not days
        or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in days)
        or sorted(set(days)) != days
    ):
        raise fail(where, "'days' must be whole numbers above 0, smallest first, each once.")
    milestones = MilestoneRules(days=tuple(days), source=require_source(raw, where))
    lower = table(data, "lower_dose", name)
    lower_source = require_source(lower, f"{name} [lower_dose]")
    where = f"{name} [remission]"
    raw = table(data, "remission", name)
    early = whole_number(raw, "early_months", where, low=1)
    sustained = whole_number(raw, "sustained_months", where, low=1)
    if sustained <= early:
        raise fail(where, "'sustained_months' must be more than 'early_months'.")
    remission = RemissionRules(
        instrument=required_text(raw, "instrument", where),
        craving_item=required_text(raw, "craving_item", where),
        early_months=early,
        sustained_months=sustained,
        source=require_source(raw, where),
    )
    return RecoveryRules(milestones=milestones, lower_dose_source=lower_source, remission=remission)


@cache
def recovery_rules() -> RecoveryRules:
    """The shipped rules (read once)."""
    return parse_rules(load_toml(DATA_FILE), DATA_FILE.name)
