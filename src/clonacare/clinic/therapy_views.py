"""The clinic's page of a patient's CBT program: assign a module, see each module's
progress and every exercise the patient saved, comment on them, and mark a section
done on the patient's word. Read through the patient's gate (``modules.view``); every
write through one ``therapy.actions`` action."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.audit.log import Actor
from clonacare.core.errors import ClinicalError
from clonacare.education.review import module_statuses
from clonacare.patients.access import PatientNotFound, RecordNotFound, access_patient_by_id
from clonacare.patients.models import Patient
from clonacare.therapy.access import (
    access_assignment_of,
    access_entry_of,
    assignments_of,
    entries_of,
    may_assign_module,
    may_comment,
    may_work_on,
)
from clonacare.therapy.actions import do_assign_module, do_comment, do_complete_section
from clonacare.therapy.content import load_modules
from clonacare.therapy.models import ModuleAssignment
from clonacare.therapy.progress import entry_view, progress


def _posted_id(posted: QueryDict, name: str) -> int:
    """The posted id ``name``; 0 (found by no gate) when it is not one."""
    value = posted.get(name, "")
    return int(value) if value.isdigit() else 0


def _write(actor: Actor, patient: Patient, posted: QueryDict) -> str:
    """Carry out the posted action; the anchor to go back to. Raises ClinicalError."""
    now = timezone.now()
    action = posted.get("action")
    if action == "assign":
        stored = do_assign_module(actor, patient, module=posted.get("module", ""), now=now)
        return f"assignment-{stored.pk}"
    if action == "section":
        assignment = access_assignment_of(
            actor, patient, _posted_id(posted, "assignment"), purpose="modules.write"
        )
        do_complete_section(actor, assignment, section=posted.get("section", ""), now=now)
        return f"assignment-{assignment.pk}"
    if action == "comment-assignment":
        assignment = access_assignment_of(
            actor, patient, _posted_id(posted, "assignment"), purpose="modules.write"
        )
        do_comment(actor, patient, text=posted.get("text", ""), assignment=assignment, now=now)
        return f"assignment-{assignment.pk}"
    if action == "comment-entry":
        entry = access_entry_of(
            actor, patient, _posted_id(posted, "entry"), purpose="modules.write"
        )
        do_comment(actor, patient, text=posted.get("text", ""), entry=entry, now=now)
        return f"entry-{entry.pk}"
    raise ClinicalError("missing", "Choose what to do: assign, mark done or comment.")


@require_http_methods(["GET", "POST"])
@staff_required
def patient_modules(request: HttpRequest, patient_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    purpose = "modules.write" if request.method == "POST" else "modules.view"
    try:
        patient = access_patient_by_id(actor, patient_id, purpose=purpose)
    except PatientNotFound:
        raise Http404("No such patient.") from None
    error, status, error_at = "", 200, ""
    posted = request.POST if request.method == "POST" else None
    if posted is not None:
        try:
            anchor = _write(actor, patient, posted)
            return redirect(reverse("clinic:modules", args=[patient.pk]) + f"#{anchor}")
        except RecordNotFound:
            raise Http404("No such record.") from None
        except ClinicalError as exc:
            error, status = exc.message, exc.kind.status
            error_at = posted.get("assignment") or posted.get("entry") or ""
    assignments = list(assignments_of(patient))
    open_modules = {a.module for a in assignments if a.status != ModuleAssignment.Status.COMPLETED}
    reviews = module_statuses()
    context = {
        "patient": patient,
        "rows": [(a, progress(a)) for a in assignments],
        "entries": [entry_view(e) for e in entries_of(patient)],
        "modules": [
            (m, reviews[m.slug].reviewed) for m in load_modules() if m.slug not in open_modules
        ],
        "may_assign": may_assign_module(actor, patient),
        "may_comment": may_comment(actor, patient),
        "may_mark": may_work_on(actor, patient),
        "error": error,
        "error_at": error_at,
        "posted": posted,
    }
    return render(request, "clinic/therapy.html", context, status=status)
