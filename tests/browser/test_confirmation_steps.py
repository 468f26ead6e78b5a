"""The confirmation steps in a real browser, at desktop and phone width: revoking a
consent in the clinic and in the portal, and stopping a medication, each show a page
saying what will happen before anything is written. Each page is checked with axe-core
and saved as a screenshot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clonacare.patients.models import Consent, Medication
from tests.browser.conftest import Visit, sign_in
from tests.personas import World, make_world


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world()


def consent_of(world: World) -> Consent:
    return Consent.objects.create(
        patient=world.alex,
        disclosing_program=world.riverside,
        recipient="Dr. Taylor, primary care",
        purpose="coordination of care",
        information="Taper plan and current dose",
        expires_on=timezone.now().date() + dt.timedelta(days=365),
        signed_by="Alex Morgan",
        signed_on=dt.date(2026, 1, 5),
        created_by=world.avery,
    )


def test_the_clinic_confirms_before_revoking_a_consent(visit: Visit, world: World) -> None:
    consent = consent_of(world)
    sign_in(visit, "kim")
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    page = visit.page
    page.get_by_role("link", name="Revoke on the patient's word").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke this consent?")
    expect(page.locator(".consequences")).to_contain_text(
        "What was already disclosed stays in the accounting of disclosures"
    )
    visit.check_accessibility()
    visit.screenshot("clinic-revoke-consent-confirm")
    page.get_by_role("link", name="Cancel, keep it as it is").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")
    consent.refresh_from_db()
    assert consent.revoked_at is None

    page.get_by_role("link", name="Revoke on the patient's word").click()
    page.get_by_role("button", name="Revoke the consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")
    expect(page.locator(".consent").first).to_contain_text("revoked")
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_the_portal_confirms_before_revoking_a_consent(visit: Visit, world: World) -> None:
    consent = consent_of(world)
    sign_in(visit, "alex")
    visit.open("/portal/")
    page = visit.page
    page.get_by_role("link", name="Revoke this consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke your consent?")
    expect(page.locator(".consequences")).to_contain_text(
        "From now on, your program shares nothing more with Dr. Taylor, primary care"
    )
    visit.check_accessibility()
    visit.screenshot("portal-revoke-consent-confirm")
    page.get_by_role("button", name="Yes, revoke this consent").click()
    expect(page.locator(".consent").first).to_contain_text("revoked")
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_the_clinic_confirms_before_stopping_a_medication(visit: Visit, world: World) -> None:
    sertraline = Medication.objects.create(
        patient=world.alex, name="Sertraline", dose="50 mg", reason="mood"
    )
    sign_in(visit, "kim")
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    page = visit.page
    page.get_by_role("button", name="Stop Sertraline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop Sertraline?")
    expect(page.get_by_label("Stopped on")).to_have_value(timezone.now().date().isoformat())
    visit.check_accessibility()
    visit.screenshot("clinic-stop-medication-confirm")
    sertraline.refresh_from_db()
    assert sertraline.ended_on is None
    page.get_by_role("button", name="Stop the medication").click()
    expect(page.get_by_role("region", name="Other medications")).to_contain_text("stopped")
    sertraline.refresh_from_db()
    assert sertraline.ended_on is not None
