"""The recovery timeline in the patient's words (issue 16): its sentences in Spanish on
the portal's ``/es/`` page, unchanged in English for the staff pages and the API, and a
safety alert told to the patient without its code or the clinician's instruction."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.assessments.actions import do_submit_response
from clonacare.audit.log import Actor
from clonacare.plans.models import PlanRevision
from clonacare.recovery.timeline import REVISION_KINDS
from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.web.recovery_world import alex_history

pytestmark = pytest.mark.django_db

# Item 9 answered "several days": a suicide-risk alert whatever the total.
PHQ9_ITEM_9 = {f"phq9-{n}": "0" for n in range(1, 9)} | {"phq9-9": "1"}
CLINICIANS_WORDS = "a clinician completes a brief suicide safety assessment"


def _alex(world: World) -> Actor:
    return Actor(world.alex_user.pk, "alex", "patient", world.riverside.pk, None, "")


def _history_with_an_alert(world: World) -> None:
    alex_history(world)
    do_submit_response(_alex(world), world.alex, "phq9", PHQ9_ITEM_9, now=timezone.now())


def test_the_patients_spanish_page_tells_the_history_in_spanish(
    client: Client, world: World
) -> None:
    _history_with_an_alert(world)
    page = signed_in(client, "alex").get("/es/portal/recovery/")
    text = page.content.decode()
    assert page.status_code == 200
    for sentence in (
        "Plan de reducción aprobado (Clonazepam)",
        "Empieza el plan: 1.5 mg clonazepam",
        "La dosis diaria pasa a 1 mg clonazepam",
        "Fin de la reducción: primer día sin benzodiazepina",
        "365 días sin benzodiazepina",
        "Alerta de seguridad: respuestas sobre pensamientos de hacerse daño",
    ):
        assert sentence in text, sentence
    assert "Taper finished" not in text
    assert "without a benzodiazepine" not in text
    assert "suicide-risk" not in text
    assert CLINICIANS_WORDS not in text


def test_the_patients_english_page_says_the_alert_plainly(client: Client, world: World) -> None:
    _history_with_an_alert(world)
    text = signed_in(client, "alex").get("/portal/recovery/").content.decode()
    assert "Safety alert: answers about thoughts of harming yourself" in text
    assert "Taper finished: first day without a benzodiazepine" in text
    assert "365 days without a benzodiazepine" in text
    assert "suicide-risk" not in text
    assert CLINICIANS_WORDS not in text


def test_staff_and_the_api_keep_the_english_sentences_and_the_alert_code(
    client: Client, world: World
) -> None:
    _history_with_an_alert(world)
    staff = signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/timeline/")
    assert "Safety alert (suicide-risk): Possible suicide risk" in staff.content.decode()
    texts = [
        item["text"]
        for item in ApiClient(world.alex_user)
        .get(f"/patients/{world.alex.pk}/timeline")
        .json()["items"]
    ]
    assert "Plan started: 1.5 mg clonazepam" in texts
    assert "Clonazepam taper plan approved" in texts
    assert "Safety alert: answers about thoughts of harming yourself" in texts
    assert not any("Alerta" in t or "reducción" in t for t in texts)


def test_every_plan_revision_kind_has_its_words_and_english_is_the_label() -> None:
    assert set(REVISION_KINDS) == set(PlanRevision.Kind.values)
    for value, label in PlanRevision.Kind.choices:
        assert str(REVISION_KINDS[value]) == str(label).lower()


def test_a_result_reads_in_the_patients_words_and_a_published_band_is_marked_english(
    client: Client, world: World
) -> None:
    _history_with_an_alert(world)  # a PHQ-9 with a total of 1: "minimal"
    asq_no = {f"asq-{n}": "no" for n in range(1, 5)}
    do_submit_response(_alex(world), world.alex, "asq", asq_no, now=timezone.now())
    spanish = signed_in(client, "alex").get("/es/portal/recovery/").content.decode()
    assert 'PHQ-9: 1 (<span lang="en">minimal</span>)' in spanish
    assert "ASQ (Respondió que no a todas las preguntas)" in spanish
    english = signed_in(Client(), "alex").get("/portal/recovery/").content.decode()
    assert "PHQ-9: 1 (minimal)" in english
    assert "ASQ (You answered no to every question)" in english
    staff = signed_in(Client(), "avery").get(f"/clinic/patients/{world.alex.pk}/timeline/")
    assert "ASQ (negative)" in staff.content.decode()
