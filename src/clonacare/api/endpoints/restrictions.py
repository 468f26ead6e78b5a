"""``/patients/{id}/restrictions``: a patient's requests to restrict disclosures for
treatment, payment and health care operations (42 CFR § 2.26) and the program's
answers, the same actions as the portal's request form and the clinic's answer form.

The patient asks (their own record only); the program's staff who see the record answer,
once; anyone who may see the record reads them. A patient the caller may not see, and a
request that is not this patient's, answer 404 like missing ones. An agreed request is
enforced by every disclosure (``disclosure-restricted``, docs/part2.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from clonacare.api.endpoints.record import StrictIn
from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from clonacare.api.security import caller
from clonacare.patients.access import access_patient_by_id
from clonacare.patients.accounting import access_restriction_of
from clonacare.patients.actions import do_answer_restriction, do_request_restriction
from clonacare.patients.models import RestrictionRequest

router = Router(tags=["Consents and disclosures"])


class RestrictionOut(Schema):
    id: int
    request: str = Field(..., description="What the patient asked to restrict, in their words.")
    requested_at: dt.datetime
    answer: str = Field(..., description="`agreed`, `declined`, or empty until answered.")
    answer_note: str
    covers: str = Field(
        ...,
        description="Agreed: what it stops (`all`, `treating-providers`, `health-plan`, "
        "`named`); empty otherwise.",
    )
    answered_by: str | None
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_answered_by(asked: RestrictionRequest) -> str | None:
        return asked.answered_by.get_username() if asked.answered_by else None


class RestrictionIn(StrictIn):
    request: str = Field(..., max_length=600, description="What the patient asks to restrict.")


class RestrictionAnswerIn(StrictIn):
    answer: Literal["agreed", "declined"]
    note: str = Field("", max_length=600, description="To the patient; required when declining.")
    covers: str = Field(
        RestrictionRequest.Covers.ALL.value,
        max_length=24,
        description="Agreed: what the restriction stops: `all` (every disclosure under a "
        "consent), `treating-providers`, `health-plan` or `named`.",
    )


def _restriction(request_id: int) -> RestrictionRequest:
    return RestrictionRequest.objects.select_related("answered_by").get(pk=request_id)


@router.get(
    "/patients/{int:patient_id}/restrictions",
    response={200: list[RestrictionOut], **READ_ERRORS},
    summary="A patient's restriction requests and their answers (42 CFR § 2.26)",
)
def restrictions(request: HttpRequest, patient_id: int) -> list[RestrictionRequest]:
    """Whoever may see the record (the patient, the care team, the program admin);
    404 for anyone else. Latest first. Audited as `restrictions.view`."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="restrictions.view")
    return list(patient.restriction_requests.select_related("answered_by"))


@router.post(
    "/patients/{int:patient_id}/restrictions",
    response={201: RestrictionOut, **WRITE_ERRORS},
    summary="The patient asks to restrict disclosures of their record",
)
def request_restriction(
    request: HttpRequest, patient_id: int, payload: RestrictionIn
) -> Status[RestrictionRequest]:
    """The patient, on their own record (403 for staff: the request is the patient's);
    400 for an empty request. Audited as `restriction.request`."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="restrictions.write")
    asked = do_request_restriction(actor, patient, payload.request, now=timezone.now())
    return Status(201, _restriction(asked.pk))


@router.post(
    "/patients/{int:patient_id}/restrictions/{int:request_id}/answer",
    response={200: RestrictionOut, **WRITE_ERRORS, 409: ErrorOut},
    summary="The program agrees to or declines a restriction request",
)
def answer_restriction(
    request: HttpRequest, patient_id: int, request_id: int, payload: RestrictionAnswerIn
) -> RestrictionRequest:
    """The program's staff who see the patient (403 for the patient). Answered once
    (409 `restriction-answered`); a note is required when declining (400); an agreed
    request stops what `covers` says (400 `restriction-scope` for anything else), from
    now on. Audited as `restriction.answer`."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="restrictions.write")
    asked = access_restriction_of(actor, patient, request_id, purpose="restriction.answer")
    do_answer_restriction(
        actor,
        asked,
        agreed=payload.answer == "agreed",
        note=payload.note,
        now=timezone.now(),
        covers=payload.covers,
    )
    return _restriction(asked.pk)
