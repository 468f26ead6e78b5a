"""A patient on an approved taper plan uses the portal in a real browser: today's doses
and the whole plan, a dose logged, and a check-in with a seizure that raises the alert
and shows the crisis box. Checked with axe-core at desktop and phone width, and saved as
screenshots (nothing may spill sideways on the phone)."""

from __future__ import annotations

from playwright.sync_api import expect

from clonacare.assessments.models import SafetyAlert
from clonacare.monitoring.models import CheckIn, DoseLog
from tests.api_client import ApiClient
from tests.browser.conftest import Visit, sign_in
from tests.personas import PASSWORD, World

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


def approve_a_plan(world: World) -> None:
    drafted = ApiClient(world.avery).post(
        f"/patients/{world.alex.pk}/plans",
        {"method": "percent", "step": 10, "switch_to": "diazepam"},
    )
    approved = ApiClient(world.avery).post(
        f"/plans/{drafted.json()['id']}/approve", {"password": PASSWORD}
    )
    assert approved.status_code == 200


def test_a_patient_follows_the_plan_logs_a_dose_and_checks_in(visit: Visit, world: World) -> None:
    approve_a_plan(world)
    sign_in(visit, "alex")
    visit.open("/portal/")
    visit.page.get_by_role(
        "link", name="See today's doses, the next change and your whole plan"
    ).click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("My taper plan")
    expect(visit.page.locator("#today-title")).to_contain_text("Today, ")
    expect(
        visit.page.get_by_text("Night: clonazepam 1 mg (1 × clonazepam 1 mg tablet)")
    ).to_be_visible()
    expect(visit.page.get_by_role("heading", name="Never stop on your own")).to_be_visible()
    expect(visit.page.get_by_role("img")).to_have_count(1)
    visit.check_accessibility()
    visit.screenshot("portal-plan")

    visit.open("/portal/doses/")
    visit.page.get_by_label("Morning").check()
    visit.page.get_by_label("Taken", exact=True).check()
    visit.page.get_by_role("button", name="Save").click()
    expect(visit.page.get_by_role("status")).to_contain_text("Saved: your morning dose of ")
    assert DoseLog.objects.get().status == "taken"
    visit.check_accessibility()

    visit.open("/portal/check-in/")
    visit.page.locator('input[name="seizure"][value="yes"]').check()
    visit.page.locator('input[name="self_harm_thoughts"][value="no"]').check()
    for scale in ("sleep", "anxiety", "craving"):
        visit.page.locator(f'select[name="{scale}"]').select_option("3")
    for item in PATIENT_ITEMS:
        visit.page.locator(f'input[name="{item}"][value="1"]').check()
    visit.check_accessibility()
    visit.page.get_by_role("button", name="Send to my care team").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Your check-in is saved")
    expect(
        visit.page.get_by_role("heading", name="Please reach out for support now")
    ).to_be_visible()
    expect(visit.page.get_by_text("Your answers tell us about a seizure.")).to_be_visible()
    expect(visit.page.locator('a[href="tel:988"]').first).to_be_visible()
    assert CheckIn.objects.get().seizure is True
    assert SafetyAlert.objects.get().code == "seizure"
    visit.check_accessibility()
    visit.screenshot("portal-check-in-seizure")
