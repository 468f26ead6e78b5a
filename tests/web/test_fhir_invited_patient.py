"""A person invited from a population screen (status ``invited``) is exported as a
Patient that is not active (FHIR R4B ``Patient.active``: "whether this patient record is
in active use"; docs/fhir.md), in the single Bundle and in the bulk NDJSON files, while
a patient being assessed stays active."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clonacare.patients.models import Patient
from tests.api_client import BASE, ApiClient
from tests.personas import World
from tests.web.fhir_world import of_type, validate_each
from tests.web.population_world import dispensing_files, upload
from tests.web.test_fhir_bulk_export import export, read_ndjson, tpo_consent

pytestmark = pytest.mark.django_db


def invited(world: World, tmp_path: Path) -> Patient:
    """``planted-high-dose``, invited by avery from a screen through the API."""
    api = ApiClient(world.avery)
    fills, _ = dispensing_files(tmp_path)
    screen = api.client.post(
        f"{BASE}/programs/{world.riverside.pk}/screens",
        {"file": upload(fills), "as_of": "2026-12-31"},
        headers=api.headers,
    )
    assert screen.status_code == 201, screen.content
    answer = api.post(
        f"/screens/{screen.json()['id']}/invitations", {"patient_id": "planted-high-dose"}
    )
    assert answer.status_code == 201, answer.content
    return Patient.objects.get(pk=answer.json()["patient_id"])


def the_patient(bundle: dict[str, Any]) -> dict[str, Any]:
    (patient,) = of_type(bundle, "Patient")
    return patient


def test_it_marks_an_invited_person_not_active_in_the_bundle(world: World, tmp_path: Path) -> None:
    person = invited(world, tmp_path)
    api = ApiClient(world.avery)
    response = api.get(f"/patients/{person.pk}/fhir")
    assert response.status_code == 200
    bundle = response.json()
    validate_each(bundle)
    assert the_patient(bundle)["active"] is False
    assert the_patient(bundle)["name"] == [
        {"family": "planted-high-dose", "given": ["Dispensing ID"]}
    ]
    assert the_patient(api.get(f"/patients/{world.alex.pk}/fhir").json())["active"] is True


def test_it_is_active_once_the_care_team_sets_the_status_to_assessment(
    world: World, tmp_path: Path
) -> None:
    person = invited(world, tmp_path)
    person.status = Patient.Status.ASSESSMENT
    person.save(update_fields=["status"])
    bundle = ApiClient(world.avery).get(f"/patients/{person.pk}/fhir").json()
    assert the_patient(bundle)["active"] is True


def test_the_bulk_files_carry_an_invited_person_as_not_active(world: World, tmp_path: Path) -> None:
    person = invited(world, tmp_path)
    tpo_consent(world, person)
    tpo_consent(world, world.alex)
    assert export(world, tmp_path / "out") == 0
    patients = read_ndjson(tmp_path / "out")["Patient"]
    by_record = {p["identifier"][0]["value"]: p["active"] for p in patients}
    assert by_record == {str(person.pk): False, str(world.alex.pk): True}
