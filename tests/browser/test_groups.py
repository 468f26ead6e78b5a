"""Issue 11's support group walk in a real browser at phone width: a counsellor starts
a group of one place, the patient joins it and a second patient lands on its waiting
list, the facilitator records a session with attendance, and the patient sees it in
the portal; each page checked with axe-core and saved as a screenshot."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests.browser.conftest import open_tab, sign_in
from tests.personas import World


def test_a_group_session_with_attendance(
    browser: Browser, live_server: object, world: World
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    with open_tab(browser, "phone", base) as counsellor:
        sign_in(counsellor, "lee")
        counsellor.open("/clinic/groups/")
        page = counsellor.page
        page.get_by_label("Name", exact=True).fill("Tapering together")
        page.get_by_label("When it meets, in words").fill("Tuesdays, 6 to 7:30 pm")
        page.get_by_label("Day").select_option(label="Tuesday")
        page.get_by_label("Start time (24-hour, like 18:00)").fill("18:00")
        page.get_by_label("Where it meets").fill("Room 2, Riverside")
        page.get_by_label("Number of places").fill("1")
        counsellor.check_accessibility()
        counsellor.screenshot("clinic-groups")
        page.get_by_role("button", name="Start the group").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Tapering together")
        group_url = page.url

    with open_tab(browser, "phone", base) as patient:
        sign_in(patient, "alex")
        patient.open("/portal/groups/")
        patient.page.get_by_role("button", name="Join this group").click()
        expect(patient.page.get_by_role("status")).to_have_text("You have a place in the group.")
        patient.check_accessibility()

    with open_tab(browser, "phone", base) as other:
        sign_in(other, "blair")
        other.open("/portal/groups/")
        other.page.get_by_role("button", name="Join the waiting list").click()
        expect(other.page.get_by_text("You are number 1 on the waiting list.")).to_be_visible()
        other.check_accessibility()
        other.screenshot("portal-groups-waiting")

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with open_tab(browser, "phone", base) as counsellor:
        sign_in(counsellor, "lee")
        counsellor.page.goto(group_url)
        page = counsellor.page
        expect(page.locator("#waiting-title + ol")).to_contain_text("Blair Okafor")
        page.get_by_label("Date").fill(yesterday.isoformat())
        page.get_by_label("Alex Morgan").select_option(label="Attended")
        page.get_by_role("button", name="Save the session").click()
        expect(page.get_by_role("status")).to_have_text("The session is recorded.")
        expect(page.get_by_text("Alex Morgan: attended")).to_be_visible()
        counsellor.check_accessibility()
        counsellor.screenshot("clinic-group-session")

    with open_tab(browser, "phone", base) as patient:
        sign_in(patient, "alex")
        patient.open("/portal/groups/")
        expect(
            patient.page.get_by_text(f"{yesterday:%-d %B %Y}, Tapering together: attended")
        ).to_be_visible()
        patient.check_accessibility()
        patient.screenshot("portal-groups")
