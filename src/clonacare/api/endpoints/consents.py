"""Consents to disclose (42 CFR Part 2) and disclosures under them: the same actions as
the clinic's consent, revoke and disclose pages and the portal's revoke button.

``GET /patients/{id}`` lists a patient's consents and the accounting of disclosures; these
endpoints write them. A patient the caller may not see answers 404 like a missing one,
and so does a consent that is not this patient's.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Body, Field, Router, Schema, Status

from clonacare.api.endpoints.patients import ConsentOut, DisclosureOut
from clonacare.api.endpoints.record import StrictIn
from clonacare.api.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from clonacare.api.security import caller
from clonacare.core.errors import ClinicalError
from clonacare.exchange.bundle import patient_bundle
from clonacare.patients.access import access_consent_of, access_patient_by_id
from clonacare.patients.accounting import (
    access_package_of,
    accounting_of_disclosures,
    accounting_since,
    package_name,
    package_zip,
)
from clonacare.patients.actions import (
    CONSENT_WRITERS,
    ConsentTerms,
    DisclosureRequest,
    EmergencyDisclosure,
    do_add_consent,
    do_disclose,
    do_record_emergency_disclosure,
    do_revoke_consent,
)
from clonacare.patients.models import Consent, Disclosure
from clonacare.patients.part2 import part2

router = Router(tags=["Consents and disclosures"])

CONFLICT_ERRORS = {**WRITE_ERRORS, 409: ErrorOut}
_ZIP = {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}


class ConsentIn(StrictIn):
    """What the patient signed: the elements of 42 CFR § 2.31 the clinic's form asks for
    (the patient and the disclosing program are the record's own)."""

    kind: Literal["tpo", "specific"] = Field(
        "specific",
        description="`tpo`: all future uses and disclosures for treatment, payment and health "
        "care operations; `specific`: the purpose written on it.",
    )
    recipient_class: Literal["treating-providers", "health-plan", "named"] = Field(
        "named", description="To whom: a class of recipients, or a named recipient."
    )
    recipient: str = Field(
        "",
        max_length=200,
        description="The person or organisation that may receive it: required for `named`.",
    )
    purpose: str = Field("", max_length=300, description="Required unless `kind` is `tpo`.")
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
    treatment_depends_on_signing: bool = Field(
        False, description="Whether the program's treatment depends on signing."
    )
    how_to_revoke: str = Field(
        "", max_length=400, description="How to revoke; empty takes the program's words."
    )
    signed_by: str = Field(..., max_length=160, description="The name as signed.")
    representative_authority: str = Field(
        "",
        max_length=200,
        description="When a legal representative signed: their authority (guardian...).",
    )
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
            recipient_class=self.recipient_class,
            kind=self.kind,
            treatment_depends_on_signing=self.treatment_depends_on_signing,
            how_to_revoke=self.how_to_revoke,
            representative_authority=self.representative_authority,
        )


class RevokeIn(StrictIn):
    """No fields: a revocation needs nothing but the consent's id."""


class DisclosureIn(StrictIn):
    recipient_class: Literal["treating-providers", "health-plan", "named"] = Field(
        "named", description="The class of the recipient, as a consent in force gives it."
    )
    consent_id: int | None = Field(
        None,
        description="The consent to disclose under: required for a named recipient; for a "
        "class, the latest-signed consent in force of that class when absent.",
    )
    recipient: str = Field(
        "",
        max_length=200,
        description="The provider or plan it goes to (required for a class); for a named "
        "consent, its recipient when empty. Recorded, never matched against consents.",
    )
    counselling_notes: bool = Field(
        False, description="Include SUD counselling notes: needs a consent that includes them."
    )

    def request(self) -> DisclosureRequest:
        return DisclosureRequest(
            recipient_class=self.recipient_class,
            recipient=self.recipient,
            consent_id=self.consent_id,
            counselling_notes=self.counselling_notes,
        )


class EmergencyDisclosureIn(StrictIn):
    """A disclosure made without consent in a medical emergency (42 CFR § 2.51)."""

    recipient: str = Field(
        ..., max_length=200, description="The medical personnel who received it, and where."
    )
    made_by: str = Field(..., max_length=160, description="Who made the disclosure.")
    disclosed_at: dt.datetime = Field(..., description="When it was made.")
    emergency: str = Field(..., max_length=300, description="The nature of the emergency.")
    information: str = Field(..., max_length=300, description="What was disclosed.")


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


class AccountingOut(Schema):
    since: dt.datetime = Field(..., description="The start of the accounting period.")
    years: int = Field(..., description="The period in years (42 CFR § 2.25: 3).")
    disclosures: list[DisclosureOut] = Field(..., description="Latest first.")


@router.get(
    "/patients/{int:patient_id}/disclosures",
    response={200: AccountingOut, **READ_ERRORS},
    summary="The accounting of disclosures of the last 3 years (42 CFR § 2.25)",
)
def accounting(request: HttpRequest, patient_id: int) -> dict[str, object]:
    """Whoever may see the record: the patient (their own), the care team, the program
    admin; 404 for anyone else, as for a missing patient. Every disclosure of the
    period, latest first: under a consent (`consent`, or a patient's part of a bulk
    export, `bulk`) and in medical emergencies (`emergency`). Audited as
    `disclosures.view`."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="disclosures.view")
    now = timezone.now()
    return {
        "since": accounting_since(now),
        "years": part2().accounting_years,
        "disclosures": list(accounting_of_disclosures(patient, now=now)),
    }


@router.post(
    "/patients/{int:patient_id}/disclosures",
    response={201: DisclosureOut, **CONFLICT_ERRORS},
    summary="Disclose the record under the consent that covers the recipient",
)
def disclose(request: HttpRequest, patient_id: int, payload: DisclosureIn) -> Status[Disclosure]:
    """The program's staff who see the patient (403 for the patient). The consent that
    covers it is found by the recipient class or is the one named by `consent_id`
    (404 for a consent not this patient's), never by comparing names. Refused (409 with
    the reason, nothing disclosed) when a restriction the program agreed to covers it,
    when no consent in force covers it, when the one that would is revoked or expired,
    or for SUD counselling notes without a consent that includes them. What is sent
    (the FHIR Bundle and the PDF with the § 2.32 notice and the consent's scope) is
    stored: `GET .../disclosures/{id}/package` downloads it."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="disclosures.write")
    disclosure = do_disclose(
        actor, patient, payload.request(), bundle_of=patient_bundle, now=timezone.now()
    )
    return Status(201, _disclosure(disclosure.pk))


@router.post(
    "/patients/{int:patient_id}/emergency-disclosures",
    response={201: DisclosureOut, **WRITE_ERRORS},
    summary="Record a medical-emergency disclosure made without consent (§ 2.51)",
)
def record_emergency_disclosure(
    request: HttpRequest, patient_id: int, payload: EmergencyDisclosureIn
) -> Status[Disclosure]:
    """The program's staff who see the patient, after the fact: who received it, who made
    it, when (not in the future), the nature of the emergency and what went. It joins
    the accounting of disclosures."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="disclosures.write")
    entry = EmergencyDisclosure(
        recipient=payload.recipient,
        made_by=payload.made_by,
        disclosed_at=payload.disclosed_at,
        emergency=payload.emergency,
        information=payload.information,
    )
    disclosure = do_record_emergency_disclosure(actor, patient, entry, now=timezone.now())
    return Status(201, _disclosure(disclosure.pk))


@router.get(
    "/patients/{int:patient_id}/disclosures/{int:disclosure_id}/package",
    response={**READ_ERRORS, 403: ErrorOut},
    summary="Download what a disclosure sent (zip: disclosure.pdf and bundle.json)",
    openapi_extra={"responses": {200: _ZIP}},
)
def disclosure_package(request: HttpRequest, patient_id: int, disclosure_id: int) -> HttpResponse:
    """The program's staff who see the patient (403 for the patient): the zip of the PDF
    and the FHIR Bundle exactly as stored when the disclosure was made; audited as
    `disclosure.package`. A disclosure of another patient, or one with no package (an
    emergency disclosure), answers 404 like a missing one."""
    actor = caller(request).actor
    patient = access_patient_by_id(actor, patient_id, purpose="disclosures.view")
    if actor.role not in CONSENT_WRITERS:
        raise ClinicalError("not-allowed", "Only the program's staff download a package.")
    package = access_package_of(actor, patient, disclosure_id, purpose="disclosure.package")
    response = HttpResponse(package_zip(package), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package_name(package)}"'
    return response


def _disclosure(disclosure_id: int) -> Disclosure:
    return Disclosure.objects.select_related("disclosed_by").get(pk=disclosure_id)
