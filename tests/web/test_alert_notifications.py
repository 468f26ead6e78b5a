"""A raised safety alert emails every member of the patient's care team at once
(Django's locmem backend here), with as little of the record as the mail needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.assessments.models import AlertNotification, AlertRepeat, SafetyAlert
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

PHQ9_ITEM9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]
PHQ9_ITEM9_ONE = [0, 0, 0, 0, 0, 0, 0, 0, 1]

Commit = Callable[..., Any]


@pytest.fixture
def emails(world: World) -> World:
    """Riverside's clinicians have email addresses; lee (counsellor) has none."""
    for user, address in [
        (world.avery, "avery@riverside.example"),
        (world.kim, "kim@riverside.example"),
    ]:
        user.email = address
        user.save(update_fields=["email"])
    return world


def submit(world: World, answers: list[int], commit: Commit) -> dict[str, Any]:
    with commit(execute=True):
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/assessments", {"instrument": "phq9", "answers": answers}
        )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def test_it_emails_each_member_of_the_care_team_once(
    emails: World, django_capture_on_commit_callbacks: Commit
) -> None:
    body = submit(emails, PHQ9_ITEM9, django_capture_on_commit_callbacks)
    alert = SafetyAlert.objects.get()
    assert [a["id"] for a in body["alerts"]] == [alert.pk]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "avery@riverside.example",
        "kim@riverside.example",
    ]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    message = mail.outbox[0]
    assert (
        message.subject
        == "[Clonacare] Safety alert (suicide-risk) for a Riverside Recovery patient"
    )
    assert message.from_email == "Clonacare <alerts@localhost>"
    raised = f"{alert.raised_at:%Y-%m-%d %H:%M} UTC"
    assert message.body == (
        "A safety alert was raised for a patient whose care team you are on.\n"
        "\n"
        "Alert: suicide-risk\n"
        f"What it means: {alert.message}\n"
        "Program: Riverside Recovery\n"
        f"Raised: {raised}\n"
        f"Patient record: {emails.alex.pk}\n"
        f"Open the record: http://127.0.0.1:8000/clinic/patients/{emails.alex.pk}/#alert-{alert.pk}\n"
        "\n"
        "Acknowledge it on the record with a note of what was done. The program has no "
        "on-call address and no admin with an email address, so no one else is emailed if "
        "it is not acknowledged.\n"
        "\n"
        "This email leaves out the patient's name and answers on purpose: substance use "
        "treatment records are protected (42 CFR Part 2) and email can travel outside the "
        "program. Sign in to see who it is and which answer raised the alert.\n"
    )


def test_the_mail_holds_no_name_birth_date_or_answer(
    emails: World, django_capture_on_commit_callbacks: Commit
) -> None:
    submit(emails, PHQ9_ITEM9, django_capture_on_commit_callbacks)
    alert = SafetyAlert.objects.get()
    for message in mail.outbox:
        text = message.subject + message.body
        for private in ("Alex", "Morgan", "alex", "1982", alert.trigger, "More than half"):
            assert private not in text


def test_a_member_without_an_email_address_is_logged_and_audited(
    emails: World, django_capture_on_commit_callbacks: Commit
) -> None:
    submit(emails, PHQ9_ITEM9, django_capture_on_commit_callbacks)
    alert = SafetyAlert.objects.get()
    log = {
        (n.recipient.username if n.recipient else None, n.status, n.address)
        for n in AlertNotification.objects.all()
    }
    assert log == {
        ("avery", "sent", "avery@riverside.example"),
        ("kim", "sent", "kim@riverside.example"),
        ("lee", "no-address", ""),
    }
    event = AuditEvent.objects.get(action="alert.notify")
    assert (event.actor_username, event.actor_role, event.patient_id) == (
        "clonacare",
        "system",
        emails.alex.pk,
    )
    assert (event.object_type, event.object_id) == ("SafetyAlert", str(alert.pk))
    assert event.detail == {"sent": ["avery", "kim"], "no_address": ["lee"], "failed": []}
    alert.refresh_from_db()
    assert alert.notified_at is not None


def test_a_deactivated_member_is_not_emailed(
    emails: World, django_capture_on_commit_callbacks: Commit
) -> None:
    emails.kim.is_active = False
    emails.kim.save(update_fields=["is_active"])
    submit(emails, PHQ9_ITEM9, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["avery@riverside.example"]]
    assert not AlertNotification.objects.filter(recipient=emails.kim).exists()


def test_a_repeat_of_an_open_alert_joins_it_without_a_second_email(
    emails: World, django_capture_on_commit_callbacks: Commit
) -> None:
    first = submit(emails, PHQ9_ITEM9, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    second = submit(emails, PHQ9_ITEM9_ONE, django_capture_on_commit_callbacks)
    alert = SafetyAlert.objects.get()
    assert [a["id"] for a in second["alerts"]] == [alert.pk] == [a["id"] for a in first["alerts"]]
    assert mail.outbox == []
    assert alert.repeats == 1
    assert alert.trigger == "phq9 item 9: 2 (More than half the days)"
    assert alert.last_trigger == "phq9 item 9: 1 (Several days)"
    assert alert.last_raised_at is not None
    assert alert.last_raised_at > alert.raised_at
    (repeat,) = AlertRepeat.objects.all()
    assert (repeat.response_id, repeat.trigger) == (second["id"], alert.last_trigger)
    event = AuditEvent.objects.get(action="alert.repeat")
    assert event.detail == {"code": "suicide-risk", "repeats": 1}
    assert AuditEvent.objects.filter(action="alert.notify").count() == 1


def test_after_an_acknowledgement_a_new_alert_is_raised_and_emailed(
    emails: World, django_capture_on_commit_callbacks: Commit
) -> None:
    first = submit(emails, PHQ9_ITEM9, django_capture_on_commit_callbacks)
    acknowledged = ApiClient(emails.kim).post(
        f"/alerts/{first['alerts'][0]['id']}/acknowledge", {"note": "Called Alex."}
    )
    assert acknowledged.status_code == 200
    mail.outbox.clear()
    second = submit(emails, PHQ9_ITEM9_ONE, django_capture_on_commit_callbacks)
    assert second["alerts"][0]["id"] != first["alerts"][0]["id"]
    assert SafetyAlert.objects.count() == 2
    assert len(mail.outbox) == 2


class BrokenBackend:
    """An email backend whose server refuses every message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        raise ConnectionRefusedError("Connection refused by the mail server")


def test_a_mail_server_failure_keeps_the_alert_and_logs_it(
    emails: World, django_capture_on_commit_callbacks: Commit, settings: SettingsWrapper
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    submit(emails, PHQ9_ITEM9, django_capture_on_commit_callbacks)
    alert = SafetyAlert.objects.get()
    assert alert.is_open
    failed = AlertNotification.objects.filter(status="failed").order_by("recipient__username")
    assert [(n.recipient.username, n.error) for n in failed if n.recipient] == [
        ("avery", "Connection refused by the mail server"),
        ("kim", "Connection refused by the mail server"),
    ]
    event = AuditEvent.objects.get(action="alert.notify")
    assert event.detail == {"sent": [], "no_address": ["lee"], "failed": ["avery", "kim"]}


def test_a_level_of_care_alert_is_emailed_and_names_its_reason(
    emails: World, django_capture_on_commit_callbacks: Commit
) -> None:
    from clonacare.assessments.actions import do_record_level_of_care
    from clonacare.audit.log import Actor

    record = {
        "drug": "clonazepam",
        "daily_dose_mg": 1.5,
        "days_per_week": 7,
        "duration_months": 12,
        "indication": "panic disorder",
        "age": 44,
        "pregnant": False,
        "history_withdrawal_seizure": False,
        "history_withdrawal_delirium": False,
        "alcohol_use_disorder": False,
        "opioid_use": False,
        "other_sedatives": False,
        "suicide_screen": "acute positive",
        "unstable_medical": False,
        "unstable_psychiatric": False,
        "previous_failed_tapers": 0,
        "support_at_home": True,
    }
    actor = Actor(emails.avery.pk, "avery", "prescriber", emails.riverside.pk, None, "")
    with django_capture_on_commit_callbacks(execute=True):
        do_record_level_of_care(
            actor, emails.alex, record, equivalence="ashton", now=timezone.now()
        )
    alert = SafetyAlert.objects.get(code="suicide-risk-imminent")
    assert alert.trigger == (
        "level-of-care assessment: Suicide risk: acute positive screen (imminent risk); "
        "emergency response now."
    )
    # One mail per member for the alerts raised together.
    assert [m.to for m in mail.outbox] == [
        ["avery@riverside.example"],
        ["kim@riverside.example"],
    ]
    assert mail.outbox[0].subject == (
        "[Clonacare] Safety alerts (suicide-risk-imminent, suicide-risk) for a Riverside "
        "Recovery patient"
    )
    body = mail.outbox[0].body
    assert body.startswith("Safety alerts were raised for a patient whose care team you are on.")
    assert "Alert: suicide-risk-imminent\n" in body
    assert "Alert: suicide-risk\n" in body
    assert "Acknowledge each on the record" in body
    assert AlertNotification.objects.filter(status="sent").count() == 4  # 2 alerts x 2 members
    assert AuditEvent.objects.filter(action="alert.notify").count() == 2
