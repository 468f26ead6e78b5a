"""A repeat joins the open alert (no copy) and emails the care team again only when it
matters: the alert was already escalated (then it is escalated again too), the new
trigger is more urgent (a seizure happening now after one that stopped: see
test_seizure_report.py), or the last mail about it is older than the escalation time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from clonacare.assessments.delivery import deliver
from clonacare.assessments.models import AlertNotification, SafetyAlert
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db(transaction=True)

ASQ_ALL_YES = ["yes"] * 5


@pytest.fixture
def emails(world: World) -> World:
    world.kim.email = "kim@riverside.example"
    world.kim.save(update_fields=["email"])
    world.riverside.on_call_email = "on-call@riverside.example"
    world.riverside.save(update_fields=["on_call_email"])
    return world


def asq(world: World) -> dict[str, object]:
    response = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/assessments", {"instrument": "asq", "answers": ASQ_ALL_YES}
    )
    assert response.status_code == 201, response.content
    body: dict[str, object] = response.json()
    return body


def imminent() -> SafetyAlert:
    return SafetyAlert.objects.select_related("patient__program").get(code="suicide-risk-imminent")


def test_a_repeat_of_an_escalated_alert_notifies_and_escalates_again(emails: World) -> None:
    asq(emails)
    alert = imminent()
    assert alert.notified_at is not None
    deliver(alert.notified_at + dt.timedelta(minutes=15))
    assert [m.to for m in mail.outbox][-1] == ["on-call@riverside.example"]
    before = len(mail.outbox)
    body = asq(emails)
    alert = imminent()
    assert alert.repeats == 1
    assert SafetyAlert.objects.filter(code="suicide-risk-imminent").count() == 1
    new = mail.outbox[before:]
    # Both ASQ alerts were escalated and raised again: one care-team mail about both,
    # one escalation mail for each.
    assert sorted(m.to[0] for m in new) == [
        "kim@riverside.example",
        "on-call@riverside.example",
        "on-call@riverside.example",
    ]
    escalations = [m for m in new if m.to == ["on-call@riverside.example"]]
    assert any(
        m.subject
        == "[Clonacare] Raised again after escalation: safety alert (suicide-risk-imminent) "
        "for a Riverside Recovery patient"
        for m in escalations
    )
    repeat = AuditEvent.objects.filter(action="alert.repeat", object_id=str(alert.pk)).get()
    assert repeat.detail == {"code": "suicide-risk-imminent", "repeats": 1, "renotify": "escalated"}
    what = body["what_happens"]
    assert isinstance(what, list)
    assert (
        "It was already open; your care team has been emailed again about your newest answer."
        in what
    )
    assert (
        "It had already gone to the program's on-call contact; as it was raised again, they "
        "have been emailed again." in what
    )


def test_a_repeat_soon_after_the_first_mail_joins_silently(emails: World) -> None:
    asq(emails)
    before = len(mail.outbox)
    asq(emails)
    assert imminent().repeats == 1
    assert len(mail.outbox) == before


def test_a_repeat_after_the_escalation_time_since_the_last_mail_notifies_again(
    emails: World,
) -> None:
    asq(emails)
    alert = imminent()
    # The care team's mail went out long ago (and someone acknowledged nothing since):
    # the clock of the log is moved back rather than the real one forward.
    long_ago = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
    AlertNotification.objects.filter(kind="raised").update(at=long_ago)
    SafetyAlert.objects.filter(pk=alert.pk).update(escalated_at=None)
    before = len(mail.outbox)
    asq(emails)
    assert [m.to for m in mail.outbox[before:]] == [["kim@riverside.example"]]
    assert mail.outbox[-1].subject.startswith("[Clonacare] Raised again: safety alerts")
