"""What a patient sees of their own assessment data, the same on the portal and in the API:
their self-report results and the alerts those raised (not who acknowledged an alert nor
their note); not clinician-rated results nor level-of-care assessments."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from clonacare.assessments.models import InstrumentResponse, SafetyAlert
from clonacare.audit.models import AuditEvent
from clonacare.core.instruments import instrument
from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.samples import ALICE_RECORD

pytestmark = pytest.mark.django_db

PHQ9_ITEM9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]  # item 9 endorsed: the suicide-risk alert
NOTE = "Called Alex; safety plan made with the crisis team."
ALERT_NOT_FOUND = {"detail": "Alert not found."}


def submit(user: Any, patient_id: int, instrument_id: str, answers: object) -> dict[str, Any]:
    response = ApiClient(user).post(
        f"/patients/{patient_id}/assessments", {"instrument": instrument_id, "answers": answers}
    )
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def ciwa_b_with_a_seizure() -> dict[str, str]:
    """A complete CIWA-B (clinician-administered) whose seizure item raises an alert."""
    answers = {item.id: item.options[0].code for item in instrument("ciwa-b").items}
    return answers | {"ciwab-seizure": "yes"}


def dsm5_checklist() -> dict[str, str]:
    return {item.id: "0" for item in instrument("dsm5-sud").items}


@pytest.fixture
def records(world: World) -> dict[str, int]:
    """Alex's record: a PHQ-9 they answered (with its alert, acknowledged with a note),
    a CIWA-B and a DSM-5 checklist their prescriber rated (the CIWA-B with a seizure
    alert), and a level-of-care assessment."""
    phq9 = submit(world.alex_user, world.alex.pk, "phq9", PHQ9_ITEM9)
    ciwa = submit(world.avery, world.alex.pk, "ciwa-b", ciwa_b_with_a_seizure())
    dsm5 = submit(world.avery, world.alex.pk, "dsm5-sud", dsm5_checklist())
    level = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/level-of-care", ALICE_RECORD)
    assert level.status_code == 201
    acknowledged = ApiClient(world.kim).post(
        f"/alerts/{phq9['alerts'][0]['id']}/acknowledge", {"note": NOTE}
    )
    assert acknowledged.status_code == 200
    return {
        "phq9": phq9["id"],
        "phq9_alert": phq9["alerts"][0]["id"],
        "ciwa": ciwa["id"],
        "ciwa_alert": ciwa["alerts"][0]["id"],
        "dsm5": dsm5["id"],
    }


def without_csrf(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


class TestPortal:
    def test_a_patient_opens_their_self_report_result(
        self, client: Client, world: World, records: dict[str, int]
    ) -> None:
        signed_in(client, world.alex_user)
        response = client.get(f"/portal/responses/{records['phq9']}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Your PHQ-9 result" in html  # the instrument's name, not its id
        assert "<dd>Patient Health Questionnaire-9</dd>" in html

    @pytest.mark.parametrize("result", ["ciwa", "dsm5"])
    def test_a_clinician_rated_result_is_not_found_on_the_portal(
        self, client: Client, world: World, records: dict[str, int], result: str
    ) -> None:
        signed_in(client, world.alex_user)
        response = client.get(f"/portal/responses/{records[result]}/")
        missing = client.get("/portal/responses/999999/")
        assert response.status_code == 404
        assert without_csrf(response.content) == without_csrf(missing.content)
        event = AuditEvent.objects.filter(action="portal.result.denied").order_by("id").first()
        assert event is not None
        assert event.detail == {"response_id": records[result]}

    def test_the_portal_lists_only_self_report_results(
        self, client: Client, world: World, records: dict[str, int]
    ) -> None:
        signed_in(client, world.alex_user)
        html = client.get("/portal/").content.decode()
        assert f"/portal/responses/{records['phq9']}/" in html
        assert f"/portal/responses/{records['ciwa']}/" not in html
        assert f"/portal/responses/{records['dsm5']}/" not in html
        assert "CIWA-B" not in html
        assert NOTE not in html


class TestApiAlerts:
    @pytest.mark.parametrize("path", ["/alerts", "/patients/{alex}/alerts"])
    def test_a_patient_sees_the_alerts_of_their_questionnaires_without_the_note(
        self, world: World, records: dict[str, int], path: str
    ) -> None:
        body = ApiClient(world.alex_user).get(path.format(alex=world.alex.pk)).json()
        assert body["count"] == 1
        (alert,) = body["items"]
        assert (alert["id"], alert["code"], alert["open"]) == (
            records["phq9_alert"],
            "suicide-risk",
            False,
        )
        assert alert["acknowledged_at"] is not None  # that, and when, it was answered
        assert (alert["acknowledged_by"], alert["acknowledgement_note"]) == (None, "")

    def test_the_care_team_sees_every_alert_with_the_note(
        self, world: World, records: dict[str, int]
    ) -> None:
        body = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/alerts").json()
        by_id = {a["id"]: a for a in body["items"]}
        assert set(by_id) >= {records["phq9_alert"], records["ciwa_alert"]}
        phq9 = by_id[records["phq9_alert"]]
        assert (phq9["acknowledged_by"], phq9["acknowledgement_note"]) == ("kim", NOTE)

    def test_a_clinicians_alert_is_not_found_for_the_patient(
        self, world: World, records: dict[str, int]
    ) -> None:
        client = ApiClient(world.alex_user)
        response = client.post(f"/alerts/{records['ciwa_alert']}/acknowledge", {"note": ""})
        assert (response.status_code, response.json()) == (404, ALERT_NOT_FOUND)
        own = client.post(f"/alerts/{records['phq9_alert']}/acknowledge", {"note": ""})
        assert (own.status_code, own.json()) == (
            403,
            {"detail": "Only clinical staff acknowledge safety alerts."},
        )

    def test_an_alert_from_an_incomplete_self_report_is_the_patients(self, world: World) -> None:
        answers = {f"phq9-{n}": "1" for n in range(1, 10)}
        del answers["phq9-4"]
        client = ApiClient(world.alex_user)
        refused = client.post(
            f"/patients/{world.alex.pk}/assessments", {"instrument": "phq9", "answers": answers}
        )
        assert refused.status_code == 400
        alert = SafetyAlert.objects.get()
        assert alert.response is None
        body = client.get("/alerts").json()
        assert [a["id"] for a in body["items"]] == [alert.pk]


class TestApiLevelOfCare:
    def test_a_patient_gets_an_empty_list(self, world: World, records: dict[str, int]) -> None:
        response = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/level-of-care")
        assert (response.status_code, response.json()) == (200, {"items": [], "count": 0})

    def test_the_care_team_gets_the_assessments(
        self, world: World, records: dict[str, int]
    ) -> None:
        body = ApiClient(world.kim).get(f"/patients/{world.alex.pk}/level-of-care").json()
        assert body["count"] == 1


class TestApiResults:
    def test_a_patient_lists_only_their_self_report_results(
        self, world: World, records: dict[str, int]
    ) -> None:
        body = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/assessments").json()
        assert [a["id"] for a in body["items"]] == [records["phq9"]]

    def test_the_care_team_lists_every_result(self, world: World, records: dict[str, int]) -> None:
        body = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/assessments").json()
        assert {a["id"] for a in body["items"]} == {
            records["phq9"],
            records["ciwa"],
            records["dsm5"],
        }
        assert InstrumentResponse.objects.count() == 3


class TestApiPatientList:
    def test_a_patient_counts_only_the_open_alerts_they_may_see(
        self, world: World, records: dict[str, int]
    ) -> None:
        # Alex's own PHQ-9 alert is acknowledged; the CIWA-B seizure alert is the care
        # team's and still open.
        body = ApiClient(world.alex_user).get("/patients").json()
        assert [(p["id"], p["open_alerts"]) for p in body["items"]] == [(world.alex.pk, 0)]

    def test_the_care_team_counts_every_open_alert(
        self, world: World, records: dict[str, int]
    ) -> None:
        body = ApiClient(world.avery).get("/patients").json()
        counts = {p["id"]: p["open_alerts"] for p in body["items"]}
        assert counts[world.alex.pk] == 1
