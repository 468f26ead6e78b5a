"""The check-in schedule of an approved taper plan: on which days a check-in is due.

Pure functions on plain values, as the rules beside it (Django only for the words of
``schedule_text`` and ``after_taper_text``, in the active language): the caller gives
the plan's first day, its change days (``plans.models.PlanChangeDay``: the days the daily
dose changes, the first day included) and the day asked about. A check-in is due

- every day from each change day through the ``days_after_change`` days after it (the
  week after a dose change), and
- otherwise every ``every_days`` days counted from the plan's first day (weekly),

and never before the plan's first day. Both numbers are Clonacare's configurable
defaults from issue 10, not clinical numbers, in ``data/rules.toml`` ``[schedule]`` with
their source; a missing source or a bad value is refused (ClinicalError ``data-file``).

After the taper (issue 11): when the plan in force stops the drug, the caller gives the
first day without it (``AfterTaper``) and whether the care team keeps the follow-up on.
From that day the taper's weekly days end: the stop is the plan's last dose change, so
its ``days_after_change`` days stay daily, and otherwise a check-in is due every
``[schedule.after_taper] every_days`` days counted from the first day without the drug,
for as long as the follow-up is on; with it off, none is due after that day. A plan
that ends on a dose kept on has no ``AfterTaper``: its schedule goes on as in the taper.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext, ngettext

from clonacare.core.sourced import load_toml, require_source, table, whole_number
from clonacare.monitoring.rules import RULES_FILE

# Plausible bounds of the two numbers: a year at most (a schedule is read day by day).
LONGEST_DAYS = 365


@dataclass(frozen=True)
class ScheduleRule:
    """The schedule's numbers: ``days_after_change`` daily check-ins after each change
    day (the change day itself is due too), one every ``every_days`` days otherwise."""

    days_after_change: int
    every_days: int
    source: str


def load_schedule(path: Path) -> ScheduleRule:
    """The ``[schedule]`` table of the rules file at ``path``. Refused (``data-file``,
    naming the file, table and key): a missing table or source, ``days_after_change``
    that is not a whole number from 0 to 365, ``every_days`` not one from 1 to 365."""
    where = f"{path.name} [schedule]"
    raw = table(load_toml(path), "schedule", path.name)
    return ScheduleRule(
        days_after_change=whole_number(raw, "days_after_change", where, low=0, high=LONGEST_DAYS),
        every_days=whole_number(raw, "every_days", where, low=1, high=LONGEST_DAYS),
        source=require_source(raw, where),
    )


@cache
def schedule_rule() -> ScheduleRule:
    """The schedule's numbers from ``data/rules.toml``."""
    return load_schedule(RULES_FILE)


@dataclass(frozen=True)
class AfterTaperRule:
    """The follow-up after the last dose: one check-in every ``every_days`` days."""

    every_days: int
    source: str


def load_after_taper(path: Path) -> AfterTaperRule:
    """The ``[schedule.after_taper]`` table of the rules file at ``path``. Refused
    (``data-file``, naming the file, table and key): a missing table or source,
    ``every_days`` that is not a whole number from 1 to 365."""
    where = f"{path.name} [schedule.after_taper]"
    schedule = table(load_toml(path), "schedule", path.name)
    raw = table(schedule, "after_taper", f"{path.name} [schedule]")
    return AfterTaperRule(
        every_days=whole_number(raw, "every_days", where, low=1, high=LONGEST_DAYS),
        source=require_source(raw, where),
    )


@cache
def after_taper_rule() -> AfterTaperRule:
    """The follow-up's number from ``data/rules.toml``."""
    return load_after_taper(RULES_FILE)


@dataclass(frozen=True)
class AfterTaper:
    """The end of a plan that stops the drug: ``stop_day`` is the first day without it
    (``plans.models.Plan.end_date``); ``follow_up`` whether the care team keeps the
    check-ins after the last dose on; ``rule`` their spacing."""

    stop_day: dt.date
    follow_up: bool
    rule: AfterTaperRule


def after_taper(
    stop_day: dt.date, *, follow_up: bool, rule: AfterTaperRule | None = None
) -> AfterTaper:
    """The end of a plan whose first day without the drug is ``stop_day``, with the
    follow-up on or off, and ``rule`` (default: ``after_taper_rule()``)."""
    return AfterTaper(stop_day=stop_day, follow_up=follow_up, rule=rule or after_taper_rule())


@dataclass(frozen=True)
class CheckInSchedule:
    """The schedule of one plan: its first day (``start``), its change days (sorted,
    without repeats), the ``rule``, and ``after_taper`` (None for a plan that does not
    stop the drug)."""

    start: dt.date
    change_days: tuple[dt.date, ...]
    rule: ScheduleRule
    after_taper: AfterTaper | None = None

    def is_after_taper(self, day: dt.date) -> bool:
        """Whether ``day`` is on or after the first day without the drug."""
        return self.after_taper is not None and day >= self.after_taper.stop_day

    def follow_up_ended(self, day: dt.date) -> bool:
        """Whether ``day`` is after the taper and the care team has ended the follow-up:
        no check-in is due on it or on any later day."""
        end = self.after_taper
        return end is not None and day >= end.stop_day and not end.follow_up

    def after_change(self, day: dt.date) -> bool:
        """Whether ``day`` is a change day or one of the ``days_after_change`` days after
        the latest change day on or before it."""
        at = bisect.bisect_right(self.change_days, day)
        if at == 0:
            return False
        return (day - self.change_days[at - 1]).days <= self.rule.days_after_change

    def is_due(self, day: dt.date) -> bool:
        """Whether a check-in is due on ``day``: never before the plan's first day; daily
        in the days after a change; else every ``every_days`` days from the first day.
        After the taper: none when the follow-up is off; else daily in the days after
        the stop, and every ``after_taper.rule.every_days`` days from the stop day."""
        if day < self.start:
            return False
        end = self.after_taper
        if end is not None and day >= end.stop_day:
            if not end.follow_up:
                return False
            since = (day - end.stop_day).days
            return since <= self.rule.days_after_change or since % end.rule.every_days == 0
        return self.after_change(day) or (day - self.start).days % self.rule.every_days == 0

    def due_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The days from ``first`` up to, not including, ``last`` on which a check-in is
        due, oldest first (empty when ``last`` is not after ``first``)."""
        days = (last - first).days
        return [d for d in (first + dt.timedelta(days=n) for n in range(days)) if self.is_due(d)]

    def next_due(self, day: dt.date) -> dt.date | None:
        """The first day on or after ``day`` on which a check-in is due (the plan's first
        day, for a day before it); None when the follow-up after the taper is off and
        ``day`` is after the taper (none is due again). Otherwise there is always one
        within the larger of the two spacings."""
        day = max(day, self.start)
        while not self.is_due(day):
            if self.follow_up_ended(day):
                return None
            day += dt.timedelta(days=1)
        return day


def check_in_schedule(
    start: dt.date,
    change_days: Iterable[dt.date],
    rule: ScheduleRule | None = None,
    *,
    ends: AfterTaper | None = None,
) -> CheckInSchedule:
    """The schedule of a plan that starts on ``start`` and changes the daily dose on
    ``change_days`` (in any order; ``start`` is counted as one), with ``rule``
    (default: ``schedule_rule()``); ``ends``: how a plan that stops the drug ends
    (None: the plan ends on a dose kept on, or its end is not asked about)."""
    days = tuple(sorted({start, *change_days}))
    return CheckInSchedule(
        start=start, change_days=days, rule=rule or schedule_rule(), after_taper=ends
    )


def _days(n: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def schedule_text(rule: ScheduleRule | None = None) -> str:
    """The schedule in plain words for the patient, in the active language (the
    portal's Spanish pages activate Spanish; elsewhere English)."""
    rule = rule or schedule_rule()
    every = (
        gettext("every day")
        if rule.every_days == 1
        else gettext("once every %(days)s") % {"days": _days(rule.every_days)}
    )
    if rule.days_after_change:
        return gettext(
            "A check-in is asked for every day from the day your dose changes through the "
            "%(after)s after it, and %(every)s otherwise, counted from the first day of "
            "your plan."
        ) % {"after": _days(rule.days_after_change), "every": every}
    return gettext(
        "A check-in is asked for on each day your dose changes, and %(every)s otherwise, "
        "counted from the first day of your plan."
    ) % {"every": every}


def after_taper_text(rule: ScheduleRule | None = None, after: AfterTaperRule | None = None) -> str:
    """The follow-up after the last dose in plain words for the patient, in the active
    language."""
    rule = rule or schedule_rule()
    after = after or after_taper_rule()
    if rule.days_after_change:
        return gettext(
            "After your taper, a check-in is asked for every day through the %(after)s "
            "after your last dose, then once every %(every)s, counted from your first day "
            "without the medicine, for as long as your care team keeps these check-ins on."
        ) % {"after": _days(rule.days_after_change), "every": _days(after.every_days)}
    return gettext(
        "After your taper, a check-in is asked for once every %(every)s, counted from "
        "your first day without the medicine, for as long as your care team keeps these "
        "check-ins on."
    ) % {"every": _days(after.every_days)}
