"""Issue 16: what a patient is told after a safety alert, in Spanish on a Spanish page.

The crisis box of a result, a check-in and a seizure report under /es/ says in Spanish
what the alert is about and what the software did with it (emailed, not emailed,
escalated), with the same facts as the English words, and nothing in it is left marked
English. The English pages say exactly what they said, and the API's ``what_happens``
stays English whatever language is active or the patient chose."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from clonacare.assessments.delivery import deliver
from clonacare.assessments.models import SafetyAlert
from clonacare.assessments.notice import what_the_patient_is_told
from clonacare.patients.models import CareTeamMember
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

PHQ9_ITEM9 = {f"phq9-{n}": "1" for n in range(1, 10)}
THOUGHTS_ES = "Algunas de sus respuestas nos dicen que quizá esté pensando en hacerse daño."
STORED_ES = (
    "Queda guardada para su equipo de atención y aparece en sus pantallas de Clonacare "
    "hasta que alguien del equipo la marque como atendida."
)
NOT_AT_ONCE_ES = (
    "Puede que nadie lea un correo enseguida: si necesita ayuda, no espere una respuesta."
)
DANGER_ES = "<strong>Si está en peligro ahora, llame al 988 o 911.</strong>"
THOUGHTS = "Some of your answers tell us you may be having thoughts of harming yourself."
STORED = (
    "It is stored for your care team and shows on their screens in Clonacare until one of "
    "them marks it as handled."
)
NOT_AT_ONCE = "An email may not be read at once, so do not wait for a reply if you need help."


def crisis_box(html: str) -> str:
    """The crisis box of a page, apostrophes unescaped."""
    found = re.search(r'<section class="crisis-alert".*?</section>', html, re.S)
    assert found, "no crisis box on the page"
    return found.group(0).replace("&#x27;", "'")


def answer_phq9(client: Client, world: World, prefix: str) -> tuple[str, str]:
    """Alex sends a PHQ-9 with item 9 above 0 on the portal in ``prefix`` ("" or "/es");
    the result page's HTML and its path."""
    response = signed_in(client, world.alex_user).post(
        f"{prefix}/portal/questionnaires/phq9/", PHQ9_ITEM9
    )
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode(), response["Location"]


def test_a_suicide_answer_is_told_in_spanish_on_a_spanish_page(
    client: Client, emails: World
) -> None:
    html, _ = answer_phq9(client, emails, "/es")
    box = crisis_box(html)
    assert (
        f"<p>{THOUGHTS_ES} {STORED_ES} Acabamos de enviar un correo a su equipo de atención "
        "para avisarle. Si nadie la marca como atendida en los próximos 15 minutos, se "
        f"escribirá al contacto de guardia del programa. {NOT_AT_ONCE_ES}</p>"
    ) in box
    assert DANGER_ES in box
    assert 'lang="en"' not in box
    # The crisis lines under it are the crisis data's Spanish ones, with the same numbers.
    assert "988 Línea de Prevención del Suicidio y Crisis" in box
    assert 'href="tel:988"' in box
    assert "Suicide &amp; Crisis Lifeline" not in box


def test_the_english_page_and_the_api_keep_the_english_words(client: Client, emails: World) -> None:
    _, location = answer_phq9(client, emails, "/es")
    english = crisis_box(client.get(location.removeprefix("/es")).content.decode())
    assert (
        f"<p>{THOUGHTS} {STORED} Your care team has been emailed about it now. If no one "
        "marks it as handled within 15 minutes, the program's on-call contact is emailed. "
        f"{NOT_AT_ONCE}</p>"
    ) in english
    assert "<strong>If you are in danger now, call 988 or 911.</strong>" in english
    assert "Línea" not in english
    alert = SafetyAlert.objects.get()
    # The API, for the same alert: English, even while Spanish is active around the call.
    with translation.override("es"):
        told = what_the_patient_is_told([alert], timezone.now())
        told_es = what_the_patient_is_told([alert], timezone.now(), language="es")
    assert told[0] == THOUGHTS
    assert told[-1] == "If you are in danger now, call 988 or 911."
    assert told_es[0] == THOUGHTS_ES
    assert told_es[-1] == "Si está en peligro ahora, llame al 988 o 911."


def test_the_api_answers_in_english_to_a_patient_who_chose_spanish(
    client: Client, emails: World
) -> None:
    signed_in(client, emails.alex_user).post("/language/", {"language": "es", "next": "/portal/"})
    answers = [1, 1, 1, 1, 1, 1, 1, 1, 1]
    response = ApiClient(emails.alex_user).post(
        f"/patients/{emails.alex.pk}/assessments", {"instrument": "phq9", "answers": answers}
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == 201
    assert body["what_happens"][:2] == [THOUGHTS, STORED]
    assert body["what_happens"][-1] == "If you are in danger now, call 988 or 911."


def test_with_no_one_on_the_care_team_the_escalation_is_told_in_spanish(
    client: Client, emails: World
) -> None:
    CareTeamMember.objects.filter(patient=emails.alex).delete()
    box = crisis_box(answer_phq9(client, emails, "/es")[0])
    assert (
        "Todavía no hay nadie en su equipo de atención en Clonacare, así que no se pudo "
        "enviar ningún correo. Como ningún correo llegó a su equipo de atención, se ha "
        "escrito en su lugar al contacto de guardia del programa."
    ) in box


def test_after_the_escalation_time_it_names_who_was_emailed_in_spanish(
    client: Client, emails: World
) -> None:
    _, location = answer_phq9(client, emails, "/es")
    alert = SafetyAlert.objects.get()
    assert alert.notified_at is not None
    deliver(alert.notified_at + dt.timedelta(minutes=15))
    box = crisis_box(client.get(location).content.decode())
    assert (
        "Nadie la marcó como atendida en 15 minutos, así que se ha escrito al contacto de "
        "guardia del programa."
    ) in box
    english = crisis_box(client.get(location.removeprefix("/es")).content.decode())
    assert (
        "No one marked it as handled within 15 minutes, so the program's on-call contact has "
        "been emailed."
    ) in english


def test_a_handled_alert_is_told_in_spanish(client: Client, emails: World) -> None:
    _, location = answer_phq9(client, emails, "/es")
    alert = SafetyAlert.objects.get()
    acknowledged = ApiClient(emails.kim).post(
        f"/alerts/{alert.pk}/acknowledge", {"note": "Called Alex; safety plan made."}
    )
    assert acknowledged.status_code == 200
    box = crisis_box(client.get(location).content.decode())
    assert "Su equipo de atención ya marcó esta alerta como atendida." in box
    assert "Acabamos de enviar" not in box


def test_a_seizure_happening_now_is_told_in_spanish(client: Client, world: World) -> None:
    response = signed_in(client, world.alex_user).post("/es/portal/seizure/", {"when": "now"})
    box = crisis_box(client.get(response["Location"]).content.decode())
    assert (
        '<p class="crisis-now"><strong>Si una convulsión está ocurriendo ahora, llame ya al '
        "911.</strong></p>"
    ) in box
    assert f"<p>Usted nos avisó de una convulsión. {STORED_ES} " in box
    assert (
        "No se pudo enviar ningún correo a su equipo de atención (no hay ninguna dirección "
        "de correo registrada)."
    ) in box
    assert 'lang="en"' not in box


def check_in(**changes: str) -> dict[str, str]:
    fields = {
        "seizure": "no",
        "self_harm_thoughts": "yes",
        "sleep": "3",
        "anxiety": "4",
        "craving": "2",
        **{f"ciwab-{n}": "1" for n in range(1, 18)},
    }
    return fields | changes


def test_a_check_in_with_thoughts_of_self_harm_is_told_in_spanish(
    client: Client, world: World
) -> None:
    response = signed_in(client, world.alex_user).post("/es/portal/check-in/", check_in())
    box = crisis_box(client.get(response["Location"]).content.decode())
    assert f"<p>{THOUGHTS_ES} {STORED_ES} " in box
    assert DANGER_ES in box
    assert "Servicios de emergencia" in box
    assert 'lang="en"' not in box


def test_a_refused_check_in_tells_its_alert_in_spanish_and_marks_the_refusal_english(
    client: Client, world: World
) -> None:
    fields = check_in()
    del fields["ciwab-2"]
    response = signed_in(client, world.alex_user).post("/es/portal/check-in/", fields)
    html = response.content.decode()
    assert response.status_code == 400
    assert f"<p>{THOUGHTS_ES} {STORED_ES} " in crisis_box(html)
    # The refusal is the monitoring action's, shared with the API: English, marked so.
    assert (
        '<p class="form-error" role="alert" lang="en">ciwa-b item 2 is not answered; the '
        "check-in needs every CIWA-B item the patient rates.</p>"
    ) in html
    english = client.post("/portal/check-in/", fields).content.decode()
    assert '<p class="form-error" role="alert">ciwa-b item 2 is not answered' in english
