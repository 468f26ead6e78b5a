"""Editing and closing a support group from its clinic page (docs/groups.md, "Editing
and closing a group"): the group's facilitator or the program's admin. Stored: back to
the group's page. Refused: the page again with the message and the status of its kind
(403 for anyone else, 409 for a closed group, 400 for a field)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.clinic.group_views import group_page, time_of, whole_of
from clonacare.core.errors import ClinicalError
from clonacare.therapy.group_access import GroupNotFound, access_group_by_id
from clonacare.therapy.group_actions import do_close_group, do_edit_group
from clonacare.therapy.group_models import SupportGroup


def _group(request: HttpRequest, group_id: int, purpose: str) -> SupportGroup:
    try:
        return access_group_by_id(actor_from_request(request), group_id, purpose=purpose)
    except GroupNotFound:
        raise Http404("No such group.") from None


@require_POST
@staff_required
def edit_group(request: HttpRequest, group_id: int) -> HttpResponse:
    found = _group(request, group_id, "clinic.group-edit")
    typed = request.POST
    try:
        do_edit_group(
            actor_from_request(request),
            found,
            schedule=typed.get("schedule", ""),
            weekday=whole_of(typed.get("weekday", ""), "weekday"),
            starts_at=time_of(typed.get("starts_at", "")),
            facilitator=typed.get("facilitator", ""),
            place=typed.get("place", ""),
            video_link=typed.get("video_link", ""),
            capacity=whole_of(typed.get("capacity", ""), "capacity"),
            description=typed.get("description", ""),
            now=timezone.now(),
        )
    except ClinicalError as exc:
        return group_page(
            request, found, manage_error=exc.message, typed=typed, status=exc.kind.status
        )
    return redirect(reverse("clinic:group", args=[found.pk]) + "?edited=1")


@require_POST
@staff_required
def close_group(request: HttpRequest, group_id: int) -> HttpResponse:
    found = _group(request, group_id, "clinic.group-close")
    try:
        do_close_group(
            actor_from_request(request),
            found,
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
        )
    except ClinicalError as exc:
        return group_page(
            request,
            found,
            manage_error=exc.message,
            typed={"reason": request.POST.get("reason", "")},
            status=exc.kind.status,
        )
    return redirect(reverse("clinic:group", args=[found.pk]))
