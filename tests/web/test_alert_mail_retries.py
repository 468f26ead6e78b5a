"""Alert mails are queued with the alert and sent after the request: a failed mail is
tried again on later delivery passes (at most MAX_ATTEMPTS times, each try recorded),
an alert whose care team no mail reached is escalated at once, and an alert stored
before delivery existed gets its care-team mail on the first pass, its escalation clock
starting then. Explicit ``now`` throughout; Django's locmem backend."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
from collections.abc import Iterator, Sequence

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone
from pytest_django.fixtures import Settings

from clonacare.assessments.delivery import deliver, deliver_queued
from clonacare.assessments.models import AlertNotification, SafetyAlert
from clonacare.assessments.notify import MAX_ATTEMPTS, use_background_sender
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db(transaction=True)

PHQ9_ITEM9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]
FAILING: set[str] = set()


class SometimesFailing(EmailBackend):
    """The locmem backend, except that a mail to an address in FAILING fails."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            if set(message.to) & FAILING:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky(world: World, settings: Settings) -> Iterator[World]:
    """Avery and kim have addresses, whose mails fail; Riverside has an on-call address."""
    settings.EMAIL_BACKEND = f"{__name__}.SometimesFailing"
    for user in (world.avery, world.kim):
        user.email = f"{user.username}@riverside.example"
        user.save(update_fields=["email"])
        FAILING.add(user.email)
    world.riverside.on_call_email = "on-call@riverside.example"
    world.riverside.save(update_fields=["on_call_email"])
    yield world
    FAILING.clear()


def raise_phq9_alert(world: World) -> SafetyAlert:
    response = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/assessments", {"instrument": "phq9", "answers": PHQ9_ITEM9}
    )
    assert response.status_code == 201
    return SafetyAlert.objects.select_related("patient__program").get()


def statuses(kind: str) -> list[tuple[str, str, int]]:
    rows = AlertNotification.objects.filter(kind=kind).order_by("id")
    return [
        (r.recipient.username if r.recipient else "on-call", r.status, r.attempts) for r in rows
    ]


def test_the_request_records_the_mails_and_a_failed_one_is_tried_again(flaky: World) -> None:
    alert = raise_phq9_alert(flaky)
    assert statuses("raised") == [
        ("avery", "failed", 1),
        ("kim", "failed", 1),
        ("lee", "no-address", 0),
    ]
    # No care-team mail went out: escalated as soon as the submission committed.
    assert [m.to for m in mail.outbox] == [["on-call@riverside.example"]]
    assert alert.notified_at is not None
    FAILING.discard("kim@riverside.example")
    deliver(alert.notified_at + dt.timedelta(minutes=1))
    assert statuses("raised")[:2] == [("avery", "failed", 2), ("kim", "sent", 2)]
    assert mail.outbox[-1].to == ["kim@riverside.example"]
    retried = AuditEvent.objects.filter(action="alert.notify").order_by("id").last()
    assert retried is not None
    assert retried.detail == {
        "sent": ["kim"],
        "no_address": ["lee"],
        "failed": ["avery"],
        "attempt": 2,
    }


def test_a_mail_is_tried_at_most_max_attempts_times(flaky: World) -> None:
    alert = raise_phq9_alert(flaky)
    assert alert.notified_at is not None
    for minute in range(1, 10):
        deliver(alert.notified_at + dt.timedelta(minutes=minute))
    assert statuses("raised")[:2] == [
        ("avery", "failed", MAX_ATTEMPTS),
        ("kim", "failed", MAX_ATTEMPTS),
    ]


def test_when_no_care_team_mail_was_sent_it_escalates_at_once(flaky: World) -> None:
    alert = raise_phq9_alert(flaky)
    assert alert.notified_at is not None
    assert alert.escalated_at is not None  # at the commit, not 15 minutes later
    assert statuses("escalated") == [("on-call", "sent", 1), ("riverside_admin", "no-address", 0)]
    (escalation,) = mail.outbox
    assert escalation.subject == (
        "[Clonacare] No one on the care team could be emailed: safety alert (suicide-risk) "
        "for a Riverside Recovery patient"
    )
    assert escalation.body.startswith(
        "No one on the care team could be emailed about this safety alert (the mails failed, "
        "no member has an email address, or no one is on the care team), so it comes to you "
        "at once."
    )
    assert "Care team emailed: 0 of 3 members\n" in escalation.body


def test_an_alert_from_before_the_upgrade_is_mailed_first_and_escalated_later(
    world: World,
) -> None:
    world.kim.email = "kim@riverside.example"
    world.kim.save(update_fields=["email"])
    world.riverside.on_call_email = "on-call@riverside.example"
    world.riverside.save(update_fields=["on_call_email"])
    upgrade = timezone.now()
    raised = upgrade - dt.timedelta(days=30)
    old = SafetyAlert.objects.create(
        patient=world.alex, code="suicide-risk", message="Act today.", raised_at=raised
    )
    assert deliver(upgrade) == []
    old.refresh_from_db()
    assert old.notified_at == upgrade
    assert [m.to for m in mail.outbox] == [["kim@riverside.example"]]
    assert deliver(upgrade + dt.timedelta(minutes=14)) == []
    assert deliver(upgrade + dt.timedelta(minutes=15)) == [old.pk]
    assert mail.outbox[-1].to == ["on-call@riverside.example"]


def test_with_a_background_sender_the_request_only_records_the_mails(world: World) -> None:
    world.kim.email = "kim@riverside.example"
    world.kim.save(update_fields=["email"])
    wakeup = threading.Event()
    use_background_sender(wakeup)
    try:
        alert = raise_phq9_alert(world)
    finally:
        use_background_sender(None)
    assert mail.outbox == []  # nothing was sent inside the patient's request
    assert ("kim", "pending", 0) in statuses("raised")
    assert wakeup.is_set()  # the sender was woken as the submission committed
    assert alert.notified_at is not None
    deliver_queued(alert.notified_at)
    assert [m.to for m in mail.outbox] == [["kim@riverside.example"]]
    assert ("kim", "sent", 1) in statuses("raised")
