"""The supervised taper end to end, in a real browser, as two people at once: prescriber
``avery`` and patient ``alex``, each signed in in a browser context of their own.

Avery drafts a plan from a preset and approves it, to start today. Alex reads
today's doses and the next change, logs a dose and sends yesterday's check-in late; then
today's check-in reports a seizure and a jump in withdrawal symptoms: the crisis box
shows, the care team is emailed, the alert and the rules' proposal to pause top Avery's
worklist; Avery accepts the pause on the proposal's page; Alex's plan page then shows
revision 2, the next change moved later by the pause. At desktop and phone width, every
page checked with axe-core and saved as var/screenshots/workflow-<n>-<step>-<viewport>.png
(docs/workflow.md shows some of them).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from clonacare.assessments.models import SafetyAlert
from clonacare.audit.log import Actor
from clonacare.monitoring.actions import do_check_in
from clonacare.monitoring.models import CheckIn, DoseLog, Proposal
from clonacare.plans.models import Plan
from tests.browser.conftest import Visit, open_tab, sign_in
from tests.personas import PASSWORD, World, make_world

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]
CARE_TEAM_EMAILS = ["avery@riverside.example", "kim@riverside.example"]
SEIZURE_MAIL = "[Clonacare] Safety alert (seizure) for a Riverside Recovery patient"
PAUSE_DAYS = 14
PAUSE_REASON = "Seizure and a jump in withdrawal symptoms: hold the dose while we review."


@pytest.fixture
def world(transactional_db: None) -> World:
    """The personas; the prescriber and the nurse have an address for the alert mails;
    Alex sent two check-ins late, 3 and 2 days ago, with few symptoms (sums 2 and 3 on
    the CIWA-B items the patient rates): the trend today's check-in is compared with."""
    world = make_world()
    for user, address in zip((world.avery, world.kim), CARE_TEAM_EMAILS, strict=True):
        user.email = address
        user.save(update_fields=["email"])
    alex = Actor(world.alex_user.pk, "alex", "patient", world.riverside.pk, None, "")
    today = timezone.localdate()
    for days_ago, rated_mild in ((3, 2), (2, 3)):
        answers = {
            "date": (today - dt.timedelta(days=days_ago)).isoformat(),
            "seizure": False,
            "self_harm_thoughts": False,
            "sleep": 3,
            "anxiety": 3,
            "craving": 2,
            "ciwa_b": {item: int(n < rated_mild) for n, item in enumerate(PATIENT_ITEMS)},
        }
        do_check_in(alex, world.alex, answers, now=timezone.now())
    return world


def long_date(day: dt.date) -> str:
    """As the portal writes a day: "3 December 2026"."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    """As the clinic's plan page writes a day: "3 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


def next_change_on(patient: Visit) -> dt.date:
    """The day of the next change on the patient's plan page."""
    shown = patient.page.locator("section[aria-labelledby=next-title] strong").first
    return dt.datetime.strptime(shown.inner_text(), "%A %d %B %Y").date()  # noqa: DTZ007


def draft_and_approve(prescriber: Visit, world: World) -> None:
    """Step 1, a draft from a preset, previewed and saved; step 2, approved."""
    page = prescriber.page
    sign_in(prescriber, "avery")
    prescriber.open(f"/clinic/patients/{world.alex.pk}/")
    prescriber.check_accessibility()
    page.get_by_role("link", name="Taper plans").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Taper plans")
    prescriber.check_accessibility()
    page.get_by_role("link", name="Draft a taper plan").click()
    page.locator("#id_preset").select_option("nice-bands")
    page.get_by_role("button", name="Apply preset").click()
    expect(page.locator("#preset-source")).to_contain_text("NICE bands on diazepam")
    prescriber.check_accessibility()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview (not saved)")).to_be_visible()
    prescriber.check_accessibility()
    prescriber.screenshot("workflow-1-draft")
    assert not Plan.objects.exists()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#plan-status")).to_have_text("Draft, awaiting approval")
    prescriber.check_accessibility()

    # The preset breaks no limit: no override reason to confirm, only the password.
    expect(page.get_by_label("I have read the override reason")).to_have_count(0)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Approve plan").click()
    expect(page.locator("#plan-status")).to_have_text("Approved")
    prescriber.check_accessibility()
    prescriber.screenshot("workflow-2-approved")
    plan = Plan.objects.get()
    assert (plan.status, plan.approved_by) == ("approved", world.avery)


def follow_the_plan(patient: Visit) -> dt.date:
    """Step 3, today's doses and the next change; step 4, a dose logged and yesterday's
    check-in sent late. Returns the day of the next change the plan page shows."""
    page = patient.page
    today = timezone.localdate()
    patient.open("/accounts/login/")
    patient.check_accessibility()
    sign_in(patient, "alex")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alex")
    patient.check_accessibility()
    page.get_by_role("link", name="See today's doses, the next change and your whole plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My taper plan")
    expect(page.locator("#today-title")).to_have_text(f"Today, {long_date(today)}")
    expect(page.locator("section[aria-labelledby=today-title] li")).to_have_text(
        [
            "Morning: clonazepam 0.5 mg (1 × clonazepam 0.5 mg tablet)",
            "Night: clonazepam 1 mg (1 × clonazepam 1 mg tablet)",
        ]
    )
    next_change = next_change_on(patient)
    assert next_change == today + dt.timedelta(days=7)
    expect(page.locator("tr[aria-current=date] td")).to_have_text(
        [
            short_date(today),
            short_date(next_change - dt.timedelta(days=1)),
            "Current dose (now)",
            "clonazepam 1.5 mg",
        ]
    )
    patient.check_accessibility()
    patient.screenshot("workflow-3-today")

    my_record = page.get_by_role("navigation", name="Main").get_by_role("link", name="My record")
    my_record.click()
    page.get_by_role("link", name="Log a dose").click()
    page.get_by_label("Night").check()
    page.get_by_label("Taken", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text(
        f"Saved: your night dose of {long_date(today)}, taken."
    )
    patient.check_accessibility()
    patient.screenshot("workflow-4-dose-log")
    assert DoseLog.objects.get().status == "taken"

    yesterday = today - dt.timedelta(days=1)
    my_record.click()
    page.get_by_role("link", name="Check in", exact=True).click()
    page.locator('input[name="seizure"][value="no"]').check()
    page.locator('input[name="self_harm_thoughts"][value="no"]').check()
    for scale in ("sleep", "anxiety", "craving"):
        page.locator(f'select[name="{scale}"]').select_option("2")
    for item in PATIENT_ITEMS:
        page.locator(f'input[name="{item}"][value="0"]').check()
    page.get_by_label("Day of this check-in").fill(yesterday.isoformat())
    patient.check_accessibility()
    patient.screenshot("workflow-4-check-in")
    page.get_by_role("button", name="Send to my care team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your check-in is saved")
    expect(page.locator(".result dd").first).to_have_text(long_date(yesterday))
    expect(page.locator(".crisis-alert")).to_have_count(0)
    patient.check_accessibility()
    assert CheckIn.objects.get(day=yesterday).late_entry is True
    assert not Proposal.objects.exists()
    return next_change


def check_in_with_a_seizure(patient: Visit) -> None:
    """Step 5 for the patient: today's check-in, a seizure and many symptoms."""
    page = patient.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My record").click()
    page.get_by_role("link", name="Check in", exact=True).click()
    page.locator('input[name="seizure"][value="yes"]').check()
    page.locator('input[name="self_harm_thoughts"][value="no"]').check()
    for scale in ("sleep", "anxiety", "craving"):
        page.locator(f'select[name="{scale}"]').select_option("7")
    for item in PATIENT_ITEMS:
        page.locator(f'input[name="{item}"][value="2"]').check()
    page.get_by_label("Anything else to tell your care team? (optional)").fill(
        "Shaking and a fit this morning; my partner saw it."
    )
    page.get_by_role("button", name="Send to my care team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your check-in is saved")
    crisis = page.locator(".crisis-alert")
    expect(crisis.get_by_role("heading")).to_have_text("Please reach out for support now")
    expect(crisis).to_contain_text("Your answers tell us about a seizure.")
    expect(crisis).to_contain_text("Your care team has been emailed about it now.")
    expect(crisis.locator('a[href="tel:988"]')).to_be_visible()
    patient.check_accessibility()
    patient.screenshot("workflow-5-seizure")


def see_the_worklist(prescriber: Visit) -> None:
    """Step 5 for the prescriber: signed in again, the worklist first, Alex on top."""
    page = prescriber.page
    sign_in(prescriber, "avery")
    assert page.url == prescriber.base_url + reverse("clinic:worklist")
    expect(page.get_by_role("heading", level=1)).to_have_text("Worklist")
    alex = page.locator("ol.worklist > li").first
    expect(alex.get_by_role("link", name="Alex Morgan", exact=True)).to_be_visible()
    reasons = alex.locator("li")
    expect(reasons.nth(0)).to_contain_text("Open safety alert: seizure, raised ")
    expect(reasons.nth(1)).to_contain_text(
        "A proposal to pause the taper awaits a decision: Withdrawal symptoms jumped: the "
        f"check-in of {timezone.localdate().isoformat()} rates 34 on the CIWA-B items the "
        "patient rates, 34 above the lowest (0) of the 3 check-ins before it."
    )
    prescriber.check_accessibility()
    prescriber.screenshot("workflow-5-worklist")


def accept_the_pause(prescriber: Visit) -> None:
    """Step 6: the proposal's page, from the worklist; accepted with days and a reason."""
    page = prescriber.page
    page.get_by_role("link", name="Decide for Alex Morgan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pause the taper?")
    expect(page.locator("#proposal-why")).to_contain_text("Withdrawal symptoms jumped: ")
    page.get_by_label("Pause the taper for (days)").fill(str(PAUSE_DAYS))
    page.get_by_label("Reason for accepting").fill(PAUSE_REASON)
    prescriber.check_accessibility()
    prescriber.screenshot("workflow-6-proposal")
    page.get_by_role("button", name="Accept and revise the plan").click()
    expect(page.locator("#plan-status")).to_have_text("Approved")
    revisions = page.locator("section[aria-labelledby=revisions-title] li")
    expect(revisions).to_have_count(1)
    expect(revisions).to_contain_text(
        f"from {short_date(timezone.localdate())}. Reason: “{PAUSE_REASON}” By avery"
    )
    prescriber.check_accessibility()
    prescriber.screenshot("workflow-6-plan-revised")


def test_a_taper_from_draft_to_a_revision_the_patient_sees(
    visit: Visit, world: World, browser: Browser
) -> None:
    prescriber = visit
    # The patient in a browser context of their own, at the same width.
    with open_tab(browser, visit.viewport, visit.base_url) as patient:
        draft_and_approve(prescriber, world)

        next_change = follow_the_plan(patient)

        check_in_with_a_seizure(patient)
        alert = SafetyAlert.objects.get()
        assert (alert.code, alert.patient_id, alert.is_open) == ("seizure", world.alex.pk, True)
        assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
            (address, SEIZURE_MAIL) for address in CARE_TEAM_EMAILS
        ]
        proposal = Proposal.objects.get()
        assert (proposal.kind, proposal.status, proposal.why["rule"]) == (
            "pause",
            "open",
            "severe",
        )
        see_the_worklist(prescriber)

        accept_the_pause(prescriber)
        proposal.refresh_from_db()
        assert (proposal.status, proposal.revision_number) == ("accepted", 2)

        # Step 7: the patient's plan page, reloaded, shows the revision: on the plan's
        # first day a pause holds the first dose longer.
        patient.open("/portal/plan/")
        assert next_change_on(patient) == next_change + dt.timedelta(days=PAUSE_DAYS)
        expect(patient.page.locator("#plan-change")).to_have_text(
            "Your prescriber changed your plan: a pause of 14 days from "
            f"{long_date(timezone.localdate())}: your dose stays the same for longer before "
            f"it changes again. Their reason: {PAUSE_REASON}"
        )
        expect(patient.page.locator("figcaption")).to_have_text("Plan revision 2")
        expect(patient.page.locator("tr[aria-current=date] td")).to_have_text(
            [
                short_date(timezone.localdate()),
                short_date(next_change + dt.timedelta(days=PAUSE_DAYS - 1)),
                "Current dose (now)",
                "clonazepam 1.5 mg",
            ]
        )
        patient.check_accessibility()
        patient.screenshot("workflow-7-revised")
