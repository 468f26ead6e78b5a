"""Which assessments are due, from the schedule data file (intervals with their sources)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clonacare.core.sourced import load_toml, require_source

SCHEDULE_FILE = Path(__file__).parent / "data" / "schedule.toml"


@dataclass(frozen=True)
class Interval:
    what: str  # an instrument id, or "level_of_care"
    every_days: int
    source: str

    def is_overdue(self, last: dt.datetime | None, now: dt.datetime) -> bool:
        """Overdue when never done, or last done more than ``every_days`` ago."""
        return last is None or now - last > dt.timedelta(days=self.every_days)


@cache
def schedule() -> tuple[Interval, ...]:
    data = load_toml(SCHEDULE_FILE)
    intervals = [
        Interval(name, int(raw["every_days"]), require_source(raw, f"{SCHEDULE_FILE.name} {name}"))
        for name, raw in data["instruments"].items()
    ]
    raw = data["level_of_care"]
    intervals.append(
        Interval("level_of_care", int(raw["every_days"]), require_source(raw, SCHEDULE_FILE.name))
    )
    return tuple(intervals)


def instrument_intervals() -> tuple[Interval, ...]:
    return tuple(i for i in schedule() if i.what != "level_of_care")


def level_of_care_interval() -> Interval:
    return next(i for i in schedule() if i.what == "level_of_care")
