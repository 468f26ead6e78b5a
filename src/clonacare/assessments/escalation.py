"""Escalating safety alerts no one acknowledged within the program's escalation time.

The rule is a pure function of explicit values and an explicit ``now``
(``due_for_escalation``): an alert is due when it is still open, has not been escalated
yet, and its program's escalation time (``Program.escalation_minutes``, 15 by default,
a Clonacare operational default and not a clinical number) has passed since it was
first raised. A repeat that joined the alert does not restart the clock.

``escalate_due_alerts(now)`` applies it to the database once (``clonacare escalate``,
for cron); ``EscalationScheduler`` runs it every minute in a thread of ``clonacare
serve``, so escalation needs no one to type a command. Each alert is escalated once:
the write that marks it is conditional, so two passes at the same moment (two server
processes, or cron beside the server) send it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 60


@dataclass(frozen=True)
class WaitingAlert:
    """What the rule needs to know of one alert."""

    alert_id: int
    raised_at: dt.datetime
    escalation_minutes: int
    acknowledged_at: dt.datetime | None = None
    escalated_at: dt.datetime | None = None

    @property
    def due_at(self) -> dt.datetime:
        return self.raised_at + dt.timedelta(minutes=self.escalation_minutes)


def due_for_escalation(alerts: Iterable[WaitingAlert], now: dt.datetime) -> list[int]:
    """The ids of the alerts to escalate at ``now``, oldest due first: open (not
    acknowledged), not escalated before, and ``now`` at or after ``raised_at`` plus the
    escalation time. ``now`` must be an aware datetime (ValueError otherwise)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (UTC).")
    due = [
        a
        for a in alerts
        if a.acknowledged_at is None and a.escalated_at is None and now >= a.due_at
    ]
    return [a.alert_id for a in sorted(due, key=lambda a: (a.due_at, a.alert_id))]


def escalate_due_alerts(now: dt.datetime) -> list[int]:
    """Escalate every alert due at ``now`` (once each); returns their ids."""
    from clonacare.assessments.models import SafetyAlert
    from clonacare.assessments.notify import notify_escalation

    waiting = SafetyAlert.objects.filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True, raised_at__lte=now
    ).values_list("pk", "raised_at", "patient__program__escalation_minutes")
    due = due_for_escalation(
        (WaitingAlert(pk, raised_at, minutes) for pk, raised_at, minutes in waiting), now
    )
    escalated: list[int] = []
    for alert_id in due:
        claimed = SafetyAlert.objects.filter(
            pk=alert_id, acknowledged_at__isnull=True, escalated_at__isnull=True
        ).update(escalated_at=now)
        if not claimed:  # acknowledged, or escalated by another pass, a moment ago
            continue
        alert = SafetyAlert.objects.select_related("patient__program").get(pk=alert_id)
        notify_escalation(alert, now=now)
        escalated.append(alert_id)
    return escalated


class EscalationScheduler(threading.Thread):
    """Runs ``escalate_due_alerts`` at start and then every ``interval`` seconds until
    ``stop()``. A failing pass is logged and the next one runs as planned."""

    def __init__(self, interval: float = CHECK_EVERY_SECONDS) -> None:
        super().__init__(name="clonacare-escalation", daemon=True)
        self.interval = interval
        self._stopped = threading.Event()

    def run(self) -> None:
        from django.db import close_old_connections
        from django.utils import timezone

        while not self._stopped.is_set():
            try:
                escalate_due_alerts(timezone.now())
            except Exception:
                log.exception("the alert escalation pass failed; it runs again in a minute")
            finally:
                close_old_connections()
            self._stopped.wait(self.interval)

    def stop(self) -> None:
        self._stopped.set()
