"""``GET /api/v1/patients`` carries the caseload's columns (benzodiazepine, latest scores,
overdue assessments) from the caseload read model, so the API and the clinic's home page
give the same numbers; a patient gets only what their portal shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from clonacare.assessments.actions import do_submit_response
from clonacare.assessments.caseload import caseload
from clonacare.assessments.models import InstrumentResponse, LevelOfCareAssessment
from clonacare.audit.log import Actor
from clonacare.audit.models import AuditEvent
from clonacare.core.instruments import instrument
from clonacare.patients.access import patients_visible_to
from clonacare.patients.models import Patient
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

NOW = timezone.now()
NEVER_DONE = ("phq9", "gad7", "asq", "level_of_care")


def response(
    patient: Patient, instrument_id: str, total: int | None, band: str, at: dt.datetime
) -> InstrumentResponse:
    return InstrumentResponse.objects.create(
        patient=patient,
        instrument=instrument_id,
        answers={},
        complete=total is not None,
        total=total,
        band=band,
        result={},
        self_reported=True,
        entered_by=patient.user,
        submitted_at=at,
    )


def level_of_care(patient: Patient, by: User, at: dt.datetime) -> LevelOfCareAssessment:
    return LevelOfCareAssessment.objects.create(
        patient=patient,
        record={},
        level="outpatient",
        withdrawal_risk="likely",
        result={},
        assessed_by=by,
        assessed_at=at,
    )


def item(client: ApiClient, patient: Patient) -> dict[str, Any]:
    body = client.get("/patients").json()
    (found,) = [i for i in body["items"] if i["id"] == patient.pk]
    return found


def iso(moment: dt.datetime) -> str:
    """As the API writes a time: UTC, milliseconds, ``Z``."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def never_done(*names: str) -> list[dict[str, Any]]:
    return [{"assessment": n, "last_done_at": None, "due_on": None} for n in names]


def test_an_item_keeps_its_keys_and_adds_the_caseloads(world: World) -> None:
    assert item(ApiClient(world.avery), world.alex) == {
        "id": world.alex.pk,
        "given_name": "Alex",
        "family_name": "Morgan",
        "date_of_birth": "1982-05-14",
        "status": "assessment",
        "open_alerts": 0,
        "benzodiazepine": {"drug": "clonazepam", "daily_mg": 1.5, "since": "2024-03-01"},
        "latest_scores": [],
        "overdue": never_done(*NEVER_DONE),
    }


def test_it_has_the_latest_score_of_each_instrument(world: World) -> None:
    older = response(world.alex, "phq9", 20, "severe", NOW - dt.timedelta(days=10))
    newer = response(world.alex, "phq9", 9, "mild", NOW - dt.timedelta(days=2))
    gad7 = response(world.alex, "gad7", None, "", NOW - dt.timedelta(days=3))
    found = item(ApiClient(world.avery), world.alex)
    assert older.pk  # the older one is not the latest
    assert found["latest_scores"] == [
        {"instrument": "phq9", "submitted_at": iso(newer.submitted_at), "total": 9, "band": "mild"},
        {"instrument": "gad7", "submitted_at": iso(gad7.submitted_at), "total": None, "band": None},
    ]


def test_an_assessment_past_its_interval_is_overdue_with_its_due_date(world: World) -> None:
    done = NOW - dt.timedelta(days=40)
    response(world.alex, "phq9", 9, "mild", done)
    response(world.alex, "gad7", 4, "minimal", NOW - dt.timedelta(days=1))  # not due yet
    assessed = NOW - dt.timedelta(days=100)
    level_of_care(world.alex, world.avery, assessed)
    found = item(ApiClient(world.avery), world.alex)
    assert found["overdue"] == [
        {
            "assessment": "phq9",
            "last_done_at": iso(done),
            "due_on": (done + dt.timedelta(days=28)).date().isoformat(),
        },
        *never_done("asq"),
        {
            "assessment": "level_of_care",
            "last_done_at": iso(assessed),
            "due_on": (assessed + dt.timedelta(days=90)).date().isoformat(),
        },
    ]


def test_the_numbers_are_the_caseload_pages(world: World) -> None:
    answers = {f"phq9-{n}": "1" for n in range(1, 10)}
    actor = Actor(world.alex_user.pk, "alex", "patient", world.riverside.pk, None, "")
    do_submit_response(actor, world.alex, "phq9", answers, now=NOW)
    response(world.blair, "asq", 0, "negative", NOW - dt.timedelta(days=60))
    staff = Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")
    rows = {r.patient.pk: r for r in caseload(patients_visible_to(staff), timezone.now())}
    items = ApiClient(world.avery).get("/patients").json()["items"]
    assert len(items) == len(rows) == 2
    for found in items:
        row = rows[found["id"]]
        assert [(s["instrument"], s["total"], s["band"]) for s in found["latest_scores"]] == [
            (s.instrument, s.total, s.band) for s in row.latest
        ]
        overdue = [o["assessment"].replace("_", " ") for o in found["overdue"]]
        assert overdue == list(row.overdue)
        assert found["open_alerts"] == row.open_alerts
    alex = next(i for i in items if i["id"] == world.alex.pk)
    assert alex["latest_scores"][0]["total"] == 9  # "PHQ9 9" on the caseload page


def test_the_benzodiazepine_is_the_current_use(world: World) -> None:
    world.alex.benzo_uses.update(ended_on=dt.date(2025, 1, 1))
    world.alex.benzo_uses.create(
        drug="diazepam", morning_mg=Decimal(5), night_mg=Decimal("7.5"), since=dt.date(2025, 1, 2)
    )
    world.blair.benzo_uses.update(ended_on=dt.date(2025, 1, 1))
    client = ApiClient(world.avery)
    assert item(client, world.alex)["benzodiazepine"] == {
        "drug": "diazepam",
        "daily_mg": 12.5,
        "since": "2025-01-02",
    }
    assert item(client, world.blair)["benzodiazepine"] is None


def test_a_discharged_patient_is_listed_without_the_caseloads_columns(world: World) -> None:
    Patient.objects.filter(pk=world.blair.pk).update(status=Patient.Status.DISCHARGED)
    found = item(ApiClient(world.avery), world.blair)
    assert found["status"] == "discharged"
    assert (found["benzodiazepine"], found["latest_scores"], found["overdue"]) == (
        None,
        None,
        None,
    )


class TestAPatient:
    def test_a_patient_gets_their_own_item_without_the_overdue_column(self, world: World) -> None:
        done = response(world.alex, "phq9", 9, "mild", NOW - dt.timedelta(days=40))
        body = ApiClient(world.alex_user).get("/patients").json()
        assert body["count"] == 1
        (own,) = body["items"]
        assert own["id"] == world.alex.pk
        assert own["benzodiazepine"] == {
            "drug": "clonazepam",
            "daily_mg": 1.5,
            "since": "2024-03-01",
        }
        assert own["latest_scores"] == [
            {
                "instrument": "phq9",
                "submitted_at": iso(done.submitted_at),
                "total": 9,
                "band": "mild",
            }
        ]
        assert own["overdue"] is None  # the portal does not show it

    def test_a_patient_gets_the_scores_of_the_portals_questionnaires_only(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        response(world.alex, "phq9", 9, "mild", NOW - dt.timedelta(days=4))
        response(world.alex, "gad7", 4, "minimal", NOW - dt.timedelta(days=3))
        # Were GAD-7 not among the patient's questionnaires, the portal would not show it.
        monkeypatch.setattr(
            "clonacare.api.endpoints.patients.instruments_for",
            lambda actor: [instrument("phq9")],
        )
        (own,) = ApiClient(world.alex_user).get("/patients").json()["items"]
        assert [s["instrument"] for s in own["latest_scores"]] == ["phq9"]
        staff = item(ApiClient(world.avery), world.alex)
        assert [s["instrument"] for s in staff["latest_scores"]] == ["phq9", "gad7"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("brook", ["casey"]), ("site_admin", []), ("lee", ["alex"])],
)
def test_the_columns_come_only_with_the_patients_you_may_see(
    world: World, persona: str, expected: list[str]
) -> None:
    response(world.alex, "phq9", 9, "mild", NOW)
    body = ApiClient(getattr(world, persona)).get("/patients").json()
    assert [i["id"] for i in body["items"]] == [getattr(world, n).pk for n in expected]


def test_listing_with_the_caseloads_columns_is_audited(world: World) -> None:
    ApiClient(world.kim).get("/patients")
    event = AuditEvent.objects.get(action="patients.list")
    assert (event.actor_username, event.detail) == ("kim", {"count": 2})
