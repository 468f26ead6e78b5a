"""Issue 11's safety plan in a real browser at phone width: a counsellor writes it with
the patient on the clinic page; the patient opens it from a portal page through the
link every page carries, then its print version (printed, it keeps the plan and the
crisis lines and drops the site's header and footer). Each page checked with axe-core
and saved as a screenshot (nothing may spill sideways)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.conftest import open_tab, sign_in
from tests.personas import World


def test_the_patient_opens_their_plan_from_a_portal_page_and_prints_it(
    browser: Browser, live_server: object, world: World
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    with open_tab(browser, "phone", base) as counsellor:
        sign_in(counsellor, "lee")
        counsellor.open(f"/clinic/patients/{world.alex.pk}/safety-plan/")
        expect(counsellor.page.get_by_role("heading", level=1)).to_have_text("Safety plan")
        page = counsellor.page
        page.get_by_label("Signs that a hard time is starting, Entry 1").fill(
            "Lying awake going over the same worry"
        )
        page.get_by_label("What I can do on my own, Entry 1").fill("A hot shower, then tea")
        page.get_by_label("People I can ask for help, Person 1: name").fill("My sister Jo")
        page.get_by_label("People I can ask for help, Person 1: how to reach them").fill(
            "555-0101, any hour"
        )
        counsellor.check_accessibility()
        page.get_by_role("button", name="Save the safety plan").click()
        expect(page.get_by_role("status")).to_have_text("Saved as version 1.")
        counsellor.check_accessibility()
        counsellor.screenshot("clinic-safety-plan")

    with open_tab(browser, "phone", base) as patient:
        sign_in(patient, "alex")
        patient.open("/portal/modules/")
        patient.page.get_by_role("link", name="My safety plan").click()
        expect(patient.page.get_by_role("heading", level=1)).to_have_text("My safety plan")
        expect(patient.page.locator("#sp-warning-signs")).to_contain_text(
            "Lying awake going over the same worry"
        )
        expect(patient.page.locator("#sp-professionals")).to_contain_text(
            "988 Suicide & Crisis Lifeline: 988"
        )
        expect(patient.page.get_by_role("heading", name="If you are in danger now")).to_be_visible()
        patient.check_accessibility()
        patient.screenshot("portal-safety-plan")

        patient.page.get_by_role("link", name="Print version").click()
        expect(patient.page.get_by_role("heading", level=1)).to_have_text(
            "Safety plan of Alex Morgan"
        )
        expect(patient.page.get_by_role("button", name="Print")).to_be_visible()
        patient.check_accessibility()
        patient.screenshot("portal-safety-plan-print")
        patient.page.emulate_media(media="print")
        expect(patient.page.locator(".site-footer")).to_be_hidden()
        expect(patient.page.locator(".site-header")).to_be_hidden()
        expect(patient.page.get_by_role("button", name="Print")).to_be_hidden()
        expect(patient.page.locator("#sp-people-to-ask")).to_contain_text("My sister Jo")
        expect(patient.page.locator(".safety-plan-print .crisis-alert")).to_be_visible()
        patient.screenshot("portal-safety-plan-printed")
