"""The program's outcomes page in a real browser: a program admin opens it from the
caseload, sees the figures with their definitions and sources, the charts, a withheld
figure, and a period the form refuses with its message; checked with axe-core at desktop
and phone width and saved as a screenshot."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import open_tab, sign_in
from tests.personas import World
from tests.web.outcomes_world import add_patients, days_ago, score, taper


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_program_admin_reads_the_outcomes(
    browser: Browser, live_server: object, world: World, viewport: str
) -> None:
    for n, patient in enumerate(add_patients(world, 12)):
        taper(world, patient, started_days_ago=400 if n < 11 else 200, end_dose=None)
        score(world, patient, "phq9", 12, days_ago(390))
        score(world, patient, "phq9", 4 if n < 6 else 8, days_ago(3))
    taper(world, world.alex, started_days_ago=20, end_dose=Decimal(10))
    base = str(live_server.url)  # type: ignore[attr-defined]
    with open_tab(browser, viewport, base) as admin:
        sign_in(admin, "riverside_admin")
        admin.open("/clinic/caseload/")
        page = admin.page
        page.get_by_role("link", name="Program outcomes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Program outcomes")
        started = page.get_by_role("row", name="Started a taper")
        expect(started).to_contain_text("13")
        expect(started).to_contain_text("Taper attempts whose first plan's first day")
        expect(
            page.get_by_role("row", name="Finished: stopped the benzodiazepine")
        ).to_contain_text("11")
        expect(page.get_by_role("row", name="Paused")).to_contain_text("0")
        expect(page.get_by_role("row", name="PHQ-9 response")).to_contain_text("fewer than 11")
        expect(page.get_by_role("img", name="Bar chart of the taper counts")).to_be_visible()
        admin.check_accessibility()
        admin.screenshot("clinic-outcomes")
        page.get_by_label("From (first day").fill("2026-13-01")
        page.get_by_role("button", name="Show").click()
        expect(page.get_by_role("alert")).to_have_text(
            "The 'from' date must be a date like 2026-01-31, not '2026-13-01'."
        )
        admin.check_accessibility()
