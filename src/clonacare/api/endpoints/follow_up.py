"""``/patients/{id}/follow-up``: the check-ins after a taper that stopped the drug
(docs/monitoring.md, "After the last dose"): where the patient stands, and the care
team's decision to keep them on or end them."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS
from clonacare.api.security import caller
from clonacare.monitoring.actions import do_set_follow_up
from clonacare.monitoring.follow_up import FollowUpState, follow_up_state
from clonacare.monitoring.models import NOTE_MAX, FollowUpDecision
from clonacare.patients.access import access_patient_by_id

router = Router(tags=["Dose logs and check-ins"])


class FollowUpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    on: bool = Field(
        ..., description="true keeps the check-ins after the taper on; false ends them."
    )
    reason: str = Field(..., description=f"Why, kept in the record (1 to {NOTE_MAX} characters).")


class DecisionOut(Schema):
    on: bool
    reason: str
    decided_by: str
    decided_at: dt.datetime

    @staticmethod
    def resolve_decided_by(decision: FollowUpDecision) -> str:
        return decision.decided_by.username


class FollowUpOut(Schema):
    on: bool = Field(..., description="The follow-up in force: the newest decision, else on.")
    stop_day: dt.date | None = Field(
        ...,
        description="The first day without the drug of the plan in force; null without an "
        "approved plan, or for a plan that ends on a lower dose kept on.",
    )
    stopped: bool = Field(..., description="The first day without the drug has come.")
    next_due: dt.date | None = Field(
        ...,
        description="The next check-in due from the first day without the drug on; null when "
        "none will be (the follow-up is ended) or there is no such day.",
    )
    every_days: int = Field(..., description="The follow-up's spacing (a Clonacare default).")
    decisions: list[DecisionOut] = Field(..., description="Every decision, newest first.")


def _out(state: FollowUpState) -> dict[str, object]:
    return {
        "on": state.on,
        "stop_day": state.stop_day,
        "stopped": state.stopped,
        "next_due": state.next_day,
        "every_days": state.every_days,
        "decisions": state.decisions,
    }


@router.get(
    "/patients/{int:patient_id}/follow-up",
    response={200: FollowUpOut, **READ_ERRORS},
    summary="The check-ins after the taper: on or ended, the next one, the decisions",
)
def follow_up(request: HttpRequest, patient_id: int) -> dict[str, object]:
    """Whoever may see the patient, the patient included."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="follow-up.view")
    return _out(follow_up_state(actor, patient, timezone.localdate()))


@router.post(
    "/patients/{int:patient_id}/follow-up",
    response={201: FollowUpOut, **WRITE_ERRORS},
    summary="Keep on or end the check-ins after the taper, with a reason",
)
def set_follow_up(request: HttpRequest, patient_id: int, payload: FollowUpIn) -> Status[object]:
    """A prescriber, nurse or counsellor on the care team (403 for anyone else who can
    see the record). 400 for an empty or too long reason (``follow-up-reason``) or a
    decision that changes nothing (``no-change``)."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="follow-up.write")
    do_set_follow_up(actor, patient, payload.on, payload.reason, now=timezone.now())
    return Status(201, _out(follow_up_state(actor, patient, timezone.localdate())))
