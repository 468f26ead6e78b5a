"""The check-in trend pages in a real browser: the clinic's check-ins and doses page and
the patient's own check-ins, each with its chart and its list, checked with axe-core at
desktop and phone width and saved as screenshots (nothing may spill sideways)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from tests.api_client import ApiClient
from tests.browser.conftest import Visit, sign_in
from tests.personas import World

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


def two_weeks_of_check_ins(world: World) -> None:
    today = timezone.localdate()
    for n in range(14, -1, -1):
        score = 14 - n
        body = {
            "date": (today - dt.timedelta(days=n)).isoformat(),
            "seizure": False,
            "self_harm_thoughts": False,
            "sleep": min(2 + score // 3, 10),
            "anxiety": min(3 + score // 4, 10),
            "craving": 2,
            "ciwa_b": dict.fromkeys(PATIENT_ITEMS, 0)
            | {"ciwab-1": min(score, 4), "ciwab-2": min(max(score - 4, 0), 4), "ciwab-3": 1},
            "note": "Woke at 4 and could not sleep again." if n == 1 else "",
        }
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/check-ins", body)
        assert response.status_code == 201, response.content
        for dose_time, status in (("morning", "taken"), ("night", "missed" if n == 3 else "taken")):
            dose = {"date": body["date"], "dose_time": dose_time, "status": status}
            logged = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/doses", dose)
            assert logged.status_code == 201, logged.content


def test_the_care_team_follows_the_trend(visit: Visit, world: World) -> None:
    two_weeks_of_check_ins(world)
    sign_in(visit, "avery")
    visit.open(f"/clinic/patients/{world.alex.pk}/monitoring/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Check-ins and doses")
    expect(visit.page.get_by_role("img")).to_have_count(1)
    expect(visit.page.get_by_text("Woke at 4 and could not sleep again.")).to_be_visible()
    expect(visit.page.locator("tbody strong", has_text="Missed")).to_have_count(1)
    visit.check_accessibility()
    visit.screenshot("clinic-check-ins")


def test_the_patient_sees_their_own_check_ins(visit: Visit, world: World) -> None:
    two_weeks_of_check_ins(world)
    sign_in(visit, "alex")
    visit.open("/portal/check-ins/")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("My check-ins")
    expect(visit.page.locator(".check-in-list li")).to_have_count(15)
    visit.check_accessibility()
    visit.screenshot("portal-check-ins")
