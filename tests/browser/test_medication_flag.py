"""A medication that raises an interaction flag, in a real browser at desktop and phone
width: the drug chosen from its class on the form, the flag and its source on the
record; each page checked with axe-core and saved as a screenshot."""

from __future__ import annotations

from playwright.sync_api import expect

from clonacare.patients.models import Medication
from tests.browser.conftest import Visit, sign_in
from tests.personas import World


def test_a_clinician_adds_an_opioid_and_sees_its_flag(visit: Visit, world: World) -> None:
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/medications/new/")
    page = visit.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a medication")
    visit.check_accessibility()
    visit.screenshot("clinic-add-medication-drugs")

    page.get_by_label("Drug").select_option("oxycodone")
    page.get_by_label("Dose").fill("5 mg twice daily")
    page.get_by_label("Reason").fill("lower back pain")
    page.get_by_role("button", name="Add medication").click()
    flag = page.locator(".interaction-flag")
    expect(flag).to_have_count(1)
    expect(flag).to_contain_text("Oxycodone (an opioid) with clonazepam: taken together")
    expect(flag).to_contain_text("Source: FDA 2020 boxed warning")
    assert Medication.objects.get().drug == "oxycodone"
    flag.scroll_into_view_if_needed()
    visit.check_accessibility()
    visit.screenshot("clinic-medication-flag")
