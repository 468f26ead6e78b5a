"""Export → import → export: a patient's record read into another program comes out
again as the same resources apart from ids (and the references and record numbers made
of them). The plan comes back as an outside plan: never a Clonacare plan, exported as
received, with the Provenance it came with and one more for its import."""

from __future__ import annotations

from typing import Any

import pytest

from clonacare.exchange.models import OutsidePlan
from clonacare.plans.models import Plan
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.fhir_world import full_record, of_type, validate_each

pytestmark = pytest.mark.django_db

# What the import reads back into a record or keeps as received (scores and consents);
# the rest (the program and its staff) belongs to the sending program and is skipped.
READ_BACK = (
    "Patient",
    "Condition",
    "MedicationStatement",
    "CarePlan",
    "MedicationRequest",
    "Questionnaire",
    "QuestionnaireResponse",
    "Observation",
    "Consent",
)


def without_ids(node: Any) -> Any:
    """``node`` without what is made of ids: ``id``, ``reference``, the Patient's
    identifier (its record number) and managing organization (the program it is in)."""
    if isinstance(node, dict):
        return {
            k: without_ids(v)
            for k, v in node.items()
            if k not in ("id", "reference", "identifier", "managingOrganization")
        }
    if isinstance(node, list):
        return [without_ids(v) for v in node]
    return node


def exported(world: World, patient_id: int, who: Any) -> dict[str, Any]:
    response = ApiClient(who).get(f"/patients/{patient_id}/fhir")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_it_round_trips_a_patient(world: World) -> None:
    full_record(world)
    first = exported(world, world.alex.pk, world.avery)
    response = ApiClient(world.brook).post(f"/programs/{world.northgate.pk}/fhir-import", first)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["imported"] == {
        "Patient": 1,
        "Condition": 1,
        "MedicationStatement": 2,
        "CarePlan": 1,
        "MedicationRequest": 2,
        "Provenance": 2,
        "Questionnaire": 1,
        "QuestionnaireResponse": 2,
        "Observation": 2,
        "Consent": 1,
    }
    assert body["skipped"] == {"Organization": 1, "Practitioner": 3}
    second = exported(world, body["id"], world.brook)
    validate_each(second)
    for kind in READ_BACK:
        assert [without_ids(r) for r in of_type(second, kind)] == [
            without_ids(r) for r in of_type(first, kind)
        ], kind
    received = [without_ids(p) for p in of_type(first, "Provenance")]
    again = [without_ids(p) for p in of_type(second, "Provenance")]
    assert again[:-2] == received
    assert again[-2]["reason"] == [
        {"text": "received from Riverside Recovery: an outside plan, not approved here"}
    ]
    assert again[-1]["reason"] == [
        {
            "text": "received from Riverside Recovery: answered, scored or signed there, "
            "not in this program"
        }
    ]
    for provenance in of_type(second, "Provenance")[-2:]:
        (source,) = provenance["entity"]
        assert source["what"]["identifier"]["value"] == first["identifier"]["value"]
    assert second["meta"] == first["meta"]


def test_it_keeps_an_imported_plan_apart_from_clonacare_plans(world: World) -> None:
    full_record(world)
    first = exported(world, world.alex.pk, world.avery)
    response = ApiClient(world.brook).post(f"/programs/{world.northgate.pk}/fhir-import", first)
    patient_id = response.json()["id"]
    assert not Plan.objects.filter(patient_id=patient_id).exists()
    outside = OutsidePlan.objects.get(patient_id=patient_id)
    assert (outside.received_from, outside.imported_by) == ("Riverside Recovery", world.brook)
    # The sending program's staff are not this program's: their references keep only
    # the name.
    assert outside.care_plan["author"] == {"type": "Practitioner", "display": "Jordan Avery"}
