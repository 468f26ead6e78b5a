"""``/patients/{id}/groups`` and ``/programs/{id}/groups``: the program's support groups
and a patient's enrolments (docs/groups.md).

A patient sees their program's active groups and their own enrolments; the program's
staff see every group of their program. The patient, or a prescriber, nurse or
counsellor on their care team, enrols them; a full group puts them on its waiting list.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, one_of
from clonacare.api.security import caller
from clonacare.patients.access import access_patient_by_id
from clonacare.patients.models import Patient
from clonacare.therapy.group_access import (
    access_group_by_id,
    access_program_groups,
    attendance_of,
    enrolments_of,
)
from clonacare.therapy.group_actions import do_enrol
from clonacare.therapy.group_models import Attendance, GroupEnrolment, SupportGroup, Weekday

router = Router(tags=["Support groups"])

# The largest id the databases store (a signed 64-bit integer); a larger one is a 400.
MAX_ID = 2**63 - 1


class GroupOut(Schema):
    id: int
    name: str
    description: str
    schedule: str = Field(..., description="When it meets, in words.")
    weekday: str = one_of(str(label) for label in Weekday.labels)
    # The program's wall-clock time, with no UTC offset: JSON Schema's "time" format
    # (RFC 3339's full-time) requires one, so the published schema would contradict every
    # answer (the fuzzing test found it); RFC 3339 calls a time without offset partial-time.
    starts_at: dt.time = Field(
        ...,
        description="Local time at the program, HH:MM:SS (no offset).",
        json_schema_extra={"format": "partial-time", "pattern": r"^\d{2}:\d{2}:\d{2}(\.\d+)?$"},
    )
    facilitator: str = Field(..., description="The facilitator's username.")
    place: str
    video_link: str = Field(..., description="An https address, or empty.")
    capacity: int
    active: bool = Field(..., description="false: takes no one new (shown to staff only).")
    enrolled: int = Field(..., description="Members with a place.")
    waiting: int = Field(..., description="On the waiting list.")
    places_left: int


class GroupPage(Schema):
    items: list[GroupOut]
    count: int


class AttendanceOut(Schema):
    date: dt.date
    status: str = one_of(Attendance.Status.values)


class EnrolmentOut(Schema):
    id: int
    patient_id: int
    group: GroupOut
    status: str = one_of(GroupEnrolment.Status.values)
    position: int | None = Field(..., description="Place on the waiting list, 1 next; else null.")
    enrolled_at: dt.datetime = Field(..., description="When they joined the group or its list.")
    placed_at: dt.datetime | None = Field(..., description="When they got a place.")
    left_at: dt.datetime | None
    attendance: list[AttendanceOut] = Field(
        ..., description="Their register at this group's held sessions, newest first."
    )


class EnrolmentPage(Schema):
    items: list[EnrolmentOut]
    count: int


class EnrolmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    group: int = Field(
        ..., ge=1, le=MAX_ID, description="The id of a group of the patient's program."
    )


def _counts(group_ids: set[int]) -> dict[tuple[int, str], int]:
    """(group id, status) to how many enrolments, for several groups in one query."""
    rows = (
        GroupEnrolment.objects.filter(group_id__in=group_ids)
        .values_list("group_id", "status")
        .annotate(n=Count("id"))
    )
    return {(group_id, status): n for group_id, status, n in rows}


def _group(
    group: SupportGroup, counts: dict[tuple[int, str], int] | None = None
) -> dict[str, object]:
    """The group as answered; its counts from the gate's annotation, else ``counts``."""
    found = counts or {}
    enrolled = getattr(group, "enrolled_count", found.get((group.pk, "enrolled"), 0))
    waiting = getattr(group, "waiting_count", found.get((group.pk, "waiting"), 0))
    return {
        "id": group.pk,
        "name": group.name,
        "description": group.description,
        "schedule": group.schedule,
        "weekday": group.get_weekday_display(),
        "starts_at": group.starts_at,
        "facilitator": group.facilitator.get_username(),
        "place": group.place,
        "video_link": group.video_link,
        "capacity": group.capacity,
        "active": group.active,
        "enrolled": enrolled,
        "waiting": waiting,
        "places_left": max(group.capacity - enrolled, 0),
    }


def _enrolments(patient: Patient) -> list[dict[str, object]]:
    enrolments = list(enrolments_of(patient))
    counts = _counts({e.group_id for e in enrolments})
    by_group: dict[int, list[dict[str, object]]] = {}
    for mark in attendance_of(patient):
        by_group.setdefault(mark.session.group_id, []).append(
            {"date": mark.session.date, "status": mark.status}
        )
    return [
        {
            "id": e.pk,
            "patient_id": e.patient_id,
            "group": _group(e.group, counts),
            "status": e.status,
            "position": e.position,
            "enrolled_at": e.enrolled_at,
            "placed_at": e.placed_at,
            "left_at": e.left_at,
            "attendance": by_group.get(e.group_id, []),
        }
        for e in enrolments
    ]


@router.get(
    "/patients/{int:patient_id}/groups",
    response={200: EnrolmentPage, **READ_ERRORS},
    summary="A patient's support groups, waiting lists and attendance",
)
def patient_groups(request: HttpRequest, patient_id: int) -> dict[str, object]:
    """Every enrolment of the patient, the ones they left too, oldest first, each with
    its group and their attendance at it."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="groups.view")
    items = _enrolments(patient)
    return {"items": items, "count": len(items)}


@router.post(
    "/patients/{int:patient_id}/groups",
    response={201: EnrolmentOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Enrol a patient in a support group (or its waiting list)",
)
def enrol(request: HttpRequest, patient_id: int, payload: EnrolmentIn) -> Status[dict[str, object]]:
    """The patient, or a prescriber, nurse or counsellor on their care team (403 for
    anyone else who can see the record). A full group answers ``status: waiting`` with
    the place on the list. 404 for a group of another program (or an inactive one, to
    a patient); 409 when already in the group or on its list, or the group takes no
    one new."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="groups.enrol")
    group = access_group_by_id(actor, payload.group, purpose="groups.enrol")
    stored = do_enrol(actor, patient, group, now=timezone.now())
    return Status(201, next(e for e in _enrolments(patient) if e["id"] == stored.pk))


@router.get(
    "/programs/{int:program_id}/groups",
    response={200: GroupPage, **READ_ERRORS},
    summary="A program's support groups",
)
def program_groups(request: HttpRequest, program_id: int) -> dict[str, object]:
    """The program's groups by weekday and time: its active groups to its patients,
    every group to its staff. 404 for any other program."""
    actor = caller(request).actor
    groups = access_program_groups(actor, program_id, purpose="groups.list")
    items = [_group(g) for g in groups]
    return {"items": items, "count": len(items)}
