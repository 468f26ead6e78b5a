"""DSM-5 remission, judged conservatively from the DSM-5 SUD checklists on the record.

The rule (``judge_remission``):

1. The full criteria were met before: an earlier checklist counts at least the
   disorder's lowest number of criteria (the instrument's lowest band above "none",
   counted as the scorer counts them: tolerance and withdrawal not counted when the
   drug was taken as prescribed).
2. Then an unbroken run of checklists, ending with the latest one, on which no
   criterion is met except craving. A return to use on a day inside the run, or after
   its latest checklist, ends it: the run starts again with the next checklist.
3. The run's span is from its first checklist to its latest: early remission when it
   is at least ``early_months`` and under ``sustained_months``, sustained remission from
   ``sustained_months``. Time before the first checklist of the run is never counted,
   which is why the rule may show remission later than a clinician would.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from clonacare.core.recovery.rules import RemissionRules

NOT_ENOUGH = "Not enough checklists to judge."


class RemissionStatus(StrEnum):
    EARLY = "early"
    SUSTAINED = "sustained"
    NOT_MET = "not-met"
    NOT_ENOUGH = "not-enough"


LABELS = {
    RemissionStatus.EARLY: "In early remission (DSM-5)",
    RemissionStatus.SUSTAINED: "In sustained remission (DSM-5)",
    RemissionStatus.NOT_MET: "Remission not shown yet",
    RemissionStatus.NOT_ENOUGH: "Not enough checklists to judge",
}


@dataclass(frozen=True)
class Checklist:
    """One complete DSM-5 SUD checklist: ``criteria`` is its total as the scorer counts
    it, ``craving`` whether the craving criterion was among them."""

    on: dt.date
    criteria: int
    craving: bool

    @property
    def besides_craving(self) -> int:
        return self.criteria - (1 if self.craving else 0)


@dataclass(frozen=True)
class Remission:
    """The judgement: ``status``, its ``label``, the ``reasons`` in plain sentences, the
    run's first and latest checklist (``since``, ``through``; None when there is no run)
    and the ``source`` of the rule."""

    status: RemissionStatus
    label: str
    reasons: tuple[str, ...]
    since: dt.date | None
    through: dt.date | None
    source: str


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on (the 31st becomes the month's last)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _result(
    status: RemissionStatus,
    reasons: Sequence[str],
    rules: RemissionRules,
    since: dt.date | None = None,
    through: dt.date | None = None,
) -> Remission:
    return Remission(status, LABELS[status], tuple(reasons), since, through, rules.source)


def judge_remission(
    checklists: Sequence[Checklist],
    returns_to_use: Sequence[dt.date],
    *,
    disorder_criteria: int,
    today: dt.date,
    rules: RemissionRules,
) -> Remission:
    """Whether ``checklists`` (complete ones, any order) show DSM-5 remission as of
    ``today``; ``disorder_criteria`` is the fewest criteria that meet the disorder.
    Checklists and returns to use after ``today`` are left out. See the module's rule."""
    done = sorted((c for c in checklists if c.on <= today), key=lambda c: c.on)
    returns = sorted(day for day in returns_to_use if day <= today)
    if not done:
        return _result(RemissionStatus.NOT_ENOUGH, [NOT_ENOUGH], rules)
    run: list[Checklist] = []
    for checklist in done:
        broken = bool(run) and any(run[-1].on < day <= checklist.on for day in returns)
        if checklist.besides_craving > 0 or broken:
            run = []
        if checklist.besides_craving == 0:
            run.append(checklist)
    latest = done[-1]
    if not run:
        return _result(
            RemissionStatus.NOT_MET,
            [
                f"The latest checklist, on {latest.on.isoformat()}, counts "
                f"{latest.besides_craving} criteria besides craving."
            ],
            rules,
        )
    first = run[0]
    after = [day for day in returns if day >= run[-1].on]
    if after:
        return _result(
            RemissionStatus.NOT_MET,
            [
                f"A return to use on {after[-1].isoformat()} came after the latest "
                f"checklist; a new checklist starts the count again."
            ],
            rules,
        )
    met_before = [c for c in done if c.on < first.on and c.criteria >= disorder_criteria]
    if not met_before:
        return _result(
            RemissionStatus.NOT_ENOUGH,
            [
                NOT_ENOUGH,
                f"No checklist before {first.on.isoformat()} meets the disorder "
                f"({disorder_criteria} or more criteria), so remission cannot be judged.",
            ],
            rules,
        )
    earlier = met_before[-1]
    if len(run) == 1:
        span = f"No criterion but craving on the one checklist since, on {first.on.isoformat()}."
    else:
        span = (
            f"No criterion but craving on every checklist from {first.on.isoformat()} to "
            f"{latest.on.isoformat()} ({len(run)} checklists)."
        )
    before = (
        f"The disorder was met before: {earlier.criteria} criteria on {earlier.on.isoformat()}."
    )
    if latest.on >= add_months(first.on, rules.sustained_months):
        status = RemissionStatus.SUSTAINED
        length = f"The run spans {rules.sustained_months} months or more."
    elif latest.on >= add_months(first.on, rules.early_months):
        status = RemissionStatus.EARLY
        length = (
            f"The run spans {rules.early_months} months or more, and less than "
            f"{rules.sustained_months}."
        )
    else:
        status = RemissionStatus.NOT_MET
        length = (
            f"The run spans less than {rules.early_months} months so far: a checklist on "
            f"or after {add_months(first.on, rules.early_months).isoformat()} can show "
            f"early remission."
        )
    return _result(status, [before, span, length], rules, first.on, latest.on)
