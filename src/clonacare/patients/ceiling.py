"""The taper's ceiling on the pace of a cut, applied to a recorded dose change.

The ceiling (its share, window and source) and the discontinuation dose are the taper
engine's, read from ``core/taper/data/rules.toml`` (``[ceiling]``, ASAM 2025 Rec 6;
``[discontinuation]``); nothing here repeats a number. A change is measured as the taper
measures a plan: in diazepam-equivalent, every benzodiazepine the patient takes added
together, each day against the highest daily dose of the window before it.

A recorded change may be backdated, so every day from its date up to today is measured
(a later recorded change then starts from a different dose), and the change needs a
reason when, on any of those days, it makes a cut above the ceiling that the record
without it does not have. The two equivalence tables disagree (clonazepam, lorazepam,
by 2x), so the change is measured on each, and a reason is needed when either shows a
cut above the ceiling. A stop from a dose at or below the discontinuation dose needs no
reason, as in the taper; an increase is not a cut.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from clonacare.core.drugs import EQUIVALENCE_TABLES, EquivalenceTable, equivalence_table
from clonacare.core.taper.numbers import mg_text
from clonacare.core.taper.rules import load_rules
from clonacare.patients.models import BenzodiazepineUse

# Digits a cut is shown with at most: enough that a cut above the ceiling never reads as
# the ceiling itself (25.0004% shows as 25.0004%, not 25%).
_MOST_DIGITS = 6


@dataclass(frozen=True)
class _Span:
    """A daily dose of one drug from ``since`` to ``until`` (None: still taken)."""

    drug: str
    daily_mg: Decimal
    since: dt.date
    until: dt.date | None

    def on(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class TableCut:
    """The cut one equivalence table shows: from ``highest_mg`` (the highest daily
    diazepam-equivalent of the window) to ``new_mg``."""

    title: str
    highest_mg: Decimal
    new_mg: Decimal

    @property
    def cut_pct(self) -> Decimal:
        return (self.highest_mg - self.new_mg) * 100 / self.highest_mg


def pct_text(pct: Decimal, ceiling_pct: Decimal) -> str:
    """A cut as people read it (33.3%, 50%), with as many more digits as it takes for a
    cut above ``ceiling_pct`` to read as above it."""
    for digits in range(1, _MOST_DIGITS + 1):
        shown = pct.quantize(Decimal(1).scaleb(-digits))
        if pct <= ceiling_pct or shown > ceiling_pct:
            return f"{mg_text(shown.normalize())}%"
    return f"more than {mg_text(ceiling_pct)}%"


@dataclass(frozen=True)
class CeilingCut:
    """A change that makes a cut above the ceiling on ``day`` (its own date or a later
    one): ``cuts`` on the tables that show it, ``within`` on those that do not."""

    day: dt.date
    changed_on: dt.date
    cuts: tuple[TableCut, ...]
    within: tuple[TableCut, ...]
    max_cut_pct: Decimal
    window_days: int
    source: str
    midpoints: tuple[str, ...]
    own_dose_cut: bool

    @property
    def cut_pct(self) -> Decimal:
        """The largest cut above the ceiling."""
        return max(c.cut_pct for c in self.cuts)

    @property
    def cut_text(self) -> str:
        return pct_text(self.cut_pct, self.max_cut_pct)

    @property
    def table(self) -> str:
        return " and ".join(c.title for c in self.cuts)

    def _figures(self) -> str:
        """The size of the cut and, per table, the doses it is measured between."""
        texts = {pct_text(c.cut_pct, self.max_cut_pct) for c in self.cuts}
        if len(texts) == 1:
            size = f"by {texts.pop()} in {self.window_days} days"
            parts = [
                f"from {mg_text(c.highest_mg)} to {mg_text(c.new_mg)} mg diazepam-equivalent "
                f"on the {c.title} table"
                for c in self.cuts
            ]
        else:
            size = f"by up to {self.cut_text} in {self.window_days} days"
            parts = [
                f"{pct_text(c.cut_pct, self.max_cut_pct)} on the {c.title} table, from "
                f"{mg_text(c.highest_mg)} to {mg_text(c.new_mg)} mg diazepam-equivalent"
                for c in self.cuts
            ]
        for c in self.within:
            within = (
                "no cut"
                if c.new_mg >= c.highest_mg
                else f"a cut of {pct_text(c.cut_pct, self.max_cut_pct)}, within the ceiling"
            )
            parts.append(f"on the {c.title} table {within}")
        return f"{size} ({'; '.join(parts)})"

    @property
    def message(self) -> str:
        """The refusal when no reason is given: the size of the cut on each table, the
        ceiling and its source, a range midpoint used, how to record a switch."""
        figures = self._figures()
        start = (
            "This change cuts the daily dose"
            if self.day == self.changed_on
            else f"With this change, the daily dose on {self.day.isoformat()} is cut"
        )
        text = (
            f"{start} {figures}, more than the ceiling of {mg_text(self.max_cut_pct)}% in "
            f"{self.window_days} days ({self.source}); give the reason for this cut to "
            "record it."
        )
        for note in self.midpoints:
            text += f" {note}"
        if self.own_dose_cut:
            text += (
                " To record a switch to another benzodiazepine, record the new drug's dose "
                "first, with the same date: this cut is then measured against that day's total."
            )
        return text


def _spans(uses: Iterable[BenzodiazepineUse]) -> list[_Span]:
    return [_Span(u.drug, u.daily_mg, u.since, u.ended_on) for u in uses]


def _with_change(
    history: list[_Span], drug: str, new_daily_mg: Decimal, on: dt.date
) -> list[_Span]:
    """The history as it is once ``drug`` is taken at ``new_daily_mg`` from ``on``: its
    current use ends the day before (as the action records it)."""
    changed = [
        _Span(s.drug, s.daily_mg, s.since, on - dt.timedelta(days=1))
        if s.drug == drug and s.until is None
        else s
        for s in history
    ]
    if new_daily_mg > 0:
        changed.append(_Span(drug, new_daily_mg, on, None))
    return changed


def _totals(
    spans: list[_Span], table: EquivalenceTable, first: dt.date, last: dt.date
) -> dict[dt.date, Decimal]:
    days = (last - first).days + 1
    totals: dict[dt.date, Decimal] = {}
    for n in range(days):
        day = first + dt.timedelta(days=n)
        totals[day] = sum(
            (table.diazepam_equivalent_mg(s.drug, s.daily_mg) for s in spans if s.on(day)),
            Decimal(0),
        )
    return totals


def _cut_on(
    totals: dict[dt.date, Decimal], day: dt.date, window_days: int
) -> tuple[Decimal, Decimal]:
    """The highest daily dose of the window before ``day``, and the dose on ``day``."""
    highest = max(totals[day - dt.timedelta(days=d)] for d in range(1, window_days + 1))
    return highest, totals[day]


def _midpoint_notes(spans: list[_Span], tables: list[EquivalenceTable]) -> tuple[str, ...]:
    notes = []
    for table in tables:
        for drug in sorted({s.drug for s in spans}):
            entry = table.equivalent(drug)
            if entry.is_range:
                notes.append(
                    f"The {table.title} table gives {drug} as a range "
                    f"({mg_text(entry.low_mg)}–{mg_text(entry.high_mg)} mg per diazepam 10 mg): "
                    f"its midpoint, {mg_text(entry.midpoint_mg)} mg, was used."
                )
    return tuple(notes)


def ceiling_cut(
    uses: Iterable[BenzodiazepineUse],
    drug: str,
    new_daily_mg: Decimal,
    on: dt.date,
    today: dt.date | None = None,
) -> CeilingCut | None:
    """The cut above the ceiling that taking ``new_daily_mg`` of ``drug`` from ``on``
    makes, given the patient's ``uses`` (their whole dose history); None when it makes
    none. ``today`` (default: ``on``) is the last day measured.

    Every day from ``on`` to ``today`` is measured on each equivalence table: the day's
    total (every drug, the change included, as are other changes recorded for that day)
    against the highest total of the window before it. A day counts when its cut is above
    the ceiling and larger than the record without this change shows for it (a cut
    recorded before, with its reason, is not this change's). Exactly the ceiling is
    allowed. A stop from a dose at or below the discontinuation dose (on every table) is
    never measured.
    """
    rules = load_rules()
    tables = [equivalence_table(name) for name in EQUIVALENCE_TABLES]
    history = _spans(uses)
    current = next((s for s in history if s.drug == drug and s.until is None), None)
    if (
        new_daily_mg == 0
        and current is not None
        and all(
            t.diazepam_equivalent_mg(drug, current.daily_mg) <= rules.discontinuation_de_mg
            for t in tables
        )
    ):
        return None
    changed = _with_change(history, drug, new_daily_mg, on)
    window = rules.window_days
    last = max(on, today or on)
    first = on - dt.timedelta(days=window)
    keep = 1 - rules.max_cut_pct / 100
    before = {t.name: _totals(history, t, first, last) for t in tables}
    after = {t.name: _totals(changed, t, first, last) for t in tables}
    worst: CeilingCut | None = None
    for n in range((last - on).days + 1):
        day = on + dt.timedelta(days=n)
        cuts: list[TableCut] = []
        within: list[TableCut] = []
        for t in tables:
            highest, new = _cut_on(after[t.name], day, window)
            old_highest, old = _cut_on(before[t.name], day, window)
            cut = TableCut(t.title, highest, new)
            made = highest > 0 and new < highest * keep
            worse = old_highest == 0 or new * old_highest < old * highest
            (cuts if made and worse else within).append(cut)
        if not cuts:
            continue
        found = CeilingCut(
            day=day,
            changed_on=on,
            cuts=tuple(cuts),
            within=tuple(c for c in within if c.highest_mg > 0),
            max_cut_pct=rules.max_cut_pct,
            window_days=window,
            source=rules.ceiling_source,
            midpoints=_midpoint_notes(
                [s for s in changed if s.since <= day and (s.until is None or s.until >= first)],
                tables,
            ),
            own_dose_cut=current is not None and new_daily_mg < current.daily_mg,
        )
        if worst is None or found.cut_pct > worst.cut_pct:
            worst = found
    return worst
