"""The days a plan changes the daily dose, read from the plan JSON of the taper contract
(docs/taper.md): plain Python, so the data migration that fills them for plans approved
before they were stored uses the very same reading as ``do_approve_plan``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


def _daily(step: Mapping[str, Any]) -> dict[str, float]:
    """A step's daily dose per drug, leaving out drugs at 0 mg (a stop reads as an empty
    dose, whatever drug the contract names for it)."""
    daily = step.get("daily_mg") or {}
    return {str(drug): float(mg) for drug, mg in daily.items() if float(mg) != 0}


def change_days(plan_json: Mapping[str, Any]) -> list[dt.date]:
    """The days the plan in ``plan_json`` changes the daily dose, oldest first: the day it
    starts (its first step), and the first day of every later step whose daily dose
    differs from the step before it. A pause, or a step a revision cut short, keeps the
    dose and is not a change. Empty for a plan without steps."""
    steps = sorted(plan_json.get("steps", []), key=lambda s: int(s.get("number", 0)))
    days: list[dt.date] = []
    before: dict[str, float] | None = None
    for step in steps:
        daily = _daily(step)
        if before is None or daily != before:
            day = dt.date.fromisoformat(str(step["start"]))
            if not days or day > days[-1]:
                days.append(day)
        before = daily
    return days
