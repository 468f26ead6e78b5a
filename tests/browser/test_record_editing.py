"""Registering a patient and changing the record in a real browser, at desktop and phone
width: each new page is checked with axe-core and saved as a screenshot."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clonacare.patients.models import DoseChange, Medication, Patient
from tests.browser.conftest import Visit
from tests.browser.test_clinic_walkthrough import sign_in
from tests.personas import PASSWORD, World, make_world

NEW_PASSWORD = "river-stone-lantern-42"


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world()


def test_a_program_admin_registers_a_patient(visit: Visit, world: World) -> None:
    sign_in(visit, "riverside_admin")
    # Staff land on the worklist; registering is on the caseload.
    visit.page.get_by_role("link", name="Caseload", exact=True).first.click()
    visit.page.get_by_role("link", name="Register a patient").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Register a patient")
    visit.check_accessibility()
    visit.screenshot("clinic-register-patient")

    page = visit.page
    page.get_by_label("Given name").fill("Dana")
    page.get_by_label("Family name").fill("Reyes")
    page.get_by_label("Date of birth").fill("1975-06-30")
    page.get_by_label("Benzodiazepine").select_option("clonazepam")
    page.get_by_label("Morning (mg)").fill("-1")
    page.get_by_label("Night (mg)").fill("1")
    page.get_by_label("Taken since").fill("2023-01-15")
    page.get_by_label("kim (Nurse)").check()
    page.get_by_label("Username").fill("pat.dana")
    page.get_by_label("Initial password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Initial password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Register patient").click()
    expect(page.locator(".field-error")).to_have_text(
        "Ensure this value is greater than or equal to 0."
    )
    visit.check_accessibility()
    visit.screenshot("clinic-register-patient-error")

    page.get_by_label("Morning (mg)").fill("0.5")
    page.get_by_label("Initial password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Initial password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dana Reyes")
    assert Patient.objects.get(given_name="Dana").user is not None


def test_a_clinician_changes_the_record(visit: Visit, world: World) -> None:
    Medication.objects.create(patient=world.alex, name="Sertraline", dose="50 mg", reason="mood")
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    page = visit.page
    visit.check_accessibility()
    visit.screenshot("clinic-patient-editable")

    page.get_by_role("link", name="Change status").click()
    visit.check_accessibility()
    visit.screenshot("clinic-change-status")
    page.get_by_label("Status", exact=True).select_option("tapering")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")
    expect(page.locator(".page-head")).to_contain_text("Tapering")

    page.get_by_role("link", name="Record a dose change").click()
    visit.check_accessibility()
    visit.screenshot("clinic-dose-change")
    page.get_by_label("Night (mg)").fill("0")
    page.get_by_label("Morning (mg)").fill("0")
    page.get_by_role("button", name="Record the change").click()
    expect(page.get_by_role("alert").first).to_contain_text("At least one dose must be above 0 mg.")
    visit.check_accessibility()
    visit.screenshot("clinic-dose-change-refused")
    page.get_by_label("Morning (mg)").fill("0.5")
    page.get_by_label("Night (mg)").fill("0.75")
    page.get_by_role("button", name="Record the change").click()
    expect(page.get_by_role("region", name="Benzodiazepine use")).to_contain_text("1.25 mg/day")

    page.get_by_role("link", name="Add a medication").click()
    visit.check_accessibility()
    visit.screenshot("clinic-add-medication")
    page.get_by_label("Medication", exact=True).fill("Melatonin")
    page.get_by_role("button", name="Add medication").click()
    page.get_by_role("button", name="Stop Sertraline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop Sertraline?")
    page.get_by_role("button", name="Stop the medication").click()
    expect(page.get_by_role("region", name="Other medications")).to_contain_text("stopped")

    page.get_by_role("link", name="Add a condition").click()
    visit.check_accessibility()
    visit.screenshot("clinic-add-condition")
    page.get_by_label("Condition", exact=True).fill("Insomnia")
    page.get_by_role("button", name="Add condition").click()
    expect(page.get_by_role("region", name="Conditions")).to_contain_text("Insomnia")
    visit.check_accessibility()
    visit.screenshot("clinic-patient-changed")


def test_a_nurse_records_a_telephone_order_that_the_prescriber_co_signs(
    visit: Visit, world: World
) -> None:
    sign_in(visit, "kim")
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    page = visit.page
    page.get_by_role("link", name="Record a dose change").click()
    expect(page.get_by_role("group", name="Verbal or telephone order")).to_be_visible()
    page.get_by_label("Morning (mg)").fill("0.5")
    page.get_by_label("Night (mg)").fill("0.75")
    page.get_by_label("Order given by").select_option(label="avery (Prescriber)")
    page.get_by_label("How the order was given").select_option("telephone")
    page.get_by_label("I read the order back to the prescriber and they confirmed it").check()
    visit.check_accessibility()
    visit.screenshot("clinic-dose-change-telephone-order")
    page.get_by_role("button", name="Record the change").click()
    use = page.get_by_role("region", name="Benzodiazepine use")
    expect(use).to_contain_text("1.25 mg/day")
    expect(use).to_contain_text("Telephone order, awaiting co-signature by avery")
    expect(page.get_by_role("button", name="Co-sign")).to_have_count(0)
    visit.check_accessibility()
    visit.screenshot("clinic-patient-pending-order")

    page.context.clear_cookies()
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    page.get_by_role("button", name="Co-sign").click()
    use = page.get_by_role("region", name="Benzodiazepine use")
    expect(use).to_contain_text("co-signed by avery")
    expect(use).not_to_contain_text("awaiting co-signature")
    assert DoseChange.objects.get().cosigned_at is not None
    visit.check_accessibility()
    visit.screenshot("clinic-patient-order-co-signed")


def test_a_program_admin_changes_the_care_team(visit: Visit, world: World) -> None:
    sign_in(visit, "riverside_admin")
    visit.open(f"/clinic/patients/{world.blair.pk}/")
    visit.page.get_by_role("link", name="Change the care team").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Care team")
    visit.check_accessibility()
    visit.screenshot("clinic-care-team")
    visit.page.get_by_label("Add to the care team").select_option(label="lee (Counsellor)")
    visit.page.get_by_role("button", name="Add").click()
    expect(visit.page.get_by_role("table")).to_contain_text("lee")
    visit.page.get_by_role("button", name="Remove kim").click()
    expect(visit.page.get_by_role("table")).not_to_contain_text("kim")


def test_anyone_changes_their_password(visit: Visit, world: World) -> None:
    sign_in(visit, "alex")
    visit.page.get_by_role("link", name="Change password").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Change your password")
    visit.check_accessibility()
    visit.screenshot("password-change")
    visit.page.get_by_label("Old password").fill("wrong-password")
    visit.page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    visit.page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    visit.page.get_by_role("button", name="Change password").click()
    expect(visit.page.locator(".field-error")).to_have_text(
        "Your old password was entered incorrectly. Please enter it again."
    )
    visit.check_accessibility()
    visit.page.get_by_label("Old password").fill(PASSWORD)
    visit.page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    visit.page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    visit.page.get_by_role("button", name="Change password").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text(
        "Your password has been changed"
    )
    visit.check_accessibility()
    visit.screenshot("password-changed")
