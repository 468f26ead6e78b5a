"""Delivering safety alerts without anyone typing a command: one pass queues the
care-team mails of alerts that have none, sends the pending mails (and tries the failed
ones again), and escalates the alerts the rule of ``assessments.escalation`` says are
due; ``AlertDelivery`` runs it in a thread of ``clonacare serve``.

``deliver(now)`` is one pass (``clonacare escalate`` runs one, for cron beside another
server). An alert stored before delivery existed (no ``notified_at``) gets its care-team
mail on the first pass, and its escalation clock starts then: an upgrade never escalates
every historical alert at once. Each alert is escalated once: the write that marks it is
conditional, so two passes at the same moment (two server processes, or cron beside the
server) send it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence

from django.db import close_old_connections, transaction
from django.db.models import Count, Q
from django.utils import timezone

from clonacare.assessments.escalation import WaitingAlert, due_for_escalation
from clonacare.assessments.models import AlertNotification, SafetyAlert
from clonacare.assessments.notify import (
    queue_care_team,
    queue_escalation,
    send_pending,
    use_background_sender,
)

log = logging.getLogger(__name__)

# A pass runs at least this often (retries and escalations); a commit that queues mails
# wakes the sender at once.
CHECK_EVERY_SECONDS = 60

Status = AlertNotification.Status
Reason = AlertNotification.Reason


def queue_unnotified(now: dt.datetime) -> list[int]:
    """Queue the care-team mail of every open alert that has none (stored before
    delivery existed); their escalation clock starts at ``now``. Returns their ids."""
    ids = list(
        SafetyAlert.objects.filter(acknowledged_at__isnull=True, notified_at__isnull=True)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    for alert_id in ids:
        with transaction.atomic():
            alert = (
                SafetyAlert.objects.select_for_update()
                .select_related("patient__program")
                .filter(pk=alert_id, notified_at__isnull=True)
                .first()
            )
            if alert is not None:
                queue_care_team([alert], now)
    return ids


def escalate_due_alerts(now: dt.datetime, *, unreached_only: bool = False) -> list[int]:
    """Escalate every alert due at ``now`` (once each; with ``unreached_only``, only
    those no care-team mail reached) and queue its mails; returns their ids."""
    waiting = (
        SafetyAlert.objects.filter(
            acknowledged_at__isnull=True, escalated_at__isnull=True, notified_at__isnull=False
        )
        .annotate(
            sent=Count(
                "notifications",
                filter=Q(notifications__kind="raised", notifications__status=Status.SENT),
            ),
            untried=Count(
                "notifications",
                filter=Q(notifications__kind="raised", notifications__status=Status.PENDING),
            ),
        )
        .values_list("pk", "notified_at", "patient__program__escalation_minutes", "sent", "untried")
    )
    candidates = [
        WaitingAlert(pk, notified_at, minutes, care_team_unreached=not sent and not untried)
        for pk, notified_at, minutes, sent, untried in waiting
        if notified_at is not None
    ]
    unreached = {a.alert_id for a in candidates if a.care_team_unreached}
    if unreached_only:
        candidates = [a for a in candidates if a.alert_id in unreached]
    escalated: list[int] = []
    for alert_id in due_for_escalation(candidates, now):
        with transaction.atomic():
            claimed = SafetyAlert.objects.filter(
                pk=alert_id, acknowledged_at__isnull=True, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not claimed:  # acknowledged, or escalated by another pass, a moment ago
                continue
            alert = SafetyAlert.objects.select_related("patient__program").get(pk=alert_id)
            reason = Reason.UNREACHED if alert_id in unreached else Reason.OVERDUE
            queue_escalation(alert, now, reason)
        escalated.append(alert_id)
    return escalated


def deliver_queued(now: dt.datetime) -> list[int]:
    """The short pass a commit that queued mails runs (woken thread, or inline): send the
    pending mails, then escalate at once the alerts no care-team mail reached, and send
    those (escalation after the escalation time is the timed pass's). Returns the ids
    of the alerts escalated."""
    send_pending(now)
    escalated = escalate_due_alerts(now, unreached_only=True)
    send_pending(now)
    return escalated


def deliver(now: dt.datetime) -> list[int]:
    """One delivery pass at ``now``: queue the mails of alerts that have none, send the
    pending mails and retry the failed ones, escalate what is due and send those mails.
    Returns the ids of the alerts escalated."""
    queue_unnotified(now)
    send_pending(now, retry=True)
    escalated = escalate_due_alerts(now)
    send_pending(now)
    return escalated


class AlertDelivery(threading.Thread):
    """Runs ``deliver`` at start, whenever a commit queues mails (``wake``), and at least
    every ``interval`` seconds, until ``stop()``. A failing pass is logged and the next
    one runs as planned. While it runs, requests only queue mails: a slow mail server
    never holds up a patient's page. ``also``: passes of other apps to run after each
    timed pass, with its time (``clonacare serve`` adds the check-in reminders); each
    failing alone, logged, as the delivery pass does."""

    def __init__(
        self,
        interval: float = CHECK_EVERY_SECONDS,
        *,
        also: Sequence[Callable[[dt.datetime], object]] = (),
    ) -> None:
        super().__init__(name="clonacare-alert-delivery", daemon=True)
        self.interval = interval
        self.also = tuple(also)
        self._wakeup = threading.Event()
        self._halt = threading.Event()

    def start(self) -> None:
        use_background_sender(self._wakeup)
        super().start()

    def wake(self) -> None:
        self._wakeup.set()

    def run(self) -> None:
        woken = False
        while not self._halt.is_set():
            self._wakeup.clear()
            try:
                # Woken by a commit: the short pass (retries wait for the timed one, so a
                # busy clinic does not spend a failing mail's tries in seconds).
                (deliver_queued if woken else deliver)(timezone.now())
            except Exception:
                log.exception("the alert delivery pass failed; it runs again shortly")
            finally:
                close_old_connections()
            for other in () if woken else self.also:
                try:
                    other(timezone.now())
                except Exception:
                    log.exception("the scheduled pass %s failed; it runs again shortly", other)
                finally:
                    close_old_connections()
            woken = self._wakeup.wait(self.interval)

    def stop(self) -> None:
        use_background_sender(None)
        self._halt.set()
        self._wakeup.set()
