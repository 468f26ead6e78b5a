"""``/programs/{id}/screens``, ``/screens/{id}`` and ``/screens/{id}/invitations``: a
program's population screens (docs/population.md, "API"). The program's admin and its
prescribers upload a dispensing file, read what the screen found, and invite a flagged
person to an assessment; anyone else is answered 404 as if nothing were there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from clonacare.api.schemas import WRITE_ERRORS, ErrorOut
from clonacare.api.security import caller
from clonacare.population.access import (
    access_invitation_by_id,
    access_screen_by_id,
    access_screening_program,
)
from clonacare.population.actions import (
    check_upload_length,
    do_answer_invitation,
    do_invite,
    do_screen,
    parse_period,
)
from clonacare.population.models import DISPENSING_ID_MAX, Invitation, Screen

router = Router(tags=["Population screens"])

_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The dispensing file, .csv or .parquet.",
                        },
                        "diagnoses": {
                            "type": "string",
                            "format": "binary",
                            "description": "A diagnoses file (patient_id, code, date).",
                        },
                        "as_of": {
                            "type": "string",
                            "format": "date",
                            "description": "The last of the 365 days screened.",
                        },
                        "year": {
                            "type": "string",
                            "description": "A calendar year, instead of as_of.",
                        },
                    },
                }
            }
        },
    }
}


class FileOut(Schema):
    name: str
    size: int = Field(..., description="Bytes.")
    sha256: str


class ScreenCreatedOut(Schema):
    id: int
    program_id: int
    screened_at: dt.datetime
    file: FileOut
    period_start: dt.date
    period_end: dt.date
    count: int = Field(..., description="People flagged.")


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    patient_id: str = Field(
        ...,
        min_length=1,
        max_length=DISPENSING_ID_MAX,
        description="The flagged person's patient_id in the dispensing file.",
    )
    given_name: str = Field("", description="When the program knows it; at most 80 characters.")
    family_name: str = Field("", description="When the program knows it; at most 80 characters.")


class InvitationOut(Schema):
    id: int
    screen_id: int
    patient_id: int = Field(..., description="The new patient record, in the invited status.")
    dispensing_patient_id: str
    status: str
    invited_by: str
    invited_at: dt.datetime
    letter: str = Field(..., description="The letter or email to send, to copy or print.")
    answer: str = Field(
        ...,
        description="The person's answer as staff recorded it: accepted, declined, "
        "opted-out (asked to hear no more), or empty until then.",
    )
    answered_by: str | None
    answered_at: dt.datetime | None


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(..., description="accepted, declined or opted-out.", max_length=40)


def _created(screen: Screen) -> dict[str, Any]:
    return {
        "id": screen.pk,
        "program_id": screen.program_id,
        "screened_at": screen.screened_at,
        "file": {"name": screen.file_name, "size": screen.file_size, "sha256": screen.file_sha256},
        "period_start": screen.period_start,
        "period_end": screen.period_end,
        "count": len(screen.items),
    }


def invitation_body(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "screen_id": invitation.screen_id,
        "patient_id": invitation.patient_id,
        "dispensing_patient_id": invitation.dispensing_patient_id,
        "status": invitation.patient.status,
        "invited_by": invitation.invited_by.get_username(),
        "invited_at": invitation.invited_at,
        "letter": invitation.letter,
        "answer": invitation.answer,
        "answered_by": invitation.answered_by.get_username() if invitation.answered_by else None,
        "answered_at": invitation.answered_at,
    }


@router.post(
    "/programs/{int:program_id}/screens",
    response={201: ScreenCreatedOut, **WRITE_ERRORS, 413: ErrorOut},
    summary="Screen a dispensing file (multipart upload) for the program",
    openapi_extra=_UPLOAD,
)
def create_screen(request: HttpRequest, program_id: int) -> Status[dict[str, Any]]:
    """The program's admin or a prescriber of it (404 for anyone else). ``file`` is the
    dispensing file, ``diagnoses`` an optional diagnoses file, and exactly one of
    ``as_of`` and ``year`` the period. The screen runs before the answer; the files are
    deleted as soon as it is done. 400 for a file that cannot be read or lacks a column
    (nothing is stored), 413 for files over POPULATION_UPLOAD_MAX_MB."""
    actor = caller(request).actor
    program = access_screening_program(actor, program_id, purpose="population.screen")
    check_upload_length(actor, program, request.META.get("CONTENT_LENGTH"))
    period = parse_period(request.POST.get("as_of"), request.POST.get("year"))
    screen = do_screen(
        actor,
        program,
        dispensing=request.FILES.get("file"),
        diagnoses=request.FILES.get("diagnoses"),
        period=period,
        now=timezone.now(),
    )
    return Status(201, _created(screen))


@router.get(
    "/screens/{int:screen_id}",
    response={200: dict[str, Any], 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="What a screen found: the JSON of `clonacare population screen --format json`",
)
def screen_detail(request: HttpRequest, screen_id: int) -> dict[str, Any]:
    """The screen's document (``as_of``, ``period``, ``engine``, ``equivalence_table``,
    ``rows``, ``items``, ``count``), with ``id``, ``program_id`` and ``file`` added.
    The program's admin and its prescribers; 404 for anyone else."""
    actor = caller(request).actor
    screen = access_screen_by_id(actor, screen_id, purpose="population.screen.view")
    created = _created(screen)
    return {
        "id": screen.pk,
        "program_id": screen.program_id,
        "screened_at": screen.screened_at.isoformat(),
        "file": created["file"],
        **screen.result,
    }


@router.post(
    "/screens/{int:screen_id}/invitations",
    response={201: InvitationOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Invite a flagged person to an assessment (a patient record, status invited)",
)
def invite(request: HttpRequest, screen_id: int, payload: InvitationIn) -> Status[dict[str, Any]]:
    """The program's admin or a prescriber of it (404 for anyone else). 400 for a
    ``patient_id`` the screen did not flag, 409 for one invited from it already
    (``already-invited``) or who asked, answering an earlier invitation of the program,
    to hear no more (``opted-out``)."""
    actor = caller(request).actor
    screen = access_screen_by_id(actor, screen_id, purpose="population.screen.invite")
    invitation = do_invite(
        actor,
        screen,
        payload.patient_id,
        given_name=payload.given_name,
        family_name=payload.family_name,
        now=timezone.now(),
    )
    return Status(201, invitation_body(invitation))


@router.post(
    "/invitations/{int:invitation_id}/answer",
    response={200: InvitationOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="Record an invited person's answer: accepted, declined or opted-out",
)
def answer_invitation(
    request: HttpRequest, invitation_id: int, payload: AnswerIn
) -> dict[str, Any]:
    """The program's admin or a prescriber of it (404 for anyone else). ``opted-out``
    (the person asked to hear no more) stops any later invitation of the same dispensing
    id in the program. 400 for another answer (``invitation-answer``); 409 for an
    invitation answered already (``invitation-answered``), except that an opt-out may
    follow an earlier answer."""
    actor = caller(request).actor
    invitation = access_invitation_by_id(
        actor, invitation_id, purpose="population.invitation.answer.view"
    )
    answered = do_answer_invitation(actor, invitation, payload.answer, now=timezone.now())
    return invitation_body(answered)
