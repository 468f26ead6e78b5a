"""A prescriber drafts a taper plan from a preset, previews it, saves the draft and
approves it with their password, in a real browser without JavaScript of our own; each
page checked with axe-core and saved as a screenshot, on a desktop and a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clonacare.plans.models import Plan
from tests.browser.conftest import Visit, sign_in
from tests.personas import PASSWORD, World, make_world


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world()


def test_a_prescriber_drafts_previews_saves_and_approves_a_plan(visit: Visit, world: World) -> None:
    sign_in(visit, "avery")
    page = visit.page
    visit.open(f"/clinic/patients/{world.alex.pk}/")
    page.get_by_role("link", name="Taper plans").click()
    page.get_by_role("link", name="Draft a taper plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft a taper plan")
    page.locator("#id_preset").select_option("nice-bands")
    page.get_by_role("button", name="Apply preset").click()
    expect(page.locator("#preset-source")).to_contain_text("Source: ASAM 2025 Rec 7")
    expect(page.locator("#id_switch_to_diazepam")).to_be_checked()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview (not saved)")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("night 20 mg diazepam")
    visit.check_accessibility()
    visit.screenshot("clinic-plan-preview")
    assert not Plan.objects.exists()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#plan-status")).to_have_text("Draft, awaiting approval")
    page.get_by_label("Your password").fill(PASSWORD)
    visit.check_accessibility()
    visit.screenshot("clinic-plan-approve")
    page.get_by_role("button", name="Approve plan").click()
    expect(page.locator("#plan-status")).to_have_text("Approved")
    expect(page.get_by_role("heading", name="Revise the plan")).to_be_visible()
    visit.check_accessibility()
    visit.screenshot("clinic-plan-approved")
    plan = Plan.objects.get()
    assert (plan.status, plan.approved_by) == ("approved", world.avery)
