"""``/patients/{id}/timeline`` and ``/patients/{id}/returns-to-use``: the recovery
record (docs/recovery.md). The timeline is read through the patient's gate and each
app's own, so it shows a caller only what they may see; a patient the caller may not
see answers 404 like a missing one."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS
from clonacare.api.security import caller
from clonacare.core.recovery import Milestone, Remission, Run
from clonacare.patients.access import access_patient_by_id
from clonacare.recovery.actions import do_record_return_to_use
from clonacare.recovery.models import NOTE_MAX, ReturnToUse
from clonacare.recovery.timeline import RecoveryRecord, access_recovery_record

router = Router(tags=["Recovery record"])


class EventOut(Schema):
    date: dt.date
    kind: str = Field(..., description="What happened: assessment, plan-approved, milestone...")
    text: str


class MilestoneOut(Schema):
    days: int
    date: dt.date


class RunOut(Schema):
    started_on: dt.date = Field(..., description="The first day without a benzodiazepine.")
    ended_on: dt.date | None = Field(..., description="The day use started again; null: goes on.")
    days_without: int
    reached: list[MilestoneOut]
    next: MilestoneOut | None


class MilestonesOut(Schema):
    runs: list[RunOut]
    source: str


class RemissionOut(Schema):
    status: str = Field(..., description="early, sustained, not-met or not-enough.")
    label: str
    reasons: list[str]
    since: dt.date | None
    through: dt.date | None
    source: str


class TimelineOut(Schema):
    items: list[EventOut]
    count: int
    milestones: MilestonesOut
    remission: RemissionOut | None = Field(
        ..., description="DSM-5 remission; null for a patient (the checklists are the staff's)."
    )


class ReturnToUseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    on: dt.date = Field(..., description="The day use started again, as far as it is known.")
    drug: str = Field("", description="The benzodiazepine, when known; empty otherwise.")
    note: str = Field("", description=f"At most {NOTE_MAX} characters.")


class ReturnToUseOut(Schema):
    id: int
    patient_id: int
    on: dt.date
    drug: str
    note: str
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_recorded_by(returned: ReturnToUse) -> str:
        return returned.recorded_by.get_username()


def _milestone(milestone: Milestone | None) -> dict[str, object] | None:
    return None if milestone is None else {"days": milestone.days, "date": milestone.on}


def _run(run: Run) -> dict[str, object]:
    return {
        "started_on": run.started_on,
        "ended_on": run.ended_on,
        "days_without": run.days_without,
        "reached": [_milestone(m) for m in run.reached],
        "next": _milestone(run.next),
    }


def _remission(remission: Remission | None) -> dict[str, object] | None:
    if remission is None:
        return None
    return {
        "status": str(remission.status),
        "label": remission.label,
        "reasons": list(remission.reasons),
        "since": remission.since,
        "through": remission.through,
        "source": remission.source,
    }


def timeline_body(found: RecoveryRecord) -> dict[str, object]:
    items = [{"date": e.on, "kind": e.kind, "text": e.text} for e in found.events]
    return {
        "items": items,
        "count": len(items),
        "milestones": {
            "runs": [_run(r) for r in found.runs],
            "source": found.milestones_source,
        },
        "remission": _remission(found.remission),
    }


@router.get(
    "/patients/{int:patient_id}/timeline",
    response={200: TimelineOut, **READ_ERRORS},
    summary="A patient's recovery timeline, oldest first, with milestones and remission",
)
def timeline(request: HttpRequest, patient_id: int) -> dict[str, object]:
    actor = caller(request).actor
    return timeline_body(access_recovery_record(actor, patient_id, now=timezone.now()))


@router.post(
    "/patients/{int:patient_id}/returns-to-use",
    response={201: ReturnToUseOut, **WRITE_ERRORS},
    summary="Record a return to use (nothing before it is erased)",
)
def record_return_to_use(
    request: HttpRequest, patient_id: int, payload: ReturnToUseIn
) -> Status[ReturnToUse]:
    """A prescriber, nurse or counsellor on the care team (403 for anyone else who can
    see the record)."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="recovery.write")
    stored = do_record_return_to_use(
        actor, patient, on=payload.on, drug=payload.drug, note=payload.note, now=timezone.now()
    )
    return Status(201, stored)
