"""Disclosures (42 CFR Part 2 as amended in 2024): with consent, in a medical emergency,
and the patient's requests to restrict them.

Nothing leaves the record to another party under a consent except through
``do_disclose``: it finds the consent that covers the recipient by the class the
patient chose or by the named consent staff choose (never by comparing typed names),
builds what is sent (the FHIR Bundle and a PDF with the § 2.32 notice and a copy of the
consent), stores both as sent, and keeps the disclosure for the accounting of
disclosures. ``do_record_emergency_disclosure`` writes down, after the fact, a
disclosure made without consent in a medical emergency (§ 2.51).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction

from clonacare.accounts.models import Role
from clonacare.audit.log import Actor, record
from clonacare.core.errors import ClinicalError
from clonacare.patients.access import ConsentNotFound
from clonacare.patients.actions import checks
from clonacare.patients.actions.consent import CONSENT_WRITERS
from clonacare.patients.disclosure_pdf import disclosure_pdf
from clonacare.patients.models import (
    Consent,
    Disclosure,
    DisclosurePackage,
    Patient,
    RecipientClass,
    RestrictionRequest,
)
from clonacare.patients.part2 import part2


class BundleBuilder(Protocol):
    """Builds the patient's record as a FHIR Bundle (a JSON-ready dict), with the SUD
    counselling notes only when asked: ``clonacare.exchange.bundle.patient_bundle``,
    which the faces pass in (the record exchange builds on this app, not the reverse)."""

    def __call__(
        self, patient: Patient, *, include_counselling_notes: bool, now: dt.datetime
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class DisclosureRequest:
    """What staff ask to disclose: to a ``recipient_class``; under ``consent_id`` (the
    named consent chosen, or one of the class); ``recipient`` the provider or plan the
    record goes to (required for a class; for a named consent, its name by default)."""

    recipient_class: str
    recipient: str = ""
    consent_id: int | None = None
    counselling_notes: bool = False


NOTHING = "nothing was disclosed."
NOTES_NEED_THEIR_OWN = f"SUD counselling notes need a consent of their own; {NOTHING}"
CHOOSE_THE_NAMED_CONSENT = (
    "A disclosure to a named recipient goes under the consent that names them: choose "
    f"that consent; {NOTHING}"
)


def _label(recipient_class: str) -> str:
    return str(RecipientClass(recipient_class).label).lower()


def _signed(consent: Consent) -> str:
    return f"The consent signed on {consent.signed_on:%d %b %Y} by {consent.signed_by}"


def _refuse_unless_in_force(consent: Consent, at: dt.datetime) -> None:
    """Raise the reason ``consent`` does not cover a disclosure at ``at``: revoked
    (``consent-revoked``), expired (``consent-expired``) or not yet signed."""
    if consent.revoked_at is not None and consent.revoked_at <= at:
        raise ClinicalError(
            "consent-revoked",
            f"{_signed(consent)} was revoked on {consent.revoked_at:%d %b %Y}; {NOTHING}",
        )
    day = at.astimezone(dt.UTC).date()
    if consent.signed_on > day:
        raise ClinicalError(
            "no-covering-consent", f"{_signed(consent)} is not yet in force; {NOTHING}"
        )
    if consent.expires_on is not None and consent.expires_on < day:
        raise ClinicalError(
            "consent-expired",
            f"{_signed(consent)} expired on {consent.expires_on:%d %b %Y}; {NOTHING}",
        )


def covering_consent(patient: Patient, request: DisclosureRequest, at: dt.datetime) -> Consent:
    """The consent of ``patient`` that covers ``request`` at ``at``.

    With ``consent_id``: that consent of the patient's (``ConsentNotFound`` for another
    patient's or a missing one), if it is in force and for the requested class. Without
    it: the latest-signed consent in force for that class (never for ``named``, whose
    consent is chosen). Refused, as a conflict with the record, with the reason: a
    restriction the program agreed to covers it (``disclosure-restricted``), none
    covers it (``no-covering-consent``), the one that would is revoked
    (``consent-revoked``) or expired (``consent-expired``), or SUD counselling notes
    are asked for under a consent that does not include them (``no-consent``).
    """
    if request.recipient_class not in RecipientClass.values:
        raise ClinicalError(
            "disclosure", "The recipient class is `treating-providers`, `health-plan` or `named`."
        )
    restriction = restriction_covering(patient, request.recipient_class, at)
    if restriction is not None:
        raise ClinicalError(
            "disclosure-restricted", f"{restricted_because(restriction)}; {NOTHING}"
        )
    if request.consent_id is not None:
        consent = patient.consents.filter(pk=request.consent_id).first()
        if consent is None:
            raise ConsentNotFound(request.consent_id)
        _refuse_unless_in_force(consent, at)
        if consent.recipient_class != request.recipient_class:
            raise ClinicalError(
                "no-covering-consent",
                f"{_signed(consent)} is for {consent.to_whom}, not "
                f"{_label(request.recipient_class)}; {NOTHING}",
            )
        if request.counselling_notes and not consent.includes_counselling_notes:
            raise ClinicalError("no-consent", NOTES_NEED_THEIR_OWN)
        return consent
    if request.recipient_class == RecipientClass.NAMED:
        raise ClinicalError("no-covering-consent", CHOOSE_THE_NAMED_CONSENT)
    of_class = list(patient.consents.filter(recipient_class=request.recipient_class))
    if request.counselling_notes:
        with_notes = [c for c in of_class if c.includes_counselling_notes]
        if of_class and not with_notes:
            raise ClinicalError("no-consent", NOTES_NEED_THEIR_OWN)
        of_class = with_notes
    in_force = [c for c in of_class if c.is_in_force_at(at)]
    if in_force:
        return max(in_force, key=lambda c: (c.signed_on, c.pk))
    if of_class:
        _refuse_unless_in_force(max(of_class, key=lambda c: (c.signed_on, c.pk)), at)
    raise ClinicalError(
        "no-covering-consent",
        f"No consent in force covers a disclosure to {_label(request.recipient_class)}; {NOTHING}",
    )


def do_disclose(
    actor: Actor,
    patient: Patient,
    request: DisclosureRequest,
    *,
    bundle_of: BundleBuilder,
    now: dt.datetime,
) -> Disclosure:
    """Disclose ``patient``'s record as ``request`` asks, under the consent that covers
    it (``covering_consent``), and store what is sent: the FHIR Bundle ``bundle_of``
    builds (counselling notes only when asked and covered) and the PDF with the § 2.32
    notice and a copy of the consent. Audited as ``record.disclose``.

    Refused (nothing written, nothing built) for anyone but the program's staff, for a
    class disclosure without the name of the provider or plan it goes to, and as
    ``covering_consent`` refuses.
    """
    if actor.role not in CONSENT_WRITERS or actor.user_id is None:
        raise ClinicalError("not-allowed", "Only the program's staff disclose records.")
    recipient = checks.text(
        request.recipient, model=Disclosure, field="recipient", label="recipient", required=False
    )
    consent = covering_consent(patient, request, now)
    if not recipient and request.recipient_class != RecipientClass.NAMED:
        raise ClinicalError("disclosure", "Name the provider or health plan the record goes to.")
    texts = part2()
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            consent=consent,
            patient=patient,
            recipient_class=consent.recipient_class,
            recipient=recipient or consent.recipient,
            purpose=consent.purpose,
            consent_information=consent.information,
            includes_counselling_notes=request.counselling_notes,
            notice=texts.notice,
            disclosed_by_id=actor.user_id,
            disclosed_at=now,
            recorded_at=now,
        )
        bundle = bundle_of(patient, include_counselling_notes=request.counselling_notes, now=now)
        DisclosurePackage.objects.create(
            disclosure=disclosure,
            bundle_json=json.dumps(bundle, indent=2, ensure_ascii=False, sort_keys=True),
            pdf=disclosure_pdf(disclosure, bundle, texts, now=now),
            created_at=now,
        )
        record(
            actor,
            "record.disclose",
            patient=patient,
            target=disclosure,
            detail={"recipient": disclosure.recipient, "consent": consent.pk},
        )
    return disclosure


@dataclass(frozen=True)
class EmergencyDisclosure:
    """A disclosure made without consent in a medical emergency (42 CFR § 2.51), as
    staff write it down afterwards: to whom (name and affiliation of the medical
    personnel), who made it, when, the nature of the emergency, and what went."""

    recipient: str
    made_by: str
    disclosed_at: dt.datetime
    emergency: str
    information: str


def do_record_emergency_disclosure(
    actor: Actor, patient: Patient, entry: EmergencyDisclosure, *, now: dt.datetime
) -> Disclosure:
    """Record a § 2.51 disclosure after the fact; it joins the accounting of
    disclosures. Refused (nothing written) for anyone but the program's staff, with a
    field empty or too long, or a time in the future or before the date of birth."""
    if actor.role not in CONSENT_WRITERS or actor.user_id is None:
        raise ClinicalError("not-allowed", "Only the program's staff record a disclosure.")
    fields = {
        "recipient": ("recipient", "medical personnel who received it"),
        "made_by": ("made_by", "name of who made the disclosure"),
        "emergency": ("purpose", "nature of the emergency"),
        "information": ("consent_information", "information disclosed"),
    }
    values = {
        key: checks.text(
            getattr(entry, key), model=Disclosure, field=field, label=label, required=True
        )
        for key, (field, label) in fields.items()
    }
    checks.recorded_date(
        entry.disclosed_at.astimezone(dt.UTC).date(),
        patient_born=patient.date_of_birth,
        today=now.astimezone(dt.UTC).date(),
        what="The time of the disclosure",
    )
    if entry.disclosed_at > now:
        raise ClinicalError("date", "The time of the disclosure cannot be in the future.")
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            kind=Disclosure.Kind.EMERGENCY,
            patient=patient,
            recipient=values["recipient"],
            made_by=values["made_by"],
            purpose=values["emergency"],
            consent_information=values["information"],
            notice="",
            disclosed_by_id=actor.user_id,
            disclosed_at=entry.disclosed_at,
            recorded_at=now,
        )
        record(
            actor,
            "record.disclose-emergency",
            patient=patient,
            target=disclosure,
            detail={"recipient": disclosure.recipient},
        )
    return disclosure


RESTRICTION_MAX = 600


def do_request_restriction(
    actor: Actor, patient: Patient, request: str, *, now: dt.datetime
) -> RestrictionRequest:
    """The patient asks the program to restrict disclosures of their record for
    treatment, payment or health care operations (42 CFR § 2.26). The patient only, on
    their own record; refused with the request empty or too long."""
    if actor.role != Role.PATIENT or patient.user_id != actor.user_id:
        raise ClinicalError("not-allowed", "Only the patient asks for a restriction.")
    words = checks.text(
        request, model=RestrictionRequest, field="request", label="request", required=True
    )
    with transaction.atomic():
        asked = RestrictionRequest.objects.create(patient=patient, request=words, requested_at=now)
        record(actor, "restriction.request", patient=patient, target=asked)
    return asked


def do_answer_restriction(
    actor: Actor,
    asked: RestrictionRequest,
    *,
    agreed: bool,
    note: str,
    now: dt.datetime,
    covers: str = RestrictionRequest.Covers.ALL,
) -> RestrictionRequest:
    """The program's answer to a restriction request: agreed or declined, with a note
    to the patient (required when declining). An agreed request ``covers`` the
    disclosures it stops (``all`` by default, else a recipient class), and from ``now``
    on ``covering_consent`` refuses them. Staff only; answered once (a second answer is
    a conflict, ``restriction-answered``, also when another request answered a moment
    earlier); ``covers`` not one of its choices is refused (``restriction-scope``)."""
    if actor.role not in CONSENT_WRITERS or actor.user_id is None:
        raise ClinicalError("not-allowed", "Only the program's staff answer a request.")
    words = checks.text(
        note, model=RestrictionRequest, field="answer_note", label="note", required=not agreed
    )
    if agreed and covers not in RestrictionRequest.Covers.values:
        raise ClinicalError(
            "restriction-scope",
            "An agreed restriction covers all, treating-providers, health-plan or named "
            f"disclosures, not {covers[:40]!r}.",
        )
    answer = RestrictionRequest.Answer.AGREED if agreed else RestrictionRequest.Answer.DECLINED
    with transaction.atomic():
        written = RestrictionRequest.objects.filter(pk=asked.pk, answered_at__isnull=True).update(
            answer=answer,
            answer_note=words,
            answered_by_id=actor.user_id,
            answered_at=now,
            covers=covers if agreed else "",
        )
        if not written:
            raise ClinicalError("restriction-answered", "This request has been answered already.")
        asked.refresh_from_db()
        record(
            actor,
            "restriction.answer",
            patient=asked.patient,
            target=asked,
            detail={"answer": answer, "covers": asked.covers},
        )
    return asked


def agreed_restrictions(patient: Patient, at: dt.datetime) -> list[RestrictionRequest]:
    """``patient``'s restriction requests the program had agreed to by ``at``, earliest
    answered first."""
    return list(
        patient.restriction_requests.filter(
            answer=RestrictionRequest.Answer.AGREED, answered_at__lte=at
        ).order_by("answered_at", "id")
    )


def restriction_covering(
    patient: Patient, recipient_class: str, at: dt.datetime
) -> RestrictionRequest | None:
    """The earliest agreed restriction of ``patient`` in force at ``at`` that stops a
    disclosure to ``recipient_class`` (one of that class, or ``all``); None when none
    does."""
    wanted = {RestrictionRequest.Covers.ALL.value, recipient_class}
    return next((r for r in agreed_restrictions(patient, at) if r.covers in wanted), None)


def restricted_because(restriction: RestrictionRequest) -> str:
    """Why a disclosure is refused, in words: what the patient asked, when, and when
    the program agreed (without the closing "nothing was disclosed")."""
    words = restriction.request
    asked = words if len(words) <= 120 else words[:119] + "…"
    answered = restriction.answered_at or restriction.requested_at
    return (
        f"The patient asked on {restriction.requested_at:%d %b %Y} to restrict disclosures "
        f'("{asked}") and the program agreed on {answered:%d %b %Y}: the restriction '
        f"covers {restriction.get_covers_display()}"
    )
