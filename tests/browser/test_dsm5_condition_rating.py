"""A clinician rates the DSM-5 SUD checklist in a real browser for a patient taking the
drug as prescribed: the condition's checkbox (label and source from dsm5-sud.toml) drops
tolerance and withdrawal, and the record says so beside the band. Checked with axe-core
and saved as a screenshot at desktop and phone width."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Visit, sign_in
from tests.personas import World

PRESENT = ("A1", "A3", "A4", "A10", "A11")
LABEL = (
    "Taken as prescribed under medical supervision: tolerance (A10) and withdrawal (A11) "
    "do not count"
)


def test_a_clinician_rates_a_patient_taking_it_as_prescribed(visit: Visit, world: World) -> None:
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/instruments/dsm5-sud/")
    visit.page.get_by_role("checkbox", name=LABEL).check()
    for n in range(1, 12):
        value = "1" if f"A{n}" in PRESENT else "0"
        visit.page.locator(f'input[name="A{n}"][value="{value}"]').check()
    visit.page.get_by_role("button", name="Save").click()

    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")
    table = visit.page.get_by_role("table", name="DSM-5 SUD results")
    expect(table).to_contain_text("mild")
    expect(table).to_contain_text(LABEL)
    expect(table.get_by_role("cell", name="3", exact=True)).to_be_visible()
    visit.check_accessibility()
    table.scroll_into_view_if_needed()
    visit.screenshot("clinic-patient-dsm5-taken-as-prescribed")
