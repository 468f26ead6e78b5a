"""Issue 16: the caseload's columns stay in view on a phone. Each patient becomes a card
naming every column (open alerts and overdue work included) instead of a table scrolled
sideways; on a desktop it stays a table. Checked with axe and saved as screenshots."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from clonacare.assessments.models import SafetyAlert
from tests.browser.conftest import Visit, sign_in
from tests.personas import World

COLUMNS = ("Status", "Benzodiazepine", "Latest scores", "Open alerts", "Overdue")


def test_every_column_of_the_caseload_is_in_view(visit: Visit, world: World) -> None:
    SafetyAlert.objects.create(
        patient=world.alex, code="seizure", message="Seizure reported.", raised_at=timezone.now()
    )
    page = visit.page
    sign_in(visit, "avery")
    visit.open("/clinic/caseload/")
    row = page.get_by_role("row").filter(has_text="Alex Morgan")
    expect(row).to_have_count(1)
    for column in COLUMNS:
        cell = row.locator(f'td[data-label="{column}"]')
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= page.viewport_size["width"]  # no sideways scroll
    expect(row.locator('td[data-label="Open alerts"]')).to_contain_text("1 open")
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth")
    label = row.locator('td[data-label="Open alerts"]').evaluate(
        "e => getComputedStyle(e, '::before').content"
    )
    if visit.viewport == "phone":
        assert label.startswith('"Open alerts: "')  # each value named on its card
        expect(page.locator(".data-table.caseload thead")).not_to_be_in_viewport()
    else:
        assert label == "none"  # a table with its header row
        expect(page.get_by_role("columnheader", name="Open alerts")).to_be_visible()
    visit.check_accessibility()
    visit.screenshot("clinic-caseload-cards")
