"""``/patients/{id}/modules`` and ``/patients/{id}/exercises``: the CBT program on a
patient's record (docs/therapy.md). Modules are assigned by a counsellor or prescriber
on the care team; exercises are saved by the patient, or by the care team on the
patient's word. Both lists carry the care team's comments."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut, PageQuery, one_of, page_of
from clonacare.api.security import caller
from clonacare.education.review import module_status, module_statuses
from clonacare.patients.access import access_patient_by_id
from clonacare.therapy.access import (
    access_assignment_of,
    access_entry_of,
    assignments_of,
    entries_of,
)
from clonacare.therapy.actions import (
    do_assign_module,
    do_comment,
    do_complete_section,
    do_save_exercise,
)
from clonacare.therapy.content import AWAITING_REVIEW
from clonacare.therapy.exercises import exercise_kinds
from clonacare.therapy.models import CounsellorComment, ExerciseEntry, ModuleAssignment
from clonacare.therapy.progress import Progress, figures, progress

router = Router(tags=["CBT modules and exercises"])


def _progress(a: ModuleAssignment) -> Progress:
    """The assignment's progress, worked out once per answer."""
    found: Progress | None = getattr(a, "_api_progress", None)
    if found is None:
        found = progress(a)
        a._api_progress = found  # type: ignore[attr-defined]
    return found


class CommentOut(Schema):
    id: int
    author: str
    text: str
    written_at: dt.datetime

    @staticmethod
    def resolve_author(comment: CounsellorComment) -> str:
        return comment.author.get_username()


class SectionOut(Schema):
    id: str
    title: str
    done: bool
    done_at: dt.datetime | None
    self_reported: bool | None = Field(
        ..., description="Marked by the patient; false: by the care team on their word."
    )


class AssignmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    module: str = Field(..., description="The module's slug (docs/therapy.md lists them).")


class AssignmentOut(Schema):
    id: int
    patient_id: int
    module: str = Field(..., description="The module's slug.")
    title: str
    status: str = Field(..., description="assigned, in-progress or completed.")
    assigned_by: str
    assigned_at: dt.datetime
    completed_at: dt.datetime | None
    review_status: str = Field(
        ..., description="The module text's clinical review: a draft until a clinician signs it."
    )
    exercises: list[str] = Field(..., description="The exercises the module names.")
    sections_done: int
    sections_total: int
    sections: list[SectionOut]
    comments: list[CommentOut]

    @staticmethod
    def resolve_title(a: ModuleAssignment) -> str:
        return _progress(a).title

    @staticmethod
    def resolve_assigned_by(a: ModuleAssignment) -> str:
        return a.assigned_by.get_username()

    @staticmethod
    def resolve_review_status(a: ModuleAssignment, context: dict[str, Any]) -> str:
        module = _progress(a).module
        if module is None:
            return ""
        # Worked out once per answer (one query for every module), not once per item.
        request = context["request"]
        statuses = getattr(request, "_module_reviews", None)
        if statuses is None:
            statuses = module_statuses()
            request._module_reviews = statuses
        review = statuses.get(module.slug) or module_status(module)
        if review.on is None:
            return AWAITING_REVIEW
        return f"Reviewed by {review.by} on {review.on.isoformat()}"

    @staticmethod
    def resolve_exercises(a: ModuleAssignment) -> list[str]:
        module = _progress(a).module
        return list(module.exercises) if module else []

    @staticmethod
    def resolve_sections_done(a: ModuleAssignment) -> int:
        return _progress(a).done

    @staticmethod
    def resolve_sections_total(a: ModuleAssignment) -> int:
        return _progress(a).total

    @staticmethod
    def resolve_sections(a: ModuleAssignment) -> list[Any]:
        return list(_progress(a).sections)

    @staticmethod
    def resolve_comments(a: ModuleAssignment) -> list[CounsellorComment]:
        return list(a.comments.all())


class AssignmentPage(Schema):
    items: list[AssignmentOut]
    count: int


class ExerciseIn(Schema):
    # The exercise's own fields come beside these three (therapy/data/exercises.toml),
    # read from the body (the schema keeps only its own); do_save_exercise refuses any
    # it does not know, by name.
    model_config = ConfigDict(extra="allow")

    kind: str = one_of(exercise_kinds())
    assignment: int = Field(
        ..., description="The id of the patient's module assignment that names this exercise."
    )
    date: dt.date | None = Field(
        None,
        description="The day it is about (a sleep diary: the evening its night began); "
        "today when left out. Not in the future.",
    )


def _exercise_fields(request: HttpRequest) -> dict[str, object]:
    """The body's fields other than kind, assignment and date: the exercise's own."""
    body = json.loads(request.body or b"{}")
    return {k: v for k, v in body.items() if k not in ExerciseIn.model_fields}


class SleepFiguresOut(Schema):
    time_in_bed_minutes: int
    total_sleep_minutes: int
    efficiency_percent: int | None = Field(
        ..., description="Total sleep as a share of time in bed; a number only, no cut-off."
    )


class ExerciseOut(Schema):
    id: int
    patient_id: int
    assignment_id: int
    kind: str
    date: dt.date
    fields: dict[str, Any]
    figures: SleepFiguresOut | None = Field(
        ..., description="A sleep diary's derived figures; null for other exercises."
    )
    self_reported: bool = Field(
        ..., description="Entered by the patient; false: by the care team on their word."
    )
    entered_by: str
    entered_at: dt.datetime
    late_entry: bool
    comments: list[CommentOut]

    @staticmethod
    def resolve_date(e: ExerciseEntry) -> dt.date:
        return e.day

    @staticmethod
    def resolve_figures(e: ExerciseEntry) -> Any:
        return figures(e)

    @staticmethod
    def resolve_entered_by(e: ExerciseEntry) -> str:
        return e.entered_by.get_username()

    @staticmethod
    def resolve_comments(e: ExerciseEntry) -> list[CounsellorComment]:
        return list(e.comments.all())


class ExercisePage(Schema):
    items: list[ExerciseOut]
    count: int


class ExerciseQuery(PageQuery):
    kind: str | None = Field(None, description="Only entries of this exercise.")


@router.get(
    "/patients/{int:patient_id}/modules",
    response={200: AssignmentPage, **READ_ERRORS},
    summary="A patient's CBT modules with their progress, newest first",
)
def modules(request: HttpRequest, patient_id: int, page: Query[PageQuery]) -> dict[str, object]:
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="modules.list")
    return page_of(assignments_of(patient), page)


@router.post(
    "/patients/{int:patient_id}/modules",
    response={201: AssignmentOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Assign a CBT module",
)
def assign_module(
    request: HttpRequest, patient_id: int, payload: AssignmentIn
) -> Status[ModuleAssignment]:
    """A counsellor or prescriber on the care team (403 for anyone else who can see the
    record). 409 while the same module is assigned and not completed."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="modules.write")
    stored = do_assign_module(actor, patient, module=payload.module, now=timezone.now())
    return Status(201, assignments_of(patient).get(pk=stored.pk))


@router.get(
    "/patients/{int:patient_id}/exercises",
    response={200: ExercisePage, **READ_ERRORS},
    summary="A patient's CBT exercise entries, newest day first",
)
def exercises(
    request: HttpRequest, patient_id: int, query: Query[ExerciseQuery]
) -> dict[str, object]:
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="exercises.list")
    entries = entries_of(patient)
    if query.kind is not None:
        entries = entries.filter(kind=query.kind)
    return page_of(entries, query)


@router.post(
    "/patients/{int:patient_id}/exercises",
    response={201: ExerciseOut, **WRITE_ERRORS},
    summary="Save a thought record, sleep diary or coping plan",
)
def save_exercise(
    request: HttpRequest, patient_id: int, payload: ExerciseIn
) -> Status[ExerciseEntry]:
    """The patient, or a clinician on their care team on the patient's word (403 for
    anyone else who can see the record). 404 for an assignment that is not this
    patient's. The exercise's fields go beside ``kind``, ``assignment`` and ``date``."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="exercises.write")
    assignment = access_assignment_of(actor, patient, payload.assignment, purpose="exercises.write")
    stored = do_save_exercise(
        actor,
        patient,
        assignment=assignment,
        kind=payload.kind,
        day=payload.date,
        fields=_exercise_fields(request),
        now=timezone.now(),
    )
    return Status(201, entries_of(patient).get(pk=stored.pk))


class SectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    section: str = Field(..., description="The section's id (from the assignment's sections).")


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., description="At most 1000 characters; the patient sees it.")


@router.post(
    "/patients/{int:patient_id}/modules/{int:assignment_id}/sections",
    response={200: AssignmentOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Mark a section of an assigned module done",
)
def complete_section(
    request: HttpRequest, patient_id: int, assignment_id: int, payload: SectionIn
) -> ModuleAssignment:
    """The patient, or a clinician on their care team on the patient's word (403 for
    anyone else who can see the record). The last section completes the module. 409
    for a section already done."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="modules.write")
    assignment = access_assignment_of(actor, patient, assignment_id, purpose="modules.write")
    do_complete_section(actor, assignment, section=payload.section, now=timezone.now())
    return assignments_of(patient).get(pk=assignment.pk)


@router.post(
    "/patients/{int:patient_id}/modules/{int:assignment_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    summary="Comment on an assigned module",
)
def comment_on_module(
    request: HttpRequest, patient_id: int, assignment_id: int, payload: CommentIn
) -> Status[CounsellorComment]:
    """A prescriber, nurse or counsellor on the care team (403 for anyone else who can
    see the record)."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="modules.write")
    assignment = access_assignment_of(actor, patient, assignment_id, purpose="modules.write")
    comment = do_comment(
        actor, patient, text=payload.text, assignment=assignment, now=timezone.now()
    )
    return Status(201, comment)


@router.post(
    "/patients/{int:patient_id}/exercises/{int:entry_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    summary="Comment on an exercise entry",
)
def comment_on_exercise(
    request: HttpRequest, patient_id: int, entry_id: int, payload: CommentIn
) -> Status[CounsellorComment]:
    """A prescriber, nurse or counsellor on the care team (403 for anyone else who can
    see the record)."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="exercises.write")
    entry = access_entry_of(actor, patient, entry_id, purpose="exercises.write")
    comment = do_comment(actor, patient, text=payload.text, entry=entry, now=timezone.now())
    return Status(201, comment)
