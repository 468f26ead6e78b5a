"""Consent, disclosure and two-factor enrolment in a real browser, with axe-core checks
and screenshots at desktop and phone width."""

from __future__ import annotations

from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import Visit, sign_in
from tests.personas import World


def test_a_clinician_records_a_consent_and_discloses_under_it(visit: Visit, world: World) -> None:
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    visit.page.get_by_role("link", name="Record a consent").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Record a consent to disclose")
    visit.check_accessibility()
    visit.screenshot("clinic-consent")
    today = timezone.now().date()
    visit.page.get_by_label("Recipient's name").fill("Dr. Taylor, primary care")
    visit.page.get_by_label("Purpose").fill("coordination of care")
    visit.page.get_by_label("How much and what kind of information").fill("Taper plan")
    visit.page.get_by_label("Expires on").fill(today.replace(year=today.year + 1).isoformat())
    visit.page.get_by_label("Signed by (name as signed)").fill("Alex Morgan")
    visit.page.get_by_label("Signed on").fill(today.isoformat())
    visit.page.get_by_role("button", name="Record consent").click()
    expect(visit.page.locator(".consent")).to_contain_text("in force")

    # A named recipient: the consent is chosen, never matched by a typed name.
    visit.page.get_by_label("Disclose to").select_option("named")
    visit.page.get_by_label("Under the consent").select_option(index=1)
    visit.page.get_by_role("button", name="Disclose", exact=True).click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Disclosure recorded")
    expect(visit.page.locator("blockquote")).to_contain_text("(42 CFR part 2)")
    visit.check_accessibility()
    visit.screenshot("clinic-disclosure")


def test_a_disclosure_without_consent_is_refused_in_words(visit: Visit, world: World) -> None:
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    visit.page.get_by_label("Disclose to").select_option("health-plan")
    visit.page.get_by_label("Recipient's name (the provider or plan)").fill("Acme Health")
    with visit.page.expect_response(lambda r: r.url.endswith("/disclose/")) as answer:
        visit.page.get_by_role("button", name="Disclose", exact=True).click()
    assert answer.value.status == 409  # the record's state (no consent in force), as in the API
    expect(visit.page.get_by_role("alert")).to_have_text(
        "No consent in force covers a disclosure to my health plan; nothing was disclosed."
    )
    visit.check_accessibility()
    visit.screenshot("clinic-refused")


def test_staff_of_a_two_factor_program_enrol_an_authenticator(visit: Visit, world: World) -> None:
    world.riverside.require_two_factor = True
    world.riverside.save()
    sign_in(visit, "kim")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(visit.page.locator(".qr svg")).to_be_visible()
    visit.check_accessibility()
    visit.screenshot("login-two-factor-setup")
    device = TOTPDevice.objects.get(user=world.kim)
    accepted = {
        totp(
            device.bin_key,
            step=device.step,
            t0=device.t0,
            digits=device.digits,
            drift=drift,
        )
        for drift in range(-device.tolerance - 1, device.tolerance + 2)
    }
    wrong = f"{next(n for n in range(1_000_000) if n not in accepted):06d}"
    visit.page.get_by_label("The 6-digit code your app shows now").fill(wrong)
    visit.page.get_by_role("button", name="Confirm and sign in").click()
    expect(visit.page.get_by_role("alert")).to_contain_text("not right")


def test_repeated_failures_lock_the_sign_in_with_an_explanation(visit: Visit, world: World) -> None:
    for _ in range(10):
        visit.page.goto(visit.base_url + "/accounts/login/")
        visit.page.get_by_label("Username").fill("alex")
        visit.page.get_by_label("Password").fill("not-the-password")
        visit.page.get_by_role("button", name="Sign in").click()
    expect(visit.page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts.")
    visit.check_accessibility()
    visit.screenshot("login-locked")
