"""The worklist is the clinic's first page: a prescriber signs in, sees who needs action
today with why, follows a proposal to its page and accepts it, and lands on the plan
showing the new revision; a nurse sees the same proposal read only. Each page checked
with axe-core and saved as a screenshot, on a desktop and a phone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clonacare.audit.log import Actor
from clonacare.monitoring.models import Proposal
from clonacare.plans.actions import PlanParameters, do_approve_plan, do_draft_plan
from tests.api_client import ApiClient
from tests.browser.conftest import Visit, sign_in
from tests.personas import PASSWORD, World, make_world

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world()


def a_jump_and_a_draft(world: World) -> Proposal:
    """Alex on a plan approved three days ago whose check-ins jump (a proposal to pause);
    a draft for Blair awaiting approval."""
    avery = Actor(world.avery.pk, "avery", "prescriber", world.riverside.pk, None, "")
    then = timezone.now() - dt.timedelta(days=3)
    parameters = PlanParameters(method="percent", step=Decimal(10), switch_to="diazepam")
    plan = do_draft_plan(avery, world.alex, parameters, now=then)
    do_approve_plan(avery, plan, password=PASSWORD, otp=None, now=then)
    do_draft_plan(avery, world.blair, parameters, now=timezone.now())
    today = timezone.localdate()
    for days, each in ((1, 1), (0, 2)):
        body = {
            "date": (today - dt.timedelta(days=days)).isoformat(),
            "seizure": False,
            "self_harm_thoughts": False,
            "sleep": 3,
            "anxiety": 4,
            "craving": 2,
            "ciwa_b": dict.fromkeys(PATIENT_ITEMS, each),
        }
        ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/check-ins", body)
    return Proposal.objects.get()


def test_a_prescriber_decides_a_proposal_from_the_worklist(visit: Visit, world: World) -> None:
    a_jump_and_a_draft(world)
    page = visit.page
    sign_in(visit, "avery")
    expect(page.get_by_role("heading", level=1)).to_have_text("Worklist")
    expect(page.locator("ol.worklist > li").first).to_contain_text("Alex Morgan")
    expect(page.locator("ol.worklist")).to_contain_text("A draft taper plan awaits approval.")
    visit.check_accessibility()
    visit.screenshot("clinic-worklist")

    page.get_by_role("link", name="Decide for Alex Morgan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pause the taper?")
    expect(page.locator("#proposal-why")).to_contain_text("Withdrawal symptoms jumped")
    expect(page.get_by_text("ASAM 2025 Joint Clinical Practice Guideline")).to_be_visible()
    visit.check_accessibility()
    visit.screenshot("clinic-proposal")

    page.get_by_role("button", name="Accept and revise the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below.")
    expect(page.locator("#accept")).to_contain_text("Enter the reason for the decision.")
    visit.check_accessibility()
    page.get_by_label("Pause the taper for (days)").fill("7")
    page.get_by_label("Reason for accepting").fill("Symptoms jumped; hold a week.")
    page.get_by_role("button", name="Accept and revise the plan").click()
    expect(page.locator("#plan-status")).to_have_text("Approved")
    expect(page.get_by_role("heading", name="The plan in force (revision 2)")).to_be_visible()
    expect(page.locator("#revisions-title + ol")).to_contain_text("Symptoms jumped; hold a week.")
    visit.check_accessibility()
    visit.screenshot("clinic-proposal-accepted")
    assert Proposal.objects.get().status == "accepted"


def test_a_nurse_reads_the_proposal_without_the_forms(visit: Visit, world: World) -> None:
    proposal = a_jump_and_a_draft(world)
    sign_in(visit, "kim")
    expect(visit.page.locator("ol.worklist")).to_contain_text("A draft taper plan")
    visit.page.get_by_label("Show what this role acts on").select_option("nurse")
    visit.page.get_by_role("button", name="Filter").click()
    expect(visit.page.locator("ol.worklist")).to_have_text("No patient needs action today.")
    visit.page.get_by_role("link", name="Caseload", exact=True).click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Caseload")
    visit.open(f"/clinic/proposals/{proposal.pk}/")
    expect(visit.page.get_by_text("Read only: a prescriber")).to_be_visible()
    expect(visit.page.get_by_role("button", name="Accept and revise the plan")).to_have_count(0)
    visit.check_accessibility()
