"""Consent to disclose (42 CFR Part 2): recording, revoking, and disclosing only under one."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Consent, Disclosure
from clonacare.patients.part2 import part2
from tests.personas import World, signed_in

TODAY = timezone.now().date()
CONFIRM = {"confirm": "yes"}  # the confirmation page's button (test_confirmation_steps.py)


def consent_form(**changes: str) -> dict[str, str]:
    return {
        "recipient": "Dr. Taylor, primary care",
        "purpose": "coordination of care",
        "information": "Taper plan and current dose",
        "expires_on": (TODAY + dt.timedelta(days=365)).isoformat(),
        "expiry_event": "",
        "signed_by": "Alex Morgan",
        "signed_on": TODAY.isoformat(),
    } | changes


def test_a_clinician_records_a_consent(client: Client, world: World) -> None:
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/consents/new/", consent_form()
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.recipient, consent.disclosing_program) == (
        "Dr. Taylor, primary care",
        world.riverside,
    )
    assert AuditEvent.objects.filter(action="consent.add", patient_id=world.alex.pk).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"expires_on": "", "expiry_event": ""},
            "A consent needs an expiry date or an expiry event.",
        ),
        (
            {"signed_on": (TODAY + dt.timedelta(days=2)).isoformat()},
            "The signing date cannot be in the future.",
        ),
        (
            {
                "expires_on": (TODAY - dt.timedelta(days=400)).isoformat(),
                "signed_on": (TODAY - dt.timedelta(days=10)).isoformat(),
            },
            "The expiry date is before the signing date.",
        ),
    ],
)
def test_a_consent_without_its_elements_is_refused(
    client: Client, world: World, changes: dict[str, str], message: str
) -> None:
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/consents/new/", consent_form(**changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Consent.objects.exists()


def chosen(consent: Consent, **more: str) -> dict[str, str]:
    """The disclose form with ``consent`` chosen (a named recipient)."""
    return {"recipient_class": "named", "consent_id": str(consent.pk)} | more


@pytest.fixture
def consent(client: Client, world: World) -> Consent:
    signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/consents/new/", consent_form()
    )
    client.logout()
    return Consent.objects.get()


def test_a_disclosure_under_a_consent_carries_the_notice(
    client: Client, world: World, consent: Consent
) -> None:
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/disclose/", chosen(consent)
    )
    assert response.status_code == 200
    disclosure = Disclosure.objects.get()
    assert disclosure.consent == consent
    assert disclosure.notice == part2().notice
    assert "protected by Federal confidentiality rules (42 CFR part 2)" in response.content.decode()
    assert AuditEvent.objects.filter(action="record.disclose").count() == 1


def test_a_typed_name_matches_no_consent(client: Client, world: World, consent: Consent) -> None:
    """The 2024 consents are matched by class or by the consent chosen, never by the
    words typed: even the consent's own recipient, typed, discloses nothing."""
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/disclose/",
        {"recipient_class": "named", "recipient": consent.recipient},
    )
    assert response.status_code == 409
    assert (
        "A disclosure to a named recipient goes under the consent that names them: choose "
        "that consent; nothing was disclosed." in response.content.decode()
    )
    assert not Disclosure.objects.exists()


def test_counselling_notes_need_a_consent_of_their_own(
    client: Client, world: World, consent: Consent
) -> None:
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/disclose/",
        chosen(consent, counselling_notes="on"),
    )
    assert response.status_code == 409
    assert "SUD counselling notes need a consent of their own" in response.content.decode()
    assert not Disclosure.objects.exists()


def test_the_patient_revokes_a_consent_and_nothing_more_is_disclosed(
    client: Client, world: World, consent: Consent
) -> None:
    portal = signed_in(client, "alex")
    assert "in force" in portal.get("/portal/").content.decode()
    assert portal.post(f"/portal/consents/{consent.pk}/revoke/", CONFIRM).status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    again = portal.post(f"/portal/consents/{consent.pk}/revoke/", CONFIRM)
    assert again.status_code == 409
    assert "This consent has already been revoked." in again.content.decode()
    client.logout()
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/disclose/", chosen(consent)
    )
    assert response.status_code == 409
    assert not Disclosure.objects.exists()


def test_an_expired_consent_covers_nothing(client: Client, world: World, consent: Consent) -> None:
    Consent.objects.filter(pk=consent.pk).update(
        signed_on=TODAY - dt.timedelta(days=30), expires_on=TODAY - dt.timedelta(days=1)
    )
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/disclose/", chosen(consent)
    )
    assert response.status_code == 409


def test_the_patient_sees_the_accounting_of_disclosures(
    client: Client, world: World, consent: Consent
) -> None:
    signed_in(client, "avery").post(f"/clinic/patients/{world.alex.pk}/disclose/", chosen(consent))
    client.logout()
    html = signed_in(client, "alex").get("/portal/").content.decode()
    assert "Taper plan and current dose to Dr. Taylor, primary care" in html


def test_another_patient_cannot_revoke_alexs_consent(
    client: Client, world: World, consent: Consent
) -> None:
    assert (
        signed_in(client, "blair")
        .post(f"/portal/consents/{consent.pk}/revoke/", CONFIRM)
        .status_code
        == 404
    )
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_another_program_cannot_disclose(client: Client, world: World, consent: Consent) -> None:
    response = signed_in(client, "brook").post(
        f"/clinic/patients/{world.alex.pk}/disclose/", chosen(consent)
    )
    assert response.status_code == 404
    assert not Disclosure.objects.exists()


def test_a_consent_asked_for_under_another_patient_is_not_found_and_audited(
    client: Client, world: World, consent: Consent
) -> None:
    # Avery sees both Alex and Blair; Alex's consent is not on Blair's record.
    response = signed_in(client, "avery").post(
        f"/clinic/patients/{world.blair.pk}/consents/{consent.pk}/revoke/", CONFIRM
    )
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None
    denied = AuditEvent.objects.get(action="consent.revoke.denied")
    assert (denied.patient_id, denied.detail) == (world.blair.pk, {"consent_id": consent.pk})


def test_a_disclosure_of_300_characters_with_counselling_notes_fits(
    client: Client, world: World
) -> None:
    """The consent's description may use its whole column; the counselling notes are a
    field of their own, not words appended to it (which overflowed on PostgreSQL)."""
    information = "Taper plan, doses and counselling notes. " * 7 + "x" * 13
    assert len(information) == 300
    signed_in(client, "avery").post(
        f"/clinic/patients/{world.alex.pk}/consents/new/",
        consent_form(information=information, includes_counselling_notes="on"),
    )
    consent = Consent.objects.get()
    assert consent.information == information
    response = client.post(
        f"/clinic/patients/{world.alex.pk}/disclose/",
        chosen(consent, counselling_notes="on"),
    )
    assert response.status_code == 200
    disclosure = Disclosure.objects.get()
    assert (disclosure.consent_information, disclosure.includes_counselling_notes) == (
        information,
        True,
    )
    shown = f"{information} (with SUD counselling notes)"
    assert disclosure.information == shown
    assert shown in response.content.decode()
    assert (
        f"{shown} to Dr. Taylor, primary care"
        in client.get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    )
    client.logout()
    accounting = signed_in(client, "alex").get("/portal/").content.decode()
    assert f"{shown} to Dr. Taylor, primary care" in accounting


def test_a_disclosure_without_counselling_notes_shows_the_consents_words(
    client: Client, world: World, consent: Consent
) -> None:
    signed_in(client, "avery").post(f"/clinic/patients/{world.alex.pk}/disclose/", chosen(consent))
    disclosure = Disclosure.objects.get()
    assert not disclosure.includes_counselling_notes
    assert disclosure.information == "Taper plan and current dose"


def test_the_migration_moves_the_appended_words_to_the_flag(world: World) -> None:
    from django.apps import apps

    migration = importlib.import_module(
        "clonacare.patients.migrations.0003_disclosure_counselling_notes"
    )
    consent = Consent.objects.create(
        patient=world.alex,
        disclosing_program=world.riverside,
        recipient="Dr. Taylor",
        purpose="coordination of care",
        information="Taper plan",
        includes_counselling_notes=True,
        expiry_event="the end of treatment",
        signed_by="Alex Morgan",
        signed_on=TODAY,
        created_by=world.avery,
    )
    fields = {"consent": consent, "patient": world.alex, "disclosed_by": world.avery}
    # Stored as do_disclose stored them before: the words appended to the description.
    with_notes = Disclosure.objects.create(
        consent_information="Taper plan (with SUD counselling notes)", **fields
    )
    without = Disclosure.objects.create(consent_information="Taper plan", **fields)
    migration.flag_counselling_notes(apps, None)
    with_notes.refresh_from_db()
    without.refresh_from_db()
    assert (with_notes.consent_information, with_notes.includes_counselling_notes) == (
        "Taper plan",
        True,
    )
    assert (without.consent_information, without.includes_counselling_notes) == (
        "Taper plan",
        False,
    )
    migration.append_counselling_notes(apps, None)
    with_notes.refresh_from_db()
    assert with_notes.consent_information == "Taper plan (with SUD counselling notes)"
