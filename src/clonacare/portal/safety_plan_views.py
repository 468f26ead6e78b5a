"""The patient's safety plan in the portal (docs/safety-plan.md): the plan with the
crisis lines (linked from every page for a signed-in patient), a page to add to it,
and a printable page. Phone first; nothing here needs a script."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import patient_required
from clonacare.core.errors import ClinicalError
from clonacare.portal.own import own_patient
from clonacare.therapy.access import safety_plan_of, safety_plan_versions
from clonacare.therapy.actions import do_save_safety_plan
from clonacare.therapy.safety_plan import (
    FORM_LIMITS,
    content_from_form,
    form_rows,
    sections_of,
)


@require_GET
@patient_required
def my_safety_plan(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request, "portal.safety-plan")
    versions = list(safety_plan_versions(patient))
    plan = versions[0] if versions else None
    context = {
        "patient": patient,
        "plan": plan,
        "written_with": next((v for v in versions if not v.by_patient), None),
        "plan_sections": sections_of(plan.content if plan else None),
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "portal/safety_plan.html", context)


@require_GET
@patient_required
def print_safety_plan(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request, "portal.safety-plan-print")
    plan = safety_plan_of(patient)
    context = {
        "patient": patient,
        "plan": plan,
        "plan_sections": sections_of(plan.content if plan else None),
        "printed_on": timezone.localdate(),
    }
    return render(request, "portal/safety_plan_print.html", context)


@require_http_methods(["GET", "POST"])
@patient_required
def add_to_safety_plan(request: HttpRequest) -> HttpResponse:
    """The plan's form with what is written so far. A refusal shows the form again
    with the message, what was typed, and the status of its kind."""
    actor = actor_from_request(request)
    patient = own_patient(request, "portal.safety-plan-edit")
    plan = safety_plan_of(patient)
    error, status = "", 200
    typed: dict[str, object] | None = None
    if request.method == "POST":
        typed = content_from_form(request.POST)
        based_on = request.POST.get("based_on", "")
        try:
            do_save_safety_plan(
                actor,
                patient,
                content=typed,
                based_on=int(based_on) if based_on.isdigit() else None,
                now=timezone.now(),
            )
            return redirect(reverse("portal:safety-plan") + "?saved=1")
        except ClinicalError as exc:
            error, status = exc.message, exc.kind.status
    context = {
        "patient": patient,
        "plan": plan,
        "form_sections": form_rows(
            typed if typed is not None else (plan.content if plan else None)
        ),
        "based_on": request.POST.get("based_on", "")
        if typed is not None
        else (plan.number if plan else 0),
        "limits": FORM_LIMITS,
        "error": error,
    }
    return render(request, "portal/safety_plan_edit.html", context, status=status)
