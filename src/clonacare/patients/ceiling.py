"""The taper's ceiling on the pace of a cut, applied to a recorded dose change.

The ceiling (its share, window and source) is the taper engine's, read from
``core/taper/data/rules.toml`` ``[ceiling]`` (ASAM 2025 Rec 6); nothing here repeats the
number. A change is measured as the taper measures a plan: in diazepam-equivalent, every
benzodiazepine the patient takes added together, against the highest daily dose on any
day of the window before the change. A recorded change that cuts more than the ceiling
allows needs a reason; an increase is not a cut and is never measured against it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from clonacare.core.drugs import EquivalenceTable, equivalence_table
from clonacare.core.taper.numbers import mg_text
from clonacare.core.taper.rules import load_rules
from clonacare.patients.models import BenzodiazepineUse

# The table the record's diazepam-equivalents use: the one the taper and the
# level-of-care assessment use when none is chosen.
EQUIVALENCE = "ashton"
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class CeilingCut:
    """A change that cuts more than the ceiling allows: from ``highest_mg`` (the highest
    daily diazepam-equivalent in the ``window_days`` before it) to ``new_mg``."""

    highest_mg: Decimal
    new_mg: Decimal
    cut_pct: Decimal
    max_cut_pct: Decimal
    window_days: int
    source: str
    table: str

    @property
    def cut_text(self) -> str:
        """The cut as people read it: 33.3%, 50%."""
        return f"{mg_text(self.cut_pct.quantize(_TENTH).normalize())}%"

    @property
    def message(self) -> str:
        """The refusal when no reason is given: the ceiling, its source, the change's size."""
        return (
            f"This change cuts the daily dose by {self.cut_text} in {self.window_days} days "
            f"(from {mg_text(self.highest_mg)} to {mg_text(self.new_mg)} mg "
            f"diazepam-equivalent, {self.table} table), more than the ceiling of "
            f"{mg_text(self.max_cut_pct)}% in {self.window_days} days ({self.source}); "
            "give the reason for this cut to record it."
        )


def _de(table: EquivalenceTable, drug: str, daily_mg: Decimal) -> Decimal:
    return table.diazepam_equivalent_mg(drug, daily_mg)


def _on_day(uses: Iterable[BenzodiazepineUse], day: dt.date) -> list[BenzodiazepineUse]:
    return [u for u in uses if u.since <= day and (u.ended_on is None or day <= u.ended_on)]


def ceiling_cut(
    uses: Iterable[BenzodiazepineUse], drug: str, new_daily_mg: Decimal, on: dt.date
) -> CeilingCut | None:
    """The cut above the ceiling that taking ``new_daily_mg`` of ``drug`` from ``on``
    makes, given the patient's ``uses`` (their whole dose history); None when the change
    is within the ceiling, is an increase, or follows no recorded dose in the window.

    The new daily dose is the new ``drug`` dose plus the other drugs taken on ``on``; it
    is compared with every day of the window before ``on``. Exactly the ceiling is allowed.
    """
    rules = load_rules()
    table = equivalence_table(EQUIVALENCE)
    history = list(uses)
    window = range(1, rules.window_days + 1)
    highest = max(
        (
            sum(
                (_de(table, u.drug, u.daily_mg) for u in _on_day(history, on - dt.timedelta(d))),
                Decimal(0),
            )
            for d in window
        ),
        default=Decimal(0),
    )
    others = sum(
        (_de(table, u.drug, u.daily_mg) for u in _on_day(history, on) if u.drug != drug),
        Decimal(0),
    )
    new = others + _de(table, drug, new_daily_mg)
    keep = 1 - rules.max_cut_pct / 100
    if highest == 0 or new >= highest * keep:
        return None
    return CeilingCut(
        highest_mg=highest,
        new_mg=new,
        cut_pct=(highest - new) * 100 / highest,
        max_cut_pct=rules.max_cut_pct,
        window_days=rules.window_days,
        source=rules.ceiling_source,
        table=table.title,
    )
