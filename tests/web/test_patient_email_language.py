"""Issue 16: the mail Clonacare sends a patient (the check-in reminder,
``monitoring.reminders``) is written in the language the patient chose with the page
header's switch (``LanguagePreference``), its link to the check-in page in that language;
English, as before, for a patient who chose none or chose English. The mails to staff
(alert notifications) stay English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.audit.log import Actor
from clonacare.monitoring.reminders import send_check_in_reminders
from clonacare.patients.models import Patient
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from tests.personas import PASSWORD, World, signed_in
from tests.web.test_check_in_reminders import BODY

pytestmark = pytest.mark.django_db

SPANISH_BODY = (
    "Hola:\n\n"
    "Hoy le toca su control. Le llevará unos minutos:\n"
    "https://clinic.example/es/portal/check-in/\n\n"
    "Si ya lo hizo, no tiene que hacer nada más.\n\n"
    "Este es un mensaje automático de Clonacare; nadie lee las respuestas. Si necesita "
    "ayuda ahora, llame a su equipo de atención o al número de emergencias de su zona.\n"
)


@pytest.fixture(autouse=True)
def site(settings: SettingsWrapper) -> None:
    settings.SITE_URL = "https://clinic.example/"
    settings.SITE_NAME = "Clonacare"
    settings.CHECK_IN_REMINDER_HOUR = 9


def addressed(user: User, address: str) -> None:
    user.email = address
    user.save(update_fields=["email"])


def on_switch(world: World, patient: Patient) -> None:
    """An approved plan started two days ago, switching to diazepam: a check-in is due
    every day of its first week."""
    prescriber = Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")
    then = timezone.now() - dt.timedelta(days=2)
    asked = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    plan = do_draft_plan(prescriber, patient, asked, now=then)
    do_approve_plan(prescriber, plan, password=PASSWORD, otp=None, now=then)


def choose(client: Client, user: User, language: str) -> None:
    """``user`` chooses ``language`` with the page header's switch."""
    response = signed_in(client, user).post("/language/", {"language": language, "next": "/"})
    assert response.status_code == 302


def reminders_at_ten() -> None:
    ten = dt.datetime.combine(timezone.localdate(), dt.time(10))
    send_check_in_reminders(timezone.make_aware(ten))


def test_a_patient_who_chose_spanish_gets_the_reminder_in_spanish(
    client: Client, world: World
) -> None:
    addressed(world.alex_user, "alex@mail.example")
    choose(client, world.alex_user, "es")
    on_switch(world, world.alex)
    reminders_at_ten()
    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (
        ["alex@mail.example"],
        "Hoy le toca su control",
        SPANISH_BODY,
    )
    # The link leads to the Spanish check-in page, which is there.
    link = SPANISH_BODY.splitlines()[3].removeprefix("https://clinic.example")
    assert client.get(link).status_code == 200


def test_each_patient_gets_their_own_language_in_one_pass(client: Client, world: World) -> None:
    addressed(world.alex_user, "alex@mail.example")
    addressed(world.blair_user, "b@x.example")
    choose(client, world.alex_user, "es")
    choose(Client(), world.blair_user, "en")
    on_switch(world, world.alex)
    on_switch(world, world.blair)
    with translation.override("es"):  # whatever is active where the pass runs
        reminders_at_ten()
    bodies = {m.to[0]: (m.subject, m.body) for m in mail.outbox}
    assert bodies == {
        "alex@mail.example": ("Hoy le toca su control", SPANISH_BODY),
        "b@x.example": ("Your check-in is due today", BODY),
    }


def test_a_patient_who_chose_no_language_gets_it_in_english(world: World) -> None:
    addressed(world.alex_user, "alex@mail.example")
    on_switch(world, world.alex)
    reminders_at_ten()
    [sent] = mail.outbox
    assert (sent.subject, sent.body) == ("Your check-in is due today", BODY)


def test_the_spanish_mail_says_nothing_of_the_plan_or_the_patient(
    client: Client, world: World
) -> None:
    addressed(world.alex_user, "alex@mail.example")
    choose(client, world.alex_user, "es")
    on_switch(world, world.alex)
    reminders_at_ten()
    [sent] = mail.outbox
    text = f"{sent.subject}\n{sent.body}".lower()
    for private in ("alex", "morgan", "diazepam", "clonazepam", "mg", "reducción", "dosis"):
        assert private not in text
    assert "?" not in sent.body
