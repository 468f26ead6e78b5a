"""A patient's record as FHIR R4B resources: pure mapping, no Django.

Each function takes plain values (what the record holds) and returns the resource as a
JSON-ready dict, after fhir.resources' R4B model has validated it (a mapping mistake is
an error here, not a file another system rejects). References between resources are
``urn:uuid:`` URLs made by :func:`resource_id`, so a Bundle is self-contained.

This module holds the people, conditions, scores, consents and provenance; medications
and plans are in ``medication``, ids, references, the Bundle and its Part 2 labels in
``common``; all are importable from here. Codes: HL7 v3 and FHIR code systems, LOINC
where the clinical reference gives a code, ``urn:clonacare:*`` systems for what has no
standard code in our sources. Conditions are text only: the reference gives no SNOMED
or ICD codes (docs/fhir.md, "Not mapped").
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.provenance import Provenance
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from clonacare.core.fhir.codes import LOINC_SYSTEM, OBSERVATION_CATEGORY_SYSTEM, check_codes
from clonacare.core.fhir.common import (
    ACT_CODE_SYSTEM,
    BUNDLE_IDENTIFIER_SYSTEM,
    CONFIDENTIALITY_SYSTEM,
    PART2_SECURITY,
    aware,
    bundle,
    labelled,
    ref,
    resource_id,
    validated,
)
from clonacare.core.fhir.medication import (
    DOSE_TIME_OF_EVENT,
    DRUG_SYSTEM,
    EVENT_TIMING,
    PLAN_IDENTIFIER_SYSTEM,
    UCUM_SYSTEM,
    TimedDose,
    benzodiazepine_statement,
    care_plan,
    medication_request,
    medication_statement,
    plan_drugs,
)
from clonacare.core.fhir.resources import CODE_SYSTEM_BASE, SCORE_SYSTEM
from clonacare.core.instruments import Instrument

__all__ = [
    "ACT_CODE_SYSTEM",
    "BUNDLE_IDENTIFIER_SYSTEM",
    "CODE_SYSTEM_BASE",
    "CONDITION_CLINICAL_SYSTEM",
    "CONFIDENTIALITY_SYSTEM",
    "CONSENT_SCOPE_SYSTEM",
    "DOSE_TIME_OF_EVENT",
    "DRUG_SYSTEM",
    "EVENT_TIMING",
    "PART2_SECURITY",
    "PLAN_IDENTIFIER_SYSTEM",
    "PROVENANCE_ACTIVITY_SYSTEM",
    "UCUM_SYSTEM",
    "TimedDose",
    "benzodiazepine_statement",
    "bundle",
    "care_plan",
    "condition",
    "consent",
    "counselling_note",
    "labelled",
    "medication_request",
    "medication_statement",
    "organization",
    "patient",
    "plan_drugs",
    "practitioner",
    "provenance",
    "questionnaire_response",
    "ref",
    "resource_id",
    "score_observation",
]

CONDITION_CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONSENT_SCOPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/consentscope"
PROVENANCE_ACTIVITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"


def patient(
    rid: str,
    *,
    given: str,
    family: str,
    birth_date: dt.date,
    identifier_system: str,
    identifier: str,
    active: bool,
) -> dict[str, Any]:
    """The Patient: name, birth date, the program's record number as its identifier."""
    return validated(
        Patient,
        {
            "resourceType": "Patient",
            "id": rid,
            "identifier": [{"system": identifier_system, "value": identifier}],
            "active": active,
            "name": [{"family": family, "given": [given]}],
            "birthDate": birth_date.isoformat(),
        },
    )


def organization(rid: str, *, name: str, slug: str) -> dict[str, Any]:
    """The treatment program as an Organization, identified by its slug."""
    return validated(
        Organization,
        {
            "resourceType": "Organization",
            "id": rid,
            "identifier": [{"system": f"{CODE_SYSTEM_BASE}:program", "value": slug}],
            "active": True,
            "name": name,
        },
    )


def practitioner(rid: str, *, name: str, role: str) -> dict[str, Any]:
    """A member of the care team; ``role`` (prescriber, nurse...) as the qualification."""
    return validated(
        Practitioner,
        {
            "resourceType": "Practitioner",
            "id": rid,
            "active": True,
            "name": [{"text": name}],
            "qualification": [{"code": {"text": role}}],
        },
    )


def condition(
    rid: str, *, subject: Mapping[str, str], name: str, noted_on: dt.date
) -> dict[str, Any]:
    """A condition on the record, by its name (no standard code: see the module note)."""
    return validated(
        Condition,
        {
            "resourceType": "Condition",
            "id": rid,
            "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL_SYSTEM, "code": "active"}]},
            "code": {"text": name},
            "subject": dict(subject),
            "recordedDate": noted_on.isoformat(),
        },
    )


def questionnaire_response(
    rid: str,
    *,
    instrument: Instrument | None,
    instrument_id: str,
    answers: Mapping[str, Any],
    complete: bool,
    subject: Mapping[str, str],
    authored: dt.datetime,
) -> dict[str, Any]:
    """A stored response: each answer as a coding of the instrument's answer system.

    ``instrument`` is the shipped definition, or None for a licensed instrument: then
    no wording is exported (no item text, no answer display), only item ids and codes.
    An answer that is not an option code (an alias) is given as the option it names.
    """
    system = f"{CODE_SYSTEM_BASE}:instrument:{instrument_id}"
    items: list[dict[str, Any]] = []
    for item_id, given in answers.items():
        if given is None:
            continue
        entry: dict[str, Any] = {"linkId": item_id}
        coding: dict[str, Any] = {"system": system, "code": str(given)}
        if instrument is not None:
            item = next((i for i in instrument.items if i.id == item_id), None)
            option = item.option(str(given)) if item is not None else None
            if item is not None:
                entry["text"] = item.text
            if option is not None:
                coding = {"system": system, "code": option.code, "display": option.label}
        entry["answer"] = [{"valueCoding": coding}]
        items.append(entry)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": rid,
        "questionnaire": f"{CODE_SYSTEM_BASE}:questionnaire:{instrument_id}",
        "status": "completed" if complete else "in-progress",
        "subject": dict(subject),
        "authored": aware(authored, "authored"),
        "item": items,
    }
    check_codes(resource)
    return validated(QuestionnaireResponse, resource)


def score_observation(
    rid: str,
    *,
    instrument_id: str,
    title: str,
    loinc_total: str | None,
    total: int | None,
    band: str,
    subject: Mapping[str, str],
    effective: dt.datetime,
    derived_from: Mapping[str, str],
) -> dict[str, Any]:
    """A stored score as an Observation ``derivedFrom`` its QuestionnaireResponse: the
    LOINC total code where the reference gives one, else our score system; the total as
    ``valueInteger`` (a classification's result as ``valueString``), the band as text."""
    if loinc_total:
        coding = {"system": LOINC_SYSTEM, "code": loinc_total}
    else:
        coding = {"system": SCORE_SYSTEM, "code": instrument_id}
    what = "total" if total is not None else "result"
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY_SYSTEM, "code": "survey"}]}],
        "code": {"coding": [{**coding, "display": f"{title} {what}"}]},
        "subject": dict(subject),
        "effectiveDateTime": aware(effective, "effective"),
        "derivedFrom": [dict(derived_from)],
    }
    if total is not None:
        resource["valueInteger"] = total
        if band:
            resource["interpretation"] = [{"text": band}]
    else:
        resource["valueString"] = band
    check_codes(resource)
    return validated(Observation, resource)


def consent(
    rid: str,
    *,
    patient_ref: Mapping[str, str],
    organization_ref: Mapping[str, str],
    recipient: str,
    purpose: str,
    information: str,
    includes_counselling_notes: bool,
    signed_on: dt.date,
    expires_on: dt.date | None,
    expiry_event: str,
    active: bool,
) -> dict[str, Any]:
    """A Part 2 consent to disclose: scope ``patient-privacy``, category IDSCL
    (information disclosure), the 42CFRPart2 policy rule, and a ``permit`` provision for
    the recipient, the purpose and the information, until its expiry date."""
    provision: dict[str, Any] = {
        "type": "permit",
        "actor": [
            {
                "role": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                            "code": "IRCP",
                        }
                    ]
                },
                "reference": {"display": recipient},
            }
        ],
        "purpose": [
            {"system": f"{CODE_SYSTEM_BASE}:consent-purpose", "code": "stated", "display": purpose}
        ],
    }
    if expires_on is not None:
        provision["period"] = {"start": signed_on.isoformat(), "end": expires_on.isoformat()}
    notes = [f"Information: {information}"]
    if includes_counselling_notes:
        notes.append("Includes SUD counselling notes.")
    if expiry_event:
        notes.append(f"Expires on: {expiry_event}")
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": rid,
        "status": "active" if active else "inactive",
        "scope": {"coding": [{"system": CONSENT_SCOPE_SYSTEM, "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": ACT_CODE_SYSTEM, "code": "IDSCL"}]}],
        "patient": dict(patient_ref),
        "dateTime": dt.datetime.combine(signed_on, dt.time(), dt.UTC).isoformat(),
        "organization": [dict(organization_ref)],
        "policyRule": {"coding": [{"system": ACT_CODE_SYSTEM, "code": "42CFRPart2"}]},
        "provision": provision,
        "sourceAttachment": {"contentType": "text/plain", "title": "; ".join(notes)},
    }
    return validated(Consent, resource)


def counselling_note(
    rid: str,
    *,
    subject: Mapping[str, str],
    author: Mapping[str, str],
    text: str,
    written_at: dt.datetime,
) -> dict[str, Any]:
    """An SUD counselling note as a DocumentReference (only with its own consent)."""
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "id": rid,
        "status": "current",
        "type": {"text": "SUD counselling note"},
        "subject": dict(subject),
        "date": aware(written_at, "written_at"),
        "author": [dict(author)],
        "content": [
            {
                "attachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "data": base64.b64encode(text.encode()).decode(),
                }
            }
        ],
    }
    return validated(DocumentReference, resource)


def provenance(
    rid: str,
    *,
    targets: Iterable[Mapping[str, str]],
    recorded: dt.datetime,
    agent: Mapping[str, str],
    activity: str,
    reason: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """Who made the targets and when: ``activity`` an HL7 v3 DataOperation code
    (CREATE for an approval or a revision made here, APPEND for a plan received from
    another program); ``source`` the received Bundle's identifier, for an import."""
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "id": rid,
        "target": [dict(t) for t in targets],
        "recorded": aware(recorded, "recorded"),
        "activity": {"coding": [{"system": PROVENANCE_ACTIVITY_SYSTEM, "code": activity}]},
        "agent": [{"who": dict(agent)}],
    }
    if reason:
        resource["reason"] = [{"text": reason}]
    if source:
        resource["entity"] = [
            {
                "role": "source",
                "what": {"identifier": {"system": BUNDLE_IDENTIFIER_SYSTEM, "value": source}},
            }
        ]
    return validated(Provenance, resource)
