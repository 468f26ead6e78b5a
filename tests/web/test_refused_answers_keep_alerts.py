"""A bad answer never hides a safety answer, through the API and the clinic's rating
form: a response refused for a missing or invalid answer stores no result, but the
alerts its valid answers fire are stored and raised, and the refusal carries them with
the crisis resources. The ASQ rules of issue 8 hold on both faces too."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.assessments.models import InstrumentResponse, SafetyAlert
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

CIWA_B_IDS = [f"ciwab-{n}" for n in range(1, 21)] + ["ciwab-seizure"]
CRISIS_CONTACTS = ["988", "911", "1-800-662-4357"]


def submit(
    user: User, patient_id: int, instrument: str, answers: object
) -> tuple[int, dict[str, Any]]:
    response = ApiClient(user).post(
        f"/patients/{patient_id}/assessments", {"instrument": instrument, "answers": answers}
    )
    return response.status_code, response.json()


def stored_codes(world: World) -> list[str]:
    return sorted(SafetyAlert.objects.filter(patient=world.alex).values_list("code", flat=True))


class TestApi:
    def test_an_acuity_yes_after_four_nos_is_stored_as_acute(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "asq", ["no"] * 4 + ["yes"])
        assert status == 201
        assert (body["band"], body["complete"]) == ("acute positive", True)
        assert sorted(a["code"] for a in body["alerts"]) == [
            "suicide-risk",
            "suicide-risk-imminent",
        ]
        assert InstrumentResponse.objects.get().band == "acute positive"

    def test_an_unanswered_asq_question_is_refused_never_negative(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "asq", ["no", "no", None, "no"])
        assert status == 400
        assert body["detail"] == (
            "no result: asq item 3 is not answered; a result needs every item that applies."
        )
        assert [a["code"] for a in body["alerts"]] == ["suicide-screen-incomplete"]
        assert [r["contact"] for r in body["crisis_resources"]] == CRISIS_CONTACTS
        assert not InstrumentResponse.objects.exists()
        assert stored_codes(world) == ["suicide-screen-incomplete"]

    def test_the_alert_names_only_the_unanswered_questions_that_apply(self, world: World) -> None:
        submit(world.alex_user, world.alex.pk, "asq", ["no", "no", None, "no"])
        submit(world.blair_user, world.blair.pk, "asq", ["yes", "no", "no", "no"])
        triggers = dict(
            SafetyAlert.objects.filter(code="suicide-screen-incomplete").values_list(
                "patient_id", "trigger"
            )
        )
        # Four answers without a yes do not ask the acuity question: only item 3 is
        # missing. After a yes, the acuity question applies and is the one missing.
        assert triggers == {
            world.alex.pk: "asq item 3: not answered",
            world.blair.pk: "asq item 5: not answered",
        }

    def test_an_invalid_asq_answer_keeps_the_acuity_yes(self, world: World) -> None:
        status, body = submit(
            world.alex_user, world.alex.pk, "asq", ["no", "perhaps", "no", "no", "yes"]
        )
        assert status == 400
        assert body["detail"] == "asq item 2: 'perhaps' is not an answer; choose one of no, yes."
        assert [a["code"] for a in body["alerts"]] == [
            "suicide-risk",
            "suicide-risk-imminent",
            "suicide-screen-incomplete",
        ]
        assert [r["contact"] for r in body["crisis_resources"]] == CRISIS_CONTACTS
        assert stored_codes(world) == [
            "suicide-risk",
            "suicide-risk-imminent",
            "suicide-screen-incomplete",
        ]

    def test_an_invalid_phq9_answer_keeps_item_9(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "phq9", [0, 0, 0, 9, 0, 0, 0, 0, 2])
        assert status == 400
        assert body["detail"] == "phq9 item 4: '9' is not an answer; choose one of 0, 1, 2, 3."
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
        assert stored_codes(world) == ["suicide-risk"]

    def test_an_answer_that_is_not_a_code_keeps_item_9(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "phq9", [0, 0, 0, 1.5, 0, 0, 0, 0, 3])
        assert status == 400
        assert body["detail"] == (
            "field 'answers': answer 4 is 1.5; each answer is a code (a string or a whole "
            "number) or null."
        )
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
        assert stored_codes(world) == ["suicide-risk"]

    def test_an_unknown_item_keeps_the_others(self, world: World) -> None:
        answers = {"asq-1": "yes", "asq-2": "no", "asq-3": "no", "asq-4": "no", "asq-6": "no"}
        status, body = submit(world.alex_user, world.alex.pk, "asq", answers)
        assert status == 400
        assert body["detail"] == (
            "asq has no item 'asq-6'; its items: asq-1, asq-2, asq-3, asq-4, asq-5."
        )
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk", "suicide-screen-incomplete"]

    def test_an_invalid_ciwa_b_answer_keeps_the_seizure(self, world: World) -> None:
        answers = dict.fromkeys(CIWA_B_IDS, "0") | {"ciwab-3": "8", "ciwab-seizure": "yes"}
        status, body = submit(world.avery, world.alex.pk, "ciwa-b", answers)
        assert status == 400
        assert body["detail"].startswith("ciwa-b item 3: '8' is not an answer; ")
        assert [a["code"] for a in body["alerts"]] == ["seizure"]
        assert stored_codes(world) == ["seizure"]

    def test_a_refusal_without_a_safety_answer_carries_no_alerts(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "gad7", [1, 1, 1, 9, 1, 1, 1])
        assert (status, body) == (
            400,
            {"detail": "gad7 item 4: '9' is not an answer; choose one of 0, 1, 2, 3."},
        )
        assert not SafetyAlert.objects.exists()


class TestClinicRating:
    def url(self, world: World, instrument: str) -> str:
        return f"/clinic/patients/{world.alex.pk}/instruments/{instrument}/"

    def test_an_invalid_ciwa_b_answer_shows_and_stores_the_seizure(
        self, client: Client, world: World
    ) -> None:
        signed_in(client, world.avery)
        posted = dict.fromkeys(CIWA_B_IDS, "0") | {"ciwab-3": "8", "ciwab-seizure": "yes"}
        response = client.post(self.url(world, "ciwa-b"), posted)
        assert response.status_code == 400
        html = response.content.decode()
        assert "ciwa-b item 3: &#x27;8&#x27; is not an answer; " in html
        assert "Safety alert: act today" in html
        assert "<strong>seizure</strong>: Seizure reported: " in html
        assert 'href="tel:988"' in html
        assert not InstrumentResponse.objects.exists()
        assert stored_codes(world) == ["seizure"]

    def test_an_unanswered_asq_question_asks_staff_to_complete_the_screen(
        self, client: Client, world: World
    ) -> None:
        signed_in(client, world.kim)
        posted = {"asq-1": "no", "asq-2": "no", "asq-4": "no"}
        response = client.post(self.url(world, "asq"), posted)
        assert response.status_code == 400
        html = response.content.decode()
        assert "no result: asq item 3 is not answered" in html
        assert "<strong>suicide-screen-incomplete</strong>: Suicide screen incomplete: " in html
        assert stored_codes(world) == ["suicide-screen-incomplete"]

    def test_the_rating_form_follows_the_asq_pathway(self, client: Client, world: World) -> None:
        signed_in(client, world.avery)
        four_nos = {"asq-1": "no", "asq-2": "no", "asq-3": "no", "asq-4": "no"}
        assert client.post(self.url(world, "asq"), four_nos).status_code == 302
        assert InstrumentResponse.objects.get().band == "negative"
        assert client.post(self.url(world, "asq"), four_nos | {"asq-5": "yes"}).status_code == 302
        assert InstrumentResponse.objects.first().band == "acute positive"  # type: ignore[union-attr]
        assert stored_codes(world) == ["suicide-risk", "suicide-risk-imminent"]


class TestRefusalsBeforeScoringKeepItem9:
    """Refusals that used to come before any answer was read (issue 8 review)."""

    def test_an_answer_given_as_an_object_is_not_an_answer(self, world: World) -> None:
        answers: list[object] = [0, 0, 0, 0, 0, 0, 0, {"x": 1}, 3]
        status, body = submit(world.alex_user, world.alex.pk, "phq9", answers)
        assert status == 400
        assert body["detail"] == (
            "field 'answers': answer 8 is {'x': 1}; each answer is a code (a string or a whole "
            "number) or null."
        )
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
        assert [r["contact"] for r in body["crisis_resources"]] == CRISIS_CONTACTS
        assert body["what_happens"][0] == (
            "Some of your answers tell us you may be having thoughts of harming yourself."
        )
        assert not InstrumentResponse.objects.exists()

    def test_an_undeclared_condition_still_raises_item_9(self, world: World) -> None:
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/assessments",
            {"instrument": "phq9", "answers": [0] * 8 + [3], "conditions": ["nope"]},
        )
        assert response.status_code == 400
        body = response.json()
        assert body["detail"] == "Unknown condition 'nope' for phq9; phq9 declares no conditions."
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
        assert not InstrumentResponse.objects.exists()
        assert stored_codes(world) == ["suicide-risk"]

    def test_an_unknown_field_still_raises_item_9(self, world: World) -> None:
        response = ApiClient(world.alex_user).post(
            f"/patients/{world.alex.pk}/assessments",
            {"instrument": "phq9", "answers": [0] * 8 + [3], "comment": "hi"},
        )
        assert response.status_code == 400
        body = response.json()
        assert body["detail"] == "unknown field 'comment'."
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
        assert not InstrumentResponse.objects.exists()

    def test_eleven_answers_keep_item_9_and_raise_an_incomplete_screen(self, world: World) -> None:
        # Read in order, the ninth answer (2) is item 9: more answers than items never
        # hide a suicide answer.
        status, body = submit(world.alex_user, world.alex.pk, "phq9", [1] * 8 + [2, 0, 1])
        assert status == 400
        assert body["detail"] == "phq9 takes 9 to 10 answers; got 11."
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk", "suicide-screen-incomplete"]
        assert [r["contact"] for r in body["crisis_resources"]] == CRISIS_CONTACTS
        assert stored_codes(world) == ["suicide-risk", "suicide-screen-incomplete"]
        trigger = SafetyAlert.objects.get(code="suicide-risk").trigger
        assert trigger == (
            "phq9: the answers could not be read (phq9 takes 9 to 10 answers; got 11.); its "
            "safety answers were read in order from the first and from the last answer: "
            "1, 1, 1, 1, 1, 1, 1, 1, 2, 0, 1"
        )

    def test_an_answer_added_at_the_start_still_raises_item_9(self, world: World) -> None:
        # Read from the last answer, item 9 is the 3: one extra answer at the start.
        status, body = submit(world.alex_user, world.alex.pk, "phq9", [0] * 9 + [3, 0])
        assert status == 400
        assert [a["code"] for a in body["alerts"]] == ["suicide-risk", "suicide-screen-incomplete"]
        assert not InstrumentResponse.objects.exists()

    def test_a_very_long_list_keeps_its_trigger_within_the_field(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "phq9", [0] * 200)
        assert status == 400
        assert [a["code"] for a in body["alerts"]] == ["suicide-screen-incomplete"]
        trigger = SafetyAlert.objects.get().trigger
        assert len(trigger) <= 400
        assert trigger.endswith("last answer: " + "0, " * 50 + "…")

    def test_an_unreadable_acuity_answer_raises_an_incomplete_screen(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "asq", ["no"] * 4 + ["maybe"])
        assert status == 400
        assert body["detail"].startswith("asq item 5: 'maybe' is not an answer; choose one of ")
        assert [a["code"] for a in body["alerts"]] == ["suicide-screen-incomplete"]
        assert SafetyAlert.objects.get().trigger == "asq item 5: unreadable answer 'maybe'"

    def test_a_stored_response_says_what_happens(self, world: World) -> None:
        status, body = submit(world.alex_user, world.alex.pk, "phq9", [0] * 8 + [3])
        assert status == 201
        assert body["what_happens"][0] == (
            "Some of your answers tell us you may be having thoughts of harming yourself."
        )
        assert body["what_happens"][-1] == "If you are in danger now, call 988 or 911."


@pytest.mark.parametrize("conditions", [{"zz": 1}, [1], "taken-as-prescribed"])
def test_malformed_conditions_keep_the_item_9_alert(world: World, conditions: object) -> None:
    response = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/assessments",
        {"instrument": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 3], "conditions": conditions},
    )
    body = response.json()
    assert response.status_code == 400
    assert body["detail"] == "field 'conditions' must be a list of condition ids (strings)."
    assert [a["code"] for a in body["alerts"]] == ["suicide-risk"]
    assert [r["contact"] for r in body["crisis_resources"]] == CRISIS_CONTACTS
    assert body["what_happens"]
    assert not InstrumentResponse.objects.exists()
    assert stored_codes(world) == ["suicide-risk"]


def test_malformed_conditions_without_a_safety_answer_are_refused(world: World) -> None:
    response = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/assessments",
        {"instrument": "gad7", "answers": [0] * 7, "conditions": {"zz": 1}},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "field 'conditions' must be a list of condition ids (strings)."
    )
    assert not InstrumentResponse.objects.exists()
