"""The pure FHIR R4B mapping of the record (clonacare.core.fhir.record): each resource
validated with fhir.resources' R4B models, the Part 2 labels, a taper plan's doses as
event timing within each step's bounds, and the errors a caller can meet."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from clonacare.core.errors import ClinicalError
from clonacare.core.fhir import record as fhir
from clonacare.core.instruments import instrument

NOW = dt.datetime(2027, 1, 20, 9, 30, tzinfo=dt.UTC)
SUBJECT = fhir.ref("Patient", fhir.resource_id("Patient", 1), "Alex Morgan")


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    """A plan from the taper command: clonazepam switched to diazepam, then cut."""
    run = subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "taper", "plan", "--drug", "clonazepam",
         "--dose", "morning=0.5", "--dose", "night=1", "--method", "bands",
         "--switch-to", "diazepam", "--start", "2027-01-04", "--format", "json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    document: dict[str, Any] = json.loads(run.stdout)
    return document


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def test_it_labels_a_bundle_for_part2() -> None:
    bundle = fhir.bundle([], identifier="riverside/1/now", timestamp=NOW)
    assert [(s["system"].rsplit("/", 1)[1], s["code"]) for s in bundle["meta"]["security"]] == [
        ("v3-Confidentiality", "R"),
        ("v3-ActCode", "42CFRPart2"),
        ("v3-ActCode", "NORDSCLCD"),
    ]
    valid(bundle)


def test_it_labels_each_bulk_line_and_keeps_its_other_meta() -> None:
    labelled = fhir.labelled(
        {"resourceType": "Patient", "id": "x", "meta": {"tag": [{"code": "t"}]}}
    )
    assert labelled["meta"]["tag"] == [{"code": "t"}]
    assert [s["code"] for s in labelled["meta"]["security"]] == ["R", "42CFRPart2", "NORDSCLCD"]


def test_it_gives_each_step_its_doses_at_their_times(plan: dict[str, Any]) -> None:
    request = valid(
        fhir.medication_request(
            "mr", subject=SUBJECT, plan=plan, drug="clonazepam", requester=None,
            authored_on=NOW, status="active", intent="order",
        )
    )  # fmt: skip
    first, second = request["dosageInstruction"][:2]
    assert first == {
        "text": "step 0 (start)",
        "sequence": 1,
        "timing": {
            "repeat": {
                "frequency": 1,
                "period": 1,
                "periodUnit": "d",
                "when": ["MORN"],
                "boundsPeriod": {"start": "2027-01-04", "end": "2027-01-10"},
            }
        },
        "doseAndRate": [
            {
                "doseQuantity": {
                    "value": 0.5,
                    "unit": "mg",
                    "system": "http://unitsofmeasure.org",
                    "code": "mg",
                }
            }
        ],
    }
    assert second["timing"]["repeat"]["when"] == ["NIGHT"]
    # The stop step (no days) has no dosage; diazepam's own request holds its steps.
    last = valid(
        fhir.medication_request(
            "mr2", subject=SUBJECT, plan=plan, drug="diazepam", requester=None,
            authored_on=NOW, status="active", intent="order",
        )
    )["dosageInstruction"][-1]  # fmt: skip
    assert last["timing"]["repeat"]["boundsPeriod"] == {"start": "2027-11-22", "end": "2027-12-05"}


def test_it_refuses_a_drug_the_plan_does_not_dose(plan: dict[str, Any]) -> None:
    with pytest.raises(ClinicalError, match=r"^The plan has no dose of lorazepam\.$"):
        fhir.medication_request(
            "mr", subject=SUBJECT, plan=plan, drug="lorazepam", requester=None,
            authored_on=NOW, status="active", intent="order",
        )  # fmt: skip


def test_it_lists_the_revisions_on_the_care_plan(plan: dict[str, Any]) -> None:
    care_plan = valid(
        fhir.care_plan(
            "cp", subject=SUBJECT, plan=plan, plan_identifier="riverside/1",
            requests=[fhir.ref("MedicationRequest", "mr")], author=None, created=NOW,
            status="active",
        )
    )  # fmt: skip
    assert care_plan["title"] == "clonazepam taper plan, switching to diazepam"
    assert care_plan["period"] == {"start": "2027-01-04", "end": "2027-12-06"}
    assert care_plan["note"] == [{"text": "Revision 1 on 2027-01-04: planned"}]


def test_it_codes_benzodiazepine_doses_with_event_timing() -> None:
    statement = valid(
        fhir.benzodiazepine_statement(
            "ms", subject=SUBJECT, drug="clonazepam",
            doses=[fhir.TimedDose("midday", 0.25), fhir.TimedDose("evening", 0.5)],
            since=dt.date(2024, 3, 1), ended_on=None, prescriber="Dr. Avery",
        )
    )  # fmt: skip
    assert statement["status"] == "active"
    assert [d["timing"]["repeat"]["when"] for d in statement["dosage"]] == [["NOON"], ["EVE"]]


def test_it_refuses_a_dose_time_it_does_not_know() -> None:
    with pytest.raises(ClinicalError, match=r"^'bedtime' is not a dose time\.$"):
        fhir.benzodiazepine_statement(
            "ms", subject=SUBJECT, drug="clonazepam", doses=[fhir.TimedDose("bedtime", 1.0)],
            since=dt.date(2024, 3, 1), ended_on=None, prescriber="",
        )  # fmt: skip


def test_it_exports_no_wording_without_the_definition() -> None:
    response = valid(
        fhir.questionnaire_response(
            "qr", instrument=None, instrument_id="isi", answers={"isi-1": "3"},
            complete=False, subject=SUBJECT, authored=NOW,
        )
    )  # fmt: skip
    assert response["item"] == [
        {
            "linkId": "isi-1",
            "answer": [{"valueCoding": {"system": "urn:clonacare:instrument:isi", "code": "3"}}],
        }
    ]


def test_it_gives_shipped_answers_their_wording() -> None:
    phq9 = instrument("phq9")
    response = valid(
        fhir.questionnaire_response(
            "qr", instrument=phq9, instrument_id="phq9", answers={"phq9-1": "2"},
            complete=False, subject=SUBJECT, authored=NOW,
        )
    )  # fmt: skip
    (item,) = response["item"]
    assert item["text"] == phq9.items[0].text
    assert item["answer"][0]["valueCoding"]["display"] == phq9.items[0].option("2").label  # type: ignore[union-attr]


def test_it_derives_a_score_from_its_response() -> None:
    observation = valid(
        fhir.score_observation(
            "ob", instrument_id="gad7", title="GAD-7", loinc_total="70274-6", total=12,
            band="moderate", subject=SUBJECT, effective=NOW,
            derived_from=fhir.ref("QuestionnaireResponse", "qr"),
        )
    )  # fmt: skip
    assert observation["derivedFrom"] == [
        {"reference": "urn:uuid:qr", "type": "QuestionnaireResponse"}
    ]
    assert observation["code"]["coding"][0] == {
        "system": "http://loinc.org", "code": "70274-6", "display": "GAD-7 total",
    }  # fmt: skip


def test_each_other_resource_is_valid_r4b() -> None:
    practitioner_ref = fhir.ref("Practitioner", "pr")
    for resource in [
        fhir.patient("p", given="Alex", family="Morgan", birth_date=dt.date(1990, 4, 2),
                     identifier_system="urn:clonacare:program:riverside:patient",
                     identifier="1", active=True),
        fhir.organization("o", name="Riverside Recovery", slug="riverside"),
        fhir.practitioner("pr", name="Jordan Avery", role="Prescriber"),
        fhir.condition("c", subject=SUBJECT, name="Insomnia", noted_on=dt.date(2024, 1, 2)),
        fhir.medication_statement("m", subject=SUBJECT, name="Sertraline", drug="", dose="50 mg",
                                  reason="anxiety", started_on=None, ended_on=dt.date(2025, 1, 1)),
        fhir.consent("co", patient_ref=SUBJECT, organization_ref=fhir.ref("Organization", "o"),
                     recipient="my treating providers", purpose="treatment",
                     information="the record", includes_counselling_notes=False,
                     signed_on=dt.date(2027, 1, 1), expires_on=None,
                     expiry_event="the end of treatment", active=True),
        fhir.provenance("pv", targets=[SUBJECT], recorded=NOW, agent=practitioner_ref,
                        activity="CREATE", reason="approved", source="riverside/1"),
        fhir.counselling_note("d", subject=SUBJECT, author=practitioner_ref, text="Note.",
                              written_at=NOW),
    ]:  # fmt: skip
        valid(resource)


def test_it_refuses_a_naive_time() -> None:
    with pytest.raises(ClinicalError, match=r"^recorded must be an aware datetime \(UTC\)\.$"):
        fhir.provenance(
            "pv", targets=[SUBJECT], recorded=dt.datetime(2027, 1, 1), agent=SUBJECT,  # noqa: DTZ001
            activity="CREATE",
        )  # fmt: skip
