"""Counselling sessions in a real browser: a counsellor books a session for their
patient, marks it attended and writes an SUD counselling note; a nurse on the same care
team, whom no consent of the patient's names, sees the session but not the note (42 CFR
Part 2); the patient sees the session in the portal, never the note. Each page checked
with axe-core and saved as a screenshot, at both widths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.browser.conftest import VIEWPORTS, open_tab, sign_in
from tests.personas import World

NOTE = "Talked through the evening cravings; Alex will try the coping card before 9 pm."
KEPT_APART = (
    "Counselling notes are kept apart under 42 CFR Part 2; you are not on a consent that "
    "includes them."
)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_a_counsellor_books_a_session_marks_it_attended_and_writes_a_note(
    browser: Browser, live_server: object, world: World, viewport: str
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    sessions = f"/clinic/patients/{world.alex.pk}/sessions/"
    earlier = timezone.localtime() - dt.timedelta(hours=2)
    with open_tab(browser, viewport, base) as counsellor:
        sign_in(counsellor, "lee")
        counsellor.open(sessions)
        page = counsellor.page
        page.get_by_label("Kind").select_option(label="Individual")
        page.get_by_label("Date and time").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("Length in minutes").fill("50")
        page.get_by_role("button", name="Schedule").click()
        card = page.locator(".card").first
        expect(card).to_contain_text("Scheduled · 50 minutes with lee")
        card.get_by_label("Outcome").select_option(label="Attended")
        card.get_by_role("button", name="Record outcome").click()
        card = page.locator(".card").first
        expect(card).to_contain_text("Attended · 50 minutes with lee · recorded by lee")
        card.get_by_label("Add a counselling note").fill(NOTE)
        card.get_by_role("button", name="Add note").click()
        expect(page.locator(".session-note")).to_contain_text(NOTE)
        expect(page.locator("#notes-kept-apart")).to_have_text(
            f"{KEPT_APART} You see the notes you wrote yourself."
        )
        counsellor.check_accessibility()
        counsellor.screenshot("clinic-counselling-sessions")

    with open_tab(browser, viewport, base) as nurse:
        sign_in(nurse, "kim")
        nurse.open(sessions)
        page = nurse.page
        expect(page.locator(".card").first).to_contain_text("Attended · 50 minutes with lee")
        expect(page.locator("#notes-kept-apart")).to_have_text(KEPT_APART)
        expect(page.get_by_text(NOTE)).to_have_count(0)
        expect(page.locator(".session-note")).to_have_count(0)
        nurse.check_accessibility()
        nurse.screenshot("clinic-counselling-sessions-kept-apart")

    with open_tab(browser, viewport, base) as patient:
        sign_in(patient, "alex")
        patient.open("/portal/sessions/")
        card = patient.page.locator(".card").first
        expect(card).to_contain_text("Individual session · 50 minutes with lee")
        expect(card).to_contain_text("Attended")
        expect(patient.page.get_by_text(NOTE)).to_have_count(0)
        patient.check_accessibility()
        patient.screenshot("portal-counselling-sessions")
