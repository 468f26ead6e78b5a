"""Managing programs and staff in a real browser, at desktop and phone width: each page
is checked with axe-core and saved as a screenshot."""

from __future__ import annotations

from playwright.sync_api import expect

from clonacare.accounts.models import Program
from tests.browser.conftest import Visit, sign_in
from tests.personas import World

NEW_PASSWORD = "river-stone-lantern-42"


def test_a_site_admin_creates_a_program_and_its_admin(visit: Visit, world: World) -> None:
    sign_in(visit, "site_admin")
    page = visit.page
    page.get_by_role("link", name="Programs and their admins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programs")
    visit.check_accessibility()
    visit.screenshot("accounts-programs")

    page.get_by_role("link", name="Create a program").click()
    visit.check_accessibility()
    visit.screenshot("accounts-create-program")
    page.get_by_label("Name").fill("Lakeside Health")
    page.get_by_label("Slug").fill("riverside")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the fields")
    expect(page.locator(".field-error")).to_have_text(
        "The slug 'riverside' is taken by another program."
    )
    visit.check_accessibility()
    visit.screenshot("accounts-create-program-refused")
    page.get_by_label("Slug").fill("lakeside")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("status")).to_contain_text("Lakeside Health is created.")
    assert Program.objects.get(slug="lakeside").require_two_factor

    page.get_by_role("link", name="Add a program admin to Lakeside Health").click()
    visit.check_accessibility()
    visit.screenshot("accounts-create-program-admin")
    page.get_by_label("First name").fill("Noor")
    page.get_by_label("Last name").fill("Haddad")
    page.get_by_label("Username").fill("noor")
    page.get_by_label("Initial password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Initial password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Add program admin").click()
    expect(page.get_by_role("status")).to_contain_text("Noor Haddad is a program admin")
    page.get_by_role("button", name="Stop requiring two-factor sign-in at Lakeside Health").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Staff of Lakeside Health no longer need an authenticator code to sign in."
    )
    visit.check_accessibility()
    visit.screenshot("accounts-programs-changed")


def test_a_program_admin_manages_the_staff(visit: Visit, world: World) -> None:
    sign_in(visit, "riverside_admin")
    page = visit.page
    page.get_by_role("link", name="Staff", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff")
    visit.check_accessibility()
    visit.screenshot("accounts-staff")

    page.get_by_role("link", name="Add a staff member").click()
    visit.check_accessibility()
    visit.screenshot("accounts-create-staff")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Ortiz")
    page.get_by_label("Role").select_option("counsellor")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Initial password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Initial password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Add staff member").click()
    expect(page.locator(".field-error")).to_have_text(
        "The username 'kim' is taken; choose another."
    )
    visit.check_accessibility()
    visit.screenshot("accounts-create-staff-refused")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Initial password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Initial password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Add staff member").click()
    expect(page.get_by_role("status")).to_contain_text("Sam Ortiz can now sign in as a counsellor.")

    page.get_by_role("button", name="Deactivate kim").click()
    expect(page.get_by_role("status")).to_contain_text("kim's account is deactivated")
    expect(page.get_by_role("button", name="Reactivate kim")).to_be_visible()
    visit.check_accessibility()
    visit.screenshot("accounts-staff-changed")
