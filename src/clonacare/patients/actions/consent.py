"""Consents to disclose (42 CFR § 2.31 as amended in 2024): recording and revoking.

Disclosures under them are ``disclosure.py``'s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from clonacare.accounts.models import Role
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError, Kind
from clonacare.patients.actions import checks
from clonacare.patients.models import Consent, Patient, RecipientClass
from clonacare.patients.part2 import part2

CONSENT_WRITERS = frozenset({Role.PRESCRIBER, Role.NURSE, Role.COUNSELLOR, Role.PROGRAM_ADMIN})


@dataclass(frozen=True)
class ConsentTerms:
    """What the patient signed (42 CFR § 2.31 as amended in 2024).

    ``kind`` ``tpo``: all future uses and disclosures for treatment, payment and health
    care operations (``purpose`` may be left empty: the data file's words are used).
    ``recipient_class``: ``treating-providers``, ``health-plan`` or ``named`` (then
    ``recipient`` is required; for a class it may name the provider or plan).
    ``representative_authority``: set when a legal representative signed (``signed_by``
    is their name). ``how_to_revoke`` empty takes the data file's words.
    """

    recipient: str
    purpose: str
    information: str
    includes_counselling_notes: bool
    expires_on: dt.date | None
    expiry_event: str
    signed_by: str
    signed_on: dt.date
    recipient_class: str = RecipientClass.NAMED
    kind: str = Consent.Kind.SPECIFIC
    treatment_depends_on_signing: bool = False
    how_to_revoke: str = ""
    representative_authority: str = ""


NOTES_APART = (
    "SUD counselling notes need a consent of their own: a consent for treatment, payment "
    "and health care operations cannot include them. Record the notes on a separate consent."
)


def _check_terms(terms: ConsentTerms, patient: Patient, today: dt.date) -> None:
    if terms.kind not in Consent.Kind.values:
        raise ClinicalError("consent", "The kind of consent is `tpo` or `specific`.")
    if terms.recipient_class not in RecipientClass.values:
        raise ClinicalError(
            "consent", "The recipient class is `treating-providers`, `health-plan` or `named`."
        )
    if terms.recipient_class == RecipientClass.NAMED and not terms.recipient.strip():
        raise ClinicalError("consent", "A consent needs its recipient.")
    required: tuple[str, ...] = ("information", "signed_by")
    if terms.kind != Consent.Kind.TPO:
        required = ("purpose", *required)
    for field in required:
        if not getattr(terms, field).strip():
            raise ClinicalError("consent", f"A consent needs its {field.replace('_', ' ')}.")
    if terms.kind == Consent.Kind.TPO and terms.includes_counselling_notes:
        raise ClinicalError("consent", NOTES_APART)
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
    patient's date of birth, expiring before it was signed, or for a TPO consent that
    includes SUD counselling notes (which need a consent of their own). The words on
    revoking and redisclosure given to the patient are stored with it as they were.
    """
    if actor.role not in CONSENT_WRITERS or actor.user_id is None:
        raise ClinicalError("not-allowed", "Only the program's staff record a consent.")
    _check_terms(terms, patient, now.date())
    texts = part2()
    with transaction.atomic():
        consent = Consent.objects.create(
            patient=patient,
            disclosing_program_id=patient.program_id,
            kind=terms.kind,
            recipient_class=terms.recipient_class,
            recipient=terms.recipient.strip(),
            purpose=terms.purpose.strip() or texts.tpo_purpose,
            information=terms.information.strip(),
            includes_counselling_notes=terms.includes_counselling_notes,
            expires_on=terms.expires_on,
            expiry_event=terms.expiry_event.strip(),
            treatment_depends_on_signing=terms.treatment_depends_on_signing,
            how_to_revoke=terms.how_to_revoke.strip() or texts.how_to_revoke,
            redisclosure_statement=texts.redisclosure_statement,
            signed_by=terms.signed_by.strip(),
            representative_authority=terms.representative_authority.strip(),
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
