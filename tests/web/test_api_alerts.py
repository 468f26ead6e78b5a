"""``/api/v1/alerts``: safety alerts, reached only through the patient access gate."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

from clonacare.assessments.models import SafetyAlert
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

PHQ9_ITEM9 = [1, 2, 0, 3, 1, 0, 2, 1, 2]
ALERT_NOT_FOUND = {"detail": "Alert not found."}


def raise_alert(world: World, patient: str) -> int:
    user = getattr(world, f"{patient}_user")
    record = getattr(world, patient)
    body = ApiClient(user).post(
        f"/patients/{record.pk}/assessments", {"instrument": "phq9", "answers": PHQ9_ITEM9}
    )
    alert_id: int = body.json()["alerts"][0]["id"]
    return alert_id


NOTE = "Called the patient; safety plan made."


def acknowledge(user: User, alert_id: int, note: str = NOTE) -> tuple[int, dict[str, Any]]:
    response = ApiClient(user).post(f"/alerts/{alert_id}/acknowledge", {"note": note})
    return response.status_code, response.json()


@pytest.fixture
def alerts(world: World) -> dict[str, int]:
    return {"alex": raise_alert(world, "alex"), "blair": raise_alert(world, "blair")}


class TestListing:
    def test_a_patients_alerts(self, world: World, alerts: dict[str, int]) -> None:
        body = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/alerts").json()
        assert body["count"] == 1
        (alert,) = body["items"]
        assert (alert["id"], alert["code"], alert["open"]) == (alerts["alex"], "suicide-risk", True)
        assert alert["patient_id"] == world.alex.pk
        assert alert["assessment_id"] is not None
        assert alert["acknowledged_by"] is None
        assert alert["trigger"] == "phq9 item 9: 2 (More than half the days)"
        assert (alert["repeats"], alert["last_raised_at"], alert["last_trigger"]) == (0, None, "")
        assert (alert["seizure_report_id"], alert["escalated_at"]) == (None, None)
        # The care team's mails are queued with the alert (the escalation clock starts).
        assert alert["notified_at"] == alert["raised_at"]

    def test_each_alert_names_its_source(self, world: World, alerts: dict[str, int]) -> None:
        (alert,) = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/alerts").json()["items"]
        result = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/assessments").json()
        shown = result["items"][0]["alerts"][0]
        assert alert["source"] == shown["source"]
        assert "PHQ-9" in alert["source"]

    @pytest.mark.parametrize(
        ("persona", "expected"),
        [
            ("avery", ["blair", "alex"]),
            ("kim", ["blair", "alex"]),
            ("lee", ["alex"]),
            ("riverside_admin", ["blair", "alex"]),
            ("alex_user", ["alex"]),
            ("brook", []),
            ("site_admin", []),
        ],
    )
    def test_all_alerts_of_the_patients_you_may_see(
        self, world: World, alerts: dict[str, int], persona: str, expected: list[str]
    ) -> None:
        body = ApiClient(getattr(world, persona)).get("/alerts").json()
        assert [a["id"] for a in body["items"]] == [alerts[name] for name in expected]
        assert body["count"] == len(expected)

    def test_it_filters_open_and_closed(self, world: World, alerts: dict[str, int]) -> None:
        acknowledge(world.kim, alerts["alex"])
        client = ApiClient(world.avery)
        assert [a["id"] for a in client.get("/alerts", open="true").json()["items"]] == [
            alerts["blair"]
        ]
        assert [a["id"] for a in client.get("/alerts", open="false").json()["items"]] == [
            alerts["alex"]
        ]

    @pytest.mark.usefixtures("alerts")
    @pytest.mark.parametrize(("persona", "patient"), [("brook", "alex"), ("lee", "blair")])
    def test_alerts_of_a_record_out_of_reach_are_not_found(
        self, world: World, persona: str, patient: str
    ) -> None:
        client = ApiClient(getattr(world, persona))
        response = client.get(f"/patients/{getattr(world, patient).pk}/alerts")
        missing = client.get("/patients/999999/alerts")
        assert (response.status_code, response.content) == (404, missing.content)

    def test_the_list_does_not_query_per_alert(
        self, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        # An open alert of the same code joins a repeat: acknowledge each but the last.
        for n in range(10):
            acknowledge(world.kim, raise_alert(world, "alex"))
            blairs = raise_alert(world, "blair")
            if n < 9:
                acknowledge(world.avery, blairs)
        client = ApiClient(world.avery)
        with django_assert_max_num_queries(6):
            body = client.get("/alerts", limit=100).json()
        assert body["count"] == 20
        assert {a["acknowledged_by"] for a in body["items"]} == {"kim", "avery", None}


class TestAcknowledging:
    def test_a_clinician_acknowledges_an_open_alert(
        self, world: World, alerts: dict[str, int]
    ) -> None:
        status, body = acknowledge(world.kim, alerts["alex"], "Called Alex; safety plan made.")
        assert status == 200
        assert (body["open"], body["acknowledged_by"]) == (False, "kim")
        assert body["acknowledgement_note"] == "Called Alex; safety plan made."
        assert not SafetyAlert.objects.get(pk=alerts["alex"]).is_open

    def test_it_is_acknowledged_once(self, world: World, alerts: dict[str, int]) -> None:
        acknowledge(world.kim, alerts["alex"])
        assert acknowledge(world.avery, alerts["alex"]) == (
            409,
            {"detail": "This alert has already been acknowledged."},
        )

    @pytest.mark.parametrize("persona", ["alex_user", "riverside_admin"])
    def test_only_clinical_staff_acknowledge(
        self, world: World, alerts: dict[str, int], persona: str
    ) -> None:
        assert acknowledge(getattr(world, persona), alerts["alex"]) == (
            403,
            {"detail": "Only clinical staff acknowledge safety alerts."},
        )
        assert SafetyAlert.objects.get(pk=alerts["alex"]).is_open

    @pytest.mark.parametrize(
        ("persona", "patient"),
        [("brook", "alex"), ("lee", "blair"), ("alex_user", "blair"), ("site_admin", "alex")],
    )
    def test_an_alert_out_of_reach_is_not_found(
        self, world: World, alerts: dict[str, int], persona: str, patient: str
    ) -> None:
        user = getattr(world, persona)
        assert acknowledge(user, alerts[patient]) == (404, ALERT_NOT_FOUND)
        assert acknowledge(user, 999_999) == (404, ALERT_NOT_FOUND)
        assert SafetyAlert.objects.get(pk=alerts[patient]).is_open

    @pytest.mark.parametrize("note", ["", "   "])
    def test_it_needs_a_note_of_what_was_done(
        self, world: World, alerts: dict[str, int], note: str
    ) -> None:
        # A reversal: the note was optional until alerts had to reach a person.
        assert acknowledge(world.kim, alerts["alex"], note) == (
            400,
            {
                "detail": "Say what was done: an acknowledgement needs a note (for example "
                "'Called the patient; safety plan made')."
            },
        )
        assert SafetyAlert.objects.get(pk=alerts["alex"]).is_open
        assert not AuditEvent.objects.filter(action="alert.acknowledge").exists()

    def test_a_body_without_a_note_is_refused_as_an_empty_note(
        self, world: World, alerts: dict[str, int]
    ) -> None:
        response = ApiClient(world.kim).post(f"/alerts/{alerts['alex']}/acknowledge", {})
        assert response.status_code == 400
        assert response.json()["detail"].startswith("Say what was done:")

    def test_a_note_that_is_too_long_is_refused(self, world: World, alerts: dict[str, int]) -> None:
        assert acknowledge(world.kim, alerts["alex"], "x" * 401) == (
            400,
            {
                "detail": "The note is at most 400 characters; this one has 401. Shorten it "
                "and acknowledge again."
            },
        )


class TestAudit:
    def test_acknowledging_is_audited(self, world: World, alerts: dict[str, int]) -> None:
        acknowledge(world.kim, alerts["alex"])
        actions = list(
            AuditEvent.objects.filter(actor_username="kim").values_list("action", flat=True)
        )
        assert actions == ["alert.acknowledge", "alerts.write"]

    def test_a_missing_alert_is_audited(self, world: World) -> None:
        acknowledge(world.kim, 424242)
        event = AuditEvent.objects.get(action="alerts.write.denied")
        assert (event.actor_username, event.detail) == ("kim", {"alert_id": 424242})
        assert (event.object_type, event.object_id) == ("SafetyAlert", "424242")

    def test_a_forbidden_alert_is_audited_as_a_missing_one(
        self, world: World, alerts: dict[str, int]
    ) -> None:
        # Only the alert id asked for: nothing says whose it is, or that it exists.
        acknowledge(world.brook, alerts["alex"])
        acknowledge(world.brook, 424242)
        forbidden, missing = AuditEvent.objects.filter(action="alerts.write.denied").order_by("id")
        for event, alert_id in [(forbidden, alerts["alex"]), (missing, 424242)]:
            assert (event.actor_username, event.program_id, event.patient_id) == (
                "brook",
                world.northgate.pk,
                None,
            )
            assert (event.object_type, event.object_id) == ("SafetyAlert", str(alert_id))
            assert event.detail == {"alert_id": alert_id}

    def test_a_read_names_the_alert_and_its_patient(
        self, world: World, alerts: dict[str, int]
    ) -> None:
        acknowledge(world.kim, alerts["alex"])
        event = AuditEvent.objects.get(action="alerts.write")
        assert (event.patient_id, event.object_type, event.object_id) == (
            world.alex.pk,
            "SafetyAlert",
            str(alerts["alex"]),
        )
