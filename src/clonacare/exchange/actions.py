"""The write of the record exchange: a FHIR Bundle another program sent, read back into
a new patient record in one transaction (``do_import_fhir_bundle``).

What is read (docs/fhir.md, "Import"): the one Patient; Conditions; MedicationStatements
(a benzodiazepine Clonacare knows becomes a benzodiazepine use, anything else another
medication); each CarePlan with the MedicationRequests it lists as activities and the
Provenance about them, kept as an outside plan (never a Clonacare plan); Questionnaires,
QuestionnaireResponses, Observations and Consents (with the Provenance about them) kept
as received (``ReceivedResource``): scores answered and consents given in the sending
program, never read as answered or signed here. Everything else is counted as skipped.
A Bundle that cannot be read refuses the whole import, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from clonacare.accounts.models import Program, Role
from clonacare.audit.log import Actor, record
from clonacare.core.drugs import known_drugs
from clonacare.core.drugs.co_medications import co_medications
from clonacare.core.errors import ClinicalError
from clonacare.core.fhir import record as fhir
from clonacare.exchange.models import OutsidePlan, ReceivedResource
from clonacare.patients.access import may_register_patients
from clonacare.patients.models import (
    DOSE_TIMES,
    BenzodiazepineUse,
    CareTeamMember,
    Condition,
    Medication,
    Patient,
)

IMPORT_ACTION = "exchange.fhir-import"
# The audit actor of `clonacare import fhir`: the operator of the installation, who runs
# it on the server itself (as `clonacare demo`), acting for the program named.
COMMAND_LINE_ROLE = "command-line"
# What the record's dose fields hold (patients.models.BenzodiazepineUse: 7 digits, 3 of
# them decimals): a storage bound, not a clinical one.
MG_LIMIT = Decimal(10000)
MG_STEP = Decimal("0.001")
# Kept as received, never read into this program's records (docs/fhir.md, "Import").
RECEIVED_TYPES = frozenset({"Questionnaire", "QuestionnaireResponse", "Observation", "Consent"})
NOT_ALLOWED = "Only a program admin or a prescriber of the program imports a record."


def command_line_actor(program: Program) -> Actor:
    return Actor(None, "clonacare", COMMAND_LINE_ROLE, program.pk, None, "clonacare import fhir")


def _invalid(message: str) -> ClinicalError:
    return ClinicalError("fhir-bundle", message)


def _unreadable(message: str) -> ClinicalError:
    return ClinicalError("fhir-import", message)


@dataclass(frozen=True)
class ImportResult:
    """The new patient, and how many resources of each type were read or skipped."""

    patient: Patient
    imported: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or "(the resource)"
    return f"{where}: {error['msg']}"


def checked_bundle(body: Any) -> dict[str, Any]:
    """``body`` when it is a FHIR R4B Bundle whose every resource is valid; else
    ClinicalError("fhir-bundle") saying what is wrong (the first error found)."""
    if not isinstance(body, Mapping) or body.get("resourceType") != "Bundle":
        kind = body.get("resourceType") if isinstance(body, Mapping) else type(body).__name__
        raise _invalid(f"Expected a FHIR Bundle; got resourceType {kind!r}.")
    try:
        get_fhir_model_class("Bundle").model_validate_json(json.dumps(body))
    except ValidationError as exc:
        raise _invalid(f"The Bundle is not valid FHIR R4B: {_first_error(exc)}") from None
    for n, entry in enumerate(body.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or "resourceType" not in resource:
            raise _invalid(f"Bundle entry {n} has no resource.")
        kind = str(resource["resourceType"])
        try:
            model = get_fhir_model_class(kind)
        except KeyError:
            raise _invalid(f"Bundle entry {n}: {kind!r} is not a FHIR R4B resource type.") from None
        try:
            model.model_validate(resource)
        except ValidationError as exc:
            raise _invalid(f"Bundle entry {n} ({kind}) is not valid: {_first_error(exc)}") from None
    return dict(body)


def _fits(text: str, limit: int, what: str) -> str:
    """``text`` when it fits the record's field of ``limit`` characters; else refused,
    never cut short (a name or dose cut short is a different one)."""
    if len(text) > limit:
        raise _unreadable(f"{what} is longer than the record keeps ({limit} characters).")
    return text


def _key(reference: Any) -> str | None:
    if isinstance(reference, Mapping) and isinstance(reference.get("reference"), str):
        text: str = reference["reference"]
        return text.removeprefix("urn:uuid:").split("/")[-1]
    return None


def _date(text: Any, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        raise _unreadable(f"{what} is not a date: {text!r}.") from None


def _concept_text(concept: Mapping[str, Any]) -> str:
    coding = concept.get("coding") or [{}]
    return str(concept.get("text") or coding[0].get("display") or coding[0].get("code") or "")


def _drug_code(concept: Mapping[str, Any]) -> str:
    for coding in concept.get("coding") or []:
        if coding.get("system") == fhir.DRUG_SYSTEM:
            return str(coding.get("code", ""))
    return ""


def _patient(resources: list[dict[str, Any]]) -> dict[str, Any]:
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    if not patients:
        raise _unreadable("The Bundle holds no Patient; a record needs one.")
    if len(patients) > 1:
        raise _unreadable(
            f"The Bundle holds {len(patients)} Patients; import one patient's record at a time."
        )
    found = patients[0]
    name = (found.get("name") or [{}])[0]
    if not name.get("family") or not name.get("given"):
        raise _unreadable("The Patient needs a family name and a given name.")
    if not found.get("birthDate"):
        raise _unreadable("The Patient has no birth date.")
    return found


def _benzodiazepine(statement: Mapping[str, Any], n: int) -> BenzodiazepineUse:
    drug = _drug_code(statement["medicationCodeableConcept"])
    what = f"MedicationStatement {n} ({drug})"
    since = (statement.get("effectivePeriod") or {}).get("start")
    if since is None:
        raise _unreadable(f"{what} has no start date (effectivePeriod.start).")
    ended = (statement.get("effectivePeriod") or {}).get("end")
    use = BenzodiazepineUse(
        drug=drug,
        since=_date(since, f"{what} start"),
        ended_on=_date(ended, f"{what} end") if ended else None,
        prescriber_name=_fits(
            str((statement.get("informationSource") or {}).get("display", "")),
            120,
            f"{what}: the prescriber",
        ),
    )
    timed: set[str] = set()
    for dosage in statement.get("dosage") or []:
        when = ((dosage.get("timing") or {}).get("repeat") or {}).get("when") or []
        quantity = ((dosage.get("doseAndRate") or [{}])[0]).get("doseQuantity") or {}
        if len(when) != 1 or when[0] not in fhir.DOSE_TIME_OF_EVENT:
            codes = ", ".join(sorted(fhir.DOSE_TIME_OF_EVENT))
            raise _unreadable(f"{what}: each dosage needs one timing.repeat.when of {codes}.")
        if quantity.get("code", quantity.get("unit")) != "mg":
            raise _unreadable(f"{what}: each dose must be in mg.")
        try:
            mg = Decimal(str(quantity.get("value")))
        except InvalidOperation:
            raise _unreadable(f"{what}: a dose has no amount.") from None
        if mg <= 0 or mg >= MG_LIMIT or mg != mg.quantize(MG_STEP):
            raise _unreadable(
                f"{what}: a dose must be more than 0 mg and less than {MG_LIMIT} mg, "
                f"to {MG_STEP} mg at most."
            )
        time = fhir.DOSE_TIME_OF_EVENT[when[0]]
        if time in timed:
            raise _unreadable(f"{what} has two doses at {when[0]}; send one a day per time.")
        timed.add(time)
        setattr(use, f"{time}_mg", mg)
    if not any(getattr(use, f"{t}_mg") for t in DOSE_TIMES):
        raise _unreadable(f"{what} has no dose at a dose time.")
    return use


def _medication(statement: Mapping[str, Any], n: int) -> Medication:
    concept = statement["medicationCodeableConcept"]
    name = _concept_text(concept)
    if not name:
        raise _unreadable(f"MedicationStatement {n} names no medication.")
    drug = _drug_code(concept)
    period = statement.get("effectivePeriod") or {}
    what = f"MedicationStatement {n}"
    return Medication(
        name=_fits(name, 120, f"{what}: the name"),
        drug=drug if drug in co_medications().drug_ids() else "",
        dose=_fits(
            str(((statement.get("dosage") or [{}])[0]).get("text", "")), 120, f"{what}: the dose"
        ),
        reason=_fits(
            _concept_text((statement.get("reasonCode") or [{}])[0]), 120, f"{what}: the reason"
        ),
        started_on=_date(period["start"], f"{what} start") if period.get("start") else None,
        ended_on=_date(period["end"], f"{what} end") if period.get("end") else None,
    )


def _unlinked(node: Any, keep: set[str]) -> Any:
    """``node`` with every reference to a resource not in ``keep`` reduced to its type
    and display: the record it named (a practitioner, an organization) was not imported."""
    if isinstance(node, dict):
        out = {k: _unlinked(v, keep) for k, v in node.items()}
        key = _key(out)
        if key is not None and key not in keep:
            del out["reference"]
            out.setdefault("display", f"{out.get('type', 'resource')} not imported")
        return out
    if isinstance(node, list):
        return [_unlinked(v, keep) for v in node]
    return node


def _outside_plans(
    resources: list[dict[str, Any]], patient_key: str
) -> tuple[list[dict[str, Any]], set[str]]:
    """Each CarePlan with its MedicationRequests and Provenance (as OutsidePlan fields),
    and the ids of the resources they took."""
    by_id = {r.get("id"): r for r in resources}
    plans: list[dict[str, Any]] = []
    taken: set[str] = set()
    for care_plan in (r for r in resources if r["resourceType"] == "CarePlan"):
        requests = []
        for activity in care_plan.get("activity") or []:
            key = _key(activity.get("reference"))
            if key is None:
                continue
            request = by_id.get(key)
            if request is None or request["resourceType"] != "MedicationRequest":
                raise _unreadable(
                    f"CarePlan {care_plan.get('id')} lists an activity that is not a "
                    "MedicationRequest of the Bundle."
                )
            requests.append(request)
        ids = {str(care_plan["id"]), *(str(r["id"]) for r in requests)}
        provenance = [
            r
            for r in resources
            if r["resourceType"] == "Provenance" and {_key(t) for t in r.get("target") or []} <= ids
        ]
        keep = ids | {str(p["id"]) for p in provenance} | {patient_key}
        plans.append(
            {
                "care_plan": _unlinked(care_plan, keep),
                "medication_requests": [_unlinked(r, keep) for r in requests],
                "provenance": [_unlinked(p, keep) for p in provenance],
            }
        )
        taken |= keep - {patient_key}
    return plans, taken


def _received(
    resources: list[dict[str, Any]], patient_key: str, taken: set[str]
) -> tuple[list[dict[str, Any]], set[str]]:
    """The questionnaires, responses, scores and consents, and the Provenance about them
    only, as ``ReceivedResource`` contents (references to what was not imported reduced
    to their display); and the ids of the resources they took."""
    chosen = [r for r in resources if r["resourceType"] in RECEIVED_TYPES]
    ids = {str(r["id"]) for r in chosen}
    provenance = [
        r
        for r in resources
        if r["resourceType"] == "Provenance"
        and str(r.get("id")) not in taken
        and r.get("target")
        and {_key(t) for t in r["target"]} <= ids
    ]
    keep = ids | {str(p["id"]) for p in provenance} | {patient_key}
    return [_unlinked(r, keep) for r in [*chosen, *provenance]], keep - {patient_key}


def _received_from(resources: list[dict[str, Any]], patient: Mapping[str, Any]) -> str:
    wanted = _key(patient.get("managingOrganization"))
    organizations = [r for r in resources if r["resourceType"] == "Organization"]
    chosen = next((o for o in organizations if o.get("id") == wanted), None)
    chosen = chosen or next(iter(organizations), None)
    if chosen is not None and chosen.get("name"):
        return str(chosen["name"])[:200]
    return str((patient.get("managingOrganization") or {}).get("display") or "another program")[
        :200
    ]


def do_import_fhir_bundle(
    actor: Actor, program: Program, body: Any, *, now: dt.datetime
) -> ImportResult:
    """Read ``body`` (a FHIR R4B Bundle as JSON) into a new patient of ``program``.

    Who: a program admin or prescriber of ``program`` (a prescriber joins the new
    patient's care team), or the command line (``command_line_actor``); anyone else
    ``not-allowed``. Refused, writing nothing: ``fhir-bundle`` (400) for a body that is
    not a valid R4B Bundle; ``fhir-import`` (422) for one that cannot be read into a
    record (no Patient or more than one, a name or birth date missing, a benzodiazepine
    statement without a start date or a dose at a dose time, two current uses of one
    drug, a CarePlan activity that is not a MedicationRequest of the Bundle). Scores
    and consents are kept as received (``ReceivedResource``), never as answered or
    signed here. The import is audited as ``exchange.fhir-import`` with the counts.
    """
    command_line = actor.role == COMMAND_LINE_ROLE and actor.user_id is None
    if actor.program_id != program.pk or not (command_line or may_register_patients(actor)):
        raise ClinicalError("not-allowed", NOT_ALLOWED)
    bundle = checked_bundle(body)
    resources = [dict(e["resource"]) for e in bundle.get("entry") or []]
    found = _patient(resources)
    name = found["name"][0]
    patient = Patient(
        program=program,
        given_name=_fits(" ".join(name["given"]), 80, "The Patient's given name"),
        family_name=_fits(str(name["family"]), 80, "The Patient's family name"),
        date_of_birth=_date(found["birthDate"], "The Patient's birth date"),
    )
    imported: Counter[str] = Counter({"Patient": 1})
    uses: list[BenzodiazepineUse] = []
    medications: list[Medication] = []
    conditions: list[Condition] = []
    benzodiazepines = set(known_drugs())
    for n, resource in enumerate(resources):
        kind = resource["resourceType"]
        if kind == "MedicationStatement" and "medicationCodeableConcept" in resource:
            if _drug_code(resource["medicationCodeableConcept"]) in benzodiazepines:
                uses.append(_benzodiazepine(resource, n))
            else:
                medications.append(_medication(resource, n))
            imported[kind] += 1
        elif kind == "Condition":
            text = _concept_text(resource.get("code") or {})
            noted = resource.get("recordedDate") or resource.get("onsetDateTime")
            if not text or not noted:
                raise _unreadable(f"Condition {n} needs a name (code.text) and a recorded date.")
            conditions.append(
                Condition(
                    name=_fits(text, 120, f"Condition {n}"), noted_on=_date(noted, f"Condition {n}")
                )
            )
            imported[kind] += 1
    current = Counter(u.drug for u in uses if u.ended_on is None)
    twice = sorted(drug for drug, count in current.items() if count > 1)
    if twice:
        raise _unreadable(f"The Bundle has more than one current use of {', '.join(twice)}.")
    plans, taken = _outside_plans(resources, str(found.get("id")))
    for plan in plans:
        imported["CarePlan"] += 1
        imported["MedicationRequest"] += len(plan["medication_requests"])
        imported["Provenance"] += len(plan["provenance"])
    received, kept = _received(resources, str(found.get("id")), taken)
    imported.update(r["resourceType"] for r in received)
    taken |= kept
    source = bundle.get("identifier", {}).get("value") or bundle.get("id") or ""
    received_from = _received_from(resources, found)
    skipped = Counter(
        r["resourceType"]
        for r in resources
        if r is not found
        and r["resourceType"] != "Condition"
        and (r["resourceType"] != "MedicationStatement" or "medicationCodeableConcept" not in r)
        and str(r.get("id")) not in taken
    )
    with transaction.atomic():
        patient.save()
        if actor.role == Role.PRESCRIBER and actor.user_id is not None:
            CareTeamMember.objects.create(patient=patient, user_id=actor.user_id)
        for use in uses:
            use.patient = patient
            use.save()
        for medication in medications:
            medication.patient = patient
            medication.save()
        for condition in conditions:
            condition.patient = patient
            condition.save()
        for plan in plans:
            OutsidePlan.objects.create(
                patient=patient,
                received_from=received_from,
                source_bundle=str(source)[:200],
                imported_by_id=actor.user_id,
                imported_at=now,
                **plan,
            )
        ReceivedResource.objects.bulk_create(
            ReceivedResource(
                patient=patient,
                resource_type=resource["resourceType"],
                resource=resource,
                sender_patient_id=str(found.get("id")),
                received_from=received_from,
                source_bundle=str(source)[:200],
                imported_by_id=actor.user_id,
                imported_at=now,
            )
            for resource in received
        )
        record(
            actor,
            IMPORT_ACTION,
            patient=patient,
            target=patient,
            detail={
                "source_bundle": str(source),
                "received_from": received_from,
                "imported": dict(+imported),
                "skipped": dict(skipped),
            },
        )
    return ImportResult(patient, dict(+imported), dict(skipped))
