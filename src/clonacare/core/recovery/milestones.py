"""Runs without a benzodiazepine and their milestones.

A run starts on the first day without the drug after a taper that stops it (the plan's
end date) and lasts until a return to use, or until today. A taper that ends on a lower
dose kept on starts no run (it is an outcome of its own, shown as such). Milestone N is
reached on the run's start + N days: N whole days without the drug lie behind it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from clonacare.core.recovery.rules import MilestoneRules


@dataclass(frozen=True)
class TaperEnd:
    """How and when a taper plan ended: ``on`` is the first day without the drug when
    ``stops_the_drug``, else the last day of its last step (a lower dose kept on)."""

    on: dt.date
    stops_the_drug: bool


@dataclass(frozen=True)
class Milestone:
    days: int
    on: dt.date


@dataclass(frozen=True)
class Run:
    """A run of days without a benzodiazepine from ``started_on`` (the first day without
    it). ``ended_on`` is the day use started again (None while the run goes on);
    ``days_without`` counts the whole days from ``started_on`` to that day or to today;
    ``reached`` the milestones reached, ``next`` the next one (None once the run ended
    or every milestone is reached)."""

    started_on: dt.date
    ended_on: dt.date | None
    days_without: int
    reached: tuple[Milestone, ...]
    next: Milestone | None


def _run(start: dt.date, end: dt.date | None, today: dt.date, rules: MilestoneRules) -> Run:
    last = end if end is not None else today
    reached = tuple(
        Milestone(days, start + dt.timedelta(days=days))
        for days in rules.days
        if start + dt.timedelta(days=days) <= last
    )
    upcoming = [
        Milestone(days, start + dt.timedelta(days=days))
        for days in rules.days
        if start + dt.timedelta(days=days) > last
    ]
    return Run(
        started_on=start,
        ended_on=end,
        days_without=max((last - start).days, 0),
        reached=reached,
        next=upcoming[0] if upcoming and end is None else None,
    )


def runs_without(
    tapers: Sequence[TaperEnd],
    returns_to_use: Sequence[dt.date],
    *,
    today: dt.date,
    rules: MilestoneRules,
) -> list[Run]:
    """The runs without a benzodiazepine, oldest first, as of ``today``.

    A taper that stops the drug and has ended on or before ``today`` starts a run on its
    end date, unless a run is already going on (a second taper ending without a return
    to use between them changes nothing). A return to use on a day within a run ends
    it on that day; a return before any run, or on a day before the run started, ends
    nothing. Returns dated after ``today`` are ignored. Tapers that end on a lower dose
    start no run.
    """
    events: list[tuple[dt.date, int]] = []
    for taper in tapers:
        if taper.stops_the_drug and taper.on <= today:
            events.append((taper.on, 1))
    events.extend((day, 0) for day in returns_to_use if day <= today)
    # On the same day, a return to use is read before a taper's end: the taper that
    # ends that day starts a new run after it.
    events.sort()
    runs: list[Run] = []
    open_since: dt.date | None = None
    for day, what in events:
        if what == 1 and open_since is None:
            open_since = day
        elif what == 0 and open_since is not None and day >= open_since:
            runs.append(_run(open_since, day, today, rules))
            open_since = None
    if open_since is not None:
        runs.append(_run(open_since, None, today, rules))
    return runs
