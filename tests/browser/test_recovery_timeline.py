"""Issue 11's recovery record in a real browser: a counsellor records a return to use on
the clinic's timeline, a prescriber drafts and approves a new taper from it, and the
timeline keeps the first attempt, the return to use and the new plan; the patient then
reads their recovery page. The walk runs at desktop and at phone width; each page is
checked with axe-core and saved as a screenshot (nothing may spill sideways)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import VIEWPORTS, open_tab, sign_in
from tests.personas import PASSWORD, World
from tests.web.recovery_world import alex_history, day_ago


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_a_return_to_use_and_a_new_taper_on_the_recovery_record(
    browser: Browser, live_server: object, world: World, viewport: str
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    alex_history(world)
    timeline = f"/clinic/patients/{world.alex.pk}/timeline/"
    with open_tab(browser, viewport, base) as counsellor:
        sign_in(counsellor, "lee")
        counsellor.open(f"/clinic/patients/{world.alex.pk}/")
        page = counsellor.page
        page.get_by_role("link", name="Recovery record").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recovery record")
        expect(page.locator("#remission-title")).to_be_visible()
        counsellor.check_accessibility()
        page.get_by_label("The day use started again (as far as it is known)").fill(
            day_ago(200).isoformat()
        )
        page.get_by_label("The benzodiazepine, when known").select_option("clonazepam")
        page.get_by_label("Note (optional)").fill("Told us at today's session.")
        page.get_by_role("button", name="Record the return to use").click()
        expect(page.get_by_role("status")).to_have_text(
            "The return to use is recorded. Everything before it is kept as it was."
        )
        expect(page.locator(".timeline")).to_contain_text(
            "Use started again (clonazepam): Told us at today's session."
        )
        counsellor.check_accessibility()

    with open_tab(browser, viewport, base) as prescriber:
        sign_in(prescriber, "avery")
        prescriber.open(timeline)
        page = prescriber.page
        page.get_by_role("link", name="Draft a new taper plan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Draft a taper plan")
        page.locator("#id_preset").select_option("nice-bands")
        page.get_by_role("button", name="Apply preset").click()
        page.get_by_role("button", name="Preview").click()
        expect(page.get_by_role("heading", name="Preview (not saved)")).to_be_visible()
        page.get_by_role("button", name="Save draft").click()
        expect(page.locator("#plan-status")).to_have_text("Draft, awaiting approval")
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Approve plan").click()
        expect(page.locator("#plan-status")).to_have_text("Approved")
        prescriber.open(timeline)
        items = page.locator(".timeline")
        expect(items).to_contain_text("Taper finished: first day without a benzodiazepine")
        expect(items).to_contain_text("Use started again (clonazepam)")
        expect(page.locator(".timeline-plan-approved")).to_have_count(2)
        expect(page.locator(".timeline-milestone")).to_have_count(3)
        prescriber.check_accessibility()
        prescriber.screenshot("clinic-recovery-timeline")

    with open_tab(browser, viewport, base) as patient:
        sign_in(patient, "alex")
        patient.open("/portal/")
        patient.page.get_by_role("link", name="My recovery").click()
        expect(patient.page.get_by_role("heading", level=1)).to_have_text("My recovery")
        expect(patient.page.locator("main")).to_contain_text(
            "Before: 220 days without a benzodiazepine"
        )
        expect(patient.page.locator(".crisis-strip")).to_contain_text("988")
        patient.check_accessibility()
        patient.screenshot("portal-recovery")
