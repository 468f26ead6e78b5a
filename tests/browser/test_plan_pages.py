"""A prescriber drafts a taper plan from a preset, previews it (with the Preview button,
and live as fields change), saves the draft and approves it with their password, in a
real browser; each page checked with axe-core and saved as a screenshot, on a desktop
and a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
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


def forget_refused_previews(visit: Visit) -> None:
    """The live preview answers a half-filled form as the page would, 400 or 422, and
    the tab notes each such answer as a problem: drop those, keep any other. Call once
    the newest preview is shown (a newer request cancels the older ones, so none is
    answered after it)."""
    visit.problems[:] = [
        p
        for p in visit.problems
        if not ("/plans/preview/" in p and p.startswith(("HTTP 400 ", "HTTP 422 ")))
    ]


def draft_page(visit: Visit, world: World) -> None:
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/plans/new/")
    page = visit.page
    page.locator("#id_preset").select_option("nice-bands")
    page.get_by_role("button", name="Apply preset").click()
    expect(page.locator("#preset-source")).to_contain_text("Source: ASAM 2025 Rec 7")
    expect(page.locator("#preview")).to_be_hidden()
    # The page's script listens from DOMContentLoaded on; a change before then is missed.
    page.wait_for_load_state("load")


def test_the_preview_follows_the_fields_as_they_change(visit: Visit, world: World) -> None:
    draft_page(visit, world)
    page = visit.page
    page.get_by_label("Interval (days)").fill("28")
    expect(page.get_by_role("heading", name="Preview (not saved)")).to_be_visible()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Preview updated: ")
    expect(page.locator("#preview").get_by_role("table")).to_contain_text("night 20 mg diazepam")
    expect(page.locator("#preview")).to_contain_text("Source: ASAM 2025 Table 7")
    expect(page.locator("#preview img")).to_be_visible()
    visit.check_accessibility()
    visit.screenshot("clinic-plan-live-preview")
    assert not Plan.objects.exists()

    # Too fast a taper: the guardrail's refusal, in the form's words, replaces the preview.
    page.locator("#id_method").select_option("percent")
    page.locator("#id_band_cut").select_option("")
    page.get_by_label("Step", exact=True).fill("50")
    page.get_by_label("Interval (days)").fill("7")
    expect(status).to_contain_text("Preview refused: Refused (rate-limit): The “Step” 50")
    expect(page.locator("#preview .form-error")).to_contain_text("cuts more than 25% in 14 days")
    visit.check_accessibility()
    # The refusals answered 4xx, as the page itself would, and the tab noted each of them
    # (an earlier request still on its way is cancelled, so none is answered after this).
    refused = [p for p in visit.problems if "/plans/preview/" in p]
    assert refused
    assert refused == visit.problems
    assert all(p.startswith(("HTTP 400 ", "HTTP 422 ")) for p in refused)
    visit.problems.clear()

    # Back to a plan the guardrails accept: the preview comes back; nothing was stored.
    page.get_by_label("Step", exact=True).fill("10")
    page.get_by_label("Interval (days)").fill("28")
    expect(status).to_contain_text("Preview updated: ")
    expect(page.locator("#preview").get_by_role("table")).to_be_visible()
    assert not Plan.objects.exists()


def test_the_custom_method_and_more_options(visit: Visit, world: World) -> None:
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/plans/new/")
    page = visit.page
    more = page.get_by_label("Cut these dose times first")
    expect(more).to_be_hidden()
    page.get_by_text("More options").click()
    expect(more).to_be_visible()
    more.fill("night")
    page.locator("#id_method").select_option("custom")
    start = timezone.localdate()
    steps = [start + dt.timedelta(days=n) for n in (14, 28)]
    page.get_by_label("Custom steps").fill(
        f"{steps[0].isoformat()}: morning 0.25, night 1\n{steps[1].isoformat()}: night 1"
    )
    expect(page.get_by_role("status")).to_contain_text("Preview updated: 3 steps")
    expect(page.locator("#preview").get_by_role("table")).to_contain_text(
        "morning 0.25 mg clonazepam; night 1 mg clonazepam"
    )
    forget_refused_previews(visit)
    visit.check_accessibility()
    visit.screenshot("clinic-plan-custom")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#plan-status")).to_have_text("Draft, awaiting approval")
    assert Plan.objects.get().parameters["reduce_first"] == ["night"]
