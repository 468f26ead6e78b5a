"""The clinic's population screens (docs/population.md, "In the clinic"): the program's
screens with the upload form, one screen's flagged list (every flag with its definition
and source, filtered by flag), the invitation of a flagged person, and the letter to
copy or print. Read through ``population.access``; written through
``population.actions``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.core.errors import ClinicalError
from clonacare.core.population import FLAG_CODES, load_definitions
from clonacare.patients.access import RecordNotFound
from clonacare.population.access import (
    access_invitation_by_id,
    access_screen_by_id,
    access_screening_program,
    invitations_of,
    screens_of,
)
from clonacare.population.actions import (
    check_upload_length,
    do_answer_invitation,
    do_invite,
    do_screen,
    opted_out,
    opted_out_message,
    parse_period,
)
from clonacare.population.models import Invitation, Screen

# People on one page of a screen's flagged list.
PAGE_SIZE = 50


def _n(value: float | int) -> str:
    """A figure as written: 40.0 as 40, 12.5 as 12.5 (the screen rounds to two places)."""
    return f"{value:g}"


def _figures(code: str, details: dict[str, Any]) -> str:
    """The figures behind one flag, in words, from the screen's ``details``."""
    if code == "long-term-use":
        return f"{details['days_covered']} days covered"
    if code == "high-dose":
        return f"{_n(details['average_daily_de_mg'])} mg a day, diazepam-equivalent"
    if code == "multiple-providers":
        window = details["window"]
        return (
            f"{details['prescribers_in_window']} prescribers and "
            f"{details['pharmacies_in_window']} pharmacies from {window['start']} to "
            f"{window['end']}"
        )
    if code == "early-refill":
        return f"{details['early_refills']} early refills"
    if code == "opioid-overlap":
        mme = details["opioid_max_daily_mme"]
        return (
            f"{details['overlap_days']} days with both; {details['opioid_fill_dates']} opioid "
            f"fill dates, {details['opioid_days_supply']} days' supply"
            + (f", up to {_n(mme)} MME a day" if mme is not None else "")
        )
    if code == "older-adult":
        named = details.get("diagnoses") or []
        return f"aged {details['age']}, {details['benzodiazepine_fill_dates']} fill dates" + (
            f"; on record: {', '.join(named)}" if named else ""
        )
    ratio = details["escalation_ratio"]
    return f"last 90 days {_n(ratio)} times the first 90" if ratio is not None else ""


def _upload_context(request: HttpRequest, program_id: int) -> dict[str, Any]:
    actor = actor_from_request(request)
    try:
        program = access_screening_program(actor, program_id, purpose="population.screens")
    except RecordNotFound:
        raise Http404("No such program.") from None
    return {
        "program": program,
        "screens": screens_of(actor, program),
        "limit_mb": settings.POPULATION_UPLOAD_MAX_MB,
        "typed": {"as_of": "", "year": ""},
        "error": "",
    }


@require_http_methods(["GET", "POST"])
@staff_required
def screens(request: HttpRequest, program_id: int) -> HttpResponse:
    """The program's screens and the upload form; a refused upload shows the form again
    with the message, at the refusal's status (400, or 413 when too large)."""
    context = _upload_context(request, program_id)
    if request.method == "GET":
        return render(request, "clinic/population_screens.html", context)
    actor = actor_from_request(request)
    try:
        check_upload_length(actor, context["program"], request.META.get("CONTENT_LENGTH"))
        context["typed"] = {
            "as_of": request.POST.get("as_of", "")[:40],
            "year": request.POST.get("year", "")[:10],
        }
        period = parse_period(request.POST.get("as_of"), request.POST.get("year"))
        screen = do_screen(
            actor,
            context["program"],
            dispensing=request.FILES.get("file"),
            diagnoses=request.FILES.get("diagnoses"),
            period=period,
            now=timezone.now(),
        )
    except ClinicalError as exc:
        context["error"] = exc.message
        return render(request, "clinic/population_screens.html", context, status=exc.kind.status)
    return redirect("clinic:population-screen", screen.pk)


def _screen(request: HttpRequest, screen_id: int, purpose: str) -> Screen:
    try:
        return access_screen_by_id(actor_from_request(request), screen_id, purpose=purpose)
    except RecordNotFound:
        raise Http404("No such screen.") from None


@require_GET
@staff_required
def screen(request: HttpRequest, screen_id: int) -> HttpResponse:
    """One screen: the rows read and set aside, and the flagged people (most flags
    first), each flag with its figures; ``?flag=`` keeps those with that flag."""
    found = _screen(request, screen_id, "population.screen.view")
    definitions = load_definitions()
    chosen = request.GET.get("flag", "")
    if chosen not in FLAG_CODES:
        chosen = ""
    items = [i for i in found.items if not chosen or chosen in i["flags"]]
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    invited = {i.dispensing_patient_id: i for i in invitations_of(found)}
    stops = opted_out(found.program_id, [str(item["patient_id"]) for item in page.object_list])
    rows = [
        {
            "patient_id": item["patient_id"],
            "flags": [
                {"code": code, "title": definitions.flag(code).title}
                | {"figures": _figures(code, item["details"])}
                for code in item["flags"]
            ],
            "invitation": invited.get(item["patient_id"]),
            "opted_out": (
                opted_out_message(stops[item["patient_id"]]).removesuffix(
                    "; no invitation was made."
                )
                if item["patient_id"] in stops
                else ""
            ),
        }
        for item in page.object_list
    ]
    flag_counts = dict.fromkeys(FLAG_CODES, 0)
    for item in found.items:
        for code in item["flags"]:
            flag_counts[code] += 1
    context = {
        "screen": found,
        "document": found.result,
        "rows": rows,
        "page": page,
        "chosen": chosen,
        "flags": [
            {
                "code": code,
                "title": definitions.flag(code).title,
                "definition": definitions.flag(code).definition,
                "source": definitions.flag(code).source,
                "count": flag_counts[code],
            }
            for code in FLAG_CODES
        ],
        "equivalence_title": definitions.equivalence_title,
        "invitations": list(invited.values()),
    }
    return render(request, "clinic/population_screen.html", context)


@require_POST
@staff_required
def invite(request: HttpRequest, screen_id: int) -> HttpResponse:
    """Invite one flagged person (``patient_id``, optional ``given_name`` and
    ``family_name``); then the letter. A refusal shows the message (400 or 409)."""
    found = _screen(request, screen_id, "population.screen.invite")
    try:
        invitation = do_invite(
            actor_from_request(request),
            found,
            request.POST.get("patient_id", ""),
            given_name=request.POST.get("given_name", ""),
            family_name=request.POST.get("family_name", ""),
            now=timezone.now(),
        )
    except ClinicalError as exc:
        return render(request, "refused.html", {"message": exc.message}, status=exc.kind.status)
    return redirect("clinic:population-invitation", invitation.pk)


@require_GET
@staff_required
def invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The invitation's letter, to copy or print, and the record it made."""
    try:
        found = access_invitation_by_id(
            actor_from_request(request), invitation_id, purpose="population.invitation.view"
        )
    except RecordNotFound:
        raise Http404("No such invitation.") from None
    return _invitation_page(request, found)


def _invitation_page(
    request: HttpRequest, found: Invitation, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {"invitation": found, "answers": Invitation.Answer.choices, "error": error}
    return render(request, "clinic/population_invitation.html", context, status=status)


@require_POST
@staff_required
def answer_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Record the person's answer (``answer``: accepted, declined or opted-out); then
    the invitation's page again, or it with the refusal's message (400 or 409)."""
    actor = actor_from_request(request)
    try:
        found = access_invitation_by_id(
            actor, invitation_id, purpose="population.invitation.answer.view"
        )
    except RecordNotFound:
        raise Http404("No such invitation.") from None
    try:
        do_answer_invitation(actor, found, request.POST.get("answer", ""), now=timezone.now())
    except ClinicalError as exc:
        return _invitation_page(request, found, error=exc.message, status=exc.kind.status)
    return redirect("clinic:population-invitation", found.pk)
