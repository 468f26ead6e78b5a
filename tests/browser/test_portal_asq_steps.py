"""A patient answers the ASQ in a real browser: questions 1–4 first; after a yes, a second
page asks the acuity question (shown, not hidden by the questionnaire script) with the
first answers kept; an acuity yes gives an acute positive result with the crisis
resources. Checked with axe-core and saved as screenshots at desktop and phone width."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Visit, sign_in
from tests.personas import World

ACUITY = "Are you having thoughts of killing yourself right now?"


def test_a_patient_is_asked_the_acuity_question_after_a_yes(visit: Visit, world: World) -> None:
    sign_in(visit, "alex")
    visit.open("/portal/questionnaires/asq/")
    expect(visit.page.get_by_text(ACUITY)).to_have_count(0)
    for n, answer in enumerate(["no", "yes", "no", "no"], start=1):
        visit.page.locator(f'input[name="asq-{n}"][value="{answer}"]').check()
    visit.page.get_by_role("button", name="Send my answers").click()

    expect(visit.page.get_by_role("heading", name="One more question")).to_be_visible()
    expect(visit.page.get_by_text(ACUITY)).to_be_visible()
    expect(visit.page.get_by_role("heading", name="Your answers so far")).to_be_visible()
    expect(
        visit.page.get_by_role("heading", name="Please reach out for support now")
    ).to_be_visible()
    visit.check_accessibility()
    visit.screenshot("portal-asq-follow-up")

    visit.page.locator('input[name="asq-5"][value="yes"]').check()
    visit.page.get_by_role("button", name="Send my answers").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your answers are saved"
    )
    expect(visit.page.locator("dl.result")).to_contain_text(
        "You said you are having thoughts of killing yourself now"  # acute positive
    )
    expect(visit.page.locator('a[href="tel:988"]').first).to_be_visible()
