"""Consents to disclose (42 CFR Part 2) and disclosures under them: the same actions as
the clinic's consent, revoke and disclose pages and the portal's revoke button.

``GET /patients/{id}`` lists a patient's consents and the accounting of disclosures; these
endpoints write them. A patient the caller may not see answers 404 like a missing one,
and so does a consent that is not this patient's.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, Field, Router, Status

from clonacare.api.endpoints.patients import ConsentOut, DisclosureOut
from clonacare.api.endpoints.record import StrictIn
from clonacare.api.errors import ApiError
from clonacare.api.schemas import WRITE_ERRORS, ErrorOut
from clonacare.api.security import caller
from clonacare.patients.access import access_consent_of, access_patient_by_id
from clonacare.patients.actions import ConsentTerms, do_add_consent, do_disclose, do_revoke_consent
from clonacare.patients.models import Consent, Disclosure

router = Router(tags=["Consents and disclosures"])

CONFLICT_ERRORS = {**WRITE_ERRORS, 409: ErrorOut}
NO_RECIPIENT = "Name the recipient to disclose to."  # as the clinic's disclose page says


class ConsentIn(StrictIn):
    """What the patient signed: the elements of 42 CFR § 2.31 the clinic's form asks for
    (the patient and the disclosing program are the record's own)."""

    recipient: str = Field(
        ..., max_length=200, description="The person or organisation that may receive it."
    )
    purpose: str = Field(..., max_length=300)
    information: str = Field(
        ..., max_length=300, description="How much and what kind of information."
    )
    includes_counselling_notes: bool = Field(
        False, description="SUD counselling notes need a consent of their own."
    )
    expires_on: dt.date | None = Field(None, description="The expiry date, or give an event.")
    expiry_event: str = Field(
        "", max_length=200, description="The event on which it expires, or give a date."
    )
    signed_by: str = Field(..., max_length=160, description="The name as signed.")
    signed_on: dt.date

    def terms(self) -> ConsentTerms:
        return ConsentTerms(
            recipient=self.recipient,
            purpose=self.purpose,
            information=self.information,
            includes_counselling_notes=self.includes_counselling_notes,
            expires_on=self.expires_on,
            expiry_event=self.expiry_event,
            signed_by=self.signed_by,
            signed_on=self.signed_on,
        )


class RevokeIn(StrictIn):
    """No fields: a revocation needs nothing but the consent's id."""


class DisclosureIn(StrictIn):
    recipient: str = Field(
        ...,
        max_length=200,
        description="As a consent in force names them (case and spacing do not matter).",
    )
    counselling_notes: bool = Field(
        False, description="Include SUD counselling notes: needs a consent that includes them."
    )


def _consent(consent_id: int) -> Consent:
    return Consent.objects.select_related("disclosing_program").get(pk=consent_id)


@router.post(
    "/patients/{int:patient_id}/consents",
    response={201: ConsentOut, **WRITE_ERRORS},
    summary="Record a signed consent to disclose",
)
def add_consent(request: HttpRequest, patient_id: int, payload: ConsentIn) -> Status[Consent]:
    """The program's staff who see the patient (403 for the patient). The consent needs
    an expiry date or an expiry event, a signing date not in the future and an expiry
    not before it (400 with the reason); nothing is stored when it is refused."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="consents.write")
    consent = do_add_consent(actor, patient, payload.terms(), now=timezone.now())
    return Status(201, _consent(consent.pk))


@router.post(
    "/patients/{int:patient_id}/consents/{int:consent_id}/revoke",
    response={200: ConsentOut, **CONFLICT_ERRORS},
    summary="Revoke a consent",
)
def revoke_consent(
    request: HttpRequest, patient_id: int, consent_id: int, payload: Body[RevokeIn | None] = None
) -> Consent:
    """The patient, on their own consent, or the program's staff who see the patient, on
    the patient's word. 409 when it is already revoked; a consent of another patient
    answers 404 like a missing one. No body, or an empty object."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="consents.write")
    consent = access_consent_of(actor, patient, consent_id, purpose="consent.revoke")
    do_revoke_consent(actor, consent, now=timezone.now())
    return _consent(consent.pk)


@router.post(
    "/patients/{int:patient_id}/disclosures",
    response={201: DisclosureOut, **CONFLICT_ERRORS},
    summary="Disclose the record to a recipient a consent in force names",
)
def disclose(request: HttpRequest, patient_id: int, payload: DisclosureIn) -> Status[Disclosure]:
    """The program's staff who see the patient (403 for the patient). Refused (409, and
    nothing is disclosed) without a consent in force naming the recipient, or for SUD
    counselling notes without a consent that includes them. The disclosure carries the
    § 2.32 notice and joins the patient's accounting of disclosures."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="disclosures.write")
    if not payload.recipient.strip():
        raise ApiError(NO_RECIPIENT)
    disclosure = do_disclose(
        actor,
        patient,
        recipient=payload.recipient.strip(),
        counselling_notes=payload.counselling_notes,
        now=timezone.now(),
    )
    return Status(201, Disclosure.objects.select_related("disclosed_by").get(pk=disclosure.pk))
