"""``GET /api/v1/patients/{id}/fhir``: the record as a FHIR R4B Bundle, every resource
valid under fhir.resources' R4B models, the Part 2 labels on the Bundle, the same
access rule as the record, audited as an export; counselling notes never in it, and
only in ``patient_bundle`` when the caller asks for them."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.exchange.bundle import patient_bundle
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.fhir_world import (
    LICENSED_ANSWERS,
    NOTE_TEXT,
    RECIPIENT,
    counts,
    full_record,
    of_type,
    resources,
    validate_each,
)

pytestmark = pytest.mark.django_db

PART2 = [
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
        "code": "R",
        "display": "restricted",
    },
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "code": "42CFRPart2",
        "display": "42 CFR Part2",
    },
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "code": "NORDSCLCD",
        "display": "no redisclosure without consent directive",
    },
]


@pytest.fixture
def bundle(world: World) -> dict[str, Any]:
    full_record(world)
    response = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/fhir")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    body: dict[str, Any] = response.json()
    return body


def test_it_answers_a_valid_r4b_bundle_with_the_part2_labels(bundle: dict[str, Any]) -> None:
    validate_each(bundle)
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    assert bundle["meta"]["security"] == PART2
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])


def test_it_holds_each_part_of_the_record(bundle: dict[str, Any]) -> None:
    assert counts(bundle) == {
        "Patient": 1,
        "Organization": 1,
        "Practitioner": 3,
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
    (patient,) = of_type(bundle, "Patient")
    assert (patient["name"], patient["birthDate"]) == (
        [{"family": "Morgan", "given": ["Alex"]}],
        patient["birthDate"],
    )
    assert sorted(p["name"][0]["text"] for p in of_type(bundle, "Practitioner")) == [
        "Jordan Avery",
        "kim",
        "lee",
    ]


def test_it_gives_the_plan_doses_with_event_timing_and_step_bounds(bundle: dict[str, Any]) -> None:
    by_drug = {
        r["medicationCodeableConcept"]["text"]: r for r in of_type(bundle, "MedicationRequest")
    }
    assert sorted(by_drug) == ["clonazepam", "diazepam"]
    first = by_drug["clonazepam"]["dosageInstruction"][:2]
    assert [d["timing"]["repeat"]["when"] for d in first] == [["MORN"], ["NIGHT"]]
    assert [d["doseAndRate"][0]["doseQuantity"]["value"] for d in first] == [0.5, 1.0]
    assert all(d["sequence"] == 1 for d in first)
    bounds = first[0]["timing"]["repeat"]["boundsPeriod"]
    assert bounds["start"] <= bounds["end"]
    (care_plan,) = of_type(bundle, "CarePlan")
    assert care_plan["status"] == "active"
    assert [a["reference"]["type"] for a in care_plan["activity"]] == ["MedicationRequest"] * 2
    assert [n["text"].split(":")[0] for n in care_plan["note"]][-1].startswith("Revision 2 on")
    assert care_plan["note"][-1]["text"].endswith("(Insomnia since the last cut)")
    reasons = sorted(p["reason"][0]["text"] for p in of_type(bundle, "Provenance"))
    assert reasons == ["approved", "revision 2: Pause"]


def test_it_derives_each_score_from_its_response_with_loinc(bundle: dict[str, Any]) -> None:
    responses = {r["questionnaire"]: r for r in of_type(bundle, "QuestionnaireResponse")}
    observations = of_type(bundle, "Observation")
    phq9 = next(o for o in observations if o["code"]["coding"][0]["system"] == "http://loinc.org")
    assert phq9["code"]["coding"][0]["code"] == "44261-6"
    assert (phq9["valueInteger"], phq9["interpretation"]) == (8, [{"text": "mild"}])
    assert phq9["derivedFrom"] == [
        {
            "reference": f"urn:uuid:{responses['urn:clonacare:questionnaire:phq9']['id']}",
            "type": "QuestionnaireResponse",
        }
    ]
    (questionnaire,) = of_type(bundle, "Questionnaire")
    assert questionnaire["url"] == "urn:clonacare:questionnaire:phq9"


def test_it_never_exports_a_licensed_instruments_wording(bundle: dict[str, Any]) -> None:
    isi = next(
        r for r in of_type(bundle, "QuestionnaireResponse") if r["questionnaire"].endswith(":isi")
    )
    assert isi["item"] == [
        {
            "linkId": item,
            "answer": [{"valueCoding": {"system": "urn:clonacare:instrument:isi", "code": code}}],
        }
        for item, code in LICENSED_ANSWERS.items()
    ]
    assert not any(q["url"].endswith(":isi") for q in of_type(bundle, "Questionnaire"))


def test_it_carries_the_consent_with_the_part2_policy(bundle: dict[str, Any]) -> None:
    (consent,) = of_type(bundle, "Consent")
    assert consent["status"] == "active"
    assert consent["policyRule"]["coding"][0]["code"] == "42CFRPart2"
    assert consent["provision"]["actor"][0]["reference"] == {"display": RECIPIENT}


def test_it_keeps_counselling_notes_out_unless_asked(world: World, bundle: dict[str, Any]) -> None:
    assert "DocumentReference" not in counts(bundle)
    with_notes = patient_bundle(world.alex, include_counselling_notes=True, now=timezone.now())
    (note,) = of_type(with_notes, "DocumentReference")
    assert base64.b64decode(note["content"][0]["attachment"]["data"]).decode() == NOTE_TEXT
    assert with_notes["meta"]["security"] == PART2
    validate_each(with_notes)


def test_it_audits_the_export(world: World, bundle: dict[str, Any]) -> None:
    event = AuditEvent.objects.filter(action="patient.fhir-export").get()
    assert (event.patient_id, event.actor_username) == (world.alex.pk, "avery")


def test_it_lets_the_patient_export_their_own_record(world: World) -> None:
    response = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/fhir")
    assert response.status_code == 200
    assert resources(response.json())[0]["resourceType"] == "Patient"


@pytest.mark.parametrize("who", ["brook", "casey_user", "lee"])
def test_it_answers_a_record_the_caller_may_not_see_as_missing(world: World, who: str) -> None:
    response = ApiClient(getattr(world, who)).get(f"/patients/{world.blair.pk}/fhir")
    assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})
    assert AuditEvent.objects.filter(action="patient.fhir-export.denied").count() == 1
