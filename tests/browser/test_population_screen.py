"""The population screen in a real browser: a prescriber opens the screens from the
caseload, uploads a small generated dispensing file, reads the flagged list with each
flag's definition and source, keeps one flag, invites a person and reads the letter;
checked with axe-core at desktop and phone width and saved as screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from clonacare.patients.models import Patient
from tests.browser.conftest import open_tab, sign_in
from tests.personas import World
from tests.web.population_world import dispensing_files


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_prescriber_screens_a_file_and_invites_a_person(
    browser: Browser, live_server: object, world: World, viewport: str, tmp_path: Path
) -> None:
    fills, diagnoses = dispensing_files(tmp_path)
    base = str(live_server.url)  # type: ignore[attr-defined]
    with open_tab(browser, viewport, base) as avery:
        sign_in(avery, "avery")
        avery.open("/clinic/caseload/")
        page = avery.page
        page.get_by_role("link", name="Population screens").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Population screens")
        avery.check_accessibility()
        page.get_by_label("Dispensing file (").set_input_files(str(fills))
        page.get_by_label("Diagnoses file, optional").set_input_files(str(diagnoses))
        page.get_by_label("Last day").fill("2026-12-31")
        avery.screenshot("clinic-population-upload")
        page.get_by_role("button", name="Screen", exact=True).click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Screen of fills.csv")
        expect(page.get_by_text("The file was deleted when the screen was done.")).to_be_visible()
        long_term = page.get_by_role("listitem").filter(has_text="Long-term use (long-term-use")
        expect(long_term).to_contain_text("Source: Olfson")
        expect(page.get_by_role("row", name="planted-high-dose")).to_contain_text(
            "40 mg a day, diazepam-equivalent"
        )
        avery.check_accessibility()
        avery.screenshot("clinic-population-screen")

        page.get_by_label("Flag", exact=True).select_option("high-dose")
        page.get_by_role("button", name="Show").click()
        expect(page.get_by_role("row", name="planted-high-dose")).to_be_visible()
        expect(page.get_by_role("row", name="planted-early-refill")).to_have_count(0)
        page.get_by_role("button", name="Invite planted-high-dose to an assessment").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Invitation to an assessment")
        expect(page.locator("pre.letter")).to_contain_text("Dear Sir or Madam,")
        expect(page.locator("pre.letter")).to_contain_text("If you would rather not")
        expect(page.get_by_role("button", name="Print")).to_be_visible()
        avery.check_accessibility()
        avery.screenshot("clinic-population-invitation")
        assert Patient.objects.get(status=Patient.Status.INVITED).family_name == (
            "planted-high-dose"
        )

        page.get_by_role("link", name="Back to the screen").click()
        expect(page.get_by_role("row", name="planted-high-dose")).to_contain_text("Invited")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_opt_out_is_recorded_and_a_later_screen_says_why_it_cannot_invite(
    browser: Browser, live_server: object, world: World, viewport: str, tmp_path: Path
) -> None:
    fills, _ = dispensing_files(tmp_path)
    base = str(live_server.url)  # type: ignore[attr-defined]
    with open_tab(browser, viewport, base) as avery:
        sign_in(avery, "avery")
        page = avery.page

        def screen() -> None:
            avery.open(f"/clinic/programs/{world.riverside.pk}/screens/")
            page.get_by_label("Dispensing file (").set_input_files(str(fills))
            page.get_by_label("Last day").fill("2026-12-31")
            page.get_by_role("button", name="Screen", exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Screen of fills.csv")

        screen()
        page.get_by_role("button", name="Invite planted-high-dose to an assessment").click()
        expect(page.get_by_role("heading", level=2, name="The person's answer")).to_be_visible()
        avery.check_accessibility()
        page.get_by_label("Asked to hear no more").check()
        page.get_by_role("button", name="Record the answer").click()
        expect(page.get_by_text("Asked to hear no more, recorded")).to_be_visible()
        expect(page.get_by_role("button", name="Record the answer")).to_have_count(0)
        avery.check_accessibility()
        avery.screenshot("clinic-population-invitation-opted-out")

        screen()
        row = page.get_by_role("row", name="planted-high-dose")
        expect(row).to_contain_text("Not invited: 'planted-high-dose' asked on")
        expect(
            page.get_by_role("button", name="Invite planted-high-dose to an assessment")
        ).to_have_count(0)
        avery.check_accessibility()
        avery.screenshot("clinic-population-screen-opted-out")
