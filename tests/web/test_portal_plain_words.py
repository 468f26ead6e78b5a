"""Issue 16, plain words: what a patient reads on a questionnaire names questions by
their numbers on the page and results in everyday words, never the item ids and codes
the staff pages and the API give (which stay as they are)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from clonacare.assessments.models import InstrumentResponse, SafetyAlert
from clonacare.core.instruments import instrument
from tests.api_client import ApiClient
from tests.personas import World, signed_in

PHQ9 = "/portal/questionnaires/phq9/"
ASQ = "/portal/questionnaires/asq/"


def phq9(*answers: str) -> dict[str, str]:
    return {f"phq9-{n}": a for n, a in enumerate(answers, start=1) if a}


def form_error(html: str) -> str:
    found = re.search(r'<p class="form-error" role="alert" id="form-error">(.*?)</p>', html, re.S)
    assert found is not None, "no form error on the page"
    return found.group(1)


def test_an_empty_questionnaire_names_its_questions_by_number(client: Client, world: World) -> None:
    response = signed_in(client, "alex").post(PHQ9, {})
    assert response.status_code == 400
    html = response.content.decode()
    assert form_error(html) == (
        "Questions 1, 2, 3, 4, 5, 6, 7, 8 and 9 are not answered yet. "
        "Please answer them, then send again."
    )
    assert "phq9 item" not in html
    assert "no total" not in html
    # The unanswered suicide question still reaches the care team, and the page says so.
    assert list(SafetyAlert.objects.values_list("code", flat=True)) == ["suicide-screen-incomplete"]
    assert 'href="tel:988"' in html
    assert not InstrumentResponse.objects.exists()


def test_one_unanswered_question_is_named_alone(client: Client, world: World) -> None:
    response = signed_in(client, "alex").post(
        PHQ9, phq9("1", "0", "", "0", "0", "0", "0", "0", "0")
    )
    assert response.status_code == 400
    assert form_error(response.content.decode()) == (
        "Question 3 is not answered yet. Please answer it, then send again."
    )


def test_an_answer_that_is_not_a_choice_says_what_to_do(client: Client, world: World) -> None:
    response = signed_in(client, "alex").post(
        PHQ9, phq9("7", "0", "0", "0", "0", "0", "0", "0", "0")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert form_error(html) == (
        "One of the answers could not be read. Please choose one answer for each "
        "question, then send again."
    )
    assert "phq9" not in form_error(html)


def test_the_refusal_is_in_spanish_on_the_spanish_portal(client: Client, world: World) -> None:
    response = signed_in(client, "alex").post(
        "/es" + PHQ9, phq9("1", "0", "", "0", "0", "0", "0", "0", "")
    )
    assert response.status_code == 400
    assert form_error(response.content.decode()) == (
        "Las preguntas 3 y 9 todavía no tienen respuesta. Respóndalas y vuelva a enviar."
    )


def test_the_api_keeps_its_codes_and_messages(world: World) -> None:
    response = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/assessments",
        {"instrument": "phq9", "answers": [0, 0, None, 0, 0, 0, 0, 0, 0]},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "no total: phq9 item 3 is not answered; a total needs every item that applies."
    )


def test_the_asq_speaks_to_the_person_answering(client: Client, world: World) -> None:
    html = signed_in(client, "alex").get(ASQ).content.decode()
    assert "Ask the person:" not in html
    assert (
        '<p class="lead">Please answer each question about yourself. '
        "Your care team will see your answers.</p>"
    ) in html


def test_an_asq_result_is_told_in_everyday_words(client: Client, world: World) -> None:
    client = signed_in(client, "alex")
    client.post(ASQ, {"asq-1": "no", "asq-2": "yes", "asq-3": "no", "asq-4": "no"})
    done = client.post(
        ASQ,
        {
            "asq-1": "no",
            "asq-2": "yes",
            "asq-3": "no",
            "asq-4": "no",
            "asq-5": "no",
            "step": "follow-up",
        },
    )
    assert done.status_code == 302
    stored = InstrumentResponse.objects.get(patient=world.alex)
    assert stored.band == "non-acute positive"  # the record keeps the clinical term
    page = client.get(done["Location"]).content.decode()
    assert "<dd>You answered yes to at least one question about suicide</dd>" in page
    assert "<dd>Ask Suicide-Screening Questions</dd>" in page
    assert "non-acute positive" not in page
    home = client.get("/portal/").content.decode()
    assert "<td>You answered yes to at least one question about suicide</td>" in home
    assert "non-acute positive" not in home


@pytest.mark.parametrize(
    ("band", "words"),
    [
        ("acute positive", "You said you are having thoughts of killing yourself now"),
        ("non-acute positive", "You answered yes to at least one question about suicide"),
        ("negative", "You answered no to every question"),
    ],
)
def test_every_asq_result_has_everyday_words(band: str, words: str) -> None:
    assert instrument("asq").patient_band(band) == words


def test_results_with_plain_names_keep_them() -> None:
    phq = instrument("phq9")
    assert [phq.patient_band(b.label) for b in phq.bands] == [b.label for b in phq.bands]
    assert phq.patient_stem == phq.stem
