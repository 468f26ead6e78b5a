"""``/api/v1/patients/{id}/level-of-care``: the assessment record of ``clonacare assess``,
evaluated by the core, recorded by clinical staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

from clonacare.assessments.models import LevelOfCareAssessment, SafetyAlert
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World
from tests.samples import ALICE_RECORD

pytestmark = pytest.mark.django_db

RECORD = ALICE_RECORD
NOT_FOUND = {"detail": "Patient not found."}


def record_for(user: User, patient_id: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = ApiClient(user).post(f"/patients/{patient_id}/level-of-care", body)
    return response.status_code, response.json()


class TestRecording:
    def test_a_prescriber_records_an_assessment(self, world: World) -> None:
        status, body = record_for(world.avery, world.alex.pk, RECORD)
        assert status == 201
        assert (body["level"], body["withdrawal_risk"], body["assessed_by"]) == (
            "outpatient",
            "likely",
            "avery",
        )
        assert body["result"]["equivalence_table"] == "ashton"
        assert body["result"]["reasons"]
        assert all(r["source"] for r in body["result"]["reasons"])
        assert body["record"] == RECORD
        assert LevelOfCareAssessment.objects.get(pk=body["id"]).patient_id == world.alex.pk

    def test_it_takes_the_equivalence_table(self, world: World) -> None:
        status, body = record_for(world.kim, world.alex.pk, {**RECORD, "equivalence": "vadod"})
        assert status == 201
        assert body["result"]["equivalence_table"] == "vadod"
        assert "equivalence" not in body["record"]

    def test_an_acute_positive_screen_raises_alerts(self, world: World) -> None:
        status, body = record_for(
            world.avery, world.alex.pk, {**RECORD, "suicide_screen": "acute positive"}
        )
        assert status == 201
        assert body["level"] == "emergency"
        assert body["result"]["crisis_resources"]
        codes = set(SafetyAlert.objects.values_list("code", flat=True))
        assert codes == {a["code"] for a in body["result"]["alerts"]}
        assert codes

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"age": "old"}, "field 'age' must be a number; got \"old\"."),
            ({"colour": "blue"}, "unknown field 'colour'."),
            (
                {"previous_failed_tapers": 1.5},
                "field 'previous_failed_tapers' must be a whole number; got 1.5.",
            ),
            (
                {"days_per_week": 8},
                "field 'days_per_week' must be more than 0 and at most 7; got 8.",
            ),
            ({"pregnant": "no"}, "field 'pregnant' must be true or false; got \"no\"."),
            ({"equivalence": "x"}, "field 'equivalence' must be 'ashton' or 'vadod'."),
        ],
    )
    def test_it_refuses_a_wrong_field_naming_it(
        self, world: World, change: dict[str, Any], message: str
    ) -> None:
        assert record_for(world.avery, world.alex.pk, {**RECORD, **change}) == (
            400,
            {"detail": message},
        )
        assert not LevelOfCareAssessment.objects.exists()

    def test_it_names_missing_fields(self, world: World) -> None:
        partial = {k: v for k, v in RECORD.items() if k not in ("drug", "age")}
        assert record_for(world.avery, world.alex.pk, partial) == (
            400,
            {"detail": "missing fields 'drug', 'age'."},
        )

    def test_it_names_an_unknown_drug(self, world: World) -> None:
        status, body = record_for(world.avery, world.alex.pk, {**RECORD, "drug": "aspirin"})
        assert status == 400
        assert body["detail"].startswith("field 'drug': 'aspirin' is not in the Ashton")

    @pytest.mark.parametrize("persona", ["riverside_admin", "alex_user"])
    def test_only_clinical_staff_record_one(self, world: World, persona: str) -> None:
        assert record_for(getattr(world, persona), world.alex.pk, RECORD) == (
            403,
            {"detail": "Only clinical staff record a level-of-care assessment."},
        )
        assert not LevelOfCareAssessment.objects.exists()

    @pytest.mark.parametrize(
        ("persona", "patient"),
        [("brook", "alex"), ("lee", "blair"), ("site_admin", "alex"), ("alex_user", "blair")],
    )
    def test_a_record_out_of_reach_is_not_found(
        self, world: World, persona: str, patient: str
    ) -> None:
        user = getattr(world, persona)
        assert record_for(user, getattr(world, patient).pk, RECORD) == (404, NOT_FOUND)
        assert record_for(user, 999_999, RECORD) == (404, NOT_FOUND)
        assert not LevelOfCareAssessment.objects.exists()


class TestListing:
    def test_it_lists_newest_first(self, world: World) -> None:
        record_for(world.avery, world.alex.pk, RECORD)
        record_for(world.avery, world.alex.pk, {**RECORD, "suicide_screen": "acute positive"})
        body = ApiClient(world.kim).get(f"/patients/{world.alex.pk}/level-of-care").json()
        assert body["count"] == 2
        assert [a["level"] for a in body["items"]] == ["emergency", "outpatient"]

    def test_the_list_does_not_query_per_assessment(
        self, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        for _ in range(10):
            record_for(world.avery, world.alex.pk, RECORD)
        client = ApiClient(world.kim)
        with django_assert_max_num_queries(6):
            body = client.get(f"/patients/{world.alex.pk}/level-of-care", limit=100).json()
        assert body["count"] == 10


class TestAudit:
    def test_recording_is_audited(self, world: World) -> None:
        _, body = record_for(world.lee, world.alex.pk, RECORD)
        actions = list(
            AuditEvent.objects.filter(actor_username="lee").values_list("action", flat=True)
        )
        assert actions == ["level-of-care.record", "level-of-care.write"]
        event = AuditEvent.objects.get(action="level-of-care.record")
        assert (event.patient_id, event.object_id) == (world.alex.pk, str(body["id"]))

    def test_listing_is_audited(self, world: World) -> None:
        ApiClient(world.avery).get(f"/patients/{world.blair.pk}/level-of-care")
        event = AuditEvent.objects.get(action="level-of-care.list")
        assert (event.actor_username, event.patient_id) == ("avery", world.blair.pk)
