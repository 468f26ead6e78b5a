"""The gates to taper plans.

Staff see a patient's plans exactly when they may see the patient (``patients.access``):
the care team (prescribers, nurses, counsellors) and the program admin, drafts and
superseded plans included. A patient sees only their own plan in force (approved):
never a draft, which no prescriber has approved, nor a plan replaced by a later one.
A plan an actor may not see answers exactly like one that does not exist
(``PlanNotFound``), and every read, allowed or refused, is audited.
"""

from __future__ import annotations

from django.db.models import QuerySet

from clonacare.accounts.models import Role
from clonacare.audit.log import Actor
from clonacare.patients.access import RecordNotFound, access_record_by_id, patients_visible_to
from clonacare.patients.models import Patient
from clonacare.plans.models import Plan


class PlanNotFound(RecordNotFound):
    """No plan with that id that this actor may see (missing and forbidden alike)."""

    refusal_code = "plan-not-found"
    refusal_message = "Plan not found."


def plans_visible_to(actor: Actor) -> QuerySet[Plan]:
    """The plans ``actor`` may see: those of the patients they may see; for a patient,
    only their approved plan."""
    plans = Plan.objects.filter(patient__in=patients_visible_to(actor))
    if actor.role == Role.PATIENT:
        return plans.filter(status=Plan.Status.APPROVED)
    return plans


def access_plan_by_id(actor: Actor, plan_id: int, *, purpose: str) -> Plan:
    """The plan ``plan_id`` if ``actor`` may see it; records the read as ``purpose``.

    Raises PlanNotFound when there is no such plan or the actor may not see it (a
    patient asking for their own draft included); the refusal is audited as
    ``<purpose>.denied`` naming only the id asked for.
    """
    visible = plans_visible_to(actor).select_related("patient", "created_by", "approved_by")
    return access_record_by_id(
        actor, visible, plan_id, purpose=purpose, id_name="plan_id", not_found=PlanNotFound
    )


def plans_of(actor: Actor, patient: Patient) -> QuerySet[Plan]:
    """The plans of ``patient`` that ``actor`` may see, newest first, with what a list
    shows read along. ``patient`` comes from ``access_patient_by_id``, which recorded
    the read."""
    return (
        plans_visible_to(actor)
        .filter(patient=patient)
        .select_related("created_by", "approved_by")
        .prefetch_related("plan_revisions")
    )
