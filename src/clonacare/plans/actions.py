"""Every write to taper plans, one ``do_*`` action each (docs/plans.md).

Each action checks the actor's right, then the input, then writes and records its audit
entry in one transaction; a refusal raises a ClinicalError and writes nothing (a refused
approval is itself audited, as ``plan.approve.refused``). The taper core makes every
plan and revision: its refusals (a guardrail's ``rate-limit``, ``confirmation-required``
...) propagate as they are, with their codes and kinds.

Only a prescriber on the patient's care team drafts, approves or revises a plan
(``patients.access.may_order_dose_change``: the same people who order a dose change).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django_otp import match_token

from clonacare.accounts.auth import Reauthentication, reauthenticate
from clonacare.accounts.models import membership_of
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.core.taper import (
    Adjustment,
    Pause,
    SlowInterval,
    SlowStep,
    StepBack,
    adjust_plan,
    plan_from_dict,
    plan_taper,
    plan_to_dict,
    request_formulary,
)
from clonacare.patients.access import may_order_dose_change
from clonacare.patients.models import Patient
from clonacare.plans.change_days import change_days
from clonacare.plans.models import Plan, PlanChangeDay, PlanRevision
from clonacare.plans.parameters import (
    NAME_MAX,
    REASON_MAX,
    PlanParameters,
    resolve,
    taper_request,
)

__all__ = [
    "NOT_A_TEAM_PRESCRIBER",
    "PlanParameters",
    "do_approve_plan",
    "do_draft_plan",
    "do_revise_plan",
]

NOT_A_TEAM_PRESCRIBER = (
    "Only a prescriber on the patient's care team drafts, approves or revises a taper plan."
)
REAUTH_MISSING = "Approving a plan asks for your password again: enter it."
REAUTH_WRONG = "That password is not right; approving a plan asks for your own password."
REAUTH_LOCKED = (
    "Too many wrong passwords: this account is locked for a while, for signing in and for "
    "approving. Try again later or ask your program admin."
)
CODE_NOT_SET_UP = (
    "Your program requires two-factor sign-in and this account has no authenticator app "
    "yet: set it up on the web, then approve with its code."
)
CODE_MISSING = (
    "Your program requires two-factor sign-in: enter the 6-digit code from your "
    "authenticator app to approve this plan."
)
CODE_WRONG = "That code is not right, or it has expired. Try the newest code."
CODE_THROTTLED = "Too many wrong codes in a row. Wait a few seconds, then enter the newest code."
REASON_MISSING = "Enter the reason for the revision."

_NOT_DRAFT = {
    Plan.Status.APPROVED: "This plan is approved already.",
    Plan.Status.SUPERSEDED: "This plan was approved and has been superseded by a later plan.",
}
_NOT_APPROVED = {
    Plan.Status.DRAFT: (
        "This plan is a draft: only the approved plan in force is revised. Draft a new "
        "plan instead, or approve this one first."
    ),
    Plan.Status.SUPERSEDED: (
        "This plan has been superseded by a later plan: revise the plan in force instead."
    ),
}


def _may_plan(actor: Actor, patient: Patient) -> int:
    """The prescriber's user id, when ``actor`` may plan for ``patient``."""
    if actor.user_id is None or not may_order_dose_change(actor, patient):
        raise ClinicalError("not-allowed", NOT_A_TEAM_PRESCRIBER)
    return actor.user_id


def do_draft_plan(
    actor: Actor, patient: Patient, parameters: PlanParameters, *, now: dt.datetime
) -> Plan:
    """Draft a taper plan for ``patient`` (whom ``actor`` may see) from ``parameters``.

    The drug and doses default to the patient's current benzodiazepine regimen, the start
    to today (``now``'s date); the age is the record's. Refused: ``not-allowed`` (403)
    for anyone but a prescriber on the care team; ``plan-start`` for a start before
    today; ``missing`` when the record cannot give the regimen; and every refusal of
    the taper core, unchanged (a guardrail's is ``refused-by-rule``, 422). Nothing is
    stored when refused. A draft leaves the patient's approved plan in force.
    """
    user_id = _may_plan(actor, patient)
    resolved = resolve(parameters, patient, today=now.date())
    request = taper_request(resolved)
    taper = plan_taper(request, request_formulary(request))
    with transaction.atomic():
        plan = Plan.objects.create(
            patient=patient,
            status=Plan.Status.DRAFT,
            drug=taper.drug,
            parameters=resolved.as_dict(),
            plan_json=plan_to_dict(taper),
            override_reason=resolved.override_reason or "",
            confirmed_by=resolved.confirmed_by or "",
            created_by_id=user_id,
            created_at=now,
        )
        record(
            actor,
            "plan.draft",
            patient=patient,
            target=plan,
            detail={"drug": taper.drug, "method": request.method, "start": str(request.start)},
        )
    return plan


def _refuse_approval(actor: Actor, plan: Plan, code: str, message: str) -> ClinicalError:
    """The refusal of an approval whose password or code failed, audited first (the
    attempt is kept even though nothing else is written)."""
    record(
        actor,
        "plan.approve.refused",
        patient=plan.patient,
        target=plan,
        detail={"code": code},
    )
    return ClinicalError(code, message)


def _reauthenticate(actor: Actor, plan: Plan, user_id: int, password: str, otp: str | None) -> None:
    """The approving prescriber's password again, and their authenticator code where
    their program requires two-factor sign-in (as accounts/auth.py checks one)."""
    user = User.objects.get(pk=user_id)
    if not password:
        raise _refuse_approval(actor, plan, "approval-password", REAUTH_MISSING)
    outcome = reauthenticate(actor, user, password)
    if outcome is Reauthentication.LOCKED:
        raise _refuse_approval(actor, plan, "approval-password", REAUTH_LOCKED)
    if outcome is Reauthentication.WRONG:
        raise _refuse_approval(actor, plan, "approval-password", REAUTH_WRONG)
    membership = membership_of(user)
    if membership is None or not membership.needs_two_factor:
        return
    devices = user.totpdevice_set.filter(confirmed=True)  # type: ignore[attr-defined]
    if not devices.exists():
        raise _refuse_approval(actor, plan, "approval-code", CODE_NOT_SET_UP)
    if not (otp or "").strip():
        raise _refuse_approval(actor, plan, "approval-code", CODE_MISSING)
    if not any(device.verify_is_allowed()[0] for device in devices):
        raise _refuse_approval(actor, plan, "approval-code", CODE_THROTTLED)
    if match_token(user, (otp or "").strip()) is None:
        raise _refuse_approval(actor, plan, "approval-code", CODE_WRONG)


def _first_change(plan_json: dict[str, Any]) -> dt.date | None:
    """The day the plan first changes a dose (its step 1), None for a plan of one step."""
    later = [s for s in plan_json.get("steps", []) if s.get("number", 0) >= 1]
    return dt.date.fromisoformat(later[0]["start"]) if later else None


def _store_change_days(plan: Plan, plan_json: dict[str, Any]) -> None:
    """Rewrite the change days of ``plan`` from ``plan_json``, the plan in force, and its
    ``stop_day`` (call inside the transaction that approves or revises it)."""
    PlanChangeDay.objects.filter(plan=plan).delete()
    PlanChangeDay.objects.bulk_create(
        PlanChangeDay(plan=plan, patient_id=plan.patient_id, on=day)
        for day in change_days(plan_json)
    )
    stops = plan_json["outcome"] == "discontinued"
    plan.stop_day = dt.date.fromisoformat(plan_json["end_date"]) if stops else None
    plan.save(update_fields=["stop_day"])


def do_approve_plan(
    actor: Actor, plan: Plan, *, password: str, otp: str | None, now: dt.datetime
) -> Plan:
    """Approve the draft ``plan`` (which ``actor`` may see): it becomes the plan in force
    and the patient's previously approved plan, if any, is superseded. Its change days
    (``PlanChangeDay``) are stored in the same transaction, the superseded plan's removed.

    The prescriber's password is checked again, and the authenticator code where their
    program requires two-factor sign-in. Refused: ``not-allowed`` (403) for anyone but a
    prescriber on the care team; ``approval-password`` and ``approval-code`` (400, the
    attempt audited); ``plan-not-draft`` (409) for a plan approved already or
    superseded; ``plan-stale`` (409) for a draft whose first change falls before today.
    """
    user_id = _may_plan(actor, plan.patient)
    _reauthenticate(actor, plan, user_id, password, otp)
    today = now.date()
    with transaction.atomic():
        # Locked: two approvals of the patient's plans at once wait for each other.
        Patient.objects.select_for_update().filter(pk=plan.patient_id).first()
        plan = Plan.objects.select_related("patient").get(pk=plan.pk)
        if plan.status != Plan.Status.DRAFT:
            raise ClinicalError("plan-not-draft", _NOT_DRAFT[Plan.Status(plan.status)])
        first_change = _first_change(plan.plan_json)
        if first_change is not None and first_change < today:
            raise ClinicalError(
                "plan-stale",
                f"This draft's first change was due on {first_change.isoformat()}, before "
                f"today ({today.isoformat()}): draft the plan again from today.",
            )
        previous = (
            Plan.objects.filter(patient_id=plan.patient_id, status=Plan.Status.APPROVED)
            .exclude(pk=plan.pk)
            .first()
        )
        if previous is not None:
            previous.status = Plan.Status.SUPERSEDED
            previous.superseded_by = plan
            previous.superseded_at = now
            previous.save(update_fields=["status", "superseded_by", "superseded_at"])
            # Only the plan in force keeps change days (the check-in schedule reads them).
            PlanChangeDay.objects.filter(plan=previous).delete()
        plan.status = Plan.Status.APPROVED
        plan.approved_by_id = user_id
        plan.approved_at = now
        plan.save(update_fields=["status", "approved_by", "approved_at"])
        _store_change_days(plan, plan.plan_json)
        record(
            actor,
            "plan.approve",
            patient=plan.patient,
            target=plan,
            detail={"superseded": previous.pk if previous is not None else None},
        )
    return plan


_NEEDS_DAYS = {
    PlanRevision.Kind.PAUSE: "A pause",
    PlanRevision.Kind.SLOW_INTERVAL: "A slower interval",
}


def _adjustment(kind: str, days: int | None, step: Decimal | None) -> tuple[Adjustment, str]:
    """The core's adjustment for ``kind``, and its size as the revision keeps it."""
    if kind in _NEEDS_DAYS:
        if days is None or step is not None:
            what = _NEEDS_DAYS[PlanRevision.Kind(kind)]
            raise ClinicalError("bad-option", f"{what} takes its length in days, and no step.")
        action: Adjustment = Pause(days) if kind == PlanRevision.Kind.PAUSE else SlowInterval(days)
        return action, str(days)
    if kind == PlanRevision.Kind.SLOW_STEP:
        if step is None or days is not None:
            raise ClinicalError("bad-option", "A smaller step takes the step, and no days.")
        return SlowStep(step), str(step)
    if kind == PlanRevision.Kind.STEP_BACK:
        if days is not None or step is not None:
            raise ClinicalError("bad-option", "A step back takes no days and no step.")
        return StepBack(), ""
    raise ClinicalError(
        "bad-option",
        f"Unknown revision {kind!r}; choose one of: {', '.join(PlanRevision.Kind.values)}.",
    )


def do_revise_plan(
    actor: Actor,
    plan: Plan,
    kind: str,
    *,
    reason: str,
    effective: dt.date,
    now: dt.datetime,
    days: int | None = None,
    step: Decimal | None = None,
    override_reason: str | None = None,
    confirmed_by: str | None = None,
) -> PlanRevision:
    """Revise the approved ``plan`` (which ``actor`` may see) from ``effective``: ``kind``
    is ``pause`` or ``slow-interval`` (with ``days``), ``slow-step`` (with ``step``) or
    ``step-back``. The taper core's ``adjust_plan`` makes the revision from the plan in
    force; steps before ``effective`` never change. The plan's change days are rewritten
    from the revised plan in the same transaction.

    Refused: ``not-allowed`` (403) for anyone but a prescriber on the care team;
    ``missing`` without a reason; ``revision-date`` for a date before today;
    ``plan-not-approved`` (409) for a draft or a superseded plan; and every refusal of
    the core, unchanged. Nothing is stored when refused.
    """
    user_id = _may_plan(actor, plan.patient)
    cleaned = reason.strip()
    if not cleaned:
        raise ClinicalError("missing", REASON_MISSING)
    if len(cleaned) > REASON_MAX:
        raise ClinicalError("too-long", f"The reason is longer than {REASON_MAX} characters.")
    override = (override_reason or "").strip() or None
    if override is not None and len(override) > REASON_MAX:
        raise ClinicalError(
            "too-long", f"The override reason is longer than {REASON_MAX} characters."
        )
    confirmer = (confirmed_by or "").strip() or None
    if confirmer is not None and len(confirmer) > NAME_MAX:
        raise ClinicalError(
            "too-long", f"The confirming prescriber's name is longer than {NAME_MAX} characters."
        )
    today = now.date()
    if effective < today:
        raise ClinicalError(
            "revision-date",
            f"A revision takes effect today ({today.isoformat()}) or later, not on "
            f"{effective.isoformat()}: steps already taken never change.",
        )
    action, amount = _adjustment(kind, days, step)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("patient").get(pk=plan.pk)
        if plan.status != Plan.Status.APPROVED:
            raise ClinicalError("plan-not-approved", _NOT_APPROVED[Plan.Status(plan.status)])
        current = plan_from_dict(plan.current_json(), f"Plan {plan.pk}")
        revised = adjust_plan(
            current,
            effective,
            action,
            reason=cleaned,
            formulary=request_formulary(current.request),
            override_reason=override,
            confirmed_by=confirmer,
        )
        revision = PlanRevision.objects.create(
            plan=plan,
            number=revised.revision,
            kind=kind,
            amount=amount,
            reason=cleaned,
            effective_on=effective,
            override_reason=override or "",
            confirmed_by=confirmer or "",
            revised_by_id=user_id,
            revised_at=now,
            plan_json=plan_to_dict(revised),
        )
        _store_change_days(plan, revision.plan_json)
        record(
            actor,
            "plan.revise",
            patient=plan.patient,
            target=plan,
            detail={"revision": revised.revision, "kind": kind, "on": effective.isoformat()},
        )
    return revision
