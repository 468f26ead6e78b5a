"""Writes to the patient record that concern disclosure: consents and disclosures.

Nothing leaves the record to another party except through ``do_disclose``, which needs a
consent in force that names that recipient, sends the § 2.32 notice with the
information, and keeps the disclosure for the patient's accounting of disclosures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from clonacare.accounts.models import Role
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError, Kind
from clonacare.patients.actions import checks
from clonacare.patients.models import Consent, Disclosure, Patient
from clonacare.patients.part2 import part2

CONSENT_WRITERS = frozenset({Role.PRESCRIBER, Role.NURSE, Role.COUNSELLOR, Role.PROGRAM_ADMIN})


@dataclass(frozen=True)
class ConsentTerms:
    """What the patient signed (42 CFR § 2.31)."""

    recipient: str
    purpose: str
    information: str
    includes_counselling_notes: bool
    expires_on: dt.date | None
    expiry_event: str
    signed_by: str
    signed_on: dt.date


def _check_terms(terms: ConsentTerms, patient: Patient, today: dt.date) -> None:
    for field in ("recipient", "purpose", "information", "signed_by"):
        if not getattr(terms, field).strip():
            raise ClinicalError("consent", f"A consent needs its {field.replace('_', ' ')}.")
    if terms.expires_on is None and not terms.expiry_event.strip():
        raise ClinicalError("consent", "A consent needs an expiry date or an expiry event.")
    checks.recorded_date(
        terms.signed_on, patient_born=patient.date_of_birth, today=today, what="The signing date"
    )
    if terms.expires_on is not None and terms.expires_on < terms.signed_on:
        raise ClinicalError("consent", "The expiry date is before the signing date.")


def do_add_consent(
    actor: Actor, patient: Patient, terms: ConsentTerms, *, now: dt.datetime
) -> Consent:
    """Record a signed consent. Staff of the patient's program only (the gate that found
    ``patient`` has already checked the actor may see it).

    Refused (ClinicalError, nothing written) without one of the § 2.31 elements, with
    neither an expiry date nor an expiry event, signed in the future or before the
    patient's date of birth, or expiring before it was signed.
    """
    if actor.role not in CONSENT_WRITERS or actor.user_id is None:
        raise ClinicalError("not-allowed", "Only the program's staff record a consent.")
    _check_terms(terms, patient, now.date())
    with transaction.atomic():
        consent = Consent.objects.create(
            patient=patient,
            disclosing_program_id=patient.program_id,
            recipient=terms.recipient.strip(),
            purpose=terms.purpose.strip(),
            information=terms.information.strip(),
            includes_counselling_notes=terms.includes_counselling_notes,
            expires_on=terms.expires_on,
            expiry_event=terms.expiry_event.strip(),
            signed_by=terms.signed_by.strip(),
            signed_on=terms.signed_on,
            created_by_id=actor.user_id,
        )
        record(actor, "consent.add", patient=patient, target=consent)
    return consent


ALREADY_REVOKED = "This consent has already been revoked."


def check_revocable(consent: Consent) -> None:
    """Raise the refusal ``do_revoke_consent`` would give for a consent already revoked
    (``consent``), so a confirmation page can say so before asking."""
    if consent.revoked_at is not None:
        raise ClinicalError("consent", ALREADY_REVOKED, kind=Kind.CONFLICT)


def do_revoke_consent(actor: Actor, consent: Consent, *, now: dt.datetime) -> Consent:
    """Revoke a consent: the patient themself, or the program's staff on their word.

    Refused (``consent``) when it is already revoked, also when another request revoked
    it a moment earlier: the revocation is written only on a consent that has none, so
    the first one's time stands and it is audited once.
    """
    is_the_patient = actor.role == Role.PATIENT and consent.patient.user_id == actor.user_id
    if not (is_the_patient or actor.role in CONSENT_WRITERS):
        raise ClinicalError("not-allowed", "Only the patient or the program's staff revoke.")
    check_revocable(consent)
    with transaction.atomic():
        revoked = Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if not revoked:
            raise ClinicalError("consent", ALREADY_REVOKED, kind=Kind.CONFLICT)
        consent.revoked_at = now
        record(actor, "consent.revoke", patient=consent.patient, target=consent)
    return consent


def covering_consent(patient: Patient, recipient: str, day: dt.date) -> Consent | None:
    """A consent in force on ``day`` naming ``recipient`` (case and spacing ignored)."""
    wanted = " ".join(recipient.split()).casefold()
    for consent in patient.consents.all():
        if " ".join(consent.recipient.split()).casefold() == wanted and consent.is_active_on(day):
            return consent
    return None


def do_disclose(
    actor: Actor,
    patient: Patient,
    *,
    recipient: str,
    counselling_notes: bool,
    now: dt.datetime,
) -> Disclosure:
    """Disclose the information a consent covers to its recipient, with the § 2.32 notice.

    Refused (ClinicalError, nothing written) without a consent in force naming the
    recipient, or for SUD counselling notes without a consent that includes them.
    """
    if actor.role not in CONSENT_WRITERS or actor.user_id is None:
        raise ClinicalError("not-allowed", "Only the program's staff disclose records.")
    consent = covering_consent(patient, recipient, now.date())
    if consent is None:
        raise ClinicalError(
            "no-consent",
            f"No consent in force lets this record go to {recipient!r}; nothing was disclosed.",
        )
    if counselling_notes and not consent.includes_counselling_notes:
        raise ClinicalError(
            "no-consent",
            "SUD counselling notes need a consent of their own; nothing was disclosed.",
        )
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            consent=consent,
            patient=patient,
            recipient=consent.recipient,
            consent_information=consent.information,
            includes_counselling_notes=counselling_notes,
            notice=part2().notice,
            disclosed_by_id=actor.user_id,
        )
        record(
            actor,
            "record.disclose",
            patient=patient,
            target=disclosure,
            detail={"recipient": consent.recipient, "consent": consent.pk},
        )
    return disclosure
