"""The gates to the CBT program's records, and who may write them.

Module assignments, exercise entries and comments are part of the patient's record:
whoever may see the patient (``patients.access``: the patient themselves, their care
team, their program's admin) sees them, and anyone else is answered as if they did not
exist. They are not counselling session notes (42 CFR Part 2), which a later part keeps
apart with their own consent.
"""

from __future__ import annotations

from django.db.models import QuerySet

from clonacare.accounts.models import CARE_TEAM_ROLES, Role
from clonacare.audit.log import Actor, record, record_denied
from clonacare.patients.access import RecordNotFound, access_record_by_id
from clonacare.patients.models import Patient
from clonacare.therapy.models import (
    CounsellorComment,
    ExerciseEntry,
    ModuleAssignment,
    SafetyPlanVersion,
)

# Who assigns a module: the counsellor or prescriber who plans the psychosocial part of
# the taper. Nurses comment and enter on the patient's word, but do not assign.
ASSIGNERS = frozenset({Role.COUNSELLOR, Role.PRESCRIBER})


class AssignmentNotFound(RecordNotFound):
    """No module assignment with that id that this actor may see (missing and forbidden
    alike)."""

    refusal_code = "assignment-not-found"
    refusal_message = "Module assignment not found."


class ExerciseEntryNotFound(RecordNotFound):
    """No exercise entry with that id that this actor may see (missing and forbidden
    alike)."""

    refusal_code = "exercise-entry-not-found"
    refusal_message = "Exercise entry not found."


def assignments_of(patient: Patient) -> QuerySet[ModuleAssignment]:
    """The module assignments of ``patient`` (already read through its gate), newest
    first, with their comments."""
    return (
        ModuleAssignment.objects.filter(patient=patient)
        .select_related("assigned_by")
        .prefetch_related("comments__author")
    )


def entries_of(patient: Patient) -> QuerySet[ExerciseEntry]:
    """The exercise entries of ``patient`` (already read through its gate), newest day
    first, with their assignment and comments."""
    return (
        ExerciseEntry.objects.filter(patient=patient)
        .select_related("entered_by", "assignment")
        .prefetch_related("comments__author")
    )


def comments_of(patient: Patient) -> QuerySet[CounsellorComment]:
    """The comments on ``patient``'s assignments and entries, oldest first."""
    return CounsellorComment.objects.filter(patient=patient).select_related("author")


def access_assignment_of(
    actor: Actor, patient: Patient, assignment_id: int, *, purpose: str
) -> ModuleAssignment:
    """The assignment ``assignment_id`` of ``patient`` (whom ``actor`` may already see);
    records the read as ``purpose``. One of another patient, or none, raises
    AssignmentNotFound (audited as ``<purpose>.denied``)."""
    return access_record_by_id(
        actor,
        assignments_of(patient).select_related("patient"),
        assignment_id,
        purpose=purpose,
        id_name="assignment_id",
        not_found=AssignmentNotFound,
    )


def access_entry_of(
    actor: Actor, patient: Patient, entry_id: int, *, purpose: str
) -> ExerciseEntry:
    """The exercise entry ``entry_id`` of ``patient`` (whom ``actor`` may already see);
    records the read as ``purpose``. One of another patient, or none, raises
    ExerciseEntryNotFound (audited as ``<purpose>.denied``)."""
    return access_record_by_id(
        actor,
        entries_of(patient).select_related("patient"),
        entry_id,
        purpose=purpose,
        id_name="entry_id",
        not_found=ExerciseEntryNotFound,
    )


# Who may write. One condition per line, each covered by tests/web/test_therapy_rights.py.


def is_the_patient(actor: Actor, patient: Patient) -> bool:
    """The patient, working on their own program."""
    return actor.role == Role.PATIENT and actor.user_id == patient.user_id


def _on_care_team(actor: Actor, patient: Patient, roles: frozenset[str]) -> bool:
    if actor.user_id is None or actor.role not in roles:
        return False
    if actor.program_id != patient.program_id:
        return False
    return patient.care_team.filter(user_id=actor.user_id).exists()


def may_assign_module(actor: Actor, patient: Patient) -> bool:
    """A counsellor or prescriber on the patient's care team. Not nurses, not program
    admins, not patients."""
    return _on_care_team(actor, patient, ASSIGNERS)


def may_work_on(actor: Actor, patient: Patient) -> bool:
    """Marks a section done, saves an exercise: the patient, or a prescriber, nurse or
    counsellor on their care team on the patient's word (marked so). Not admins."""
    if is_the_patient(actor, patient):
        return True
    return _on_care_team(actor, patient, CARE_TEAM_ROLES)


def may_comment(actor: Actor, patient: Patient) -> bool:
    """Comments on assignments and entries: a prescriber, nurse or counsellor on the
    patient's care team. Not admins, not patients."""
    return _on_care_team(actor, patient, CARE_TEAM_ROLES)


# The safety plan (docs/safety-plan.md): read by whoever may see the record; written with
# the patient by a prescriber, nurse or counsellor on the care team, and added to by the
# patient. One condition per line, each covered by tests/web/test_safety_plan_api.py.


# The largest version number the databases store (a 32-bit integer column); a larger
# one typed into an address is simply not there.
MAX_VERSION_NUMBER = 2**31 - 1


class SafetyPlanVersionNotFound(RecordNotFound):
    """No version with that number of this patient's safety plan (missing and another
    patient's alike)."""

    refusal_code = "safety-plan-version-not-found"
    refusal_message = "Safety plan version not found."


def safety_plan_versions(patient: Patient) -> QuerySet[SafetyPlanVersion]:
    """Every version of ``patient``'s safety plan (already read through its gate),
    newest first, with who saved each."""
    return SafetyPlanVersion.objects.filter(patient=patient).select_related("saved_by")


def safety_plan_of(patient: Patient) -> SafetyPlanVersion | None:
    """The plan in force: the newest version; None for a patient without a plan."""
    return safety_plan_versions(patient).first()


def access_safety_plan_version(
    actor: Actor, patient: Patient, number: int, *, purpose: str
) -> SafetyPlanVersion:
    """Version ``number`` of ``patient``'s plan (whom ``actor`` may already see); records
    the read as ``purpose``. A number the plan does not have raises
    SafetyPlanVersionNotFound (audited as ``<purpose>.denied``, filed with the patient)."""
    in_range = 0 < number <= MAX_VERSION_NUMBER
    found = safety_plan_versions(patient).filter(number=number).first() if in_range else None
    if found is None:
        record_denied(
            actor,
            purpose,
            object_type="SafetyPlanVersion",
            object_id=number,
            id_name="number",
            owner_patient_id=patient.pk,
        )
        raise SafetyPlanVersionNotFound(number)
    record(actor, purpose, patient=patient, target=found, detail={"number": number})
    return found


def may_write_safety_plan_with(actor: Actor, patient: Patient) -> bool:
    """Writes or updates the plan with the patient: a prescriber, nurse or counsellor on
    their care team. Not admins."""
    return _on_care_team(actor, patient, CARE_TEAM_ROLES)


def may_add_to_safety_plan(actor: Actor, patient: Patient) -> bool:
    """Adds to the plan on their own (marked theirs): the patient."""
    return is_the_patient(actor, patient)
