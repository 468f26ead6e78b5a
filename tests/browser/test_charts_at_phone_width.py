"""The charts at phone and desktop width, in a real browser: the patient's score charts
on the record and in the portal, the taper plan's dose chart and the program's outcomes
charts. Each chart has a title (the SVG's own), a description (the image's text
alternative), the figures in a table beside it, fits the screen, and the page passes
axe; each page's first chart is saved as a screenshot (charts-*-phone.png, -desktop.png)
to be looked at: tick labels that overlap or text too small to read are bugs."""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import VIEWPORTS, Visit, open_tab, sign_in
from tests.browser.screenshots import SCREENSHOTS
from tests.personas import World
from tests.web.outcomes_world import add_patients, days_ago, score, taper

DATA_URI = "data:image/svg+xml;base64,"
# Where a chart's figures are, if not in a table after it in its own section: the
# outcomes page lists them in the section above its charts.
TABLE_BESIDE = """figure => {
    const section = figure.closest('section');
    const after = [...section.querySelectorAll('table')].some(
        t => figure.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
    if (after) return true;
    const before = section.previousElementSibling;
    return before !== null && before.querySelector('table tbody tr') !== null;
}"""


class Charts:
    """The charts (``figure.chart``) of the page a tab shows."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit

    def check(self, expected: int) -> list[str]:
        """Assert that the page shows ``expected`` charts, each with a title, a
        description and a table of its figures beside it, none wider than the screen;
        return their titles."""
        page = self.visit.page
        page.wait_for_load_state("load")
        figures = page.locator("figure.chart")
        expect(figures).to_have_count(expected)
        width = VIEWPORTS[self.visit.viewport]["width"]
        titles = []
        for n in range(expected):
            figure = figures.nth(n)
            image = figure.locator("img")
            expect(image).to_be_visible()
            description = image.get_attribute("alt") or ""
            assert len(description) > 30, description
            source = image.get_attribute("src") or ""
            assert source.startswith(DATA_URI), source[:40]
            svg = base64.b64decode(source.removeprefix(DATA_URI)).decode("utf-8")
            title = re.search(r"<title>([^<]+)</title>", svg)
            assert title is not None, svg[:200]
            titles.append(title[1])
            assert figure.evaluate(TABLE_BESIDE), f"no table of the figures beside {title[1]}"
            box = image.bounding_box()
            assert box is not None
            assert box["x"] >= 0, f"{title[1]} starts {box['x']}px left of the screen"
            assert box["x"] + box["width"] <= width, (
                f"{title[1]} ends at {box['x'] + box['width']}px, the screen is {width}px"
            )
        assert self.visit.overflow_px() <= 0
        return titles

    def screenshot(self, name: str) -> Path:
        """Save the first chart, as the screen shows it, to var/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.visit.viewport}.png"
        self.visit.page.locator("figure.chart").first.screenshot(path=str(path))
        return path


def two_years_of_scores(world: World) -> None:
    """A PHQ-9 and a GAD-7 for alex every four weeks for two years, going down."""
    for n in range(26):
        on = days_ago(7 * 4 * (26 - n))
        score(world, world.alex, "phq9", 20 - (16 * n) // 25, on)
        score(world, world.alex, "gad7", 15 - (12 * n) // 25, on)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_chart_has_its_words_and_figures_and_fits_the_screen(
    browser: Browser, live_server: object, world: World, viewport: str
) -> None:
    two_years_of_scores(world)
    plan = taper(world, world.alex, started_days_ago=20, end_dose=Decimal(10))
    # Enough tapers for the outcomes' figures to be shown, not withheld.
    for patient in add_patients(world, 11):
        taper(world, patient, started_days_ago=400, end_dose=None)
        score(world, patient, "phq9", 12, days_ago(390))
        score(world, patient, "phq9", 4, days_ago(3))
    base = str(live_server.url)  # type: ignore[attr-defined]

    with open_tab(browser, viewport, base) as clinic:
        sign_in(clinic, "avery")
        clinic.open(f"/clinic/patients/{world.alex.pk}/")
        charts = Charts(clinic)
        titles = charts.check(2)
        assert titles[0].startswith("GAD-7 total: 26 results, from 15 on ")
        assert titles[1].startswith("PHQ-9 total: 26 results, from 20 on ")
        clinic.check_accessibility()
        charts.screenshot("charts-record")

        clinic.open(f"/clinic/plans/{plan.pk}/")
        titles = charts.check(1)
        assert titles[0].startswith("Diazepam-equivalent, mg/day: "), titles[0]
        assert " to 10 from " in titles[0], titles[0]  # the plan ends kept on 10 mg
        clinic.check_accessibility()
        charts.screenshot("charts-plan")

    with open_tab(browser, viewport, base) as admin:
        sign_in(admin, "riverside_admin")
        admin.open(f"/clinic/programs/{world.riverside.pk}/outcomes/")
        charts = Charts(admin)
        charts.check(2)
        admin.check_accessibility()
        charts.screenshot("charts-outcomes")

    with open_tab(browser, viewport, base) as portal:
        sign_in(portal, "alex")
        portal.open("/portal/")
        charts = Charts(portal)
        titles = charts.check(2)
        assert titles[0].startswith("GAD-7 total: 26 results")
        portal.check_accessibility()
        charts.screenshot("charts-portal-scores")
