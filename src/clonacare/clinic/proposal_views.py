"""The clinic's page of a proposal to pause or slow a taper: the patient, the plan in
force, what the rule found, and for a prescriber on the care team the forms that accept
it (a revision made by the taper core) or reject it. docs/monitoring.md, "Deciding".

Read through ``monitoring.access`` (staff who see the patient see the proposal; anyone
else, and a patient, 404); decided through ``do_accept_proposal`` and
``do_reject_proposal``, whose refusals are shown with the status of their kind: 403 for
staff who may not decide, 409 for a proposal decided already or a plan replaced since,
400 on the field for a missing days or reason, and the taper core's refusals in
clinical words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.audit.log import Actor
from clonacare.clinic.plan_views import schedule
from clonacare.clinic.proposal_forms import AcceptForm, RejectForm
from clonacare.core.errors import ClinicalError
from clonacare.monitoring.access import ProposalNotFound, access_proposal_by_id
from clonacare.monitoring.actions import NOT_A_DECIDER, do_accept_proposal, do_reject_proposal
from clonacare.monitoring.models import Proposal
from clonacare.patients.access import may_order_dose_change

# Said beside every proposal: the rules' numbers are not published thresholds.
DEFAULTS_NOTE = (
    "The numbers this rule reads against are Clonacare's configurable defaults, not "
    "published thresholds; CIWA-B is read as the patient's own trend, never against a band."
)


def _proposal(actor: Actor, proposal_id: int, purpose: str) -> Proposal:
    try:
        return access_proposal_by_id(actor, proposal_id, purpose=purpose)
    except ProposalNotFound:
        raise Http404("No such proposal.") from None


def _step_today(plan_json: dict[str, Any], today: dt.date) -> dict[str, Any] | None:
    """The schedule row of the step that ``today`` falls in, None before or after."""
    for row in schedule(plan_json):
        start = dt.date.fromisoformat(row["start"])
        if start <= today < start + dt.timedelta(days=row["days"]):
            return row
    return None


def _page(
    request: HttpRequest,
    actor: Actor,
    proposal: Proposal,
    *,
    accept_form: AcceptForm | None = None,
    reject_form: RejectForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    can_decide = proposal.status == Proposal.Status.OPEN and may_order_dose_change(
        actor, proposal.patient
    )
    current = proposal.plan.current_json()
    if can_decide:
        accept_form = accept_form if accept_form is not None else AcceptForm(kind=proposal.kind)
        reject_form = reject_form if reject_form is not None else RejectForm()
    context = {
        "proposal": proposal,
        "patient": proposal.patient,
        "plan": proposal.plan,
        "current": current,
        "step_today": _step_today(current, timezone.localdate()),
        "why": proposal.why,
        "defaults_note": DEFAULTS_NOTE,
        "can_decide": can_decide,
        "accept_form": accept_form if can_decide else None,
        "reject_form": reject_form if can_decide else None,
        "refusal": refusal,
    }
    return render(request, "clinic/proposal.html", context, status=status)


@require_GET
@staff_required
def proposal_page(request: HttpRequest, proposal_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    return _page(request, actor, _proposal(actor, proposal_id, "proposal.view"))


def _decided_elsewhere(
    request: HttpRequest, actor: Actor, proposal_id: int, exc: ClinicalError
) -> HttpResponse:
    """A refusal with no form to show it on (the proposal decided meanwhile, or its
    plan replaced): the page as it is now, with the message."""
    proposal = _proposal(actor, proposal_id, "proposal.view")
    return _page(request, actor, proposal, refusal=exc.message, status=exc.kind.status)


@require_POST
@staff_required
def accept_proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    proposal = _proposal(actor, proposal_id, "proposals.write")
    if not may_order_dose_change(actor, proposal.patient):
        return render(request, "refused.html", {"message": NOT_A_DECIDER}, status=403)
    form = AcceptForm(request.POST, kind=proposal.kind)
    if not form.is_valid():
        return _page(request, actor, proposal, accept_form=form, status=400)
    try:
        do_accept_proposal(
            actor,
            proposal,
            reason=form.cleaned_data["reason"] or "",
            days=form.cleaned_data["days"],
            now=timezone.now(),
        )
    except ClinicalError as exc:
        if exc.code in ("proposal-decided", "plan-not-approved"):
            return _decided_elsewhere(request, actor, proposal_id, exc)
        form.show_refusal(exc)
        return _page(request, actor, proposal, accept_form=form, status=exc.kind.status)
    return redirect("clinic:plan", plan_id=proposal.plan_id)


@require_POST
@staff_required
def reject_proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    proposal = _proposal(actor, proposal_id, "proposals.write")
    if not may_order_dose_change(actor, proposal.patient):
        return render(request, "refused.html", {"message": NOT_A_DECIDER}, status=403)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, proposal, reject_form=form, status=400)
    try:
        do_reject_proposal(
            actor, proposal, reason=form.cleaned_data["reason"] or "", now=timezone.now()
        )
    except ClinicalError as exc:
        if exc.code == "proposal-decided":
            return _decided_elsewhere(request, actor, proposal_id, exc)
        form.show_refusal(exc)
        return _page(request, actor, proposal, reject_form=form, status=exc.kind.status)
    return redirect("clinic:proposal", proposal_id=proposal.pk)
