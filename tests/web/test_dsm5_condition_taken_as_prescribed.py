"""DSM-5 SUD "taken as prescribed": the clinic's form and the API take the condition the
instrument declares (dsm5-sud.toml [[conditions]]), so tolerance (A10) and withdrawal
(A11) are not counted for a patient taking the drug as prescribed under medical
supervision (DSM-5 (2013), notes to criteria A10 and A11; clinical reference,
Instruments). Bands: none 0–1, mild 2–3, moderate 4–5, severe 6+.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.assessments.models import InstrumentResponse
from clonacare.core.instruments import instrument
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

ANSWERS = [1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1]  # A1, A3, A4, tolerance and withdrawal present
PRESCRIBED = "taken-as-prescribed"
LABEL = (
    "Taken as prescribed under medical supervision: tolerance (A10) and withdrawal (A11) "
    "do not count"
)
SOURCE = "DSM-5 (2013), notes to criteria A10 and A11; clinical reference, Instruments"


def rate_url(world: World) -> str:
    return f"/clinic/patients/{world.alex.pk}/instruments/dsm5-sud/"


def posted(conditions: list[str]) -> dict[str, Any]:
    items = [i.id for i in instrument("dsm5-sud").items]
    return {**dict(zip(items, [str(a) for a in ANSWERS], strict=True)), "conditions": conditions}


def submit(
    user: User, patient_id: int, body: dict[str, Any], instrument_id: str = "dsm5-sud"
) -> tuple[int, dict[str, Any]]:
    response = ApiClient(user).post(
        f"/patients/{patient_id}/assessments", {"instrument": instrument_id, **body}
    )
    return response.status_code, response.json()


class TestClinicForm:
    def test_the_form_shows_each_declared_condition_with_its_label_and_source(
        self, client: Client, world: World
    ) -> None:
        signed_in(client, world.avery)
        html = client.get(rate_url(world)).content.decode()
        assert f'<input type="checkbox" name="conditions" value="{PRESCRIBED}">' in html
        assert LABEL in html
        assert f"Source: {SOURCE}" in html

    def test_an_instrument_without_conditions_shows_no_checkbox(
        self, client: Client, world: World
    ) -> None:
        signed_in(client, world.avery)
        html = client.get(f"/clinic/patients/{world.alex.pk}/instruments/ciwa-b/").content.decode()
        assert 'type="checkbox"' not in html

    def test_taken_as_prescribed_gives_mild_3(self, client: Client, world: World) -> None:
        signed_in(client, world.avery)
        response = client.post(rate_url(world), posted([PRESCRIBED]))
        assert response.status_code == 302, response.content.decode()[:2000]
        stored = world.alex.responses.get()
        assert (stored.total, stored.band, stored.conditions) == (3, "mild", [PRESCRIBED])

    def test_without_the_condition_it_is_moderate_5(self, client: Client, world: World) -> None:
        signed_in(client, world.avery)
        assert client.post(rate_url(world), posted([])).status_code == 302
        stored = world.alex.responses.get()
        assert (stored.total, stored.band, stored.conditions) == (5, "moderate", [])

    def test_the_patient_record_says_the_condition_applied(
        self, client: Client, world: World
    ) -> None:
        signed_in(client, world.avery)
        client.post(rate_url(world), posted([PRESCRIBED]))
        html = client.get(f"/clinic/patients/{world.alex.pk}/").content.decode()
        assert f'<td>mild<span class="hint">{LABEL}</span></td>' in html

    def test_an_unknown_condition_is_refused_naming_it(self, client: Client, world: World) -> None:
        signed_in(client, world.avery)
        response = client.post(rate_url(world), posted(["in-remission"]))
        assert response.status_code == 400
        assert (
            "Unknown condition &#x27;in-remission&#x27; for dsm5-sud; choose from: "
            "taken-as-prescribed." in response.content.decode()
        )
        assert not InstrumentResponse.objects.exists()

    def test_a_refused_form_keeps_the_box_ticked(self, client: Client, world: World) -> None:
        signed_in(client, world.avery)
        body = posted([PRESCRIBED]) | {"A1": ""}
        html = client.post(rate_url(world), body).content.decode()
        assert f'value="{PRESCRIBED}" checked>' in html


class TestApi:
    def test_taken_as_prescribed_gives_mild_3_and_is_returned(self, world: World) -> None:
        status, body = submit(
            world.avery, world.alex.pk, {"answers": ANSWERS, "conditions": [PRESCRIBED]}
        )
        assert status == 201, body
        assert (body["total"], body["band"], body["conditions"]) == (3, "mild", [PRESCRIBED])
        assert "dsm5-sud item 10 (A10) does not count (taken-as-prescribed)." in body["notes"]
        listed = ApiClient(world.kim).get(f"/patients/{world.alex.pk}/assessments").json()
        assert listed["items"][0]["conditions"] == [PRESCRIBED]

    def test_without_the_condition_it_is_moderate_5(self, world: World) -> None:
        status, body = submit(world.avery, world.alex.pk, {"answers": ANSWERS})
        assert status == 201, body
        assert (body["total"], body["band"], body["conditions"]) == (5, "moderate", [])

    def test_an_unknown_condition_is_a_400_naming_it(self, world: World) -> None:
        assert submit(
            world.avery, world.alex.pk, {"answers": ANSWERS, "conditions": ["in-remission"]}
        ) == (
            400,
            {
                "detail": "Unknown condition 'in-remission' for dsm5-sud; choose from: "
                "taken-as-prescribed."
            },
        )
        assert not InstrumentResponse.objects.exists()

    def test_a_condition_on_an_instrument_without_conditions_is_a_400(self, world: World) -> None:
        body = {"answers": [0] * 9, "conditions": [PRESCRIBED]}
        assert submit(world.avery, world.alex.pk, body, "phq9") == (
            400,
            {
                "detail": "Unknown condition 'taken-as-prescribed' for phq9; phq9 declares no "
                "conditions."
            },
        )
        assert not InstrumentResponse.objects.exists()

    def test_conditions_must_be_strings(self, world: World) -> None:
        status, body = submit(world.avery, world.alex.pk, {"answers": ANSWERS, "conditions": [1]})
        assert (status, body) == (
            400,
            {"detail": "field 'conditions' must be a list of condition ids (strings)."},
        )

    def test_a_patient_cannot_set_a_condition_on_an_instrument_they_may_not_complete(
        self, world: World
    ) -> None:
        body = {"answers": ANSWERS, "conditions": [PRESCRIBED]}
        assert submit(world.alex_user, world.alex.pk, body) == (
            403,
            {"detail": "dsm5-sud is completed by a clinician, not by the patient."},
        )
        body = {"answers": [0] * 9, "conditions": [PRESCRIBED]}
        assert submit(world.alex_user, world.alex.pk, body, "phq9") == (
            400,
            {
                "detail": "Unknown condition 'taken-as-prescribed' for phq9; phq9 declares no "
                "conditions."
            },
        )
        assert not InstrumentResponse.objects.exists()

    def test_the_instruments_list_declares_the_conditions(self, world: World) -> None:
        body = ApiClient(world.avery).get("/instruments").json()
        by_id = {i["id"]: i for i in body["items"]}
        assert by_id["dsm5-sud"]["conditions"] == [
            {"id": PRESCRIBED, "label": LABEL, "source": SOURCE}
        ]
        assert by_id["phq9"]["conditions"] == []
