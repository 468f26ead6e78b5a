"""The patient's CBT modules in the portal: the list of what the care team assigned,
and one module's page (its sections, marked done one by one, its exercises, and the
entries already saved with the care team's comments). Phone first; no script needed."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import patient_required
from clonacare.core.errors import ClinicalError
from clonacare.education.review import module_status
from clonacare.portal.own import own_patient
from clonacare.therapy.access import assignments_of, entries_of
from clonacare.therapy.actions import do_complete_section, do_save_exercise
from clonacare.therapy.exercises import exercise
from clonacare.therapy.progress import entry_view, progress


@require_GET
@patient_required
def my_modules(request: HttpRequest) -> HttpResponse:
    patient = own_patient(request, "portal.modules")
    language = translation.get_language() or "en"
    rows = [(a, progress(a, language)) for a in assignments_of(patient)]
    return render(request, "portal/therapy_modules.html", {"patient": patient, "rows": rows})


def _posted_day(posted: QueryDict) -> dt.date | None:
    """The form's date, None when left empty (today); refused when not a date."""
    value = posted.get("date", "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ClinicalError("date", "Enter the date as a date, like 2026-12-03.") from None


def _exercise_forms(
    kinds: tuple[str, ...], posted: QueryDict | None, language: str
) -> list[dict[str, object]]:
    forms = []
    for kind in kinds:
        spec = exercise(kind).in_language(language)
        # What was typed comes back only into the form it was posted from.
        typed = posted if posted is not None and posted.get("kind") == kind else QueryDict()
        forms.append(
            {
                "spec": spec,
                "fields": [(f, typed.get(f.name, "")) for f in spec.fields],
                "date": typed.get("date", ""),
            }
        )
    return forms


@require_http_methods(["GET", "POST"])
@patient_required
def my_module(request: HttpRequest, slug: str) -> HttpResponse:
    """One assigned module (the newest assignment of it). POST ``action=section`` marks
    a section done; ``action=exercise`` saves an exercise. A refusal shows the form
    again with the message and the status of its kind."""
    actor = actor_from_request(request)
    patient = own_patient(request, "portal.module")
    assignment = assignments_of(patient).filter(module=slug).first()
    if assignment is None:
        raise Http404("No such module.")
    posted = request.POST if request.method == "POST" else None
    error = ""
    status = 200
    if posted is not None:
        here = reverse("portal:module", args=[slug])
        try:
            if posted.get("action") == "section":
                section = posted.get("section", "")
                do_complete_section(actor, assignment, section=section, now=timezone.now())
                return redirect(f"{here}#section-{section}")
            kind = posted.get("kind", "")
            fields = {
                k: v
                for k, v in posted.items()
                if k not in {"csrfmiddlewaretoken", "action", "kind", "date"}
            }
            entry = do_save_exercise(
                actor,
                patient,
                assignment=assignment,
                kind=kind,
                day=_posted_day(posted),
                fields=fields,
                now=timezone.now(),
            )
            return redirect(f"{here}?saved={entry.kind}#entries")
        except ClinicalError as exc:
            error, status = exc.message, exc.kind.status
    # In the page's language where the module is written in it (content/therapy/es/);
    # otherwise in English, marked as such.
    language = translation.get_language() or "en"
    found = progress(assignment, language)
    entries = [entry_view(e, language) for e in entries_of(patient).filter(assignment=assignment)]
    context = {
        "assignment": assignment,
        "progress": found,
        "forms": _exercise_forms(found.module.exercises if found.module else (), posted, language),
        "entries": entries,
        "error": error,
        "error_kind": posted.get("kind", "") if posted is not None and error else "",
        "saved": request.GET.get("saved", ""),
        "today": timezone.localdate(),
        "review": module_status(found.module, found.language) if found.module else None,
    }
    return render(request, "portal/therapy_module.html", context, status=status)
