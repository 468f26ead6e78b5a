"""``clonacare import fhir FILE --program SLUG``: the same import as the API, by the
operator of the installation; bad files are one line on stderr and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clonacare.audit.models import AuditEvent
from clonacare.cli import main
from clonacare.exchange.models import OutsidePlan
from clonacare.patients.models import Patient
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.fhir_world import full_record

pytestmark = pytest.mark.django_db


def test_it_imports_a_bundle_file(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full_record(world)
    sent = tmp_path / "alex.json"
    sent.write_text(ApiClient(world.avery).get(f"/patients/{world.alex.pk}/fhir").content.decode())
    assert main(["import", "fhir", str(sent), "--program", world.northgate.slug]) == 0
    printed = json.loads(capsys.readouterr().out)
    patient = Patient.objects.get(pk=printed["id"])
    assert (patient.program, patient.full_name) == (world.northgate, "Alex Morgan")
    assert printed["imported"]["CarePlan"] == 1
    assert OutsidePlan.objects.get().patient == patient
    event = AuditEvent.objects.get(action="exchange.fhir-import")
    assert (event.actor_username, event.patient_id) == ("clonacare", patient.pk)


def test_it_refuses_a_file_that_is_not_json(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = tmp_path / "broken.json"
    sent.write_text("{not json")
    assert main(["import", "fhir", str(sent), "--program", world.northgate.slug]) == 2
    assert capsys.readouterr().err == f"clonacare import: {sent} is not JSON.\n"
    assert Patient.objects.filter(program=world.northgate).count() == 1


def test_it_refuses_a_missing_file(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.json"
    assert main(["import", "fhir", str(missing), "--program", world.northgate.slug]) == 2
    assert capsys.readouterr().err == (
        f"clonacare import: Cannot read {missing}: No such file or directory.\n"
    )


def test_it_refuses_a_bundle_without_a_patient(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = tmp_path / "empty.json"
    sent.write_text(json.dumps({"resourceType": "Bundle", "type": "collection"}))
    assert main(["import", "fhir", str(sent), "--program", world.northgate.slug]) == 2
    assert capsys.readouterr().err == (
        "clonacare import: The Bundle holds no Patient; a record needs one.\n"
    )
