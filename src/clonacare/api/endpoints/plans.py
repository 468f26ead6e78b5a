"""Taper plans: drafted, approved and revised by a prescriber on the care team, read
by the care team, the program admin and (approved only) the patient (docs/plans.md).

A plan answers with the plan JSON of the taper contract (docs/taper.md, "JSON
contract") as it is in force (the newest revision), plus the record's own keys: ``id``,
``status``, who drafted and approved it and when, the fields it was drafted with
(``request``) and its revisions (``plan_revisions``). A plan a guardrail refuses answers
422 with the rule's ``code`` beside the ``detail``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, PageQuery, one_of
from clonacare.api.security import caller
from clonacare.core.drugs import known_drugs
from clonacare.core.taper import CustomStep
from clonacare.patients.access import access_patient_by_id
from clonacare.plans.access import access_plan_by_id, plans_of
from clonacare.plans.actions import (
    PlanParameters,
    do_approve_plan,
    do_draft_plan,
    do_revise_plan,
)
from clonacare.plans.calendar import plan_ics, plan_pdf
from clonacare.plans.models import Plan, PlanRevision


class RuleErrorOut(Schema):
    detail: str = Field(..., description="The rule that refused the plan, and the ways out.")
    code: str = Field(
        ..., description="The rule's code (rate-limit, formulary-floor, confirmation-required…)."
    )


router = Router(tags=["Taper plans"])

DRAFT_ERRORS: dict[int, type[Schema]] = {**WRITE_ERRORS, 422: RuleErrorOut}
APPROVE_ERRORS: dict[int, type[Schema]] = {**WRITE_ERRORS, 409: ErrorOut}
REVISE_ERRORS: dict[int, type[Schema]] = {**WRITE_ERRORS, 409: ErrorOut, 422: RuleErrorOut}


class StrictIn(Schema):
    # A misspelt field is refused by name instead of being silently dropped.
    model_config = ConfigDict(extra="forbid")


class CustomStepIn(StrictIn):
    start: dt.date = Field(..., description="The first day of these doses.")
    doses: dict[str, Decimal] = Field(
        {}, description='mg at each dose time, as `{"night": 1}`; none: stop the drug.'
    )


class PlanIn(StrictIn):
    """A taper plan as asked for: each field is the `clonacare taper plan` option of the
    same name (docs/taper.md). Left out: the command's default."""

    drug: str | None = one_of(
        known_drugs(), None, description="Default: the patient's current benzodiazepine."
    )
    doses: dict[str, Decimal] | None = Field(
        None,
        description='mg at each dose time, as `{"morning": 0.5, "night": 1}`. Default: the '
        "doses of the drug in the patient's record.",
    )
    method: Literal["percent", "fixed", "bands", "custom"]
    step: Decimal | None = Field(None, description="Percent (percent) or mg (fixed).")
    interval: int | None = Field(None, description="Days between cuts (default 14).")
    start: dt.date | None = Field(
        None, description="The first day, today or later (default today)."
    )
    switch_to: Literal["diazepam"] | None = None
    switch_at: Decimal | None = Field(
        None, description="Switch once the daily dose is at or below this diazepam-equivalent."
    )
    band_cut: Literal["low", "high"] | None = None
    crossover_order: list[str] | None = None
    crossover_days: int | None = None
    reduce_first: list[str] | None = None
    equivalence: Literal["ashton", "vadod"] = "ashton"
    equivalent_mg: Decimal | None = None
    end_dose: Decimal | None = None
    final_hold: int | None = None
    discontinuation_dose: Decimal | None = None
    override_reason: str | None = Field(
        None, description="Why the plan may break a limit it would be refused for."
    )
    confirmed_by: str | None = Field(
        None, description="The prescriber who confirms the blocking warnings."
    )
    indication: str | None = None
    pregnant: bool = False
    opioid_use: bool = False
    history_withdrawal_seizure: bool = False
    history_withdrawal_delirium: bool = False
    steps: list[CustomStepIn] | None = Field(None, description="The custom method's steps.")

    def parameters(self) -> PlanParameters:
        return PlanParameters(
            method=self.method,
            drug=self.drug,
            doses=tuple(self.doses.items()) if self.doses is not None else None,
            step=self.step,
            interval=self.interval,
            start=self.start,
            switch_to=self.switch_to,
            switch_at=self.switch_at,
            band_cut=self.band_cut,
            crossover_order=tuple(self.crossover_order) if self.crossover_order else None,
            crossover_days=self.crossover_days,
            reduce_first=tuple(self.reduce_first) if self.reduce_first else None,
            equivalence=self.equivalence,
            equivalent_mg=self.equivalent_mg,
            end_dose=self.end_dose,
            final_hold=self.final_hold,
            discontinuation_dose=self.discontinuation_dose,
            override_reason=self.override_reason,
            confirmed_by=self.confirmed_by,
            indication=self.indication,
            pregnant=self.pregnant,
            opioid_use=self.opioid_use,
            history_withdrawal_seizure=self.history_withdrawal_seizure,
            history_withdrawal_delirium=self.history_withdrawal_delirium,
            steps=tuple(
                CustomStep(start=s.start, doses=tuple(s.doses.items())) for s in self.steps or ()
            ),
        )


class ApproveIn(StrictIn):
    password: str = Field(..., description="Your own password, asked again.")
    otp: str | None = Field(
        None, description="Your authenticator's code, where your program requires two-factor."
    )


class RevisionIn(StrictIn):
    """A revision, as `clonacare taper adjust`: `kind` is its `--pause`,
    `--slow-interval`, `--slow-step` or `--step-back`."""

    kind: Literal["pause", "slow-interval", "slow-step", "step-back"]
    on: dt.date | None = Field(
        None, description="When it takes effect, today or later (default today)."
    )
    reason: str = Field(..., description="Why the plan is revised.")
    days: int | None = Field(None, description="A pause's length, or the slower interval.")
    step: Decimal | None = Field(
        None, description="The smaller step (percent or mg, as the method)."
    )
    override_reason: str | None = None
    confirmed_by: str | None = None


class PlanRevisionOut(Schema):
    number: int = Field(..., description="The revision's number in the plan JSON (from 2).")
    kind: str
    amount: str = Field(..., description="Days, or the smaller step; empty for a step back.")
    on: dt.date
    reason: str
    override_reason: str
    confirmed_by: str
    revised_by: str
    revised_at: dt.datetime


class PlanOut(BaseModel):
    """The plan JSON of the taper contract in force (every key of docs/taper.md, "JSON
    contract", kept as the core writes it), plus these keys."""

    # A pydantic model, not a ninja Schema: a Schema reads only its declared fields, and
    # the contract's keys (which the core may add to) must pass through as they are.
    model_config = ConfigDict(extra="allow")

    id: int
    status: str = Field(..., description="draft, approved or superseded.")
    patient_id: int
    created_by: str
    created_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    superseded_by: int | None = Field(..., description="The plan that superseded it.")
    superseded_at: dt.datetime | None
    request: dict[str, Any] = Field(
        ..., description="The fields the plan was drafted with, the record's defaults filled in."
    )
    plan_revisions: list[PlanRevisionOut]


class PlanSummaryOut(Schema):
    id: int
    status: str
    drug: str
    method: str
    start: dt.date
    end_date: dt.date
    outcome: str
    revision: int
    created_by: str
    created_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None


class PlanListOut(Schema):
    items: list[PlanSummaryOut]
    count: int


def _name(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


def _plan_out(plan: Plan) -> dict[str, Any]:
    revisions = sorted(plan.plan_revisions.all(), key=lambda r: r.number)
    return {
        **(revisions[-1].plan_json if revisions else plan.plan_json),
        "id": plan.pk,
        "status": plan.status,
        "patient_id": plan.patient_id,
        "created_by": _name(plan.created_by),
        "created_at": plan.created_at,
        "approved_by": _name(plan.approved_by),
        "approved_at": plan.approved_at,
        "superseded_by": plan.superseded_by_id,
        "superseded_at": plan.superseded_at,
        "request": plan.parameters,
        "plan_revisions": [_revision_out(r) for r in revisions],
    }


def _revision_out(revision: PlanRevision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "kind": revision.kind,
        "amount": revision.amount,
        "on": revision.effective_on,
        "reason": revision.reason,
        "override_reason": revision.override_reason,
        "confirmed_by": revision.confirmed_by,
        "revised_by": revision.revised_by.get_username(),
        "revised_at": revision.revised_at,
    }


def _summary(plan: Plan) -> dict[str, Any]:
    current = plan.current_json()
    return {
        "id": plan.pk,
        "status": plan.status,
        "drug": plan.drug,
        "method": current["method"],
        "start": current["steps"][0]["start"],
        "end_date": current["end_date"],
        "outcome": current["outcome"],
        "revision": current["revision"],
        "created_by": _name(plan.created_by),
        "created_at": plan.created_at,
        "approved_by": _name(plan.approved_by),
        "approved_at": plan.approved_at,
    }


def _reread(plan_id: int) -> Plan:
    return (
        Plan.objects.select_related("created_by", "approved_by")
        .prefetch_related("plan_revisions__revised_by")
        .get(pk=plan_id)
    )


@router.post(
    "/patients/{int:patient_id}/plans",
    response={201: PlanOut, **DRAFT_ERRORS},
    summary="Draft a taper plan",
)
def draft_plan(request: HttpRequest, patient_id: int, payload: PlanIn) -> Status[dict[str, Any]]:
    """A prescriber on the patient's care team (403 for anyone else who sees the
    patient). The drug and doses default to the patient's current benzodiazepine. A plan
    a guardrail refuses: 422 with the rule's `code`; nothing is stored."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="plans.write")
    plan = do_draft_plan(actor, patient, payload.parameters(), now=timezone.now())
    return Status(201, _plan_out(_reread(plan.pk)))


@router.get(
    "/patients/{int:patient_id}/plans",
    response={200: PlanListOut, **READ_ERRORS},
    summary="A patient's taper plans",
)
def list_plans(request: HttpRequest, patient_id: int, page: Query[PageQuery]) -> dict[str, Any]:
    """Newest first. Staff who see the patient: every plan; the patient: the approved one."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="plans.list")
    plans = plans_of(actor, patient)
    return {
        "items": [_summary(p) for p in plans[page.offset : page.offset + page.limit]],
        "count": plans.count(),
    }


@router.get(
    "/plans/{int:plan_id}",
    response={200: PlanOut, **READ_ERRORS},
    summary="A taper plan",
)
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    actor = caller(request).actor
    plan = access_plan_by_id(actor, plan_id, purpose="plan.view")
    return _plan_out(_reread(plan.pk))


@router.post(
    "/plans/{int:plan_id}/approve",
    response={200: PlanOut, **APPROVE_ERRORS},
    summary="Approve a draft taper plan",
)
def approve_plan(request: HttpRequest, plan_id: int, payload: ApproveIn) -> dict[str, Any]:
    """A prescriber on the patient's care team, with their password again (and their
    code where the program requires two-factor). The patient's approved plan, if any,
    is superseded. 409 for a plan that is not a draft, or whose first change is past."""
    actor = caller(request).actor
    plan = access_plan_by_id(actor, plan_id, purpose="plans.write")
    do_approve_plan(actor, plan, password=payload.password, otp=payload.otp, now=timezone.now())
    return _plan_out(_reread(plan.pk))


@router.post(
    "/plans/{int:plan_id}/revisions",
    response={201: PlanOut, **REVISE_ERRORS},
    summary="Revise the approved taper plan",
)
def revise_plan(request: HttpRequest, plan_id: int, payload: RevisionIn) -> Status[dict[str, Any]]:
    """A prescriber on the patient's care team: pause, slow or step back, from today or
    later, with a reason. Steps before `on` never change. 409 for a draft or a
    superseded plan; a revision a guardrail refuses: 422 with the rule's `code`."""
    actor = caller(request).actor
    plan = access_plan_by_id(actor, plan_id, purpose="plans.write")
    now = timezone.now()
    do_revise_plan(
        actor,
        plan,
        payload.kind,
        reason=payload.reason,
        effective=payload.on or now.date(),
        now=now,
        days=payload.days,
        step=payload.step,
        override_reason=payload.override_reason,
        confirmed_by=payload.confirmed_by,
    )
    return Status(201, _plan_out(_reread(plan.pk)))


_ICS = {"content": {"text/calendar": {"schema": {"type": "string"}}}}
_PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


@router.get(
    "/plans/{int:plan_id}/calendar.ics",
    response={**READ_ERRORS},
    summary="A taper plan as an iCalendar file",
    openapi_extra={"responses": {200: _ICS}},
)
def plan_calendar(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan in force (the newest revision), one all-day event on each day the doses
    change: anyone who may see the plan (the patient: their approved plan). Audited as
    `plan.calendar`."""
    actor = caller(request).actor
    plan = access_plan_by_id(actor, plan_id, purpose="plan.calendar")
    response = HttpResponse(
        plan_ics(_reread(plan.pk), timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="taper-plan-{plan.pk}.ics"'
    return response


@router.get(
    "/plans/{int:plan_id}/pdf",
    response={**READ_ERRORS, 403: ErrorOut},
    summary="The pharmacy PDF of a taper plan",
    openapi_extra={"responses": {200: _PDF}},
)
def plan_pdf_file(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The pharmacy PDF of the plan in force, with the patient's name and the approving
    prescriber's: staff who see the plan (403 for the patient; 400 where WeasyPrint
    cannot run). Audited as `plan.pdf`."""
    actor = caller(request).actor
    plan = access_plan_by_id(actor, plan_id, purpose="plan.pdf")
    data = plan_pdf(actor, _reread(plan.pk), now=timezone.now())
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="taper-plan-{plan.pk}.pdf"'
    return response
