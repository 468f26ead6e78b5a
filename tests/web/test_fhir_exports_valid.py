"""Every resource that leaves Clonacare is valid FHIR R4B by its own fhir.resources model,
wherever it leaves: each line of the bulk NDJSON files, and each resource of the Bundle a
disclosure package holds (SUD counselling notes included, when their consent sends
them). The single Bundle of GET /patients/{id}/fhir is checked the same way in
test_fhir_patient_bundle.py."""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from clonacare.cli import main
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.counselling_world import add_consent, session_with_note
from tests.web.fhir_world import full_record
from tests.web.test_fhir_bulk_export import read_ndjson, tpo_consent

pytestmark = pytest.mark.django_db


def validated(resources: list[dict[str, Any]]) -> Counter[str]:
    """Each resource through the R4B model of its type; how many of each type."""
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return Counter(r["resourceType"] for r in resources)


def test_each_line_of_the_bulk_files_is_valid_r4b(world: World, tmp_path: Path) -> None:
    full_record(world)
    tpo_consent(world, world.alex)
    out = tmp_path / "out"
    arguments = ["export", "fhir", "--program", "riverside", "--out", str(out)]
    assert main([*arguments, "--recipient", "Dr. Taylor, primary care"]) == 0
    files = read_ndjson(out)
    counts = validated([line for lines in files.values() for line in lines])
    assert {kind: counts[kind] for kind in ("Patient", "CarePlan", "Observation", "Consent")} == {
        "Patient": 1,
        "CarePlan": 1,
        "Observation": 2,
        "Consent": 2,
    }


def test_each_resource_of_a_disclosure_package_is_valid_r4b(world: World) -> None:
    session_with_note(world)
    consent_id = add_consent(world, "Dr. Quinn, Harbour Clinic", notes=True)
    body = {"recipient_class": "named", "consent_id": consent_id, "counselling_notes": True}
    made = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/disclosures", body)
    assert made.status_code == 201, made.json()
    path = f"/patients/{world.alex.pk}/disclosures/{made.json()['id']}/package"
    response = ApiClient(world.avery).get(path)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        bundle = json.loads(archive.read("bundle.json"))
    counts = validated([entry["resource"] for entry in bundle["entry"]])
    assert (counts["Patient"], counts["Consent"], counts["DocumentReference"]) == (1, 1, 1)
