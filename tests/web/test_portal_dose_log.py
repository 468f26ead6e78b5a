"""The portal's dose log page (/portal/doses/): the patient logs one dose time of a day
through the monitoring app's action; a refusal shows its message with its status."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.monitoring.models import DoseLog
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db


def post(client: Client, world: World, **fields: str) -> tuple[int, str, str]:
    response = signed_in(client, world.alex_user).post("/portal/doses/", fields)
    return response.status_code, response.get("Location", ""), response.content.decode()


def test_it_logs_a_dose_taken_today(client: Client, world: World) -> None:
    status, location, _ = post(client, world, dose_time="morning", status="taken")
    log = DoseLog.objects.get()
    assert (status, location) == (302, f"/portal/doses/?logged={log.pk}")
    assert (log.day, log.dose_time, log.status, log.self_reported) == (
        timezone.localdate(),
        "morning",
        "taken",
        True,
    )
    html = client.get(location).content.decode()
    today = timezone.localdate()
    assert (
        f'<p class="notice" role="status">Saved: your morning dose of '
        f"{today.day} {today:%B %Y}, taken.</p>"
    ) in html
    assert "<td>Morning</td><td>Taken</td>" in html


def test_a_different_amount_is_logged_with_it(client: Client, world: World) -> None:
    post(client, world, dose_time="night", status="different", amount_mg="0.75")
    assert DoseLog.objects.get().amount_mg == pytest.approx(0.75)
    html = client.get("/portal/doses/").content.decode()
    assert "<td>Night</td><td>A different amount (0.75 mg)</td>" in html


def test_a_different_amount_needs_the_amount(client: Client, world: World) -> None:
    status, _, html = post(client, world, dose_time="night", status="different")
    assert status == 400
    assert (
        '<p class="form-error" role="alert">A different amount needs the amount taken, in mg.</p>'
    ) in html
    assert not DoseLog.objects.exists()


def test_an_amount_that_is_no_number_is_refused(client: Client, world: World) -> None:
    status, _, html = post(client, world, dose_time="night", status="different", amount_mg="x")
    assert status == 400
    assert "The amount taken is a number of mg; got &#x27;x&#x27;." in html


def test_a_second_log_of_the_same_dose_is_refused(client: Client, world: World) -> None:
    post(client, world, dose_time="morning", status="taken")
    status, _, html = post(client, world, dose_time="morning", status="missed")
    today = timezone.localdate().isoformat()
    assert status == 409
    assert f"The morning dose of {today} is already logged." in html
    assert DoseLog.objects.get().status == "taken"


def test_it_offers_the_dose_times_of_todays_plan(client: Client, world: World) -> None:
    response = ApiClient(world.avery).post(
        f"/patients/{world.alex.pk}/plans",
        {"method": "percent", "step": 10, "switch_to": "diazepam"},
    )
    ApiClient(world.avery).post(f"/plans/{response.json()['id']}/approve", {"password": PASSWORD})
    html = signed_in(client, world.alex_user).get("/portal/doses/").content.decode()
    assert 'name="dose_time" value="morning"' in html
    assert 'name="dose_time" value="night"' in html
    assert 'name="dose_time" value="midday"' not in html
