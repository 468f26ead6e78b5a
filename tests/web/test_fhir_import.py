"""``POST /api/v1/programs/{id}/fhir-import``: who may import, and every bad Bundle
refused with its reason and nothing written (one transaction)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from clonacare.audit.models import AuditEvent
from clonacare.exchange.models import OutsidePlan
from clonacare.patients.models import BenzodiazepineUse, Condition, Medication, Patient
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.fhir_world import full_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world: World) -> dict[str, Any]:
    """Alex's record as Riverside exports it."""
    full_record(world)
    body: dict[str, Any] = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/fhir").json()
    return body


def post(who: Any, program_id: int, body: Any) -> tuple[int, Any]:
    response = ApiClient(who).post(f"/programs/{program_id}/fhir-import", body)
    return response.status_code, response.json()


def entries(body: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == kind]


def nothing_written(world: World) -> None:
    assert Patient.objects.filter(program=world.northgate).count() == 1  # casey only
    assert not OutsidePlan.objects.exists()
    assert not AuditEvent.objects.filter(action="exchange.fhir-import").exists()


def test_it_creates_the_patient_in_the_program_and_audits_it(
    world: World, sent: dict[str, Any]
) -> None:
    status, body = post(world.brook, world.northgate.pk, sent)
    assert status == 201
    patient = Patient.objects.get(pk=body["id"])
    assert (patient.program, patient.full_name, patient.date_of_birth) == (
        world.northgate,
        "Alex Morgan",
        world.alex.date_of_birth,
    )
    assert list(patient.care_team.values_list("user__username", flat=True)) == ["brook"]
    use = BenzodiazepineUse.objects.get(patient=patient)
    assert (use.drug, use.morning_mg, use.night_mg, use.ended_on) == ("clonazepam", 0.5, 1, None)
    assert Medication.objects.get(patient=patient).name == "Sertraline"
    assert Condition.objects.get(patient=patient).name == "Generalised anxiety disorder"
    event = AuditEvent.objects.get(action="exchange.fhir-import")
    assert (event.patient_id, event.actor_username) == (patient.pk, "brook")
    assert event.detail["received_from"] == "Riverside Recovery"


def test_it_refuses_staff_who_do_not_register_patients(world: World, sent: dict[str, Any]) -> None:
    assert post(world.kim, world.riverside.pk, sent) == (
        403,
        {"detail": "Only a program admin or a prescriber of the program imports a record."},
    )


@pytest.mark.parametrize("who", ["avery", "alex_user"])
def test_it_answers_another_program_as_missing(
    world: World, sent: dict[str, Any], who: str
) -> None:
    assert post(getattr(world, who), world.northgate.pk, sent) == (
        404,
        {"detail": "Program not found."},
    )
    nothing_written(world)


def test_it_refuses_a_body_that_is_not_a_bundle(world: World) -> None:
    assert post(world.brook, world.northgate.pk, {"resourceType": "Patient"}) == (
        400,
        {"detail": "Expected a FHIR Bundle; got resourceType 'Patient'."},
    )
    nothing_written(world)


def test_it_refuses_an_invalid_bundle_naming_the_element(world: World) -> None:
    status, body = post(
        world.brook,
        world.northgate.pk,
        {"resourceType": "Bundle", "type": "collection", "timestamp": "yesterday"},
    )
    assert status == 400
    assert body["detail"].startswith("The Bundle is not valid FHIR R4B: timestamp: ")


def test_it_refuses_an_invalid_resource_naming_its_entry(
    world: World, sent: dict[str, Any]
) -> None:
    broken = copy.deepcopy(sent)
    entries(broken, "Patient")[0]["birthDate"] = "not a date"
    status, body = post(world.brook, world.northgate.pk, broken)
    assert status == 400, body
    assert body["detail"].startswith("The Bundle is not valid FHIR R4B: entry.0.resource.birthDate")
    nothing_written(world)


def test_it_refuses_a_bundle_without_a_patient(world: World, sent: dict[str, Any]) -> None:
    broken = copy.deepcopy(sent)
    broken["entry"] = [e for e in broken["entry"] if e["resource"]["resourceType"] != "Patient"]
    assert post(world.brook, world.northgate.pk, broken) == (
        422,
        {"detail": "The Bundle holds no Patient; a record needs one.", "code": "fhir-import"},
    )
    nothing_written(world)


def test_it_refuses_a_bundle_of_two_patients(world: World, sent: dict[str, Any]) -> None:
    broken = copy.deepcopy(sent)
    broken["entry"].append(copy.deepcopy(broken["entry"][0]))
    assert post(world.brook, world.northgate.pk, broken) == (
        422,
        {
            "detail": "The Bundle holds 2 Patients; import one patient's record at a time.",
            "code": "fhir-import",
        },
    )


def test_it_refuses_a_benzodiazepine_dose_at_no_dose_time(
    world: World, sent: dict[str, Any]
) -> None:
    broken = copy.deepcopy(sent)
    statement = next(
        r
        for r in entries(broken, "MedicationStatement")
        if r.get("category", {}).get("text") == "benzodiazepine"
    )
    statement["dosage"][0]["timing"]["repeat"]["when"] = ["AC"]
    index = broken["entry"].index({"fullUrl": f"urn:uuid:{statement['id']}", "resource": statement})
    assert post(world.brook, world.northgate.pk, broken) == (
        422,
        {
            "detail": f"MedicationStatement {index} (clonazepam): each dosage needs one "
            "timing.repeat.when of EVE, MORN, NIGHT, NOON.",
            "code": "fhir-import",
        },
    )
    nothing_written(world)


def test_it_writes_nothing_when_a_late_part_is_unreadable(
    world: World, sent: dict[str, Any]
) -> None:
    """The Patient and the statements are fine; the CarePlan names an activity that is
    not in the Bundle: refused whole."""
    broken = copy.deepcopy(sent)
    entries(broken, "CarePlan")[0]["activity"][0]["reference"]["reference"] = "urn:uuid:nowhere"
    status, body = post(world.brook, world.northgate.pk, broken)
    assert status == 422
    assert body["detail"].endswith(
        "lists an activity that is not a MedicationRequest of the Bundle."
    )
    nothing_written(world)
    assert not Condition.objects.filter(patient__program=world.northgate).exists()


def test_it_refuses_a_body_that_is_not_json(world: World) -> None:
    response = ApiClient(world.brook).client.post(
        f"/api/v1/programs/{world.northgate.pk}/fhir-import",
        "{not json",
        content_type="application/json",
        headers=ApiClient(world.brook).headers,
    )
    assert response.status_code == 400


DRUGS = "urn:clonacare:drug"


def other_systems_bundle() -> dict[str, Any]:
    """A small Bundle as another FHIR server sends it: RESTful full URLs and relative
    references, a diazepam use at night, and a plan of one drug."""
    base = "https://fhir.eastside.example/r4"
    resources: list[dict[str, Any]] = [
        {"resourceType": "Patient", "id": "p1", "name": [{"family": "Reyes", "given": ["Sam"]}],
         "birthDate": "1979-02-14"},
        {"resourceType": "MedicationStatement", "id": "ms1", "status": "active",
         "medicationCodeableConcept": {"coding": [{"system": DRUGS, "code": "diazepam"}]},
         "subject": {"reference": "Patient/p1"}, "effectivePeriod": {"start": "2025-06-01"},
         "dosage": [{"timing": {"repeat": {"when": ["NIGHT"]}},
                     "doseAndRate": [{"doseQuantity": {"value": 5, "unit": "mg"}}]}]},
        {"resourceType": "CarePlan", "id": "cp1", "status": "active", "intent": "plan",
         "subject": {"reference": "Patient/p1"},
         "activity": [{"reference": {"reference": "MedicationRequest/mr1"}}]},
        {"resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order",
         "medicationCodeableConcept": {"text": "diazepam"}, "subject": {"reference": "Patient/p1"},
         "basedOn": [{"reference": "CarePlan/cp1"}],
         "requester": {"reference": "Practitioner/dr9", "display": "Dr. Ng"}},
    ]  # fmt: skip
    return {
        "resourceType": "Bundle",
        "id": "eastside-42",
        "type": "collection",
        "entry": [
            {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }


def test_it_reads_another_servers_relative_references(world: World) -> None:
    status, body = post(world.brook, world.northgate.pk, other_systems_bundle())
    assert status == 201, body
    assert body["imported"] == {
        "Patient": 1, "MedicationStatement": 1, "CarePlan": 1, "MedicationRequest": 1,
    }  # fmt: skip
    use = BenzodiazepineUse.objects.get(patient_id=body["id"])
    assert (use.drug, use.night_mg, use.since.isoformat()) == ("diazepam", 5, "2025-06-01")
    again = ApiClient(world.brook).get(f"/patients/{body['id']}/fhir").json()
    urls = {e["fullUrl"] for e in again["entry"]}
    (care_plan,) = entries(again, "CarePlan")
    (request,) = entries(again, "MedicationRequest")
    assert care_plan["activity"][0]["reference"]["reference"] == f"urn:uuid:{request['id']}"
    assert request["basedOn"][0]["reference"] in urls
    assert care_plan["subject"]["reference"] in urls
    assert request["requester"] == {"display": "Dr. Ng"}
    (imported,) = entries(again, "Provenance")
    assert imported["entity"][0]["what"]["identifier"]["value"] == "eastside-42"
    assert imported["agent"] == [{"who": {"display": "another program"}}]


def test_it_refuses_a_name_longer_than_the_record_keeps(world: World) -> None:
    sent = other_systems_bundle()
    sent["entry"][0]["resource"]["name"][0]["family"] = "R" * 81
    assert post(world.brook, world.northgate.pk, sent) == (
        422,
        {
            "detail": "The Patient's family name is longer than the record keeps (80 characters).",
            "code": "fhir-import",
        },
    )
    nothing_written(world)


def test_it_refuses_a_dose_finer_than_the_record_keeps(world: World) -> None:
    sent = other_systems_bundle()
    sent["entry"][1]["resource"]["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 0.0625
    assert post(world.brook, world.northgate.pk, sent) == (
        422,
        {
            "detail": "MedicationStatement 1 (diazepam): a dose must be more than 0 mg and "
            "less than 10000 mg, to 0.001 mg at most.",
            "code": "fhir-import",
        },
    )
    nothing_written(world)
