"""How the taper is going, on a page: the clinic's check-ins and doses page (the CIWA-B
trend of the items the patient rates, sleep, anxiety and craving, each check-in, the
dose log day by day, the proposals) and the patient's own check-ins in the portal."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

PATIENT_ITEMS = [f"ciwab-{n}" for n in range(1, 18)]


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def check_in(world: World, day: dt.date, score: int, who: str = "alex_user", **more: Any) -> None:
    body = {
        "date": day.isoformat(),
        "seizure": False,
        "self_harm_thoughts": False,
        "sleep": 3,
        "anxiety": 4,
        "craving": 2,
        "ciwa_b": dict.fromkeys(PATIENT_ITEMS, 0)
        | {"ciwab-1": min(score, 4), "ciwab-2": max(score - 4, 0)},
        "note": "",
    } | more
    response = ApiClient(getattr(world, who)).post(f"/patients/{world.alex.pk}/check-ins", body)
    assert response.status_code == 201, response.content


def log_dose(world: World, day: dt.date, dose_time: str, status: str, **more: Any) -> None:
    body = {"date": day.isoformat(), "dose_time": dose_time, "status": status} | more
    response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/doses", body)
    assert response.status_code == 201, response.content


def page(client: Client, who: str, url: str) -> tuple[int, str]:
    response = signed_in(client, who).get(url)
    return response.status_code, response.content.decode()


def rows(html: str) -> list[str]:
    """The text of each table row of the page, tags removed."""
    found = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


class TestTheClinicPage:
    def test_it_shows_each_check_in_with_its_sum_and_ratings(
        self, client: Client, world: World
    ) -> None:
        check_in(world, days_ago(2), 1)
        check_in(world, days_ago(1), 3, note="Shaky in the morning.")
        check_in(world, days_ago(0), 4, who="kim", seizure=True)
        status, html = page(client, "avery", f"/clinic/patients/{world.alex.pk}/monitoring/")
        assert status == 200
        shown = rows(html)
        yesterday = days_ago(1).strftime("%a %-d %b")
        assert (
            f"{yesterday} 3 3 4 2 no no Shaky in the morning. by the patient; late entry" in shown
        )
        today = days_ago(0).strftime("%a %-d %b")
        assert f"{today} 4 3 4 2 yes no by kim on the patient's word" in shown
        # Newest first, and the chart drawn with its text alternative.
        assert shown.index(f"{today} 4 3 4 2 yes no by kim on the patient's word") < shown.index(
            f"{yesterday} 3 3 4 2 no no Shaky in the morning. by the patient; late entry"
        )
        assert 'src="data:image/svg+xml;base64,' in html
        assert "is the sum of the items the patient rates, from 0 to 68" in html
        event = AuditEvent.objects.get(action="monitoring.view")
        assert (event.actor_username, event.patient_id) == ("avery", world.alex.pk)

    def test_it_shows_the_dose_log_day_by_day(self, client: Client, world: World) -> None:
        log_dose(world, days_ago(3), "morning", "taken")
        log_dose(world, days_ago(1), "morning", "taken")
        log_dose(world, days_ago(1), "night", "missed")
        log_dose(world, days_ago(0), "morning", "different", amount_mg="0.25")
        status, html = page(client, "kim", f"/clinic/patients/{world.alex.pk}/monitoring/")
        assert status == 200
        shown = rows(html)
        assert "Day Morning Night" in shown
        assert f"{days_ago(0).strftime('%a %-d %b')} A different amount: 0.25 mg not logged" in (
            shown
        )
        assert f"{days_ago(1).strftime('%a %-d %b')} Taken Missed" in shown
        assert f"{days_ago(2).strftime('%a %-d %b')} not logged not logged" in shown
        assert f"{days_ago(3).strftime('%a %-d %b')} Taken not logged" in shown
        # The grid starts on the first day logged: the days before it say nothing.
        assert not any(row.startswith(days_ago(4).strftime("%a %-d %b")) for row in shown)

    def test_with_nothing_logged_it_says_so(self, client: Client, world: World) -> None:
        status, html = page(client, "lee", f"/clinic/patients/{world.alex.pk}/monitoring/")
        assert status == 200
        assert "No check-in in the last 12 weeks." in html
        assert "No dose logged in the last 28 days." in html
        assert "No proposal so far." in html
        assert "<img" not in html

    def test_a_check_in_older_than_twelve_weeks_is_left_to_the_api(
        self, client: Client, world: World
    ) -> None:
        check_in(world, days_ago(12 * 7 + 1), 2)
        html = page(client, "avery", f"/clinic/patients/{world.alex.pk}/monitoring/")[1]
        assert "No check-in in the last 12 weeks." in html

    def test_staff_who_may_not_see_the_patient_get_not_found(
        self, client: Client, world: World
    ) -> None:
        assert page(client, "brook", f"/clinic/patients/{world.alex.pk}/monitoring/")[0] == 404
        assert page(Client(), "avery", "/clinic/patients/999999/monitoring/")[0] == 404
        denied = AuditEvent.objects.filter(action="monitoring.view.denied")
        assert denied.count() == 2

    def test_the_page_is_not_there_for_a_patient(self, client: Client, world: World) -> None:
        status = page(client, "alex", f"/clinic/patients/{world.alex.pk}/monitoring/")[0]
        assert status == 404


class TestThePatientsPage:
    def test_the_patient_sees_their_check_ins_newest_first(
        self, client: Client, world: World
    ) -> None:
        check_in(world, days_ago(3), 2, note="Slept badly.")
        check_in(world, days_ago(0), 5, who="kim", self_harm_thoughts=True)
        status, html = page(client, "alex", "/portal/check-ins/")
        assert status == 200
        listed = html.split('class="check-in-list"')[1].split("</ul>")[0]
        items = [
            " ".join(re.sub(r"<[^>]+>", " ", item).split())
            for item in re.findall(r"<li>(.*?)</li>", listed, flags=re.S)
        ]
        assert items == [
            f"{days_ago(0).strftime('%A %-d %B')} : withdrawal symptoms 5; sleep 3, anxiety 4, "
            "craving 2; thoughts of self-harm . (entered by kim from what you told them)",
            f"{days_ago(3).strftime('%A %-d %B')} : withdrawal symptoms 2; sleep 3, anxiety 4, "
            "craving 2. Your note: Slept badly. (entered later)",
        ]
        assert 'src="data:image/svg+xml;base64,' in html
        assert AuditEvent.objects.filter(action="portal.check-ins").count() == 1

    def test_a_patient_without_check_ins_is_told_so(self, client: Client, world: World) -> None:
        status, html = page(client, "blair", "/portal/check-ins/")
        assert status == 200
        assert "No check-in in the last 12 weeks yet." in html

    def test_the_page_is_not_there_for_staff(self, client: Client, world: World) -> None:
        assert page(client, "avery", "/portal/check-ins/")[0] == 404


def test_the_record_and_the_portal_home_link_to_the_trend_pages(
    client: Client, world: World
) -> None:
    html = page(client, "avery", f"/clinic/patients/{world.alex.pk}/")[1]
    assert f'<a href="/clinic/patients/{world.alex.pk}/monitoring/">Check-ins and doses</a>' in html
    html = page(Client(), "alex", "/portal/")[1]
    assert '<a href="/portal/check-ins/">My check-ins</a>' in html
