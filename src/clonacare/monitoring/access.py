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
from clonacare.monitoring.models import CheckIn, DoseLog, FollowUpDecision, Proposal
from clonacare.patients.access import RecordNotFound, access_record_by_id, patients_visible_to
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


# Proposals to pause or slow: staff who see the patient see them; a patient does not (a
# proposal is the care team's to decide, not a change to their plan).


class ProposalNotFound(RecordNotFound):
    """No proposal with that id that this actor may see (missing and forbidden alike)."""

    refusal_code = "proposal-not-found"
    refusal_message = "Proposal not found."


def proposals_visible_to(actor: Actor) -> QuerySet[Proposal]:
    """The proposals ``actor`` may see: those of the patients they may see, for staff
    only; none for a patient."""
    if actor.role == Role.PATIENT:
        return Proposal.objects.none()
    return Proposal.objects.filter(patient__in=patients_visible_to(actor)).select_related(
        "patient", "decided_by", "check_in"
    )


def access_proposal_by_id(actor: Actor, proposal_id: int, *, purpose: str) -> Proposal:
    """The proposal ``proposal_id`` if ``actor`` may see it; records the read as
    ``purpose``. Raises ProposalNotFound (audited as ``<purpose>.denied``) otherwise."""
    return access_record_by_id(
        actor,
        proposals_visible_to(actor),
        proposal_id,
        purpose=purpose,
        id_name="proposal_id",
        not_found=ProposalNotFound,
    )


# The check-ins after the taper (issue 11): the care team's decisions are part of the
# record, read by whoever sees the patient; a prescriber, nurse or counsellor on the
# care team decides (tests/web/test_follow_up_decision.py covers each line).


def follow_up_decisions_of(patient: Patient) -> QuerySet[FollowUpDecision]:
    """The decisions to keep or end the check-ins after the taper of ``patient`` (already
    read through its gate), newest first: the first is in force."""
    return FollowUpDecision.objects.filter(patient=patient).select_related("decided_by")


def follow_up_on(patient: Patient) -> bool:
    """Whether the check-ins after the taper are on for ``patient``: the newest decision,
    or on when the care team has made none (on by default once a taper finishes)."""
    newest = (
        FollowUpDecision.objects.filter(patient=patient)
        .values_list("on", flat=True)
        .order_by("-decided_at", "-id")
        .first()
    )
    return True if newest is None else newest


def may_decide_follow_up(actor: Actor, patient: Patient) -> bool:
    """Keeping or ending the check-ins after the taper: a prescriber, nurse or
    counsellor on the patient's care team. Not program admins, not the patient."""
    if actor.user_id is None:
        return False
    if actor.role not in CARE_TEAM_ROLES or actor.program_id != patient.program_id:
        return False
    return patient.care_team.filter(user_id=actor.user_id).exists()
