"""An alert no one acknowledged within the program's escalation time goes, once, to the
on-call address and the program admins: the pure rule with an explicit ``now``, one
pass on the database, and ``clonacare escalate``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from clonacare.assessments.delivery import deliver
from clonacare.assessments.escalation import WaitingAlert, due_for_escalation
from clonacare.assessments.models import AlertNotification, SafetyAlert
from clonacare.audit.models import AuditEvent
from clonacare.cli import main
from tests.api_client import ApiClient
from tests.personas import World

RAISED = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def minutes(n: float) -> dt.datetime:
    return RAISED + dt.timedelta(minutes=n)


class TestTheRule:
    def test_an_open_alert_is_due_when_its_escalation_time_has_passed(self) -> None:
        alert = WaitingAlert(1, RAISED, 15)
        assert due_for_escalation([alert], minutes(14.99)) == []
        assert due_for_escalation([alert], minutes(15)) == [1]
        assert due_for_escalation([alert], minutes(300)) == [1]

    def test_an_acknowledged_or_escalated_alert_is_never_due(self) -> None:
        acknowledged = WaitingAlert(1, RAISED, 15, acknowledged_at=minutes(3))
        escalated = WaitingAlert(2, RAISED, 15, escalated_at=minutes(15))
        assert due_for_escalation([acknowledged, escalated], minutes(60)) == []

    def test_each_program_has_its_own_time_and_the_oldest_due_comes_first(self) -> None:
        quick = WaitingAlert(1, minutes(10), 5)  # due at 09:15
        slow = WaitingAlert(2, RAISED, 30)  # due at 09:30
        early = WaitingAlert(3, RAISED, 1)  # due at 09:01
        assert due_for_escalation([slow, quick, early], minutes(20)) == [3, 1]
        assert due_for_escalation([slow, quick, early], minutes(30)) == [3, 1, 2]

    def test_now_must_be_aware(self) -> None:
        with pytest.raises(ValueError, match=r"^now must be an aware datetime \(UTC\)\.$"):
            due_for_escalation([], dt.datetime(2026, 12, 3, 9, 0))  # noqa: DTZ001


@pytest.fixture
def open_alert(world: World) -> SafetyAlert:
    """Alex's alert raised at RAISED; Riverside has an on-call address, its admin an email."""
    world.riverside.on_call_email = "on-call@riverside.example"
    world.riverside.save(update_fields=["on_call_email"])
    world.riverside_admin.email = "admin@riverside.example"
    world.riverside_admin.save(update_fields=["email"])
    alert = SafetyAlert.objects.create(
        patient=world.alex,
        code="seizure",
        message="Seizure reported.",
        raised_at=RAISED,
        notified_at=RAISED,
    )
    # The care team was emailed (kim): the escalation waits for the escalation time.
    AlertNotification.objects.create(
        alert=alert, kind="raised", recipient=world.kim, status="sent", at=RAISED
    )
    return alert


@pytest.mark.django_db
class TestOnePass:
    def test_it_sends_the_alert_to_the_on_call_address_and_the_admins(
        self, world: World, open_alert: SafetyAlert
    ) -> None:
        assert deliver(minutes(14)) == []
        assert mail.outbox == []
        assert deliver(minutes(15)) == [open_alert.pk]
        assert [m.to for m in mail.outbox] == [
            ["on-call@riverside.example"],
            ["admin@riverside.example"],
        ]
        message = mail.outbox[0]
        assert message.subject == (
            "[Clonacare] Not acknowledged in 15 minutes: safety alert (seizure) for a "
            "Riverside Recovery patient"
        )
        assert message.body == (
            "No one on the care team has acknowledged this safety alert within the "
            "program's escalation time (15 minutes). You receive it as Riverside Recovery's "
            "on-call contact or as a program admin.\n"
            "\n"
            "Alert: seizure\n"
            "What it means: Seizure reported.\n"
            "Program: Riverside Recovery\n"
            "Raised: 2026-12-03 09:00 UTC\n"
            f"Patient record: {world.alex.pk}\n"
            f"Open the record: http://127.0.0.1:8000/clinic/patients/{world.alex.pk}/"
            f"#alert-{open_alert.pk}\n"
            "Care team emailed: 1 of 1 members\n"
            "\n"
            "Make sure someone acts on it now: reach the patient's care team or the "
            "program's on-call clinician. A clinician on the care team acknowledges it on "
            "the record with a note of what was done.\n"
            "\n"
            "This email leaves out the patient's name and answers on purpose: substance use "
            "treatment records are protected (42 CFR Part 2) and email can travel outside "
            "the program. Sign in to see who it is and which answer raised the alert.\n"
        )
        open_alert.refresh_from_db()
        assert open_alert.escalated_at == minutes(15)
        assert open_alert.is_open  # escalating is not acknowledging

    def test_it_is_sent_once(self, world: World, open_alert: SafetyAlert) -> None:
        deliver(minutes(15))
        assert deliver(minutes(16)) == []
        assert deliver(minutes(600)) == []
        assert len(mail.outbox) == 2
        assert AuditEvent.objects.filter(action="alert.escalate").count() == 1

    def test_an_acknowledged_alert_is_not_escalated(
        self, world: World, open_alert: SafetyAlert
    ) -> None:
        response = ApiClient(world.kim).post(
            f"/alerts/{open_alert.pk}/acknowledge", {"note": "Called Alex; ambulance sent."}
        )
        assert response.status_code == 200
        assert deliver(minutes(60)) == []
        assert mail.outbox == []

    def test_the_programs_escalation_time_counts(
        self, world: World, open_alert: SafetyAlert
    ) -> None:
        world.riverside.escalation_minutes = 5
        world.riverside.save(update_fields=["escalation_minutes"])
        assert deliver(minutes(5)) == [open_alert.pk]
        assert mail.outbox[0].subject.startswith("[Clonacare] Not acknowledged in 5 minutes:")

    def test_who_could_not_be_reached_is_logged_and_audited(
        self, world: World, open_alert: SafetyAlert
    ) -> None:
        world.riverside.on_call_email = ""
        world.riverside.save(update_fields=["on_call_email"])
        world.riverside_admin.email = ""
        world.riverside_admin.save(update_fields=["email"])
        assert deliver(minutes(15)) == [open_alert.pk]
        assert mail.outbox == []
        log = [
            (n.kind, n.recipient.username if n.recipient else None, n.status)
            for n in AlertNotification.objects.order_by("id")
        ]
        assert log == [
            ("raised", "kim", "sent"),
            ("escalated", None, "no-address"),
            ("escalated", "riverside_admin", "no-address"),
        ]
        event = AuditEvent.objects.get(action="alert.escalate")
        assert (event.actor_username, event.patient_id, event.object_id) == (
            "clonacare",
            world.alex.pk,
            str(open_alert.pk),
        )
        assert event.detail == {
            "minutes": 15,
            "sent": [],
            "no_address": ["on-call", "riverside_admin"],
            "failed": [],
        }

    def test_another_programs_admin_is_not_told(
        self, world: World, open_alert: SafetyAlert
    ) -> None:
        from clonacare.accounts.models import Membership, Role

        Membership.objects.filter(user=world.brook).update(role=Role.PROGRAM_ADMIN)
        world.brook.email = "brook@northgate.example"
        world.brook.save(update_fields=["email"])
        deliver(minutes(15))
        assert "brook@northgate.example" not in [m.to[0] for m in mail.outbox]


@pytest.mark.django_db
def test_clonacare_escalate_runs_one_pass(
    world: World, open_alert: SafetyAlert, capsys: pytest.CaptureFixture[str]
) -> None:
    # RAISED is in the past of the real clock: the alert is due now.
    assert main(["escalate"]) == 0
    assert capsys.readouterr().out == f"Escalated 1 safety alert: {open_alert.pk}.\n"
    assert len(mail.outbox) == 2
    assert main(["escalate"]) == 0
    assert capsys.readouterr().out == "No safety alert is due for escalation.\n"
