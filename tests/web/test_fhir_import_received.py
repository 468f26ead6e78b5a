"""What an import keeps as received: the scores another program's patient answered there
and the consents they gave there. Neither becomes this program's own record: a received
score is not a response answered here (no alert, chart or caseload reads it), and a
received consent covers none of this program's disclosures (42 CFR § 2.31 names the
program that may disclose)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from clonacare.assessments.actions import do_submit_response
from clonacare.assessments.models import InstrumentResponse, SafetyAlert
from clonacare.audit.log import Actor
from clonacare.exchange.models import ReceivedResource
from clonacare.patients.models import Consent, Disclosure, Patient
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.fhir_world import NOW, full_record, of_type, validate_each

pytestmark = pytest.mark.django_db


def tpo_consent(world: World) -> Consent:
    """A TPO consent to alex's treating providers, given to Riverside."""
    return Consent.objects.create(
        patient=world.alex,
        disclosing_program=world.riverside,
        kind="tpo",
        recipient_class="treating-providers",
        recipient="",
        purpose="Treatment, payment and health care operations",
        information="Taper plan, doses and assessments",
        expiry_event="The end of treatment",
        signed_by="Alex Morgan",
        signed_on=NOW.date() - dt.timedelta(days=5),
        created_by=world.avery,
    )


def imported(world: World) -> tuple[dict[str, Any], int]:
    """Alex's record exported by Riverside and imported by brook into Northgate: the
    first Bundle and the new patient's id."""
    full_record(world)
    tpo_consent(world)
    first = ApiClient(world.avery).get(f"/patients/{world.alex.pk}/fhir").json()
    response = ApiClient(world.brook).post(f"/programs/{world.northgate.pk}/fhir-import", first)
    assert response.status_code == 201, response.json()
    return first, int(response.json()["id"])


def brook(world: World) -> Actor:
    return Actor(world.brook.pk, "brook", "prescriber", world.northgate.pk, None, "")


def test_it_keeps_scores_and_consents_as_received(world: World) -> None:
    first, patient_id = imported(world)
    kept = ReceivedResource.objects.filter(patient_id=patient_id)
    assert [r.resource_type for r in kept] == [
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "QuestionnaireResponse",
        "Observation",
        "Consent",
        "Consent",
    ]
    assert {(r.received_from, r.imported_by) for r in kept} == {("Riverside Recovery", world.brook)}
    assert {r.source_bundle for r in kept} == {first["identifier"]["value"]}
    # The sender's program is not imported: the consent's reference to it keeps its name.
    consent = next(r.resource for r in kept if r.resource_type == "Consent")
    assert consent["organization"] == [{"type": "Organization", "display": "Riverside Recovery"}]


def test_a_received_score_is_not_a_response_answered_here(world: World) -> None:
    _, patient_id = imported(world)
    assert not InstrumentResponse.objects.filter(patient_id=patient_id).exists()
    assert not SafetyAlert.objects.filter(patient_id=patient_id).exists()
    # The API's list of a patient's instruments reads only responses answered here.
    responses = ApiClient(world.brook).get(f"/patients/{patient_id}/assessments")
    assert responses.status_code == 200
    assert responses.json()["count"] == 0


def test_a_received_consent_covers_no_disclosure_from_this_program(world: World) -> None:
    _, patient_id = imported(world)
    assert not Consent.objects.filter(patient_id=patient_id).exists()
    response = ApiClient(world.brook).post(
        f"/patients/{patient_id}/disclosures",
        {"recipient_class": "treating-providers", "recipient": "Dr. Lane"},
    )
    message = (
        "No consent in force covers a disclosure to my treating providers; nothing was disclosed."
    )
    assert (response.status_code, response.json()) == (409, {"detail": message})
    assert not Disclosure.objects.filter(patient_id=patient_id).exists()


def test_it_exports_them_again_with_a_provenance_for_the_import(world: World) -> None:
    first, patient_id = imported(world)
    second = ApiClient(world.brook).get(f"/patients/{patient_id}/fhir").json()
    validate_each(second)
    subject = of_type(second, "Patient")[0]["id"]
    for response in of_type(second, "QuestionnaireResponse") + of_type(second, "Observation"):
        assert response["subject"]["reference"] == f"urn:uuid:{subject}"
    (observation, _) = of_type(second, "Observation")
    derived = observation["derivedFrom"][0]["reference"]
    assert derived == f"urn:uuid:{of_type(second, 'QuestionnaireResponse')[0]['id']}"
    provenance = of_type(second, "Provenance")[-1]
    received = [
        r
        for kind in ("Questionnaire", "QuestionnaireResponse", "Observation", "Consent")
        for r in of_type(second, kind)
    ]
    assert sorted(t["reference"] for t in provenance["target"]) == sorted(
        f"urn:uuid:{r['id']}" for r in received
    )
    assert provenance["agent"] == [{"who": {"display": "Riverside Recovery"}}]
    assert {r["id"] for r in received}.isdisjoint(e["resource"]["id"] for e in first["entry"])


def test_a_received_questionnaire_is_sent_once_beside_one_answered_here(world: World) -> None:
    _, patient_id = imported(world)
    phq9 = {f"phq9-{n}": "0" for n in range(1, 10)}
    patient = Patient.objects.get(pk=patient_id)
    do_submit_response(brook(world), patient, "phq9", phq9, now=NOW)
    second = ApiClient(world.brook).get(f"/patients/{patient_id}/fhir").json()
    validate_each(second)
    assert [q["url"] for q in of_type(second, "Questionnaire")] == [
        of_type(second, "Questionnaire")[0]["url"]
    ]
    assert len(of_type(second, "QuestionnaireResponse")) == 3


def test_a_record_sent_on_again_keeps_every_provenance(world: World) -> None:
    _, patient_id = imported(world)
    second = ApiClient(world.brook).get(f"/patients/{patient_id}/fhir").json()
    response = ApiClient(world.avery).post(f"/programs/{world.riverside.pk}/fhir-import", second)
    assert response.status_code == 201, response.json()
    body = response.json()
    # The plan's approval and revision, its import at Northgate, and the import of the
    # scores and consents there: each kept with what it is about.
    assert body["imported"]["Provenance"] == 4
    assert set(body["skipped"]) == {"Organization", "Practitioner"}
    third = ApiClient(world.avery).get(f"/patients/{body['id']}/fhir").json()
    validate_each(third)
    reasons = [p["reason"][0]["text"] for p in of_type(third, "Provenance")]
    plan = "an outside plan, not approved here"
    scores = "answered, scored or signed there, not in this program"
    # Each import says who sent it: Riverside to Northgate, then Northgate back.
    assert reasons[2:] == [
        f"received from Riverside Recovery: {plan}",
        f"received from Northgate Clinic: {plan}",
        f"received from Riverside Recovery: {scores}",
        f"received from Northgate Clinic: {scores}",
    ]
