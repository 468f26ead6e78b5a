"""The gates of the record exchange: a patient's Bundle is read through the patient's
own gate (the same rule as the record, audited as an export), and a program receives
an import only from its own admin or prescribers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clonacare.accounts.models import Program
from clonacare.audit.log import Actor, record_denied
from clonacare.exchange.bundle import patient_bundle
from clonacare.patients.access import RecordNotFound, access_patient_by_id

EXPORT_PURPOSE = "patient.fhir-export"


class ProgramNotFound(RecordNotFound):
    """No program with that id that this actor belongs to (missing and another's alike)."""

    refusal_code = "program-not-found"
    refusal_message = "Program not found."


def access_patient_bundle(actor: Actor, patient_id: int, *, now: dt.datetime) -> dict[str, Any]:
    """The patient's record as a FHIR Bundle, for whoever may see the record (the
    patient, the care team, the program admin); audited as ``patient.fhir-export``.
    SUD counselling notes are never in it: they go out only in a disclosure under a
    consent that includes them. Raises PatientNotFound like the record's own gate."""
    patient = access_patient_by_id(actor, patient_id, purpose=EXPORT_PURPOSE)
    return patient_bundle(patient, include_counselling_notes=False, now=now)


def access_own_program(actor: Actor, program_id: int, *, purpose: str) -> Program:
    """The program ``program_id`` when it is ``actor``'s own; else ProgramNotFound,
    audited as ``<purpose>.denied`` (the right to act in it is the action's to check)."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None or actor.user_id is None or actor.program_id != program_id:
        record_denied(
            actor,
            purpose,
            object_type="Program",
            object_id=program_id,
            id_name="program_id",
            owner_patient_id=None,
        )
        raise ProgramNotFound(program_id)
    return program
