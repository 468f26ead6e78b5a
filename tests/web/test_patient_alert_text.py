"""What the patient is told after a safety alert is true of that alert: who was emailed
(or why no one was), whether a repeat joined an open alert, when the on-call contact is
emailed, and always whom to call in danger now (from the crisis resources file)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clonacare.assessments.models import AlertNotification, SafetyAlert
from clonacare.assessments.notice import delivery_sentences, what_the_patient_is_told
from tests.personas import World

pytestmark = pytest.mark.django_db

RAISED = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
STORED = (
    "It is stored for your care team and shows on their screens in Clonacare until one of "
    "them marks it as handled."
)
NOT_AT_ONCE = "An email may not be read at once, so do not wait for a reply if you need help."


@pytest.fixture
def alert(world: World) -> SafetyAlert:
    world.riverside.on_call_email = "on-call@riverside.example"
    world.riverside.save(update_fields=["on_call_email"])
    return SafetyAlert.objects.create(
        patient=world.alex, code="seizure", message="Seizure reported.", raised_at=RAISED
    )


def logged(alert: SafetyAlert, *statuses: str) -> SafetyAlert:
    alert.notified_at = RAISED
    alert.save(update_fields=["notified_at"])
    for status in statuses:
        AlertNotification.objects.create(
            alert=alert, kind="raised", status=status, address="", at=RAISED
        )
    return alert


def told(alert: SafetyAlert, minutes: float) -> list[str]:
    alert = SafetyAlert.objects.select_related("patient__program").get(pk=alert.pk)
    return delivery_sentences(alert, RAISED + dt.timedelta(minutes=minutes))


def test_emailed_now_and_the_on_call_contact_after_the_escalation_time(
    alert: SafetyAlert,
) -> None:
    assert told(logged(alert, "sent", "no-address"), 0.1) == [
        STORED,
        "Your care team has been emailed about it now.",
        "If no one marks it as handled within 15 minutes, the program's on-call contact is "
        "emailed.",
        NOT_AT_ONCE,
    ]


def test_the_time_left_counts_down_from_the_first_raising(alert: SafetyAlert) -> None:
    logged(alert, "sent")
    assert "within 6 minutes" in told(alert, 9.5)[2]
    assert "within 1 minute," in told(alert, 14.5)[2]
    assert told(alert, 15)[2] == (
        "No one has marked it as handled within 15 minutes, so it is due to go to the "
        "program's on-call contact now."
    )


def test_after_the_escalation(alert: SafetyAlert) -> None:
    logged(alert, "sent")
    alert.escalated_at = RAISED + dt.timedelta(minutes=15)
    alert.save(update_fields=["escalated_at"])
    assert told(alert, 20)[2] == (
        "No one marked it as handled within 15 minutes, so the program's on-call contact "
        "has been emailed too."
    )


@pytest.mark.parametrize(
    ("statuses", "sentence"),
    [
        (["no-address"], "No email could be sent to your care team (no address on file)."),
        (["failed", "no-address"], "The email to your care team could not be sent."),
        ([], "No one is on your care team in Clonacare yet, so no email could be sent."),
    ],
)
def test_when_no_email_went_out_it_says_why(
    alert: SafetyAlert, statuses: list[str], sentence: str
) -> None:
    assert told(logged(alert, *statuses), 1)[1] == sentence


def test_a_repeat_says_it_joined_the_open_alert(alert: SafetyAlert) -> None:
    logged(alert, "sent")
    alert.repeats = 1
    alert.save(update_fields=["repeats"])
    assert told(alert, 3)[1] == (
        "Your care team was emailed when this alert was first raised; it is still open, and "
        "your newest answer has been added to it."
    )


def test_without_anyone_to_escalate_to_it_promises_nothing(
    world: World, alert: SafetyAlert
) -> None:
    world.riverside.on_call_email = ""
    world.riverside.save(update_fields=["on_call_email"])
    assert told(logged(alert, "sent"), 1) == [
        STORED,
        "Your care team has been emailed about it now.",
        NOT_AT_ONCE,
    ]
    world.riverside_admin.email = "admin@riverside.example"
    world.riverside_admin.save(update_fields=["email"])
    assert told(alert, 1)[2] == (
        "If no one marks it as handled within 14 minutes, the program's admins are emailed."
    )


def test_an_acknowledged_alert(world: World, alert: SafetyAlert) -> None:
    alert.acknowledged_at = RAISED + dt.timedelta(minutes=4)
    alert.acknowledged_by = world.kim
    alert.save()
    assert told(alert, 5) == ["Your care team has marked this alert as handled."]


def test_it_always_ends_with_whom_to_call_in_danger_now(alert: SafetyAlert) -> None:
    alert.raised_at = timezone.now()
    alert.save(update_fields=["raised_at"])
    lines = what_the_patient_is_told(logged(alert, "sent"))
    assert lines[0] == "An alert has gone to your care team."
    assert lines[-1] == "If you are in danger now, call 988 or 911."
