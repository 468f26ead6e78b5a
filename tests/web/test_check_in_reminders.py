"""Email reminders of a due check-in (``monitoring.reminders``, run by `clonacare serve`'s
scheduler and `clonacare remind`): from the configured hour, once per patient and day,
only while a plan is approved and the check-in is due and not done; claimed before the
mail is sent so that two passes never send it twice; audited as ``check-in.remind``."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.cli import main
from clonacare.monitoring import reminders
from clonacare.monitoring.models import CheckInReminder
from clonacare.monitoring.reminders import send_check_in_reminders
from clonacare.patients.models import Patient
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]
BODY = (
    "Hello,\n\n"
    "Your check-in is due today. It takes a few minutes:\n"
    "https://clinic.example/portal/check-in/\n\n"
    "If you have done it already, there is nothing more to do.\n\n"
    "This is an automatic message from Clonacare; replies are not read. If you need help "
    "now, call your care team or your local emergency number.\n"
)


@pytest.fixture(autouse=True)
def site(settings: SettingsWrapper) -> None:
    settings.SITE_URL = "https://clinic.example/"
    settings.SITE_NAME = "Clonacare"
    settings.CHECK_IN_REMINDER_HOUR = 9


@pytest.fixture
def addressed(world: World) -> World:
    for user, address in (
        (world.alex_user, "alex@mail.example"),
        (world.blair_user, "b@x.example"),
    ):
        user.email = address
        user.save(update_fields=["email"])
    return world


def at(hour: int, minute: int = 0) -> dt.datetime:
    """Today at ``hour``:``minute`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(hour, minute)))


def avery(world: World) -> Actor:
    return Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")


def approved(world: World, patient: Patient, *, days_ago: int, **parameters: Any) -> Plan:
    """An approved plan started ``days_ago`` days ago; switching to diazepam (the
    default) changes the dose every 7 days at first, so every day is a check-in day."""
    then = timezone.now() - dt.timedelta(days=days_ago)
    asked = PlanParameters(method="percent", step=Decimal(10), **parameters)
    plan = do_draft_plan(avery(world), patient, asked, now=then)
    return do_approve_plan(avery(world), plan, password=PASSWORD, otp=None, now=then)


def on_switch(world: World, patient: Patient, days_ago: int = 2) -> Plan:
    return approved(world, patient, days_ago=days_ago, switch_to="diazepam")


def remind_audits() -> list[dict[str, Any]]:
    return [
        {"patient": e.patient_id, "actor": e.actor_username, "role": e.actor_role, **e.detail}
        for e in AuditEvent.objects.filter(action="check-in.remind").order_by("id")
    ]


def test_it_emails_a_patient_whose_check_in_is_due(addressed: World) -> None:
    on_switch(addressed, addressed.alex)
    claimed = send_check_in_reminders(at(10))
    assert [(r.patient_id, r.status) for r in claimed] == [(addressed.alex.pk, "sent")]
    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (
        ["alex@mail.example"],
        "Your check-in is due today",
        BODY,
    )
    assert remind_audits() == [
        {
            "patient": addressed.alex.pk,
            "actor": "clonacare",
            "role": "system",
            "day": timezone.localdate().isoformat(),
            "status": "sent",
            "error": "",
        }
    ]


def test_the_mail_says_nothing_of_the_plan_or_the_patient(addressed: World) -> None:
    on_switch(addressed, addressed.alex)
    send_check_in_reminders(at(10))
    [sent] = mail.outbox
    text = f"{sent.subject}\n{sent.body}".lower()
    for private in ("alex", "morgan", "diazepam", "clonazepam", "mg", "taper", "dose"):
        assert private not in text
    assert "<img" not in text  # no tracking image
    assert "?" not in sent.body  # no tagged link


def test_a_second_pass_sends_nothing(addressed: World) -> None:
    on_switch(addressed, addressed.alex)
    send_check_in_reminders(at(10))
    assert send_check_in_reminders(at(10, 1)) == []
    assert send_check_in_reminders(at(23, 59)) == []
    assert len(mail.outbox) == 1
    assert CheckInReminder.objects.count() == 1


def test_a_reminder_another_pass_claimed_is_not_sent_again(addressed: World) -> None:
    on_switch(addressed, addressed.alex)
    # Claimed five minutes ago: that pass is still sending it (one that died is
    # test_scheduler_restart.py's).
    CheckInReminder.objects.create(
        patient=addressed.alex, day=timezone.localdate(), status="sending", claimed_at=at(9, 55)
    )
    assert send_check_in_reminders(at(10)) == []
    assert mail.outbox == []


def test_two_passes_that_both_found_the_patient_due_send_once(
    addressed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_switch(addressed, addressed.alex)
    # The second pass read the patients due before the first one claimed the reminder.
    found_by_both = reminders.due_today(timezone.localdate())
    assert send_check_in_reminders(at(10))[0].status == "sent"
    monkeypatch.setattr(reminders, "due_today", lambda today: found_by_both)
    assert send_check_in_reminders(at(10)) == []
    assert len(mail.outbox) == 1
    assert len(remind_audits()) == 1


def test_nothing_is_sent_before_the_hour(addressed: World, settings: SettingsWrapper) -> None:
    on_switch(addressed, addressed.alex)
    assert send_check_in_reminders(at(8, 59)) == []
    settings.CHECK_IN_REMINDER_HOUR = 14
    assert send_check_in_reminders(at(13, 59)) == []
    assert mail.outbox == []
    assert not CheckInReminder.objects.exists()
    assert send_check_in_reminders(at(14))[0].status == "sent"


def test_no_reminder_once_todays_check_in_is_done(addressed: World) -> None:
    on_switch(addressed, addressed.alex)
    body = {
        "seizure": False,
        "self_harm_thoughts": False,
        "sleep": 3,
        "anxiety": 4,
        "craving": 2,
        "ciwa_b": dict.fromkeys(PATIENT_ITEMS, 1),
    }
    response = ApiClient(addressed.alex_user).post(f"/patients/{addressed.alex.pk}/check-ins", body)
    assert response.status_code == 201
    assert send_check_in_reminders(at(10)) == []
    assert mail.outbox == []


def test_no_reminder_without_an_approved_plan(addressed: World) -> None:
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    do_draft_plan(avery(addressed), addressed.alex, parameters, now=timezone.now())
    assert send_check_in_reminders(at(10)) == []
    assert mail.outbox == []


def test_no_reminder_for_a_discharged_patient(addressed: World) -> None:
    on_switch(addressed, addressed.alex)
    Patient.objects.filter(pk=addressed.alex.pk).update(status=Patient.Status.DISCHARGED)
    assert send_check_in_reminders(at(10)) == []
    assert mail.outbox == []


def test_no_reminder_on_a_day_the_schedule_does_not_ask_for_one(addressed: World) -> None:
    # Started 16 days ago and changing on its 28th day: today is not a weekly day.
    approved(addressed, addressed.alex, days_ago=16, interval=28, switch_at=Decimal("7.5"))
    assert send_check_in_reminders(at(10)) == []
    assert mail.outbox == []


def test_each_patient_due_gets_their_own(addressed: World) -> None:
    on_switch(addressed, addressed.alex)
    on_switch(addressed, addressed.blair, days_ago=5)
    send_check_in_reminders(at(10))
    assert sorted(m.to[0] for m in mail.outbox) == ["alex@mail.example", "b@x.example"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"email": ""}, "no email address on the portal account"),
        ({"is_active": False}, "the portal account is not active"),
    ],
)
def test_a_patient_without_an_address_is_recorded_and_not_emailed(
    addressed: World, change: dict[str, Any], why: str
) -> None:
    on_switch(addressed, addressed.alex)
    for field, value in change.items():
        setattr(addressed.alex_user, field, value)
    addressed.alex_user.save()
    [row] = send_check_in_reminders(at(10))
    assert (row.status, row.error) == ("no-address", why)
    assert mail.outbox == []
    assert remind_audits()[0]["status"] == "no-address"
    assert send_check_in_reminders(at(11)) == []  # recorded once, not every pass


def test_a_patient_with_no_portal_account_is_recorded(addressed: World) -> None:
    on_switch(addressed, addressed.alex)
    Patient.objects.filter(pk=addressed.alex.pk).update(user=None)
    [row] = send_check_in_reminders(at(10))
    assert (row.status, row.error) == ("no-address", "no portal account")


class Refusing(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPRecipientsRefused({"alex@mail.example": (550, b"No such user")})


def test_a_failed_send_is_recorded_and_not_tried_again(
    addressed: World, settings: SettingsWrapper
) -> None:
    on_switch(addressed, addressed.alex)
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    [row] = send_check_in_reminders(at(10))
    assert row.status == "failed"
    assert "No such user" in row.error
    assert remind_audits()[0]["status"] == "failed"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_check_in_reminders(at(11)) == []
    assert mail.outbox == []


def test_clonacare_remind_runs_one_pass(
    addressed: World, settings: SettingsWrapper, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.CHECK_IN_REMINDER_HOUR = 0  # whatever the hour the test runs at
    on_switch(addressed, addressed.alex)
    assert main(["remind"]) == 0
    assert capsys.readouterr().out == "Sent 1 check-in reminder.\n"
    assert len(mail.outbox) == 1
    assert main(["remind"]) == 0
    assert capsys.readouterr().out == "No check-in reminder is due.\n"
