"""Who may see and write the recovery record.

The recovery record is read through the patient's gate (``patients.access``): whoever
may see the patient (the patient, their care team, their program's admin) reads it,
anyone else is answered as if the patient did not exist. What each part of the timeline
shows is then read through its own app's gate (docs/recovery.md).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from clonacare.accounts.models import CARE_TEAM_ROLES, Role
from clonacare.assessments.models import InstrumentResponse, LevelOfCareAssessment
from clonacare.audit.log import Actor
from clonacare.patients.models import Patient
from clonacare.recovery.models import ReturnToUse


def returns_to_use_of(patient: Patient) -> QuerySet[ReturnToUse]:
    """The returns to use of ``patient`` (already read through its gate), newest first."""
    return ReturnToUse.objects.filter(patient=patient).select_related("recorded_by")


def may_record_return_to_use(actor: Actor, patient: Patient) -> bool:
    """A prescriber, nurse or counsellor on the patient's care team. Not the patient
    (they tell their care team), not the program admin."""
    if actor.user_id is None or actor.program_id != patient.program_id:
        return False
    if actor.role not in CARE_TEAM_ROLES:
        return False
    return patient.care_team.filter(user_id=actor.user_id).exists()


def is_staff_viewer(actor: Actor) -> bool:
    """Staff see the care team's notes and links on the timeline; a patient does not."""
    return actor.role != Role.PATIENT


def record_began(patient: Patient) -> dt.date:
    """The first day of the patient's record: the day it was created, or the day of an
    earlier assessment entered from before it (an instrument response or a level-of-care
    assessment), whichever is first."""
    days = [timezone.localdate(patient.created_at)]
    first_response = (
        InstrumentResponse.objects.filter(patient=patient)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    first_level = (
        LevelOfCareAssessment.objects.filter(patient=patient)
        .order_by("assessed_at")
        .values_list("assessed_at", flat=True)
        .first()
    )
    days.extend(timezone.localdate(at) for at in (first_response, first_level) if at is not None)
    return min(days)
