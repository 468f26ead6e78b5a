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
from clonacare.recovery.timeline import (
    ATTENDANCE,
    REVISION_KINDS,
    SESSION_KINDS,
    SESSION_STATUSES,
)
from clonacare.therapy.group_models import Attendance
from clonacare.therapy.session_models import CounsellingSession
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


@pytest.mark.parametrize(
    ("words", "choices"),
    [
        (REVISION_KINDS, PlanRevision.Kind),
        (SESSION_STATUSES, CounsellingSession.Status),
        (ATTENDANCE, Attendance.Status),
    ],
)
def test_every_status_a_patient_reads_has_its_words_and_english_is_the_label(
    words: dict[str, object], choices: type[PlanRevision.Kind]
) -> None:
    assert set(words) == set(choices.values)
    for value, label in choices.choices:
        assert str(words[value]) == str(label).lower()


def test_every_session_kind_has_its_words() -> None:
    assert set(SESSION_KINDS) == set(CounsellingSession.Kind.values)
    for value, label in CounsellingSession.Kind.choices:
        assert str(SESSION_KINDS[value]) == str(label)
