"""Issue 16: the words a patient reads on the Spanish portal for what the record stores
as a choice: their status, their care team's roles, their counselling sessions' kinds
and statuses, their group attendance (``portal.labels``), and a result's band where the
instrument file gives Clonacare's own words in Spanish (``patient_label_es``: the ASQ's
and the SDS's). A publication's band names (PHQ-9's "mild") stay English, marked so.
The English pages keep the models' and the files' English words."""

from __future__ import annotations

import re

import pytest
from django.db import models
from django.test import Client
from django.utils import translation

from clonacare.accounts.models import Role
from clonacare.patients.models import Patient
from clonacare.portal.labels import LABELS, portal_label
from clonacare.therapy.models import Attendance, CounsellingSession
from tests.personas import World, signed_in
from tests.web.counselling_world import session_with_note

CHOICES: dict[str, type[models.TextChoices]] = {
    "role": Role,
    "patient-status": Patient.Status,
    "session-kind": CounsellingSession.Kind,
    "session-status": CounsellingSession.Status,
    "attendance": Attendance.Status,
}


@pytest.mark.parametrize("kind", sorted(CHOICES))
def test_every_choice_has_a_portal_label_in_english_as_the_model_and_in_spanish(
    kind: str,
) -> None:
    choices = CHOICES[kind]
    assert set(LABELS[kind]) == set(choices.values)
    for code, english in choices.choices:
        with translation.override("en"):
            assert portal_label(kind, code) == english
        with translation.override("es"):
            spanish = portal_label(kind, code)
        assert spanish, (kind, code)
        assert spanish != english, (kind, code)


def test_an_unknown_code_is_shown_as_it_is_and_an_unknown_kind_is_refused() -> None:
    assert portal_label("role", "pharmacist") == "pharmacist"
    with pytest.raises(ValueError, match=r"^Unknown kind of label 'colour'") as exc:
        portal_label("colour", "red")
    assert str(exc.value) == (
        "Unknown kind of label 'colour'; use one of: role, patient-status, session-kind, "
        "session-status, attendance."
    )


@pytest.mark.django_db
def test_the_spanish_home_names_the_status_and_the_care_team_in_spanish(
    client: Client, world: World
) -> None:
    html = signed_in(client, "alex").get("/es/portal/").content.decode()
    assert f"<p>{world.riverside.name} · En evaluación</p>" in html
    assert "(Quien le receta)</li>" in html
    assert "(Enfermería)</li>" in html
    assert "(Consejería)</li>" in html
    assert "Prescriber" not in html
    # The doses of the benzodiazepine taken now, by time of day (portal.words).
    assert re.search(r"<li>Por la mañana: [\d.]+ mg</li>", html)
    english = client.get("/portal/").content.decode()
    assert re.search(r"<li>Morning: [\d.]+ mg</li>", english)
    assert f"<p>{world.riverside.name} · Being assessed</p>" in english
    assert "(Prescriber)</li>" in english
    assert "(Nurse)</li>" in english


@pytest.mark.django_db
def test_the_spanish_sessions_page_says_the_kind_and_status_in_spanish(
    client: Client, world: World
) -> None:
    session_with_note(world)
    html = signed_in(client, "alex").get("/es/portal/sessions/").content.decode()
    assert "Sesión: individual · 50 minutos con lee" in html
    assert "<p>Asistió</p>" in html
    english = client.get("/portal/sessions/").content.decode()
    assert "Individual session · 50 minutes with lee" in english
    assert "<p>Attended</p>" in english


@pytest.mark.django_db
def test_an_asq_result_is_named_in_spanish_and_a_phq9_band_stays_english(
    client: Client, world: World
) -> None:
    signed_in(client, "alex")
    asq = client.post(
        "/es/portal/questionnaires/asq/",
        {"asq-1": "yes", "asq-2": "no", "asq-3": "no", "asq-4": "no", "asq-5": "no"},
    )
    assert asq.status_code == 302
    html = client.get(asq["Location"]).content.decode()
    assert '<dd lang="es">Respondió que sí a al menos una pregunta sobre el suicidio</dd>' in html
    english = client.get(asq["Location"].removeprefix("/es")).content.decode()
    assert "<dd>You answered yes to at least one question about suicide</dd>" in english
    answers = {f"phq9-{n}": "1" for n in range(1, 9)} | {"phq9-9": "0"}
    sent = client.post("/es/portal/questionnaires/phq9/", answers)
    assert sent.status_code == 302
    result = client.get(sent["Location"]).content.decode()
    assert '<dd lang="en">mild</dd>' in result
    home = client.get("/es/portal/").content.decode()
    assert '<td lang="es">Respondió que sí a al menos una pregunta sobre el suicidio</td>' in home
    assert '<td lang="en">mild</td>' in home
