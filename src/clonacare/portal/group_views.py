"""The patient's support groups in the portal (docs/groups.md): the program's groups
with their places, joining (or the waiting list when full) and leaving, the patient's
place on a waiting list, their attendance, and the community mutual-help options.
Phone first; no script needed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import patient_required
from clonacare.core.errors import Refusal
from clonacare.portal.own import own_patient
from clonacare.therapy.group_access import (
    access_enrolment_of,
    access_group_by_id,
    attendance_of,
    enrolments_of,
    groups_visible_to,
)
from clonacare.therapy.group_actions import do_enrol, do_leave
from clonacare.therapy.group_models import GroupEnrolment
from clonacare.therapy.mutual_help import mutual_help


def _posted_id(value: str) -> int:
    """A posted id; 0 (found nowhere) for anything that is not a whole number."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


@require_http_methods(["GET", "POST"])
@patient_required
def my_groups(request: HttpRequest) -> HttpResponse:
    """POST ``action=enrol`` with ``group``, or ``action=leave`` with ``enrolment``.
    A refusal shows the page again with its message and the status of its kind."""
    actor = actor_from_request(request)
    patient = own_patient(request, "portal.groups")
    error, status = "", 200
    if request.method == "POST":
        try:
            action = request.POST.get("action", "")
            if action not in ("enrol", "leave"):
                # Any other value once enrolled the patient (issue 14's form fuzzing).
                raise Refusal("invalid", "Choose to join a group or to leave one.")
            if action == "leave":
                enrolment = access_enrolment_of(
                    actor,
                    patient,
                    _posted_id(request.POST.get("enrolment", "")),
                    purpose="portal.groups.leave",
                )
                do_leave(actor, enrolment, now=timezone.now())
                return redirect(reverse("portal:groups") + "?done=left")
            group = access_group_by_id(
                actor, _posted_id(request.POST.get("group", "")), purpose="portal.groups.enrol"
            )
            stored = do_enrol(actor, patient, group, now=timezone.now())
            return redirect(reverse("portal:groups") + f"?done={stored.status}")
        except Refusal as exc:
            error, status = exc.message, exc.kind.status
    mine = {
        e.group_id: e for e in enrolments_of(patient).exclude(status=GroupEnrolment.Status.LEFT)
    }
    groups = [(g, mine.get(g.pk)) for g in groups_visible_to(actor)]
    # A group closed while the patient was in it or waiting: told here, with the reason.
    closed = [e for e in mine.values() if e.group.closed_at is not None]
    context = {
        "patient": patient,
        "groups": groups,
        "closed": closed,
        "attendance": list(attendance_of(patient)[:20]),
        "community": mutual_help().shown(get_language() or "en"),
        "error": error,
        "done": request.GET.get("done", ""),
    }
    return render(request, "portal/groups.html", context, status=status)
