"""``/api/v1/patients``: every role sees exactly the records it should, and a forbidden
record answers exactly like a missing one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import (
    CareTeamMember,
    Condition,
    Consent,
    Disclosure,
    Medication,
    Patient,
)
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

MISSING_ID = 999_999
NOT_FOUND = {"detail": "Patient not found."}

# Who sees whom: each persona's exact list, by patient.
VISIBLE = {
    "alex_user": ["alex"],
    "blair_user": ["blair"],
    "casey_user": ["casey"],
    "avery": ["alex", "blair"],
    "kim": ["alex", "blair"],
    "lee": ["alex"],
    "riverside_admin": ["alex", "blair"],
    "brook": ["casey"],
    "site_admin": [],
}
PATIENTS = ("alex", "blair", "casey")


def ids(world: World, names: list[str]) -> list[int]:
    return [getattr(world, name).pk for name in names]


@pytest.mark.parametrize(("persona", "expected"), VISIBLE.items())
def test_each_role_lists_exactly_its_patients(
    world: World, persona: str, expected: list[str]
) -> None:
    response = ApiClient(getattr(world, persona)).get("/patients")
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == ids(world, expected)
    assert body["count"] == len(expected)


@pytest.mark.parametrize(("persona", "expected"), VISIBLE.items())
def test_each_role_opens_exactly_its_patients(
    world: World, persona: str, expected: list[str]
) -> None:
    client = ApiClient(getattr(world, persona))
    missing = client.get(f"/patients/{MISSING_ID}")
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)
    for name in PATIENTS:
        response = client.get(f"/patients/{getattr(world, name).pk}")
        if name in expected:
            assert response.status_code == 200
            assert response.json()["id"] == getattr(world, name).pk
        else:
            # Forbidden equals missing: the same status and the very same body.
            assert response.status_code == 404
            assert response.content == missing.content


def test_another_programs_clinician_sees_nothing_of_riverside(world: World) -> None:
    client = ApiClient(world.brook)
    missing = client.get(f"/patients/{MISSING_ID}")
    for patient in (world.alex, world.blair):
        for path in ("", "/assessments", "/alerts", "/level-of-care"):
            response = client.get(f"/patients/{patient.pk}{path}")
            assert (response.status_code, response.content) == (404, missing.content)


def test_a_patient_without_a_login_is_listed_for_staff_only(world: World) -> None:
    Patient.objects.create(
        program=world.riverside,
        given_name="Dana",
        family_name="Zed",
        date_of_birth=dt.date(1970, 1, 1),
    )
    assert ApiClient(world.riverside_admin).get("/patients").json()["count"] == 3
    assert ApiClient(world.alex_user).get("/patients").json()["count"] == 1


def test_a_non_numeric_id_is_not_found(world: World) -> None:
    response = ApiClient(world.avery).get("/patients/alex")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found. The endpoints are listed at /api/v1/docs."}


class TestTheRecord:
    @pytest.fixture
    def record(self, world: World) -> dict[str, Any]:
        alex = world.alex
        world.lee.first_name, world.lee.last_name = "Lee", "Chen"
        world.lee.save()
        Medication.objects.create(patient=alex, name="Sertraline", dose="50 mg", reason="mood")
        Condition.objects.create(patient=alex, name="Panic disorder", noted_on=dt.date(2023, 2, 1))
        today = timezone.localdate()
        active = Consent.objects.create(
            patient=alex,
            disclosing_program=world.riverside,
            recipient="Dr. Ruiz, family physician",
            purpose="Coordination of care",
            information="Taper plan and current dose",
            expires_on=today + dt.timedelta(days=90),
            signed_by="Alex Morgan",
            signed_on=today - dt.timedelta(days=10),
            created_by=world.avery,
        )
        Consent.objects.create(
            patient=alex,
            disclosing_program=world.riverside,
            recipient="Employer",
            purpose="Return to work",
            information="Attendance only",
            expiry_event="End of the return-to-work programme",
            signed_by="Alex Morgan",
            signed_on=today - dt.timedelta(days=40),
            revoked_at=timezone.now() - dt.timedelta(days=1),
            created_by=world.avery,
        )
        Consent.objects.create(
            patient=alex,
            disclosing_program=world.riverside,
            recipient="Insurer",
            purpose="Payment",
            information="Dates of service",
            expires_on=today - dt.timedelta(days=1),
            signed_by="Alex Morgan",
            signed_on=today - dt.timedelta(days=400),
            created_by=world.avery,
        )
        Disclosure.objects.create(
            consent=active,
            patient=alex,
            recipient="Dr. Ruiz, family physician",
            information="Taper plan",
            notice="42 CFR part 2 notice",
            disclosed_by=world.avery,
        )
        body: dict[str, Any] = ApiClient(world.avery).get(f"/patients/{alex.pk}").json()
        return body

    def test_it_has_the_demographics(self, world: World, record: dict[str, Any]) -> None:
        assert {k: record[k] for k in ("given_name", "family_name", "date_of_birth", "status")} == {
            "given_name": "Alex",
            "family_name": "Morgan",
            "date_of_birth": "1982-05-14",
            "status": "assessment",
        }
        assert record["program"] == {
            "id": world.riverside.pk,
            "name": "Riverside Recovery",
            "slug": "riverside",
        }

    def test_it_has_the_dose_at_each_dose_time(self, record: dict[str, Any]) -> None:
        (use,) = record["benzodiazepine_use"]
        assert use["drug"] == "clonazepam"
        assert use["doses"] == {
            "morning_mg": 0.5,
            "midday_mg": 0.0,
            "evening_mg": 0.0,
            "night_mg": 1.0,
        }
        assert (use["daily_mg"], use["since"], use["current"]) == (1.5, "2024-03-01", True)
        assert use["prescriber_name"] == "Dr. Avery"

    def test_it_has_medications_and_conditions(self, record: dict[str, Any]) -> None:
        assert [(m["name"], m["dose"], m["reason"]) for m in record["medications"]] == [
            ("Sertraline", "50 mg", "mood")
        ]
        assert [(c["name"], c["noted_on"]) for c in record["conditions"]] == [
            ("Panic disorder", "2023-02-01")
        ]

    def test_it_has_the_care_team_with_roles(self, record: dict[str, Any]) -> None:
        assert [(m["username"], m["name"], m["role"]) for m in record["care_team"]] == [
            ("avery", "avery", "prescriber"),
            ("kim", "kim", "nurse"),
            ("lee", "Lee Chen", "counsellor"),
        ]

    def test_it_has_consents_with_their_elements_and_status(self, record: dict[str, Any]) -> None:
        consents = {c["recipient"]: c for c in record["consents"]}
        assert {r: c["status"] for r, c in consents.items()} == {
            "Dr. Ruiz, family physician": "active",
            "Employer": "revoked",
            "Insurer": "expired",
        }
        ruiz = consents["Dr. Ruiz, family physician"]
        assert ruiz["purpose"] == "Coordination of care"
        assert ruiz["information"] == "Taper plan and current dose"
        assert ruiz["disclosing_program"] == "Riverside Recovery"
        assert ruiz["signed_by"] == "Alex Morgan"
        assert ruiz["revoked_at"] is None
        assert ruiz["includes_counselling_notes"] is False
        assert consents["Employer"]["expiry_event"] == "End of the return-to-work programme"
        assert consents["Employer"]["expires_on"] is None

    def test_it_has_the_accounting_of_disclosures(self, record: dict[str, Any]) -> None:
        (disclosure,) = record["disclosures"]
        assert (disclosure["recipient"], disclosure["disclosed_by"]) == (
            "Dr. Ruiz, family physician",
            "avery",
        )


class TestPagination:
    def test_it_pages_with_limit_and_offset(self, world: World) -> None:
        client = ApiClient(world.riverside_admin)
        body = client.get("/patients", limit=1, offset=1).json()
        assert body == {"items": [body["items"][0]], "count": 2}
        assert body["items"][0]["id"] == world.blair.pk
        assert client.get("/patients", limit=1, offset=2).json() == {"items": [], "count": 2}

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"limit": 0}, "field 'limit' must be greater than or equal to 1."),
            ({"limit": 201}, "field 'limit' must be less than or equal to 200."),
            ({"offset": -1}, "field 'offset' must be greater than or equal to 0."),
            (
                {"limit": "ten"},
                "field 'limit' must be a valid integer, unable to parse string as an integer.",
            ),
        ],
    )
    def test_it_names_a_wrong_parameter(
        self, world: World, query: dict[str, Any], message: str
    ) -> None:
        response = ApiClient(world.avery).get("/patients", **query)
        assert (response.status_code, response.json()) == (400, {"detail": message})

    def test_it_filters_by_status(self, world: World) -> None:
        Patient.objects.filter(pk=world.blair.pk).update(status=Patient.Status.TAPERING)
        body = ApiClient(world.avery).get("/patients", status="tapering").json()
        assert [p["id"] for p in body["items"]] == [world.blair.pk]


class TestQueries:
    def test_the_list_does_not_query_per_patient(
        self, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        for n in range(30):
            patient = Patient.objects.create(
                program=world.riverside,
                given_name=f"P{n}",
                family_name="Test",
                date_of_birth=dt.date(1980, 1, 1),
            )
            CareTeamMember.objects.create(patient=patient, user=world.avery)
        client = ApiClient(world.avery)
        # The token (2), the audited list (2), the page and its count (2), the
        # caseload's columns for the page (2) and the open alerts the caller may see (1),
        # whatever the number of patients.
        with django_assert_max_num_queries(9):
            body = client.get("/patients", limit=100).json()
        assert body["count"] == 32
        assert all(item["overdue"] is not None for item in body["items"])

    def test_the_record_does_not_query_per_row(
        self, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        for n in range(10):
            staff = User.objects.create_user(username=f"staff{n}")
            CareTeamMember.objects.create(patient=world.alex, user=staff)
            Medication.objects.create(patient=world.alex, name=f"Drug {n}")
            Condition.objects.create(patient=world.alex, name=f"C{n}", noted_on=dt.date(2020, 1, 1))
        world.alex.benzo_uses.create(
            drug="diazepam", night_mg=Decimal(5), since=dt.date(2020, 1, 1)
        )
        client = ApiClient(world.avery)
        # 12th: the dose changes (and their orders); 13th: the latest level-of-care
        # assessment, for the medications' alcohol flags.
        with django_assert_max_num_queries(13):
            body = client.get(f"/patients/{world.alex.pk}").json()
        assert len(body["care_team"]) == 13


class TestAudit:
    def test_opening_a_record_is_audited(self, world: World) -> None:
        ApiClient(world.kim).get(f"/patients/{world.alex.pk}")
        event = AuditEvent.objects.get(action="patient.view")
        assert (event.actor_username, event.actor_role, event.patient_id) == (
            "kim",
            "nurse",
            world.alex.pk,
        )
        assert event.program_id == world.riverside.pk
        assert event.ip_address == "127.0.0.1"

    def test_a_refused_record_is_audited(self, world: World) -> None:
        ApiClient(world.brook).get(f"/patients/{world.alex.pk}")
        event = AuditEvent.objects.get(action="patient.view.denied")
        assert (event.actor_username, event.patient_id) == ("brook", None)
        assert event.detail == {"patient_id": world.alex.pk}

    def test_listing_is_audited(self, world: World) -> None:
        ApiClient(world.lee).get("/patients")
        event = AuditEvent.objects.get(action="patients.list")
        assert (event.actor_username, event.detail) == ("lee", {"count": 1})
