"""The patient's safety plan in the portal (docs/safety-plan.md): the plan with the
crisis lines (linked from every page for a signed-in patient), a page to add to it,
and a printable page. Phone first; nothing here needs a script."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import patient_required
from clonacare.core.errors import ClinicalError
from clonacare.portal.own import own_patient
from clonacare.therapy.access import safety_plan_of, safety_plan_versions
from clonacare.therapy.actions import do_save_safety_plan
from clonacare.therapy.safety_plan import (
    ENTRY_MAX_CHARS,
    FORM_LIMITS,
    MAX_ENTRIES,
    NAME_MAX_CHARS,
    REACH_MAX_CHARS,
    content_from_form,
    form_rows,
    sections_of,
)

# The form's refusals on a page in another language than English, by the action's code:
# what to do, in the page's language, true of every refusal with that code that the form
# can meet. An English page, and the API, show the action's own message; so does another
# language for a code not listed (``not-allowed``: a patient may always add to their
# own plan), marked as English.
SAFETY_PLAN_REFUSALS = {
    "safety-plan-section": pgettext_lazy(
        "safety plan refusal",
        "A part of the plan has too many lines: each part takes at most %(most)d. Clear "
        "the lines you no longer need, then save again.",
    ),
    "safety-plan-entry": pgettext_lazy(
        "safety plan refusal",
        "Check what you wrote: a line takes at most %(entry)d characters, a name at most "
        "%(name)d and how to reach someone at most %(reach)d; next to how to reach "
        "someone, write who it is.",
    ),
    "safety-plan-empty": pgettext_lazy(
        "safety plan refusal", "Write at least one line in one part of the plan."
    ),
    "safety-plan-not-started": pgettext_lazy(
        "safety plan refusal",
        "You write your safety plan first with someone on your care team; after that you "
        "can add to it here.",
    ),
    "safety-plan-changed": pgettext_lazy(
        "safety plan refusal",
        "Your plan was saved again by someone else after you opened this page, so nothing "
        "was saved. Open your plan again to see the newest version, then add what you "
        "wrote here.",
    ),
    "no-change": pgettext_lazy(
        "safety plan refusal",
        "Nothing was changed in your plan. Add or change a line, then save.",
    ),
}


def safety_plan_refusal(exc: ClinicalError) -> tuple[str, str | None]:
    """The refusal as the portal's form shows it, and the language to mark it with
    (None: the page's own)."""
    if (get_language() or "en") == "en":
        return exc.message, None
    if exc.code in SAFETY_PLAN_REFUSALS:
        limits = {
            "most": MAX_ENTRIES,
            "entry": ENTRY_MAX_CHARS,
            "name": NAME_MAX_CHARS,
            "reach": REACH_MAX_CHARS,
        }
        return str(SAFETY_PLAN_REFUSALS[exc.code]) % limits, None
    return exc.message, "en"


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
    error_language: str | None = None
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
            (error, error_language), status = safety_plan_refusal(exc), exc.kind.status
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
        "error_language": error_language,
    }
    return render(request, "portal/safety_plan_edit.html", context, status=status)
