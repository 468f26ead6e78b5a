"""The gates to dose logs and check-ins, and who may write them.

They are part of the patient's record: whoever may see the patient (``patients.access``:
the patient themselves, their care team, the program admin) sees them, and a patient
out of reach answers like one that does not exist. The reads themselves are audited by
the gate that found the patient (``access_patient_by_id``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from clonacare.accounts.models import CARE_TEAM_ROLES, Role
from clonacare.audit.log import Actor
from clonacare.monitoring.models import CheckIn, DoseLog
from clonacare.patients.models import Patient


def dose_logs_of(patient: Patient) -> QuerySet[DoseLog]:
    """The dose logs of ``patient`` (already read through its gate), newest day first."""
    return DoseLog.objects.filter(patient=patient).select_related("entered_by")


def check_ins_of(patient: Patient) -> QuerySet[CheckIn]:
    """The check-ins of ``patient`` (already read through its gate), newest day first,
    with the alerts their answers raised."""
    return (
        CheckIn.objects.filter(patient=patient)
        .select_related("entered_by")
        .prefetch_related("alerts")
    )


# Who may write. One condition per line, each covered by tests/web/test_api_dose_logs.py
# and test_api_check_ins.py.


def is_the_patient(actor: Actor, patient: Patient) -> bool:
    """The patient, logging for themself."""
    return actor.role == Role.PATIENT and actor.user_id == patient.user_id


def may_log_for(actor: Actor, patient: Patient) -> bool:
    """Dose logs and check-ins: the patient themself, or a prescriber, nurse or
    counsellor on their care team entering what the patient told them. Not program
    admins, not another patient."""
    if actor.user_id is None:
        return False
    if is_the_patient(actor, patient):
        return True
    if actor.role not in CARE_TEAM_ROLES or actor.program_id != patient.program_id:
        return False
    return patient.care_team.filter(user_id=actor.user_id).exists()
