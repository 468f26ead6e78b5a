"""``/worklist``: the patients who need the care team today, most urgent first, and
``/proposals``: the rules' proposals to pause or slow a taper, accepted or rejected by a
prescriber on the care team (docs/monitoring.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, PageQuery, page_of
from clonacare.api.security import caller
from clonacare.monitoring.access import access_proposal_by_id, proposals_visible_to
from clonacare.monitoring.actions import do_accept_proposal, do_reject_proposal
from clonacare.monitoring.models import Proposal
from clonacare.monitoring.worklist import KINDS, ROLE_KINDS, WorklistItem, worklist_for

router = Router(tags=["Worklist and proposals"])


class WorklistItemOut(Schema):
    patient_id: int
    name: str
    reasons: list[str] = Field(..., description="Why, in plain language, most urgent first.")
    kinds: list[str] = Field(..., description=f"Each reason's kind: {', '.join(KINDS)}.")


class WorklistOut(Schema):
    items: list[WorklistItemOut]
    count: int


class WorklistQuery(PageQuery):
    role: str | None = Field(
        None,
        description=f"Only the reasons this role acts on: {', '.join(ROLE_KINDS)}. "
        "Left out: every reason.",
    )


def _item(item: WorklistItem) -> dict[str, Any]:
    return {
        "patient_id": item.patient_id,
        "name": item.name,
        "reasons": list(item.reasons),
        "kinds": list(item.kinds),
    }


@router.get(
    "/worklist",
    response={200: WorklistOut, **READ_ERRORS, 403: ErrorOut},
    summary="Patients who need action today",
)
def get_worklist(request: HttpRequest, filters: Query[WorklistQuery]) -> dict[str, Any]:
    """The caller's caseload (same access) reduced to the patients who need action
    today, most urgent first, each with its reasons. A patient: 403."""
    items = worklist_for(caller(request).actor, timezone.now(), role=filters.role)
    page = items[filters.offset : filters.offset + filters.limit]
    return {"items": [_item(item) for item in page], "count": len(items)}


class ProposalOut(Schema):
    id: int
    patient_id: int
    plan_id: int
    kind: str = Field(..., description="pause or slow.")
    status: str = Field(..., description="open, accepted or rejected.")
    why: dict[str, Any] = Field(
        ...,
        description="The rule (`rule`), its sentence (`text`), the check-ins it read "
        "(`check_ins`: `date`, `ciwa_b_sum`), its `source` and `basis`.",
    )
    check_in_id: int
    made_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    reason: str
    revision: int | None = Field(..., description="The plan revision an acceptance made.")

    @staticmethod
    def resolve_decided_by(proposal: Proposal) -> str | None:
        return proposal.decided_by.get_username() if proposal.decided_by else None

    @staticmethod
    def resolve_revision(proposal: Proposal) -> int | None:
        return proposal.revision_number


class ProposalPage(Schema):
    items: list[ProposalOut]
    count: int


class ProposalQuery(PageQuery):
    status: Literal["open", "accepted", "rejected"] | None = Field(
        None, description="open, accepted or rejected; left out: all."
    )


@router.get(
    "/proposals",
    response={200: ProposalPage, **READ_ERRORS},
    summary="Proposals to pause or slow",
)
def list_proposals(request: HttpRequest, filters: Query[ProposalQuery]) -> dict[str, Any]:
    """The proposals of the patients the caller may see, newest first; none for a
    patient."""
    proposals: QuerySet[Proposal] = proposals_visible_to(caller(request).actor)
    if filters.status is not None:
        proposals = proposals.filter(status=filters.status)
    return page_of(proposals, filters)


class AcceptIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", description="Why it is accepted: required, at most 400 characters.")
    days: int | None = Field(
        None,
        description="A pause: how many days; slowing: the new number of days between "
        "reductions. Required.",
    )


class RejectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", description="Why it is rejected: required, at most 400 characters.")


@router.post(
    "/proposals/{int:proposal_id}/accept",
    response={200: ProposalOut, **WRITE_ERRORS, 409: ErrorOut, 422: ErrorOut},
    summary="Accept a proposal: revise the plan",
)
def accept_proposal(request: HttpRequest, proposal_id: int, payload: AcceptIn) -> Proposal:
    """A prescriber on the care team: the plan is revised from today (a pause, or a
    slower interval) through the taper core, with the reason. 409 when decided already
    or when the plan has been replaced; a revision a guardrail refuses: 422."""
    actor = caller(request).actor
    proposal = access_proposal_by_id(actor, proposal_id, purpose="proposals.write")
    return do_accept_proposal(
        actor, proposal, reason=payload.reason, days=payload.days, now=timezone.now()
    )


@router.post(
    "/proposals/{int:proposal_id}/reject",
    response={200: ProposalOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Reject a proposal",
)
def reject_proposal(request: HttpRequest, proposal_id: int, payload: RejectIn) -> Proposal:
    """A prescriber on the care team, with the reason; the plan is not touched."""
    actor = caller(request).actor
    proposal = access_proposal_by_id(actor, proposal_id, purpose="proposals.write")
    return do_reject_proposal(actor, proposal, reason=payload.reason, now=timezone.now())
