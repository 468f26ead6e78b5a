"""Where a patient stands on the check-ins after the taper (issue 11), as the clinic's
monitoring page and ``GET /api/v1/patients/{id}/follow-up`` show it: how the plan in
force ends, whether the monthly check-ins are on, when the next is due, and every
decision of the care team, newest first. Read only; ``follow_up_actions`` writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clonacare.audit.log import Actor
from clonacare.monitoring.access import (
    follow_up_decisions_of,
    follow_up_on,
    may_decide_follow_up,
)
from clonacare.monitoring.due import schedule_of
from clonacare.monitoring.models import FollowUpDecision
from clonacare.monitoring.schedule import after_taper_rule, schedule_rule
from clonacare.patients.models import Patient
from clonacare.plans.access import plans_of
from clonacare.plans.models import Plan


@dataclass(frozen=True)
class FollowUpState:
    """``plan``: the approved plan in force (None without one); ``stop_day``: its first
    day without the drug (None for a plan that ends on a dose kept on); ``on``: the
    follow-up in force; ``next_day``: the next check-in due from the first day without
    the drug on (None when none will be); ``every_days``: the follow-up's spacing;
    ``daily_days``: the daily check-ins after the last dose; ``may_decide``: the viewer
    may keep or end it; ``decisions``: newest first; ``stopped``: the first day without
    the drug has come."""

    plan: Plan | None
    stop_day: dt.date | None
    on: bool
    next_day: dt.date | None
    every_days: int
    daily_days: int
    may_decide: bool
    decisions: list[FollowUpDecision]
    stopped: bool


def follow_up_state(actor: Actor, patient: Patient, today: dt.date) -> FollowUpState:
    """The state of ``patient`` (read through its gate) on ``today`` as ``actor`` may
    see it (the plan through ``plans.access``)."""
    plan = plans_of(actor, patient).filter(status=Plan.Status.APPROVED).first()
    stop_day = plan.end_date() if plan is not None and plan.stops_the_drug() else None
    next_day = None
    if plan is not None and stop_day is not None:
        next_day = schedule_of(plan).next_due(max(today, stop_day))
    return FollowUpState(
        plan=plan,
        stop_day=stop_day,
        on=follow_up_on(patient),
        next_day=next_day,
        every_days=after_taper_rule().every_days,
        daily_days=schedule_rule().days_after_change,
        may_decide=may_decide_follow_up(actor, patient),
        decisions=list(follow_up_decisions_of(patient)),
        stopped=stop_day is not None and today >= stop_day,
    )
