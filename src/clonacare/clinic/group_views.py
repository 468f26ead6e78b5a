"""The clinic's support groups (docs/groups.md): the program's groups with their places,
the form that starts one (the program's admin and counsellors), and one group's page
with its roster (members, waiting list, the sessions' registers) as the reader may see
it, the register of a session, and the forms that edit and close the group (the
facilitator or the program's admin; ``group_edit_views``). Read through
``therapy.group_access``; written through ``therapy.group_actions``."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clonacare.accounts.actors import actor_from_request
from clonacare.accounts.decorators import staff_required
from clonacare.accounts.models import STAFF_ACCOUNT_ROLES
from clonacare.core.errors import ClinicalError
from clonacare.therapy.group_access import (
    GroupNotFound,
    access_group_by_id,
    groups_visible_to,
    may_create_group,
    may_manage_group,
    may_record_attendance,
    roster_of,
)
from clonacare.therapy.group_actions import do_create_group, do_record_attendance
from clonacare.therapy.group_models import Attendance, SupportGroup, Weekday

# The group page lists its newest sessions; older ones stay on the record.
SESSIONS_SHOWN = 12

FIELDS = (
    "name",
    "schedule",
    "weekday",
    "starts_at",
    "facilitator",
    "place",
    "video_link",
    "capacity",
    "description",
)


def whole_of(value: str, label: str) -> int:
    if not (value.strip().isascii() and value.strip().isdigit()) or len(value.strip()) > 6:
        raise ClinicalError("group-field", f"The {label} is a whole number.")
    return int(value.strip())


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 10


def time_of(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        raise ClinicalError(
            "group-field", "Give the start time as hours and minutes, like 18:00."
        ) from None


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ClinicalError(
            "date", "Enter the session's date as a date, like 2026-12-03."
        ) from None


def _held(value: str) -> bool:
    """The register's ``held`` answer: ``yes`` or ``no``. Anything else is refused (it
    once counted as held: issue 14's form fuzzing recorded a session from a script)."""
    if value not in ("yes", "no"):
        raise ClinicalError("invalid", "Choose whether the session was held or cancelled.")
    return value == "yes"


def _staff_of(program_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            membership__program_id=program_id,
            membership__role__in=STAFF_ACCOUNT_ROLES,
        ).order_by("username")
    )


@require_http_methods(["GET", "POST"])
@staff_required
def groups(request: HttpRequest) -> HttpResponse:
    """The program's groups; POST starts one. A refusal shows the form again with the
    message and the status of its kind."""
    actor = actor_from_request(request)
    program_id = actor.program_id
    can_create = program_id is not None and may_create_group(actor, program_id)
    error, status = "", 200
    typed: QueryDict | dict[str, str] = {}
    if request.method == "POST":
        typed = request.POST
        try:
            if program_id is None:
                raise ClinicalError("not-allowed", "Only a program's staff start its groups.")
            group = do_create_group(
                actor,
                program_id,
                name=typed.get("name", ""),
                description=typed.get("description", ""),
                schedule=typed.get("schedule", ""),
                weekday=whole_of(typed.get("weekday", ""), "weekday"),
                starts_at=time_of(typed.get("starts_at", "")),
                facilitator=typed.get("facilitator", ""),
                place=typed.get("place", ""),
                video_link=typed.get("video_link", ""),
                capacity=whole_of(typed.get("capacity", ""), "capacity"),
                now=timezone.now(),
            )
            return redirect(reverse("clinic:group", args=[group.pk]))
        except ClinicalError as exc:
            error, status = exc.message, exc.kind.status
    context = {
        "groups": list(groups_visible_to(actor)),
        "can_create": can_create,
        "staff": _staff_of(program_id) if can_create and program_id is not None else [],
        "weekdays": Weekday.choices,
        "typed": {f: typed.get(f, "") for f in FIELDS},
        "error": error,
    }
    return render(request, "clinic/groups.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    """One group: members, waiting list, sessions, and the register form. POST records
    a session (``held`` yes or no, ``date``, ``mark-<patient id>`` for each member)."""
    actor = actor_from_request(request)
    try:
        found = access_group_by_id(actor, group_id, purpose="clinic.group")
    except GroupNotFound:
        raise Http404("No such group.") from None
    error, status = "", 200
    if request.method == "POST":
        try:
            held = _held(request.POST.get("held", "yes"))
            marks = {
                int(key.removeprefix("mark-")): request.POST.get(key, "")
                for key in request.POST
                if key.startswith("mark-") and _is_id(key.removeprefix("mark-")) and held
            }
            do_record_attendance(
                actor,
                found,
                day=_day(request.POST.get("date", "")),
                held=held,
                marks=marks,
                now=timezone.now(),
            )
            return redirect(reverse("clinic:group", args=[found.pk]) + "?recorded=1#sessions")
        except ClinicalError as exc:
            error, status = exc.message, exc.kind.status
    return group_page(request, found, error=error, status=status)


def group_page(
    request: HttpRequest,
    found: SupportGroup,
    *,
    error: str = "",
    manage_error: str = "",
    typed: QueryDict | dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page of ``found`` (read through its gate): the roster as the reader may see
    it (``roster_of``), the register form, and the forms that edit and close the group
    for its facilitator and the program's admin, with a refusal of either."""
    actor = actor_from_request(request)
    roster = roster_of(actor, found, sessions=SESSIONS_SHOWN)
    manages = may_manage_group(actor, found) and found.closed_at is None and found.active
    current = {
        "schedule": found.schedule,
        "weekday": str(found.weekday),
        "starts_at": found.starts_at.strftime("%H:%M"),
        "facilitator": found.facilitator.username,
        "place": found.place,
        "video_link": found.video_link,
        "capacity": str(found.capacity),
        "description": found.description,
    }
    context = {
        "group": found,
        "roster": roster,
        "members": roster.members,
        "waiting": roster.waiting,
        "sessions": roster.sessions,
        "taken": len(roster.members) + roster.hidden_members,
        "can_record": may_record_attendance(actor, found) and found.active,
        "can_manage": manages,
        "staff": _staff_of(found.program_id) if manages else [],
        "weekdays": Weekday.choices,
        "edit": {f: (typed or current).get(f, "") for f in current},
        "close_reason": (typed or {}).get("reason", ""),
        "marks": Attendance.Status.choices,
        "today": timezone.localdate(),
        "error": error,
        "manage_error": manage_error,
        "recorded": request.GET.get("recorded", ""),
        "edited": request.GET.get("edited", ""),
    }
    return render(request, "clinic/group.html", context, status=status)
