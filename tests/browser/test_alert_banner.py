"""A patient reports a seizure on the portal; the care team's pages carry the open
alert in a banner until a clinician acknowledges it with a note. In a real browser, at
desktop and phone width, checked with axe-core and saved as screenshots."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from clonacare.assessments.models import SafetyAlert
from tests.browser.conftest import Visit, sign_in
from tests.personas import World, make_world


@pytest.fixture
def world(transactional_db: None) -> World:
    world = make_world()
    world.kim.email = "kim@riverside.example"
    world.kim.save(update_fields=["email"])
    return world


def sign_out(visit: Visit) -> None:
    visit.page.get_by_role("button", name="Sign out").click()


def test_a_reported_seizure_shows_on_every_staff_page_until_acknowledged(
    visit: Visit, world: World
) -> None:
    page = visit.page
    sign_in(visit, "alex")
    visit.open("/portal/seizure/")
    expect(page.locator(".crisis-alert")).to_contain_text("Call 911 first.")
    page.get_by_label("No, it has stopped").check()
    page.get_by_label("What happened (optional)").fill("Shaking for a minute after lunch.")
    page.get_by_role("button", name="Send to my care team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report is saved")
    expect(page.locator(".crisis-alert")).to_contain_text(
        "Your care team has been emailed about it now."
    )
    expect(page.locator(".crisis-alert")).to_contain_text(
        "If you are in danger now, call 988 or 911."
    )
    visit.check_accessibility()
    visit.screenshot("portal-seizure-reported")
    assert [m.to for m in mail.outbox] == [["kim@riverside.example"]]
    sign_out(visit)

    sign_in(visit, "avery")
    banner = page.locator(".alert-banner")
    expect(banner).to_contain_text("Open safety alerts: 1")
    expect(banner).to_contain_text("seizure")
    expect(banner).to_contain_text("Alex Morgan: seizure raised")
    visit.check_accessibility()
    visit.screenshot("clinic-alert-banner")

    visit.open("/accounts/password/")  # any page, not only the clinic's
    expect(banner).to_contain_text("Open safety alerts: 1")
    banner.get_by_role("link", name="seizure raised").click()
    alert = SafetyAlert.objects.get()
    row = page.locator(f"#alert-{alert.pk}")
    expect(row).to_contain_text("Raised by: patient report: seizure (it has stopped).")
    row.get_by_role("button", name="Acknowledge").click()  # no note: the browser asks for it
    alert.refresh_from_db()
    assert alert.is_open
    row.get_by_label(f"Note on alert {alert.pk}: what was done (required)").fill(
        "Called Alex; seen in clinic today."
    )
    row.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")
    expect(page.locator(".alert-banner")).to_have_count(0)
    alert.refresh_from_db()
    assert alert.acknowledgement_note == "Called Alex; seen in clinic today."
