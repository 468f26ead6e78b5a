"""Stopping a benzodiazepine on the dose form (0 mg at every dose time) shows a page
saying what will happen before anything is written, in a real browser; checked with
axe-core and saved as a screenshot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from clonacare.patients.models import BenzodiazepineUse, DoseChange
from tests.browser.conftest import Visit, sign_in
from tests.personas import World, make_world


@pytest.fixture
def world(transactional_db: None) -> World:
    return make_world()


def test_stopping_a_benzodiazepine_is_confirmed_first(visit: Visit, world: World) -> None:
    BenzodiazepineUse.objects.create(
        patient=world.alex, drug="diazepam", night_mg=Decimal("0.5"), since=dt.date(2026, 1, 5)
    )
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/benzodiazepine/")
    page = visit.page
    page.get_by_label("Benzodiazepine").select_option("diazepam")
    for time in ("Morning", "Midday", "Evening", "Night"):
        page.get_by_label(f"{time} (mg)").fill("0")
    page.get_by_role("button", name="Record the change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop diazepam?")
    expect(page.locator(".consequences")).to_contain_text("Diazepam is recorded as stopped")
    visit.check_accessibility()
    visit.screenshot("clinic-stop-benzodiazepine-confirm")
    assert not DoseChange.objects.exists()
    page.get_by_role("button", name="Stop diazepam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Morgan")
    assert DoseChange.objects.get().to_daily_mg == 0
