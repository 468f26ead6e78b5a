"""The alert scheduler and the check-in reminders stopped in the middle of a pass (the
process dies between two mails) and started again: every mail goes out, and none twice.
The kill is a ``BaseException`` raised by the mail backend as it is handed the second
mail, which no ``except Exception`` of the pass catches, as a process killed there would
leave things."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.message import EmailMessage
from pytest_django.fixtures import Settings

from clonacare.assessments.delivery import deliver_queued
from clonacare.assessments.models import AlertNotification, SafetyAlert
from clonacare.assessments.notify import use_background_sender
from clonacare.monitoring.models import CheckInReminder
from clonacare.monitoring.reminders import ABANDONED_AFTER, send_check_in_reminders
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.test_check_in_reminders import at, on_switch

pytestmark = pytest.mark.django_db(transaction=True)

PHQ9_ITEM9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]


class Killed(BaseException):
    """The process dying: not an error the pass could handle."""


class DiesOnTheSecondMail(EmailBackend):
    """The locmem backend, whose process dies as the second mail is handed to it."""

    handed = 0

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        DiesOnTheSecondMail.handed += len(messages)
        if DiesOnTheSecondMail.handed >= 2:
            raise Killed
        return super().send_messages(messages)


@pytest.fixture
def queued(world: World, settings: Settings) -> SafetyAlert:
    """A suicide-item alert whose two care-team mails are queued, not yet sent."""
    for user in (world.avery, world.kim):
        user.email = f"{user.username}@riverside.example"
        user.save(update_fields=["email"])
    use_background_sender(threading.Event())
    try:
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/assessments",
            {"instrument": "phq9", "answers": PHQ9_ITEM9},
        )
    finally:
        use_background_sender(None)
    assert response.status_code == 201
    assert mail.outbox == []
    DiesOnTheSecondMail.handed = 0
    return SafetyAlert.objects.get()


def test_it_sends_every_alert_mail_once_after_dying_mid_pass(
    queued: SafetyAlert, settings: Settings
) -> None:
    assert queued.notified_at is not None
    settings.EMAIL_BACKEND = f"{__name__}.DiesOnTheSecondMail"
    with pytest.raises(Killed):
        deliver_queued(queued.notified_at)
    assert [m.to for m in mail.outbox] == [["avery@riverside.example"]]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver_queued(queued.notified_at + dt.timedelta(minutes=1))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "avery@riverside.example",
        "kim@riverside.example",
    ]
    sent = AlertNotification.objects.filter(kind="raised", status="sent")
    assert sorted(r.address for r in sent) == ["avery@riverside.example", "kim@riverside.example"]

    deliver_queued(queued.notified_at + dt.timedelta(minutes=2))  # and again: nothing more
    assert len(mail.outbox) == 2


@pytest.fixture
def two_due(world: World, settings: Settings) -> World:
    """Alex and Blair each have a check-in due today and an address."""
    settings.SITE_URL = "https://clinic.example/"
    settings.CHECK_IN_REMINDER_HOUR = 9
    for user, address in (
        (world.alex_user, "alex@mail.example"),
        (world.blair_user, "b@x.example"),
    ):
        user.email = address
        user.save(update_fields=["email"])
    on_switch(world, world.alex)
    on_switch(world, world.blair, days_ago=5)
    DiesOnTheSecondMail.handed = 0
    return world


def test_it_sends_every_reminder_once_after_dying_mid_pass(
    two_due: World, settings: Settings
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.DiesOnTheSecondMail"
    with pytest.raises(Killed):
        send_check_in_reminders(at(10))
    [first] = mail.outbox
    assert CheckInReminder.objects.filter(status="sending").count() == 1  # the dead pass's

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Restarted at once: the claim may still be a live pass's, so it is left.
    assert send_check_in_reminders(at(10, 1)) == []
    assert len(mail.outbox) == 1
    # Once the claim is ABANDONED_AFTER old, the next pass sends it.
    later = at(10) + ABANDONED_AFTER + dt.timedelta(minutes=1)
    [row] = send_check_in_reminders(later)
    assert row.status == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == ["alex@mail.example", "b@x.example"]
    assert mail.outbox[1].extra_headers["Message-ID"] == (
        f"<check-in-reminder-{row.pk}@clinic.example>"
    )
    assert first.to != mail.outbox[1].to
    assert send_check_in_reminders(later + dt.timedelta(hours=1)) == []
    assert len(mail.outbox) == 2
    assert sorted(CheckInReminder.objects.values_list("status", flat=True)) == ["sent", "sent"]
