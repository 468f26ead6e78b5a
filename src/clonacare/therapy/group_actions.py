"""Writes for the support groups (docs/groups.md): starting a group, enrolling a patient
(or putting them on the waiting list when the group is full), leaving it (the next on
the list moves up in the same transaction), and taking the register of a session.

Each action checks the actor's right (``therapy.group_access``), then the input, and
writes with its audit entry in one transaction; a refusal writes nothing. Every refusal
is a ClinicalError with a registered code (core/refusals.py). The form limits below are
Clonacare's choices for the pages, not clinical values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from clonacare.accounts.models import STAFF_ACCOUNT_ROLES
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.patients.models import Patient
from clonacare.therapy.group_access import (
    GroupNotFound,
    may_create_group,
    may_enrol,
    may_manage_group,
    may_record_attendance,
)
from clonacare.therapy.group_models import (
    Attendance,
    GroupEnrolment,
    GroupSession,
    SupportGroup,
    Weekday,
)

NAME_MAX = 120
DESCRIPTION_MAX = 1000
SCHEDULE_MAX = 200
PLACE_MAX = 200
VIDEO_LINK_MAX = 300
CAPACITY_RANGE = (1, 100)

CREATE_NOT_ALLOWED = "Only the program's admin or one of its counsellors starts a support group."
ENROL_NOT_ALLOWED = (
    "Only the patient, or a prescriber, nurse or counsellor on their care team, enrols "
    "them in a group or takes them off it."
)
ATTENDANCE_NOT_ALLOWED = (
    "Only the group's facilitator or the program's admin takes the register of a session."
)
MANAGE_NOT_ALLOWED = "Only the group's facilitator or the program's admin edits or closes it."
CLOSE_REASON_MAX = 400


def _field(message: str) -> ClinicalError:
    return ClinicalError("group-field", message)


def _text(value: str, label: str, limit: int, *, required: bool) -> str:
    cleaned = " ".join(value.split())
    if required and not cleaned:
        raise _field(f"Write the group's {label}.")
    if len(cleaned) > limit:
        raise _field(f"The group's {label} is at most {limit} characters; got {len(cleaned)}.")
    return cleaned


def _video_link(value: str) -> str:
    link = value.strip()
    if not link:
        return ""
    if len(link) > VIDEO_LINK_MAX:
        raise _field(f"The video link is at most {VIDEO_LINK_MAX} characters; got {len(link)}.")
    parts = urlsplit(link)
    if parts.scheme != "https" or not parts.hostname or " " in link:
        raise _field("The video link must be a web address starting with https://.")
    return link


def _facilitator(program_id: int, username: str) -> User:
    found = User.objects.filter(
        username__iexact=username.strip(),
        is_active=True,
        membership__program_id=program_id,
        membership__role__in=STAFF_ACCOUNT_ROLES,
    ).first()
    if found is None:
        raise _field(f"The facilitator {username.strip()!r} is not a staff member of this program.")
    return found


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise ClinicalError("not-allowed", "Sign in to work with the support groups.")
    return actor.user_id


def _meeting(
    program_id: int,
    *,
    schedule: str,
    weekday: int,
    starts_at: dt.time,
    facilitator: str,
    place: str,
    video_link: str,
    capacity: int,
    description: str,
) -> dict[str, Any]:
    """The group's meeting fields, checked and cleaned as the model stores them (the
    facilitator as their ``User``), for creating a group and for editing one. Refused
    (``group-field``) as ``do_create_group`` says."""
    cleaned_schedule = _text(schedule, "schedule", SCHEDULE_MAX, required=True)
    cleaned_description = _text(description, "description", DESCRIPTION_MAX, required=False)
    cleaned_place = _text(place, "place", PLACE_MAX, required=False)
    link = _video_link(video_link)
    if not cleaned_place and not link:
        raise _field("Give the group a place to meet or a video link.")
    if weekday not in Weekday.values:
        raise _field(f"The weekday is 0 (Monday) to 6 (Sunday); got {weekday}.")
    low, high = CAPACITY_RANGE
    if not low <= capacity <= high:
        raise _field(f"The capacity is {low} to {high} places; got {capacity}.")
    return {
        "schedule": cleaned_schedule,
        "weekday": weekday,
        "starts_at": starts_at,
        "facilitator": _facilitator(program_id, facilitator),
        "place": cleaned_place,
        "video_link": link,
        "capacity": capacity,
        "description": cleaned_description,
    }


def do_create_group(
    actor: Actor,
    program_id: int,
    *,
    name: str,
    description: str = "",
    schedule: str,
    weekday: int,
    starts_at: dt.time,
    facilitator: str,
    place: str = "",
    video_link: str = "",
    capacity: int,
    now: dt.datetime,
) -> SupportGroup:
    """Start a support group in program ``program_id``, facilitated by the staff member
    with username ``facilitator``; it meets at ``place`` or on ``video_link`` (https).

    Refused (nothing written): anyone but the program's admin or one of its counsellors
    (``not-allowed``); a name, schedule, place or description empty when required or
    too long, a weekday that is not one, a capacity outside CAPACITY_RANGE, a video link
    that is not https, neither place nor video link, a facilitator who is not an active
    staff member of the program (``group-field``); a name the program's groups already
    have (``group-name-taken``, a conflict). Audited as ``group.create``.
    """
    if not may_create_group(actor, program_id):
        raise ClinicalError("not-allowed", CREATE_NOT_ALLOWED)
    cleaned_name = _text(name, "name", NAME_MAX, required=True)
    meeting = _meeting(
        program_id,
        schedule=schedule,
        weekday=weekday,
        starts_at=starts_at,
        facilitator=facilitator,
        place=place,
        video_link=video_link,
        capacity=capacity,
        description=description,
    )
    leader = meeting["facilitator"]
    taken = ClinicalError(
        "group-name-taken", f"The program already has a group called {cleaned_name!r}."
    )
    with transaction.atomic():
        if SupportGroup.objects.filter(program_id=program_id, name__iexact=cleaned_name).exists():
            raise taken
        try:
            with transaction.atomic():
                group = SupportGroup.objects.create(
                    program_id=program_id,
                    name=cleaned_name,
                    created_by_id=_user_id(actor),
                    created_at=now,
                    **meeting,
                )
        except IntegrityError:
            raise taken from None
        record(
            actor,
            "group.create",
            program_id=program_id,
            target=group,
            detail={"name": group.name, "capacity": capacity, "facilitator": leader.username},
        )
    return group


def _closed(group: SupportGroup) -> ClinicalError:
    return ClinicalError("group-closed", f"The group '{group.name}' has closed; it cannot change.")


def _give_places(actor: Actor, group: SupportGroup, *, now: dt.datetime, after: str) -> int:
    """Give the group's free places to its waiting list, first in line first, each
    audited as ``group.place-given`` on the patient's record (``after``: what freed
    the place); the list is numbered again. Returns how many were placed."""
    enrolled = group.enrolments.filter(status=GroupEnrolment.Status.ENROLLED).count()
    free = max(group.capacity - enrolled, 0)
    placed = 0
    for nxt in (
        group.enrolments.filter(status=GroupEnrolment.Status.WAITING)
        .select_related("patient")
        .order_by("position", "id")[:free]
    ):
        nxt.status = GroupEnrolment.Status.ENROLLED
        nxt.position = None
        nxt.placed_at = now
        nxt.save(update_fields=["status", "position", "placed_at"])
        record(
            actor,
            "group.place-given",
            patient=nxt.patient,
            target=nxt,
            detail={"group_id": group.pk, "after": after},
        )
        placed += 1
    _renumber_waiting(group)
    return placed


def do_edit_group(
    actor: Actor,
    group: SupportGroup,
    *,
    schedule: str,
    weekday: int,
    starts_at: dt.time,
    facilitator: str,
    place: str = "",
    video_link: str = "",
    capacity: int,
    description: str = "",
    now: dt.datetime,
) -> SupportGroup:
    """Change ``group``'s schedule, facilitator (a username), place or video link,
    capacity and description (its name stays). More places go at once to the waiting
    list, first in line first (audited as ``group.place-given``, as when a member
    leaves).

    Refused (nothing written): anyone but the group's facilitator or the program's admin
    (``not-allowed``); a closed group (``group-closed``, a conflict); the fields as for
    ``do_create_group``, and a capacity below the number of members: no one loses a
    place (``group-field``). Audited as ``group.edit`` with the fields changed, never a
    patient's name.
    """
    if not may_manage_group(actor, group):
        raise ClinicalError("not-allowed", MANAGE_NOT_ALLOWED)
    meeting = _meeting(
        group.program_id,
        schedule=schedule,
        weekday=weekday,
        starts_at=starts_at,
        facilitator=facilitator,
        place=place,
        video_link=video_link,
        capacity=capacity,
        description=description,
    )
    leader = meeting["facilitator"]
    with transaction.atomic():
        locked = SupportGroup.objects.select_for_update().get(pk=group.pk)
        if locked.closed_at is not None or not locked.active:
            raise _closed(locked)
        members = locked.enrolments.filter(status=GroupEnrolment.Status.ENROLLED).count()
        if capacity < members:
            raise _field(
                f"The group has {members} members; its capacity cannot be fewer than that, "
                "as no one loses a place."
            )
        new = {k: v for k, v in meeting.items() if k != "facilitator"}
        new["facilitator_id"] = leader.pk
        changed = sorted(k for k, v in new.items() if getattr(locked, k) != v)
        if not changed:
            raise ClinicalError("no-change", "Nothing was changed in the group.")
        for key, value in new.items():
            setattr(locked, key, value)
        locked.save(update_fields=[k for k in new if k in changed])
        record(
            actor,
            "group.edit",
            program_id=locked.program_id,
            target=locked,
            detail={
                "changed": [k.removesuffix("_id") for k in changed],
                "capacity": capacity,
                "facilitator": leader.username,
            },
        )
        _give_places(actor, locked, now=now, after="capacity")
    return locked


def do_close_group(
    actor: Actor, group: SupportGroup, *, reason: str, now: dt.datetime
) -> SupportGroup:
    """Close ``group``: it takes no one new and is no longer listed for patients; its
    members, waiting list, sessions and attendance are kept, and its members and those
    waiting see on their portal page that it has closed (with ``reason``).

    Refused (nothing written): anyone but the group's facilitator or the program's admin
    (``not-allowed``); an empty or too long reason (``group-field``); a group closed
    already (``group-closed``, a conflict). Audited as ``group.close`` with the reason
    and how many members and waiting it had.
    """
    if not may_manage_group(actor, group):
        raise ClinicalError("not-allowed", MANAGE_NOT_ALLOWED)
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise _field("Say why the group is closing; its members and waiting list read it.")
    if len(cleaned) > CLOSE_REASON_MAX:
        raise _field(f"The reason is at most {CLOSE_REASON_MAX} characters; got {len(cleaned)}.")
    with transaction.atomic():
        locked = SupportGroup.objects.select_for_update().get(pk=group.pk)
        if locked.closed_at is not None or not locked.active:
            raise ClinicalError("group-closed", f"The group '{locked.name}' has closed already.")
        locked.active = False
        locked.closed_at = now
        locked.closed_by_id = _user_id(actor)
        locked.closed_reason = cleaned
        locked.save(update_fields=["active", "closed_at", "closed_by", "closed_reason"])
        counts = dict.fromkeys(("enrolled", "waiting"), 0)
        for status in locked.enrolments.values_list("status", flat=True):
            if status in counts:
                counts[status] += 1
        record(
            actor,
            "group.close",
            program_id=locked.program_id,
            target=locked,
            detail={"reason": cleaned, "members": counts["enrolled"], "waiting": counts["waiting"]},
        )
    return locked


def _renumber_waiting(group: SupportGroup) -> None:
    """Number the waiting list 1, 2, 3... in its order, after someone left it."""
    waiting = group.enrolments.filter(status=GroupEnrolment.Status.WAITING).order_by(
        "position", "id"
    )
    for number, enrolment in enumerate(waiting, start=1):
        if enrolment.position != number:
            enrolment.position = number
            enrolment.save(update_fields=["position"])


def do_enrol(
    actor: Actor, patient: Patient, group: SupportGroup, *, now: dt.datetime
) -> GroupEnrolment:
    """Enrol ``patient`` in ``group`` (read through ``access_group_by_id``): a place
    when the group has one, else the end of its waiting list (``position``).

    Refused (nothing written): anyone but the patient or a prescriber, nurse or
    counsellor on their care team (``not-allowed``); a group of another program
    (``group-not-found``, answered as missing); a group that takes no one new
    (``group-closed``, a conflict); a patient already in the group or on its list
    (``already-enrolled``, a conflict). Audited as ``group.enrol``.
    """
    if not may_enrol(actor, patient):
        raise ClinicalError("not-allowed", ENROL_NOT_ALLOWED)
    if group.program_id != patient.program_id:
        raise GroupNotFound(group.pk)
    already = ClinicalError(
        "already-enrolled",
        f"{patient.given_name} is already in '{group.name}' or on its waiting list.",
    )
    with transaction.atomic():
        # Enrolments of one group wait for each other, so two cannot take the last place.
        locked = SupportGroup.objects.select_for_update().get(pk=group.pk)
        if not locked.active:
            raise ClinicalError(
                "group-closed", f"The group '{locked.name}' is not taking anyone new."
            )
        open_ones = locked.enrolments.exclude(status=GroupEnrolment.Status.LEFT)
        if open_ones.filter(patient=patient).exists():
            raise already
        enrolled = open_ones.filter(status=GroupEnrolment.Status.ENROLLED).count()
        if enrolled < locked.capacity:
            status, position, placed_at = GroupEnrolment.Status.ENROLLED, None, now
        else:
            last = open_ones.filter(status=GroupEnrolment.Status.WAITING).aggregate(
                last=Max("position")
            )["last"]
            status, position, placed_at = GroupEnrolment.Status.WAITING, (last or 0) + 1, None
        try:
            with transaction.atomic():
                enrolment = GroupEnrolment.objects.create(
                    patient=patient,
                    group=locked,
                    status=status,
                    position=position,
                    enrolled_at=now,
                    placed_at=placed_at,
                    enrolled_by_id=_user_id(actor),
                )
        except IntegrityError:
            raise already from None
        record(
            actor,
            "group.enrol",
            patient=patient,
            target=enrolment,
            detail={"group_id": locked.pk, "status": status, "position": position},
        )
    return enrolment


def do_leave(actor: Actor, enrolment: GroupEnrolment, *, now: dt.datetime) -> GroupEnrolment:
    """Take the patient of ``enrolment`` (read through ``access_enrolment_of``) off the
    group or its waiting list. A place given up goes to the first on the waiting list,
    in the same transaction (audited as ``group.place-given`` on their record); the
    list is numbered again from 1.

    Refused (nothing written): anyone but the patient or a prescriber, nurse or
    counsellor on their care team (``not-allowed``); an enrolment already left
    (``already-left``, a conflict). Audited as ``group.leave``.
    """
    patient = enrolment.patient
    if not may_enrol(actor, patient):
        raise ClinicalError("not-allowed", ENROL_NOT_ALLOWED)
    with transaction.atomic():
        group = SupportGroup.objects.select_for_update().get(pk=enrolment.group_id)
        locked = GroupEnrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status == GroupEnrolment.Status.LEFT:
            raise ClinicalError(
                "already-left", f"{patient.given_name} has already left '{group.name}'."
            )
        was = locked.status
        locked.status = GroupEnrolment.Status.LEFT
        locked.position = None
        locked.left_at = now
        locked.save(update_fields=["status", "position", "left_at"])
        record(
            actor,
            "group.leave",
            patient=patient,
            target=locked,
            detail={"group_id": group.pk, "was": was},
        )
        enrolled = group.enrolments.filter(status=GroupEnrolment.Status.ENROLLED).count()
        if was == GroupEnrolment.Status.ENROLLED and enrolled < group.capacity:
            nxt = (
                group.enrolments.filter(status=GroupEnrolment.Status.WAITING)
                .select_related("patient")
                .order_by("position", "id")
                .first()
            )
            if nxt is not None:
                nxt.status = GroupEnrolment.Status.ENROLLED
                nxt.position = None
                nxt.placed_at = now
                nxt.save(update_fields=["status", "position", "placed_at"])
                record(
                    actor,
                    "group.place-given",
                    patient=nxt.patient,
                    target=nxt,
                    detail={"group_id": group.pk, "after": locked.pk},
                )
        _renumber_waiting(group)
    return locked


def do_record_attendance(
    actor: Actor,
    group: SupportGroup,
    *,
    day: dt.date,
    held: bool,
    marks: Mapping[int, str],
    now: dt.datetime,
) -> GroupSession:
    """Record the session of ``group`` on ``day``: held, with ``marks`` (patient id to
    attended, absent or excused) for every member; or cancelled, with none. Recording
    the same day again corrects it (the register is replaced).

    Refused (nothing written): anyone but the group's facilitator or a staff member of
    its program (``not-allowed``); a day in the future (``date``); a mark that is not
    one of the three, a mark for someone who is not a member, a member without a mark,
    or marks on a cancelled session (``attendance``). Audited as ``group.attendance``
    (the counts, not the names).
    """
    if not may_record_attendance(actor, group):
        raise ClinicalError("not-allowed", ATTENDANCE_NOT_ALLOWED)
    today = timezone.localdate(now)
    if day > today:
        raise ClinicalError(
            "date", f"The session's date {day.isoformat()} is in the future; record it after."
        )
    if not held and marks:
        raise ClinicalError("attendance", "A cancelled session has no register.")
    allowed = set(Attendance.Status.values)
    for patient_id, mark in marks.items():
        if mark not in allowed:
            raise ClinicalError(
                "attendance",
                f"Mark each member attended, absent or excused; got {mark!r} "
                f"for patient {patient_id}.",
            )
    with transaction.atomic():
        locked = SupportGroup.objects.select_for_update().get(pk=group.pk)
        members = {
            e.patient_id: e.patient
            for e in locked.enrolments.filter(status=GroupEnrolment.Status.ENROLLED).select_related(
                "patient"
            )
        }
        strangers = sorted(set(marks) - set(members))
        if strangers:
            raise ClinicalError(
                "attendance",
                f"Patient(s) {', '.join(map(str, strangers))} are not members of '{locked.name}'.",
            )
        if held:
            unmarked = [p for pid, p in members.items() if pid not in marks]
            if unmarked:
                names = ", ".join(f"{p.given_name} {p.family_name}" for p in unmarked)
                raise ClinicalError("attendance", f"Mark every member; not marked: {names}.")
        status = GroupSession.Status.HELD if held else GroupSession.Status.CANCELLED
        session, created = GroupSession.objects.update_or_create(
            group=locked,
            date=day,
            defaults={"status": status, "recorded_by_id": _user_id(actor), "recorded_at": now},
        )
        session.attendance.all().delete()
        Attendance.objects.bulk_create(
            Attendance(session=session, patient_id=pid, status=mark) for pid, mark in marks.items()
        )
        counts = {s: sum(1 for m in marks.values() if m == s) for s in sorted(allowed)}
        record(
            actor,
            "group.attendance",
            program_id=locked.program_id,
            target=session,
            detail={
                "group_id": locked.pk,
                "date": day.isoformat(),
                "status": status,
                "corrected": not created,
                **counts,
            },
        )
    return session
