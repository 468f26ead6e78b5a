"""Hostile text never hides a safety answer (the clinical safety rule beside issue 14):
where a form or an API write carries suicide or seizure answers, a NUL or a lone
surrogate is read as U+FFFD, an unreadable answer, instead of refusing the request before
it is read. The form is still refused when an answer is unreadable, after the alerts of
the answers it can read are raised, and no NUL is ever stored."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.assessments.models import InstrumentResponse, SafetyAlert, SeizureReport
from clonacare.core.text import readable
from clonacare.monitoring.models import CheckIn
from tests.api_client import ApiClient
from tests.personas import World, signed_in

NUL = "\x00"
PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


def codes() -> list[str]:
    return sorted(SafetyAlert.objects.values_list("code", flat=True))


def test_a_suicide_answer_beside_a_nul_raises_its_alert(client: Client, world: World) -> None:
    answers = {f"phq9-{n}": "0" for n in range(1, 9)} | {"phq9-1": f"1{NUL}", "phq9-9": "3"}
    response = signed_in(client, "alex").post("/portal/questionnaires/phq9/", answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert "One of the answers could not be read." in html
    assert 'href="tel:988"' in html
    assert codes() == ["suicide-risk"]
    assert not InstrumentResponse.objects.exists()


def test_a_seizure_reported_with_a_nul_in_its_note_raises_its_alert(
    client: Client, world: World
) -> None:
    response = signed_in(client, "alex").post(
        "/portal/seizure/", {"when": "now", "note": f"At break{NUL}fast."}
    )
    assert response.status_code in (302, 400)
    assert codes() == ["seizure"]
    assert all(NUL not in report.note for report in SeizureReport.objects.all())


def test_a_check_in_seizure_beside_a_nul_raises_its_alert(client: Client, world: World) -> None:
    fields = {
        "seizure": "yes",
        "self_harm_thoughts": "no",
        "sleep": "3",
        "anxiety": "4",
        "craving": "2",
        "note": f"Bad{NUL} day.",
        **dict.fromkeys(PATIENT_ITEMS, "1"),
    }
    signed_in(client, "alex").post("/portal/check-in/", fields)
    assert codes() == ["seizure"]
    assert all(NUL not in check_in.note for check_in in CheckIn.objects.all())


@pytest.mark.parametrize("bad", [NUL, "\ud800"])
def test_the_api_reads_the_safety_answers_beside_bad_text(world: World, bad: str) -> None:
    answers = [f"1{bad}", 0, 0, 0, 0, 0, 0, 0, 3]
    response = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/assessments", {"instrument": "phq9", "answers": answers}
    )
    assert response.status_code == 400
    body = response.json()
    assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
    assert body["crisis_resources"]
    assert codes() == ["suicide-risk"]
    assert not InstrumentResponse.objects.exists()


def test_other_forms_still_refuse_bad_text_before_reading_it(client: Client, world: World) -> None:
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/conditions/new/", {"name": f"Panic{NUL}"}
    )
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_readable_replaces_only_what_cannot_be_stored() -> None:
    assert readable(f"a{NUL}b\ud800c é") == "a\ufffdb\ufffdc é"
    assert readable("plain text") == "plain text"
