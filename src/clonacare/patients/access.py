"""The gates every read of patient data goes through.

One rule per line, each covered by tests/web/test_access.py. A record the actor may not
see answers exactly as a record that does not exist (``PatientNotFound``, shown as the
same 404 with the same body), so nobody can learn that a forbidden record exists. Every
read, allowed or refused, is written to the audit log here, so no view can forget it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from clonacare.accounts.models import CARE_TEAM_ROLES, Role
from clonacare.audit.log import Actor, record, record_denied
from clonacare.core.errors import Kind, Refusal
from clonacare.patients.models import Consent, Patient


class RecordNotFound(Refusal):
    """A record that does not exist or that the actor may not see, answered alike (a
    ``forbidden-as-missing`` refusal): the faces say "not found" whichever it was."""

    refusal_code = "not-found"
    refusal_message = "Not found."

    def __init__(self, record_id: object = None) -> None:
        super().__init__(self.refusal_code, self.refusal_message, kind=Kind.FORBIDDEN_AS_MISSING)
        self.record_id = record_id


class PatientNotFound(RecordNotFound):
    """No patient with that id that this actor may see (missing and forbidden alike)."""

    refusal_code = "patient-not-found"
    refusal_message = "Patient not found."


Record = TypeVar("Record", bound=Model)


class ConsentNotFound(RecordNotFound):
    """No consent with that id on that patient's record (missing and another's alike)."""

    refusal_code = "consent-not-found"
    refusal_message = "Consent not found."


def patients_visible_to(actor: Actor) -> QuerySet[Patient]:
    """The patients ``actor`` may see; no query touches another program's records."""
    patients = Patient.objects.all()
    if actor.user_id is None:
        return patients.none()
    if actor.role == Role.PATIENT:
        return patients.filter(user_id=actor.user_id)
    if actor.program_id is None:
        return patients.none()
    if actor.role == Role.PROGRAM_ADMIN:
        return patients.filter(program_id=actor.program_id)
    if actor.role in CARE_TEAM_ROLES:
        return patients.filter(program_id=actor.program_id, care_team__user_id=actor.user_id)
    return patients.none()


def access_patient_by_id(actor: Actor, patient_id: int, *, purpose: str) -> Patient:
    """The patient with ``patient_id`` if ``actor`` may see it; records the read.

    ``purpose`` names what is read (``"patient.view"``, ``"assessments.list"``...).
    Raises PatientNotFound when there is no such patient or the actor may not see it;
    the refusal is audited as ``<purpose>.denied``.
    """
    patient = patients_visible_to(actor).filter(pk=patient_id).first()
    if patient is None:
        # Filed under the actor's program and, out of sight, with the patient id asked
        # for, so the program that owns that patient (if any) finds the attempt too.
        record_denied(
            actor,
            purpose,
            object_type="Patient",
            object_id=patient_id,
            id_name="patient_id",
            owner_patient_id=patient_id,
        )
        raise PatientNotFound(patient_id)
    record(actor, purpose, patient=patient)
    return patient


def access_record_by_id(
    actor: Actor,
    visible: QuerySet[Record],
    record_id: int,
    *,
    purpose: str,
    id_name: str,
    not_found: type[RecordNotFound],
) -> Record:
    """The record ``record_id`` among ``visible`` (what ``actor`` may see of a model whose
    rows belong to a patient); records the read as ``purpose`` with its patient.

    A record that does not exist, or is not among ``visible``, raises ``not_found`` and
    is recorded as ``<purpose>.denied`` naming only the id asked for (``id_name``): the
    same entry either way, filed out of sight with the owning patient when it exists.
    """
    found = visible.filter(pk=record_id).first()
    if found is None:
        model: Any = visible.model
        owner = model.objects.filter(pk=record_id).values_list("patient_id", flat=True)
        record_denied(
            actor,
            purpose,
            object_type=model.__name__,
            object_id=record_id,
            id_name=id_name,
            owner_patient_id=owner.first(),
        )
        raise not_found(record_id)
    record(actor, purpose, patient=found.patient, target=found)  # type: ignore[attr-defined]
    return found


def access_consent_of(actor: Actor, patient: Patient, consent_id: int, *, purpose: str) -> Consent:
    """The consent ``consent_id`` of ``patient`` (whom ``actor`` may already see).

    A consent of another patient answers like a missing one (``ConsentNotFound``), and
    the attempt is recorded as ``<purpose>.denied`` on ``patient`` with the id asked for.
    """
    consent = patient.consents.filter(pk=consent_id).first()
    if consent is None:
        record(actor, f"{purpose}.denied", patient=patient, detail={"consent_id": consent_id})
        raise ConsentNotFound(consent_id)
    return consent


def list_patients(actor: Actor, *, purpose: str = "patients.list") -> QuerySet[Patient]:
    """The patients ``actor`` may see, with the read of the list recorded."""
    patients = patients_visible_to(actor)
    record(actor, purpose, detail={"count": patients.count()})
    return patients


def may_record_clinical_data(actor: Actor) -> bool:
    """Clinician-rated instruments and level-of-care assessments: clinical staff only."""
    return actor.role in CARE_TEAM_ROLES


# Who may write what. The gate that found the patient has already checked the actor may
# see them; these say whether the actor may also change them. One condition per line,
# each covered by tests/web/test_record_changes.py and test_patient_registration.py.

REGISTRARS = frozenset({Role.PROGRAM_ADMIN, Role.PRESCRIBER})
# Who records a benzodiazepine dose change: prescribers, and nurses taking a verbal or
# telephone order from one (docs/records.md, "Who may change a dose").
DOSE_RECORDERS = frozenset({Role.PRESCRIBER, Role.NURSE})


def may_register_patients(actor: Actor) -> bool:
    """Program admins and prescribers register patients in their own program."""
    if actor.user_id is None or actor.program_id is None:
        return False
    return actor.role in REGISTRARS


def may_change_record(actor: Actor, patient: Patient) -> bool:
    """Status, other medications, conditions: the patient's care team and the admin.
    (Benzodiazepine doses: ``may_record_dose_change``.)"""
    if actor.user_id is None or actor.program_id != patient.program_id:
        return False
    if actor.role == Role.PROGRAM_ADMIN:
        return True
    if actor.role in CARE_TEAM_ROLES:
        return patient.care_team.filter(user_id=actor.user_id).exists()
    return False


def may_record_dose_change(actor: Actor, patient: Patient) -> bool:
    """Benzodiazepine dose changes: a prescriber on the care team (their own order) or a
    nurse on it (a prescriber's verbal or telephone order). Not counsellors, not admins."""
    if actor.user_id is None or actor.program_id != patient.program_id:
        return False
    if actor.role not in DOSE_RECORDERS:
        return False
    return patient.care_team.filter(user_id=actor.user_id).exists()


def may_order_dose_change(actor: Actor, patient: Patient) -> bool:
    """Orders a dose change (and co-signs one given by word of mouth): a prescriber on
    the care team."""
    return actor.role == Role.PRESCRIBER and may_record_dose_change(actor, patient)


def may_manage_care_team(actor: Actor, patient: Patient) -> bool:
    """Who is on the care team: the program admin only."""
    if actor.user_id is None or actor.program_id != patient.program_id:
        return False
    return actor.role == Role.PROGRAM_ADMIN
