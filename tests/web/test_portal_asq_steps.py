"""The portal asks the ASQ as the NIMH pathway does, without JavaScript: questions 1–4
first; the acuity question only after a yes, on a second step that keeps the answers.
All four no's store a negative screen; an unanswered question is never negative."""

from __future__ import annotations

import re

from django.test import Client

from clonacare.assessments.models import InstrumentResponse, SafetyAlert
from tests.personas import World, signed_in

URL = "/portal/questionnaires/asq/"
ACUITY = "Are you having thoughts of killing yourself right now?"


def four(*answers: str) -> dict[str, str]:
    return {f"asq-{n}": a for n, a in enumerate(answers, start=1) if a}


def alert_codes(world: World) -> list[str]:
    return sorted(SafetyAlert.objects.filter(patient=world.alex).values_list("code", flat=True))


def test_the_first_step_asks_questions_1_to_4_only(client: Client, world: World) -> None:
    html = signed_in(client, "alex").get(URL).content.decode()
    for n in range(1, 5):
        assert f'name="asq-{n}"' in html
    assert 'name="asq-5"' not in html
    assert ACUITY not in html


def test_four_nos_store_a_negative_screen(client: Client, world: World) -> None:
    response = signed_in(client, "alex").post(URL, four("no", "no", "no", "no"))
    assert response.status_code == 302
    stored = InstrumentResponse.objects.get(patient=world.alex)
    assert (stored.instrument, stored.band, stored.complete) == ("asq", "negative", True)
    assert not SafetyAlert.objects.exists()


def test_a_yes_asks_the_acuity_question_keeping_the_answers(client: Client, world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    signed_in(client, world.alex_user)
    page = client.get(URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = client.post(
        URL, four("no", "yes", "no", "no") | {"csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="follow-up-title">One more question</h2>' in html
    assert ACUITY in html
    assert 'name="asq-5" value="yes"' in html
    assert "Answer this only if you answered" not in html  # it applies: no hint, no hiding
    for n, answer in enumerate(["no", "yes", "no", "no"], start=1):
        assert f'<input type="hidden" name="asq-{n}" value="{answer}">' in html
    assert '<input type="hidden" name="step" value="follow-up">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert not InstrumentResponse.objects.exists()


def test_the_yes_raises_its_alert_at_once_so_leaving_loses_nothing(
    client: Client, world: World
) -> None:
    response = signed_in(client, "alex").post(URL, four("yes", "no", "no", "no"))
    assert response.status_code == 200
    assert alert_codes(world) == ["suicide-risk"]  # not "incomplete": it is being asked
    html = response.content.decode()
    assert "Please reach out for support now" in html
    assert 'href="tel:988"' in html


def test_the_second_step_stores_the_result_with_every_answer(client: Client, world: World) -> None:
    client = signed_in(client, "alex")
    client.post(URL, four("no", "yes", "no", "no"))
    response = client.post(
        URL, four("no", "yes", "no", "no") | {"asq-5": "no", "step": "follow-up"}
    )
    assert response.status_code == 302
    stored = InstrumentResponse.objects.get(patient=world.alex)
    assert stored.band == "non-acute positive"
    assert stored.answers == {
        "asq-1": "no",
        "asq-2": "yes",
        "asq-3": "no",
        "asq-4": "no",
        "asq-5": "no",
    }
    assert alert_codes(world) == ["suicide-risk"]  # the second raising joined the first


def test_an_acuity_yes_on_the_second_step_is_acute(client: Client, world: World) -> None:
    client = signed_in(client, "alex")
    client.post(URL, four("yes", "no", "no", "no"))
    response = client.post(
        URL, four("yes", "no", "no", "no") | {"asq-5": "yes", "step": "follow-up"}
    )
    assert response.status_code == 302
    assert InstrumentResponse.objects.get().band == "acute positive"
    assert alert_codes(world) == ["suicide-risk", "suicide-risk-imminent"]


def test_the_acuity_question_left_unanswered_is_refused_and_staff_asked_to_complete_it(
    client: Client, world: World
) -> None:
    client = signed_in(client, "alex")
    response = client.post(URL, four("yes", "no", "no", "no") | {"step": "follow-up"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Question 5 is not answered yet. Please answer it, then send again." in html
    assert ACUITY in html  # still the second step, answers kept
    assert '<input type="hidden" name="asq-1" value="yes">' in html
    assert "Please reach out for support now" in html
    assert not InstrumentResponse.objects.exists()
    assert alert_codes(world) == ["suicide-risk", "suicide-screen-incomplete"]


def test_an_unanswered_question_is_never_negative(client: Client, world: World) -> None:
    response = signed_in(client, "alex").post(URL, four("no", "no", "", "no"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Question 3 is not answered yet. Please answer it, then send again." in html
    assert 'href="tel:988"' in html
    assert not InstrumentResponse.objects.exists()
    alert = SafetyAlert.objects.get(patient=world.alex)
    assert (alert.code, alert.response) == ("suicide-screen-incomplete", None)


def test_a_bad_answer_is_refused_with_the_alerts_of_the_others(
    client: Client, world: World
) -> None:
    response = signed_in(client, "alex").post(URL, four("yes", "maybe", "no", "no"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "One of the answers could not be read. Please choose one answer" in html
    assert "Please reach out for support now" in html
    assert alert_codes(world) == ["suicide-risk", "suicide-screen-incomplete"]


def test_changing_the_answers_goes_back_to_the_first_step(client: Client, world: World) -> None:
    client = signed_in(client, "alex")
    response = client.post(URL, four("no", "yes", "no", "no") | {"step": "change"})
    assert response.status_code == 200
    html = response.content.decode()
    assert ACUITY not in html
    assert 'name="asq-2" value="yes" data-score="1" checked' in html
    assert not InstrumentResponse.objects.exists()


def test_all_five_answers_sent_at_once_are_scored_as_sent(client: Client, world: World) -> None:
    # Issue 8 reverses the earlier "negative": an acuity yes counts whatever 1–4 say.
    response = signed_in(client, "alex").post(URL, four("no", "no", "no", "no") | {"asq-5": "yes"})
    assert response.status_code == 302
    assert InstrumentResponse.objects.get().band == "acute positive"
    assert alert_codes(world) == ["suicide-risk", "suicide-risk-imminent"]
