"""The level-of-care form and its result in a real browser (issue 8): the new inputs,
a second benzodiazepine, and the withdrawal risk with its source beside the level on the
patient's page. Checked with axe-core and saved at desktop and phone width."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Visit, sign_in
from tests.personas import World


def test_a_clinician_assesses_opioid_treatment_and_two_drugs(visit: Visit, world: World) -> None:
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/level-of-care/")
    visit.check_accessibility()
    page = visit.page
    page.get_by_label("Suicide screen (ASQ)").select_option("negative")
    page.get_by_label("Benzodiazepine 2 (if any)").select_option("lorazepam")
    page.locator("#id_daily_dose_mg_2").fill("1")
    page.get_by_role("group", name="Methadone or buprenorphine").get_by_label("Methadone").check()
    page.get_by_role("group", name="Falls in the past year").get_by_label("Yes").check()
    visit.screenshot("clinic-level-of-care-two-drugs")
    page.get_by_role("button", name="Assess").click()
    expect(page.locator(".withdrawal-risk")).to_contain_text(
        "Source: ASAM 2025 Joint Guideline on Benzodiazepine Tapering, Table 2"
    )
    table = page.get_by_role("table", name="Every reason, with its source")
    expect(table).to_contain_text("coordinate with the opioid treatment program")
    expect(table).to_contain_text("Naloxone: offer to provide or prescribe naloxone")
    visit.check_accessibility()
    visit.screenshot("clinic-patient-opioid-treatment")
