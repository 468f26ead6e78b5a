"""Issue 11's CBT walk in a real browser at phone width: a counsellor assigns the
thought records module from the clinic page, the patient opens it in the portal, marks
a section done and fills in a thought record, and the counsellor reads it and comments;
each page checked with axe-core and saved as a screenshot (nothing may spill sideways)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.conftest import open_tab, sign_in
from tests.personas import World

MODULE = "Thought records: looking at your thoughts again"


def test_a_counsellor_assigns_and_the_patient_completes_a_thought_record(
    browser: Browser, live_server: object, world: World
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    clinic_page = f"/clinic/patients/{world.alex.pk}/modules/"
    with open_tab(browser, "phone", base) as counsellor:
        sign_in(counsellor, "lee")
        counsellor.open(clinic_page)
        expect(counsellor.page.get_by_role("heading", level=1)).to_have_text(
            "CBT modules and exercises"
        )
        counsellor.page.get_by_label("Module", exact=True).select_option(label=f"{MODULE} (draft)")
        counsellor.page.get_by_role("button", name="Assign").click()
        expect(counsellor.page.get_by_text("Assigned · 0 of 4 sections done")).to_be_visible()
        counsellor.check_accessibility()
        counsellor.screenshot("therapy-assigned")

    with open_tab(browser, "phone", base) as patient:
        sign_in(patient, "alex")
        patient.open("/portal/modules/")
        expect(patient.page.get_by_text("Assigned · 0 of 4 parts done")).to_be_visible()
        patient.check_accessibility()
        patient.screenshot("portal-modules")
        patient.page.get_by_role("link", name=MODULE).click()
        expect(patient.page.get_by_role("heading", level=1)).to_have_text(MODULE)
        patient.page.get_by_role(
            "button", name="Mark “Thoughts, feelings and actions” done"
        ).click()
        expect(patient.page.get_by_text("In progress · 1 of 4 parts done")).to_be_visible()
        form = patient.page.locator("#exercise-thought-record")
        form.get_by_label("What was happening").fill("My manager asked to talk tomorrow.")
        form.get_by_label("The thought that came to you").fill("I am going to lose my job.")
        form.get_by_label("The feeling", exact=True).fill("scared")
        form.get_by_label("How strong the feeling was (0 to 100)").fill("85")
        form.get_by_label("What does not fit the thought (optional)").fill(
            "My last review went well."
        )
        form.get_by_label("A more balanced thought (optional)").fill(
            "It may be about the new rota."
        )
        form.get_by_label("How strong the feeling is now (0 to 100) (optional)").fill("40")
        patient.check_accessibility()
        form.get_by_role("button", name="Save thought record").click()
        expect(patient.page.get_by_role("status")).to_have_text(
            "Saved. Your care team can see it below."
        )
        saved = patient.page.locator("#entries .card")
        expect(saved).to_have_count(1)
        expect(saved).to_contain_text("I am going to lose my job.")
        patient.check_accessibility()
        patient.screenshot("portal-thought-record")

    with open_tab(browser, "phone", base) as counsellor:
        sign_in(counsellor, "lee")
        counsellor.open(clinic_page)
        expect(counsellor.page.get_by_text("In progress · 1 of 4 sections done")).to_be_visible()
        counsellor.page.get_by_label("Comment on this thought record").fill(
            "A good balanced thought. Let's look at the rota together on Friday."
        )
        entry = counsellor.page.locator("[id^=entry-]")
        entry.get_by_role("button", name="Add comment").click()
        expect(counsellor.page.get_by_text("A good balanced thought.")).to_be_visible()
        counsellor.check_accessibility()
        counsellor.screenshot("therapy-comment")

    with open_tab(browser, "phone", base) as patient:
        sign_in(patient, "alex")
        patient.open("/portal/modules/thought-records/")
        expect(patient.page.locator("#entries")).to_contain_text("A good balanced thought.")
