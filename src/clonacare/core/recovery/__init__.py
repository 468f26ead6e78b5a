"""The recovery record's rules: runs without a benzodiazepine with their milestones,
and DSM-5 remission judged from the DSM-5 SUD checklists. Pure: the caller gives the
dates (no hidden today) and the facts read from the record.

Public API::

    rules = recovery_rules()
    runs = runs_without([TaperEnd(on, stops_the_drug)], [return_day], today=today,
                        rules=rules.milestones)
    remission = judge_remission([Checklist(on, criteria, craving)], [return_day],
                                disorder_criteria=disorder_criteria(), today=today,
                                rules=rules.remission)
"""

from __future__ import annotations

from clonacare.core.errors import ClinicalError
from clonacare.core.instruments import instrument
from clonacare.core.recovery.milestones import Milestone, Run, TaperEnd, runs_without
from clonacare.core.recovery.remission import (
    NOT_ENOUGH,
    Checklist,
    Remission,
    RemissionStatus,
    add_months,
    judge_remission,
)
from clonacare.core.recovery.rules import (
    MilestoneRules,
    RecoveryRules,
    RemissionRules,
    parse_rules,
    recovery_rules,
)

__all__ = [
    "NOT_ENOUGH",
    "Checklist",
    "Milestone",
    "MilestoneRules",
    "RecoveryRules",
    "Remission",
    "RemissionRules",
    "RemissionStatus",
    "Run",
    "TaperEnd",
    "add_months",
    "craving_present",
    "disorder_criteria",
    "judge_remission",
    "parse_rules",
    "recovery_rules",
    "runs_without",
]


def disorder_criteria(rules: RemissionRules | None = None) -> int:
    """The fewest criteria that meet the disorder: the lowest total of the checklist
    instrument's first band above its lowest (dsm5-sud: "mild", 2 criteria)."""
    chosen = rules or recovery_rules().remission
    bands = [b.min for b in instrument(chosen.instrument).bands if b.min is not None]
    above = sorted(m for m in bands if m > min(bands))
    if not above:
        raise ClinicalError(
            "data-file", f"{chosen.instrument} has no band above its lowest to judge remission."
        )
    return above[0]


def craving_present(answers: dict[str, object], rules: RemissionRules | None = None) -> bool:
    """Whether the stored ``answers`` of a checklist give the craving item an answer that
    scores above 0 (its code or an alias, as the scorer reads it)."""
    chosen = rules or recovery_rules().remission
    definition = instrument(chosen.instrument)
    item = next((i for i in definition.items if i.id == chosen.craving_item), None)
    answer = answers.get(chosen.craving_item)
    if item is None or answer is None:
        return False
    return any(o.score > 0 and o.matches(str(answer)) for o in item.options)
