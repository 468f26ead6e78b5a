"""When a safety alert no one acknowledged goes to the program's on-call contact and
admins: a pure rule of explicit values and an explicit ``now`` (no database here; the
pass that applies it is ``assessments.delivery``).

An alert is due when it is still open, has not been escalated yet, and either its
program's escalation time (``Program.escalation_minutes``, 15 by default, a Clonacare
operational default and not a clinical number) has passed since the care team's mails
were queued (``notified_at``: when it was raised, or, for an alert stored before
delivery existed, the first delivery pass), or no care-team mail could be sent at all
(every send failed, no one has an address, or no one is on the care team): then there
is no reason to wait. A repeat that joined the alert does not restart the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WaitingAlert:
    """What the rule needs to know of one alert. ``notified_at``: when the care team's
    mails were queued; ``care_team_unreached``: no care-team mail was sent and none is
    waiting to be tried for the first time."""

    alert_id: int
    notified_at: dt.datetime
    escalation_minutes: int
    acknowledged_at: dt.datetime | None = None
    escalated_at: dt.datetime | None = None
    care_team_unreached: bool = False

    @property
    def due_at(self) -> dt.datetime:
        return self.notified_at + dt.timedelta(minutes=self.escalation_minutes)


def due_for_escalation(alerts: Iterable[WaitingAlert], now: dt.datetime) -> list[int]:
    """The ids of the alerts to escalate at ``now``: open (not acknowledged), not
    escalated before, and either unreached or at or after ``due_at``; the unreached
    first, then the oldest due. ``now`` must be an aware datetime (ValueError otherwise)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (UTC).")
    due = [
        a
        for a in alerts
        if a.acknowledged_at is None
        and a.escalated_at is None
        and (a.care_team_unreached or now >= a.due_at)
    ]
    return [
        a.alert_id
        for a in sorted(due, key=lambda a: (not a.care_team_unreached, a.due_at, a.alert_id))
    ]


def renotify_reason(
    *,
    escalated: bool,
    more_urgent: bool,
    last_mail_at: dt.datetime | None,
    escalation_minutes: int,
    now: dt.datetime,
) -> str:
    """Why a repeat that joins an open alert emails the care team again, or "" when it
    does not: ``escalated`` (the alert was already escalated: it is escalated again
    too), ``more-urgent`` (the new trigger is more urgent than the ones before: a
    seizure happening now after one that stopped), ``stale`` (the last mail about the
    alert is older than the program's escalation time, or there was none)."""
    if escalated:
        return "escalated"
    if more_urgent:
        return "more-urgent"
    if last_mail_at is None or now - last_mail_at >= dt.timedelta(minutes=escalation_minutes):
        return "stale"
    return ""
