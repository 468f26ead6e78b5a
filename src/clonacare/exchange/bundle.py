"""A patient's record as a FHIR R4B Bundle: ``patient_bundle`` reads the record and hands
each part to the pure mapping of ``clonacare.core.fhir.record``.

It reads and does not check access or audit: the caller has passed an ``access_*`` gate
(or, for a bulk export, chosen the program's patients) and records the export itself.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import User

from clonacare.accounts.models import Membership
from clonacare.assessments.models import InstrumentResponse
from clonacare.core.errors import ClinicalError
from clonacare.core.fhir import CODE_SYSTEM_BASE, questionnaire
from clonacare.core.fhir import record as fhir
from clonacare.core.instruments import Instrument, instrument, licensed_ids, licensed_instrument
from clonacare.exchange.models import OutsidePlan, ReceivedResource
from clonacare.patients.models import Patient
from clonacare.plans.models import Plan
from clonacare.therapy.models import SessionNote

# Patient.active (FHIR R4B): "whether this patient record is in active use". A discharged
# patient's record no longer is; an invited person's (a population screen's invitation)
# not yet: they are not a patient of the program until they come (docs/fhir.md).
INACTIVE_STATUSES = frozenset({Patient.Status.DISCHARGED, Patient.Status.INVITED})


def patient_identifier_system(program_slug: str) -> str:
    """The system of the Patient identifier a program gives its records."""
    return f"{CODE_SYSTEM_BASE}:program:{program_slug}:patient"


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _role(user: User) -> str:
    membership = Membership.objects.filter(user=user).first()
    return membership.get_role_display() if membership is not None else "staff"


class _Builder:
    """Collects a patient's resources in order, each once, with ids from the record."""

    def __init__(self, patient: Patient) -> None:
        self.patient = patient
        self.slug = patient.program.slug
        self.resources: list[dict[str, Any]] = []
        self.practitioners: dict[int, dict[str, str]] = {}
        self.subject = fhir.ref("Patient", self.rid("Patient", patient.pk), patient.full_name)

    def rid(self, *parts: object) -> str:
        return fhir.resource_id(self.slug, *parts)

    def add(self, resource: dict[str, Any]) -> dict[str, str]:
        self.resources.append(resource)
        return fhir.ref(resource["resourceType"], resource["id"])

    def practitioner(self, user: User) -> dict[str, str]:
        """A reference to ``user`` as a Practitioner, added the first time it is named."""
        if user.pk not in self.practitioners:
            rid = self.rid("Practitioner", user.pk)
            self.add(fhir.practitioner(rid, name=_name(user), role=_role(user)))
            self.practitioners[user.pk] = fhir.ref("Practitioner", rid, _name(user))
        return self.practitioners[user.pk]


def _definition(instrument_id: str) -> tuple[Instrument | None, str, str | None]:
    """The shipped definition (None for a licensed instrument, whose wording is never
    exported), its short title and its LOINC total code."""
    if instrument_id in licensed_ids():
        return None, licensed_instrument(instrument_id).short_title, None
    try:
        shipped = instrument(instrument_id)
    except ClinicalError:
        return None, instrument_id, None
    return shipped, shipped.short_title, shipped.loinc.total if shipped.loinc else None


def _plan(builder: _Builder, plan: Plan) -> None:
    current = plan.current_json()
    care_plan_id = builder.rid("CarePlan", plan.pk)
    care_plan_ref = fhir.ref("CarePlan", care_plan_id)
    approver = builder.practitioner(plan.approved_by) if plan.approved_by else None
    approved_at = plan.approved_at or plan.created_at
    requests = [
        fhir.medication_request(
            builder.rid("MedicationRequest", plan.pk, drug),
            subject=builder.subject,
            plan=current,
            drug=drug,
            requester=approver,
            authored_on=approved_at,
            status="active",
            intent="order",
            based_on=care_plan_ref,
        )
        for drug in fhir.plan_drugs(current)
    ]
    builder.add(
        fhir.care_plan(
            care_plan_id,
            subject=builder.subject,
            plan=current,
            plan_identifier=f"{builder.slug}/{plan.pk}",
            requests=[fhir.ref("MedicationRequest", r["id"]) for r in requests],
            author=approver,
            created=approved_at,
            status="active",
        )
    )
    targets = [care_plan_ref, *(builder.add(r) for r in requests)]
    if approver is not None:
        builder.add(
            fhir.provenance(
                builder.rid("Provenance", "plan", plan.pk),
                targets=targets,
                recorded=approved_at,
                agent=approver,
                activity="CREATE",
                reason="approved",
            )
        )
    for revision in plan.plan_revisions.select_related("revised_by").order_by("number"):
        reviser = builder.practitioner(revision.revised_by)
        builder.add(
            fhir.provenance(
                builder.rid("Provenance", "revision", revision.pk),
                targets=targets,
                recorded=revision.revised_at,
                agent=reviser,
                activity="UPDATE",
                reason=f"revision {revision.number}: {revision.get_kind_display()}",
            )
        )


def _retarget(node: Any, ids: dict[str, str]) -> Any:
    """``node`` with each reference to a key of ``ids`` (a ``urn:uuid:`` URL or a
    relative ``Type/id``) pointed at the new ``urn:uuid:`` id."""
    if isinstance(node, dict):
        out = {k: _retarget(v, ids) for k, v in node.items()}
        reference = out.get("reference")
        key = (
            reference.removeprefix("urn:uuid:").split("/")[-1] if isinstance(reference, str) else ""
        )
        if key in ids:
            out["reference"] = f"urn:uuid:{ids[key]}"
        return out
    if isinstance(node, list):
        return [_retarget(v, ids) for v in node]
    return node


def outside_plan_resources(
    plan: OutsidePlan, *, subject: dict[str, str], rid: Any
) -> list[dict[str, Any]]:
    """An outside plan as received, its ids renewed and its subject made ``subject``;
    the Provenance that came with it, and one for its import."""
    received = [plan.care_plan, *plan.medication_requests, *plan.provenance]
    ids = {r["id"]: rid("OutsidePlan", plan.pk, r["resourceType"], r["id"]) for r in received}
    received_subject = str(plan.care_plan["subject"].get("reference", ""))
    ids[received_subject.removeprefix("urn:uuid:").split("/")[-1]] = subject[
        "reference"
    ].removeprefix("urn:uuid:")
    resources = [{**_retarget(r, ids), "id": ids[r["id"]]} for r in received]
    for resource in resources[: 1 + len(plan.medication_requests)]:
        resource["subject"] = dict(subject)
    resources.append(
        fhir.provenance(
            rid("OutsidePlan", plan.pk, "import"),
            targets=[
                fhir.ref(r["resourceType"], r["id"])
                for r in resources[: 1 + len(plan.medication_requests)]
            ],
            recorded=plan.imported_at,
            agent={"display": plan.received_from},
            activity="CREATE",
            reason=f"received from {plan.received_from}: an outside plan, not approved here",
            source=plan.source_bundle,
        )
    )
    return resources


def received_resources(
    received: list[ReceivedResource], *, subject: dict[str, str], rid: Any
) -> list[dict[str, Any]]:
    """Resources kept as received (one import's), their ids renewed and their references
    to the sender's Patient made ``subject``; and one Provenance for the import, naming
    the sending program: the scores were answered and the consents given there."""
    if not received:
        return []
    ids = {str(r.resource["id"]): rid("Received", r.pk) for r in received}
    ids |= {r.sender_patient_id: subject["reference"].removeprefix("urn:uuid:") for r in received}
    resources = [{**_retarget(r.resource, ids), "id": ids[str(r.resource["id"])]} for r in received]
    first = received[0]
    resources.append(
        fhir.provenance(
            rid("Received", first.pk, "import"),
            targets=[
                fhir.ref(r["resourceType"], r["id"])
                for r in resources
                if r["resourceType"] != "Provenance"
            ],
            recorded=first.imported_at,
            agent={"display": first.received_from},
            activity="CREATE",
            reason=(
                f"received from {first.received_from}: answered, scored or signed there, "
                "not in this program"
            ),
            source=first.source_bundle,
        )
    )
    return resources


def patient_resources(
    patient: Patient, *, include_counselling_notes: bool, now: dt.datetime
) -> list[dict[str, Any]]:
    """Every resource of ``patient``'s record, in the order of the Bundle (the Patient
    first). SUD counselling notes only when ``include_counselling_notes``."""
    builder = _Builder(patient)
    program = patient.program
    organization = fhir.ref("Organization", builder.rid("Organization", program.pk), program.name)
    patient_resource = fhir.patient(
        builder.rid("Patient", patient.pk),
        given=patient.given_name,
        family=patient.family_name,
        birth_date=patient.date_of_birth,
        identifier_system=patient_identifier_system(program.slug),
        identifier=str(patient.pk),
        active=patient.status not in INACTIVE_STATUSES,
    )
    patient_resource["managingOrganization"] = organization
    builder.add(patient_resource)
    builder.add(
        fhir.organization(
            organization["reference"].removeprefix("urn:uuid:"),
            name=program.name,
            slug=program.slug,
        )
    )
    for member in patient.care_team.select_related("user").order_by("user_id"):
        builder.practitioner(member.user)
    for condition in patient.conditions.order_by("noted_on", "id"):
        builder.add(
            fhir.condition(
                builder.rid("Condition", condition.pk),
                subject=builder.subject,
                name=condition.name,
                noted_on=condition.noted_on,
            )
        )
    for use in patient.benzo_uses.order_by("since", "id"):
        builder.add(
            fhir.benzodiazepine_statement(
                builder.rid("MedicationStatement", "benzodiazepine", use.pk),
                subject=builder.subject,
                drug=use.drug,
                doses=[fhir.TimedDose(time, float(mg)) for time, mg in use.doses()],
                since=use.since,
                ended_on=use.ended_on,
                prescriber=use.prescriber_name,
            )
        )
    for medication in patient.medications.order_by("id"):
        builder.add(
            fhir.medication_statement(
                builder.rid("MedicationStatement", "medication", medication.pk),
                subject=builder.subject,
                name=medication.name,
                drug=medication.drug,
                dose=medication.dose,
                reason=medication.reason,
                started_on=medication.started_on,
                ended_on=medication.ended_on,
            )
        )
    plan = (
        Plan.objects.filter(patient=patient, status=Plan.Status.APPROVED)
        .select_related("approved_by")
        .prefetch_related("plan_revisions")
        .first()
    )
    if plan is not None:
        _plan(builder, plan)
    for outside in OutsidePlan.objects.filter(patient=patient):
        for resource in outside_plan_resources(outside, subject=builder.subject, rid=builder.rid):
            builder.add(resource)
    _responses(builder, patient)
    for consent in patient.consents.order_by("signed_on", "id"):
        builder.add(
            fhir.consent(
                builder.rid("Consent", consent.pk),
                patient_ref=builder.subject,
                organization_ref=organization,
                recipient=consent.to_whom,
                purpose=consent.purpose,
                information=consent.information,
                includes_counselling_notes=consent.includes_counselling_notes,
                signed_on=consent.signed_on,
                expires_on=consent.expires_on,
                expiry_event=consent.expiry_event,
                active=consent.is_in_force_at(now),
            )
        )
    _received(builder, patient)
    if include_counselling_notes:
        notes = SessionNote.objects.filter(session__patient=patient).select_related("author")
        for note in notes.order_by("written_at", "id"):
            author = builder.practitioner(note.author)
            builder.add(
                fhir.counselling_note(
                    builder.rid("DocumentReference", note.pk),
                    subject=builder.subject,
                    author=author,
                    text=note.text,
                    written_at=note.written_at,
                )
            )
    return builder.resources


def _responses(builder: _Builder, patient: Patient) -> None:
    responses = InstrumentResponse.objects.filter(patient=patient).order_by("submitted_at", "id")
    questionnaires: set[str] = set()
    for response in responses:
        definition, title, loinc_total = _definition(response.instrument)
        if definition is not None and response.instrument not in questionnaires:
            questionnaires.add(response.instrument)
            shipped = json.loads(questionnaire(definition).model_dump_json())
            shipped["id"] = builder.rid("Questionnaire", response.instrument)
            builder.add(shipped)
        response_ref = builder.add(
            fhir.questionnaire_response(
                builder.rid("QuestionnaireResponse", response.pk),
                instrument=definition,
                instrument_id=response.instrument,
                answers=response.answers,
                complete=response.complete,
                subject=builder.subject,
                authored=response.submitted_at,
            )
        )
        if response.complete and (response.total is not None or response.band):
            builder.add(
                fhir.score_observation(
                    builder.rid("Observation", response.pk),
                    instrument_id=response.instrument,
                    title=title,
                    loinc_total=loinc_total,
                    total=response.total,
                    band=response.band,
                    subject=builder.subject,
                    effective=response.submitted_at,
                    derived_from=response_ref,
                )
            )


def _received(builder: _Builder, patient: Patient) -> None:
    """What another program sent that is kept as received, import by import; a received
    Questionnaire is left out when the Bundle already holds one with its url."""
    imports: dict[tuple[str, dt.datetime], list[ReceivedResource]] = {}
    for item in ReceivedResource.objects.filter(patient=patient):
        imports.setdefault((item.source_bundle, item.imported_at), []).append(item)
    for items in imports.values():
        urls = {r.get("url") for r in builder.resources if r["resourceType"] == "Questionnaire"}
        kept = [
            i
            for i in items
            if i.resource_type != "Questionnaire" or i.resource.get("url") not in urls
        ]
        for resource in received_resources(kept, subject=builder.subject, rid=builder.rid):
            builder.add(resource)


def patient_bundle(
    patient: Patient, *, include_counselling_notes: bool, now: dt.datetime
) -> dict[str, Any]:
    """``patient``'s record as a FHIR R4B ``collection`` Bundle (a JSON-ready dict)
    carrying the 42 CFR Part 2 security labels in ``meta.security``.

    Holds the Patient, the program (Organization), the care team and everyone who
    approved or revised a plan or wrote an exported note (Practitioner), Conditions,
    MedicationStatements (benzodiazepine uses and other medications), the approved plan
    in force (CarePlan, a MedicationRequest per drug, Provenance for its approval and
    each revision), outside plans as received (with their Provenance and one for the
    import), Questionnaires (shipped instruments only), QuestionnaireResponses,
    Observations and Consents; then the questionnaires, responses, scores and consents
    another program sent, as received (with one Provenance for their import); SUD
    counselling notes (DocumentReference) only when ``include_counselling_notes`` (the
    caller has checked a consent allows it). ``now``
    (aware) is the Bundle's timestamp and part of its identifier. Raises ClinicalError
    ("naive-datetime") for a naive ``now``.
    """
    resources = patient_resources(
        patient, include_counselling_notes=include_counselling_notes, now=now
    )
    identifier = f"{patient.program.slug}/{patient.pk}/{now.isoformat()}"
    return fhir.bundle(resources, identifier=identifier, timestamp=now)


def iter_resources(bundle: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The resources of a Bundle's entries, in order."""
    for entry in bundle.get("entry", []):
        yield entry["resource"]
