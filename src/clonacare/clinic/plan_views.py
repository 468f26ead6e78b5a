"""The clinic's taper plan pages: a patient's plans, the draft page (presets, preview,
save), and a plan's page (approve, revise). docs/plans.md, "The clinic's pages".

Each view parses its form, calls the plans app (``preview_plan`` to show, a ``do_*``
action to write) and renders; a refusal is shown on the form in the form's words, with
the status of its kind. A patient or plan the actor may not see answers 404, like a
missing page; staff who see a plan but may not plan get the forms' refusal (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.accounts.models import membership_of
from clonacare.audit.log import Actor
from clonacare.clinic.plan_forms import (
    TERM_LABELS,
    ApproveForm,
    PlanForm,
    ReviseForm,
    preset_data,
)
from clonacare.clinic.views import open_proposals_of
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import PatientNotFound, access_patient_by_id, may_order_dose_change
from clonacare.patients.models import Patient
from clonacare.plans.access import PlanNotFound, access_plan_by_id, plans_of
from clonacare.plans.actions import (
    NOT_A_TEAM_PRESCRIBER,
    do_approve_plan,
    do_draft_plan,
    do_revise_plan,
)
from clonacare.plans.calendar import plan_pdf
from clonacare.plans.charts import plan_chart_data_uri
from clonacare.plans.models import Plan
from clonacare.plans.presets import presets
from clonacare.plans.preview import preview_plan

PRESET_MISSING = "Choose a preset to fill the form with."


def _number(value: Any) -> str:
    """A dose as the pages print it: 0.5, 10, never 10.0."""
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def schedule(plan_json: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's steps as the schedule table shows them."""
    rows = []
    for step in plan_json.get("steps", []):
        doses = "; ".join(
            f"{d['time']} {_number(d['mg'])} mg {d['drug']}" for d in step.get("doses", [])
        )
        change = step.get("change_pct")
        rows.append(
            {
                "number": step["number"],
                "start": step["start"],
                "days": step["days"],
                "kind": step["kind"],
                "doses": doses or "none",
                "de_mg": _number(step["diazepam_equivalent_mg"]),
                "change": f"{_number(round(Decimal(str(change)), 1))}%" if change else "",
                "note": step.get("note", ""),
            }
        )
    return rows


def _regimen(patient: Patient) -> str:
    """The record's current benzodiazepine regimen in words, "" when none."""
    uses = patient.benzo_uses.filter(ended_on__isnull=True).order_by("drug")
    return "; ".join(
        f"{use.drug} " + ", ".join(f"{t} {_number(mg)} mg" for t, mg in use.doses()) for use in uses
    )


def _patient(actor: Actor, patient_id: int, purpose: str) -> Patient:
    try:
        return access_patient_by_id(actor, patient_id, purpose=purpose)
    except PatientNotFound:
        raise Http404("No such patient.") from None


def _plan(actor: Actor, plan_id: int, purpose: str) -> Plan:
    try:
        return access_plan_by_id(actor, plan_id, purpose=purpose)
    except PlanNotFound:
        raise Http404("No such plan.") from None


@require_http_methods(["GET"])
@staff_required
def patient_plans(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    patient = _patient(actor, patient_id, "plans.list")
    context = {
        "patient": patient,
        "plans": plans_of(actor, patient),
        "can_plan": may_order_dose_change(actor, patient),
    }
    return render(request, "clinic/plan_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def draft_plan(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Only a prescriber on the care team opens this page; anyone else: 404."""
    actor = actor_from_request(request)
    patient = _patient(actor, patient_id, "plans.write")
    if not may_order_dose_change(actor, patient):
        raise Http404("No such page.")
    action = request.POST.get("action", "preview")
    form = PlanForm(request.POST or None)
    shown = _Preview()
    if request.method == "POST" and action == "preset":
        chosen = form.chosen_preset()
        if chosen is None:
            form.is_valid()
            form.add_error("preset", PRESET_MISSING)
            shown.status = 400
        else:
            form = PlanForm(preset_data(chosen, request.POST))
    elif request.method == "POST" and action == "save":
        if not form.is_valid():
            shown.status = 400
        else:
            try:
                plan = do_draft_plan(actor, patient, form.parameters(), now=timezone.now())
            except ClinicalError as exc:
                shown = _Preview(refusal=exc.worded(TERM_LABELS), status=exc.kind.status)
            else:
                return redirect("clinic:plan", plan_id=plan.pk)
    elif request.method == "POST":
        shown = _preview(actor, patient, form)
    context = {
        "patient": patient,
        "form": form,
        "presets": presets(),
        "chosen": form.chosen_preset(),
        "regimen": _regimen(patient),
        **shown.context(),
    }
    return render(request, "clinic/plan_new.html", context, status=shown.status)


@dataclass
class _Preview:
    """What the draft page shows below the form: the plan as it would be drafted, or
    the refusal, with the status of the answer."""

    plan: dict[str, Any] | None = None
    refusal: str = ""
    status: int = 200

    def context(self) -> dict[str, Any]:
        return {
            "preview": self.plan,
            "schedule": schedule(self.plan) if self.plan else [],
            "chart": plan_chart_data_uri(self.plan) if self.plan else None,
            "refusal": self.refusal,
        }


def _preview(actor: Actor, patient: Patient, form: PlanForm) -> _Preview:
    """The form as posted, planned without storing anything (``preview_plan``)."""
    if not form.is_valid():
        return _Preview(status=400)
    try:
        plan = preview_plan(
            actor, patient, form.parameters(), today=timezone.now().date(), names=TERM_LABELS
        )
    except ClinicalError as exc:
        return _Preview(refusal=exc.worded(TERM_LABELS), status=exc.kind.status)
    return _Preview(plan=plan)


# The header that marks the live preview's answer as the fragment the draft page's
# script puts in place (web/static/clonacare/plan-preview.js): an error page, a sign-in
# page after the session ended, is never put in the preview.
FRAGMENT_HEADER = "Clonacare-Fragment"


@require_POST
@staff_required
def preview_fragment(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The draft page's live preview: the draft form as posted, planned without storing
    anything, answered as the HTML of the page's preview region (the schedule, chart
    and warnings; or the refusal in the form's words; or the fields to correct), with
    the status the whole page would have (200, 400 for a bad value, 422 for a
    guardrail). The same access as the draft page (anyone but a prescriber on the care
    team: 404); the read of the record is audited as ``plans.preview``."""
    actor = actor_from_request(request)
    patient = _patient(actor, patient_id, "plans.preview")
    if not may_order_dose_change(actor, patient):
        raise Http404("No such page.")
    form = PlanForm(request.POST)
    shown = _preview(actor, patient, form)
    context = {"patient": patient, "form": form, **shown.context()}
    response = render(request, "clinic/_plan_preview.html", context, status=shown.status)
    response[FRAGMENT_HEADER] = "plan-preview"
    return response


def _plan_page(
    request: HttpRequest,
    actor: Actor,
    plan: Plan,
    *,
    approve_form: ApproveForm | None = None,
    revise_form: ReviseForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    can_plan = may_order_dose_change(actor, plan.patient)
    current = plan.current_json()
    today = timezone.now().date()
    if can_plan and plan.status == Plan.Status.DRAFT and approve_form is None:
        approve_form = _approve_form(request, plan, None)
    if can_plan and plan.status == Plan.Status.APPROVED and revise_form is None:
        revise_form = ReviseForm(initial={"effective": today})
    revisions = list(plan.plan_revisions.select_related("revised_by").order_by("number"))
    context = {
        "plan": plan,
        "patient": plan.patient,
        "current": current,
        "schedule": schedule(current),
        "chart": plan_chart_data_uri(current),
        "revisions": revisions,
        "can_plan": can_plan,
        "approve_form": approve_form if plan.status == Plan.Status.DRAFT and can_plan else None,
        "revise_form": revise_form if plan.status == Plan.Status.APPROVED and can_plan else None,
        "refusal": refusal,
        "open_proposals": open_proposals_of(actor, plan.patient),
    }
    return render(request, "clinic/plan_detail.html", context, status=status)


def _approve_form(request: HttpRequest, plan: Plan, data: Any) -> ApproveForm:
    membership = membership_of(request.user)
    needs_code = membership is not None and membership.needs_two_factor
    override = plan.override_reason or plan.confirmed_by
    return ApproveForm(data, needs_code=needs_code, override=override)


@require_http_methods(["GET"])
@staff_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    return _plan_page(request, actor, _plan(actor, plan_id, "plan.view"))


@require_http_methods(["GET"])
@staff_required
def pharmacy_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The pharmacy PDF of the plan in force, as the API's ``GET /plans/{id}/pdf`` serves
    it (``plans.calendar.plan_pdf``): staff who see the plan, audited as ``plan.pdf``; a
    plan out of sight 404; the PDF that cannot be made here, the refusal (400)."""
    actor = actor_from_request(request)
    plan = _plan(actor, plan_id, "plan.pdf")
    try:
        data = plan_pdf(actor, plan, now=timezone.now())
    except ClinicalError as exc:
        return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="taper-plan-{plan.pk}.pdf"'
    return response


def _refuse_non_planner(request: HttpRequest, actor: Actor, plan: Plan) -> HttpResponse | None:
    """The 403 page for staff who see the plan but may not plan (as the API answers)."""
    if may_order_dose_change(actor, plan.patient):
        return None
    return render(request, "refused.html", {"message": NOT_A_TEAM_PRESCRIBER}, status=403)


@require_POST
@staff_required
def approve_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    plan = _plan(actor, plan_id, "plans.write")
    refused = _refuse_non_planner(request, actor, plan)
    if refused is not None:
        return refused
    form = _approve_form(request, plan, request.POST)
    if not form.is_valid():
        return _plan_page(request, actor, plan, approve_form=form, status=400)
    try:
        do_approve_plan(
            actor,
            plan,
            password=form.cleaned_data["password"],
            otp=form.cleaned_data.get("otp"),
            now=timezone.now(),
        )
    except ClinicalError as exc:
        if exc.code in dict(form.refusal_fields):
            form.show_refusal(exc)
            return _plan_page(request, actor, plan, approve_form=form, status=exc.kind.status)
        plan = _plan(actor, plan_id, "plan.view")
        return _plan_page(request, actor, plan, refusal=exc.message, status=exc.kind.status)
    return redirect("clinic:plan", plan_id=plan.pk)


@require_POST
@staff_required
def revise_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    plan = _plan(actor, plan_id, "plans.write")
    refused = _refuse_non_planner(request, actor, plan)
    if refused is not None:
        return refused
    form = ReviseForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, actor, plan, revise_form=form, status=400)
    try:
        do_revise_plan(actor, plan, now=timezone.now(), **form.revision())
    except ClinicalError as exc:
        plan = _plan(actor, plan_id, "plan.view")
        if plan.status != Plan.Status.APPROVED:
            # No form to show it on: a draft or a superseded plan is not revised.
            return _plan_page(request, actor, plan, refusal=exc.message, status=exc.kind.status)
        if exc.code in dict(form.refusal_fields):
            form.show_refusal(exc)
        else:
            form.add_error(None, exc.worded(TERM_LABELS))
        return _plan_page(request, actor, plan, revise_form=form, status=exc.kind.status)
    return redirect("clinic:plan", plan_id=plan.pk)
