"""Whether a patient's check-in is due: the check-in schedule (``monitoring.schedule``)
of their approved plan, read from the plan's change days, and whether today's is done.
Shared by the portal's pages and the reminders; the plan is one the caller read through
its gate (``plans.access``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from clonacare.monitoring.access import follow_up_on
from clonacare.monitoring.models import CheckIn
from clonacare.monitoring.schedule import CheckInSchedule, after_taper, check_in_schedule
from clonacare.plans.models import Plan


def schedule_of(plan: Plan) -> CheckInSchedule:
    """The check-in schedule of the approved ``plan``: from its change days (the first is
    the day it starts); a plan without rows starts on the day it was approved. A plan in
    force that stops the drug ends on its first day without it, with the care team's
    follow-up decision (``access.follow_up_on``)."""
    days = sorted(plan.change_days.values_list("on", flat=True))
    if days:
        start = days[0]
    elif plan.approved_at is not None:
        start = timezone.localdate(plan.approved_at)
    else:
        start = dt.date.fromisoformat(plan.current_json()["steps"][0]["start"])
    ends = None
    if plan.stops_the_drug():
        ends = after_taper(plan.end_date(), follow_up=follow_up_on(plan.patient))
    return check_in_schedule(start, days, ends=ends)


@dataclass(frozen=True)
class NextCheckIn:
    """Where the patient stands today: ``due_today`` (the schedule asks for one today),
    ``done_today`` (one is stored for today), and ``next_day``: today when it is due and
    not done, else the next day the schedule asks for one; None when none will be (the
    care team has ended the check-ins after the taper). ``after_taper``: today is on or
    after the first day without the drug."""

    today: dt.date
    due_today: bool
    done_today: bool
    next_day: dt.date | None
    after_taper: bool = False

    @property
    def follow_up_ended(self) -> bool:
        """The care team has ended the check-ins after the taper: none is asked for again
        (the only schedule with no next day)."""
        return self.next_day is None

    @property
    def next_text(self) -> str:
        """The next day as words: today, tomorrow, or "Thursday 10 December"; empty
        when there is none."""
        if self.next_day is None:
            return ""
        if self.next_day == self.today:
            return "today"
        if self.next_day == self.today + dt.timedelta(days=1):
            return "tomorrow"
        return f"{self.next_day:%A} {self.next_day.day} {self.next_day:%B}"


def next_check_in(plan: Plan, today: dt.date) -> NextCheckIn:
    """The patient's check-in on ``today`` and their next one, for the approved ``plan``."""
    schedule = schedule_of(plan)
    due = schedule.is_due(today)
    done = CheckIn.objects.filter(patient_id=plan.patient_id, day=today).exists()
    after = schedule.is_after_taper(today)
    if due and not done:
        return NextCheckIn(today, True, False, today, after)
    return NextCheckIn(today, due, done, schedule.next_due(today + dt.timedelta(days=1)), after)
