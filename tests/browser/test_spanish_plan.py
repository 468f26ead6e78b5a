"""Issue 16: a patient who reads Spanish follows their plan in a real browser: the plan
page under /es/ in Spanish (the doses by time of day, what to take, the instructions),
a dose logged with the Spanish form, at desktop and phone width, checked with axe-core
and saved as screenshots."""

from __future__ import annotations

from playwright.sync_api import expect

from clonacare.monitoring.models import DoseLog
from tests.browser.conftest import Visit, sign_in
from tests.browser.test_portal_plan import approve_a_plan
from tests.personas import World


def test_a_patient_reads_the_plan_and_logs_a_dose_in_spanish(visit: Visit, world: World) -> None:
    approve_a_plan(world)
    sign_in(visit, "alex")
    visit.open("/es/portal/plan/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Mi plan de reducción")
    expect(visit.page.locator("#today-title")).to_contain_text("Hoy, ")
    expect(
        visit.page.get_by_text("Por la noche: clonazepam 1 mg (1 × tableta de clonazepam de 1 mg)")
    ).to_be_visible()
    expect(visit.page.get_by_role("heading", name="No lo deje por su cuenta")).to_be_visible()
    expect(visit.page.locator("html")).to_have_attribute("lang", "es")
    visit.check_accessibility()
    visit.screenshot("portal-plan-es")

    visit.open("/es/portal/doses/")
    visit.page.get_by_label("Por la mañana").check()
    visit.page.get_by_label("Tomada", exact=True).check()
    visit.page.get_by_role("button", name="Guardar").click()
    expect(visit.page.get_by_role("status")).to_contain_text("(por la mañana), tomada.")
    assert DoseLog.objects.get().dose_time == "morning"
    visit.check_accessibility()
    visit.screenshot("portal-dose-log-es")
