"""The patient's taper plan in the portal (/portal/plan/): today's doses with the
tablets to take, the next change and its date, the whole schedule with its chart, and
the instructions (plans/data/instructions.toml, each with its source). Everything is
the plan in force, the newest revision; a patient with no approved plan is told so."""

from __future__ import annotations

import base64
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World, signed_in

pytestmark = pytest.mark.django_db

STANDARD = {"method": "percent", "step": 10, "switch_to": "diazepam"}
NO_PLAN = (
    "You have no approved taper plan yet. When your prescriber approves one, your doses "
    "and the dates they change will show here."
)
INSTRUCTIONS = (
    Path(__file__).parents[2] / "src" / "clonacare" / "plans" / "data" / "instructions.toml"
)


def drafted(world: World) -> int:
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/plans", STANDARD)
    assert response.status_code == 201
    plan_id: int = response.json()["id"]
    return plan_id


def approved(world: World) -> int:
    plan_id = drafted(world)
    response = ApiClient(world.avery).post(f"/plans/{plan_id}/approve", {"password": PASSWORD})
    assert response.status_code == 200
    return plan_id


def page(client: Client, world: World) -> str:
    response = signed_in(client, world.alex_user).get("/portal/plan/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_it_shows_todays_doses_with_the_tablets_to_take(client: Client, world: World) -> None:
    approved(world)
    today = section(page(client, world), "today-title")
    assert f"Today, {long_date(timezone.localdate())}</h2>" in today
    assert (
        "<li><strong>Morning</strong>: clonazepam 0.5 mg (1 × clonazepam 0.5 mg tablet)</li>"
        "<li><strong>Night</strong>: clonazepam 1 mg (1 × clonazepam 1 mg tablet)</li>"
    ) in today


def test_it_shows_the_next_change_and_its_date(client: Client, world: World) -> None:
    approved(world)
    upcoming = section(page(client, world), "next-title")
    next_day = timezone.localdate() + dt.timedelta(days=7)
    assert (
        f"<p>On <strong>{next_day:%A} {long_date(next_day)}</strong> your doses change to "
        "clonazepam 1 mg + diazepam 10 mg a day:</p>"
    ) in upcoming
    assert "<li><strong>Night</strong>: diazepam 10 mg (1 × diazepam 10 mg tablet)</li>" in upcoming


def test_it_lists_every_step_and_marks_the_one_in_force(client: Client, world: World) -> None:
    plan_id = approved(world)
    steps = ApiClient(world.alex_user).get(f"/plans/{plan_id}").json()["steps"]
    schedule = section(page(client, world), "schedule-title")
    assert schedule.count("<tr") == len(steps) + 1
    assert schedule.count('aria-current="date"') == 1
    assert "<td>Current dose (now)</td><td>clonazepam 1.5 mg</td>" in schedule
    assert "<td>Stop</td><td>0 mg</td></tr></tbody>" in schedule


def test_it_draws_the_chart_of_the_plan(client: Client, world: World) -> None:
    approved(world)
    schedule = section(page(client, world), "schedule-title")
    prefix = 'src="data:image/svg+xml;base64,'
    start = schedule.index(prefix) + len(prefix)
    svg = base64.b64decode(schedule[start : schedule.index('"', start)]).decode()
    assert svg.lstrip().startswith("<?xml")
    assert "Diazepam-equivalent, mg/day" in svg


def test_it_gives_the_instructions_each_with_a_source(client: Client, world: World) -> None:
    approved(world)
    shown = section(page(client, world), "instructions-title")
    data = tomllib.loads(INSTRUCTIONS.read_text())["instructions"]
    items = [v for v in data.values() if isinstance(v, dict)]
    assert [i["title"] for i in items] == [
        "Never stop on your own",
        "If you miss a dose",
        "Tell your care team how you feel",
        "Get help at once",
    ]
    for item in items:
        assert item["source"]
        assert f"<h3>{item['title']}</h3><p>{item['text']}</p>" in shown.replace("&#x27;", "'")


def test_the_plan_in_force_is_the_newest_revision(client: Client, world: World) -> None:
    plan_id = approved(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    pause = {"kind": "pause", "days": 14, "reason": "Poor sleep.", "on": tomorrow.isoformat()}
    revised = ApiClient(world.avery).post(f"/plans/{plan_id}/revisions", pause)
    assert revised.status_code == 201, revised.json()
    starts = [(dt.date.fromisoformat(s["start"]), s["kind"]) for s in revised.json()["steps"]]
    assert starts[1] == (tomorrow, "pause")
    # The pause keeps the dose: the next change is the switch after it.
    next_day, kind = starts[2]
    assert kind == "crossover"
    html = page(client, world)
    assert f"{long_date(next_day)}</strong> your doses change to " in section(html, "next-title")
    assert "Plan revision 2" in section(html, "schedule-title")


def test_the_patient_is_told_what_changed_and_why(client: Client, world: World) -> None:
    plan_id = approved(world)
    assert 'id="change-title"' not in page(client, world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    pause = {"kind": "pause", "days": 14, "reason": "Poor sleep", "on": tomorrow.isoformat()}
    assert ApiClient(world.avery).post(f"/plans/{plan_id}/revisions", pause).status_code == 201
    html = section(page(client, world), "change-title")
    assert (
        "Your prescriber changed your plan: a pause of 14 days from "
        f"{long_date(tomorrow)}: your dose stays the same for longer before it changes "
        "again. Their reason: Poor sleep." in html
    )
    slower = {
        "kind": "slow-interval",
        "days": 28,
        "reason": "Go gently.",
        "on": tomorrow.isoformat(),
    }
    assert ApiClient(world.avery).post(f"/plans/{plan_id}/revisions", slower).status_code == 201
    html = section(page(client, world), "change-title")
    assert (
        f"Your prescriber changed your plan: a slower pace from {long_date(tomorrow)}: at "
        "least 28 days between changes. Their reason: Go gently." in html
    )


def test_a_patient_without_an_approved_plan_is_told_so(client: Client, world: World) -> None:
    drafted(world)
    html = page(client, world)
    assert f"<p>{NO_PLAN}</p>" in html
    assert 'id="today-title"' not in html
    assert 'id="calendar-title"' not in html


def test_reading_the_page_is_audited(client: Client, world: World) -> None:
    page(client, world)
    event = AuditEvent.objects.get(action="portal.plan")
    assert event.patient_id == world.alex.pk


def test_the_portal_home_links_to_the_plan(client: Client, world: World) -> None:
    html = signed_in(client, world.alex_user).get("/portal/").content.decode()
    assert '<a href="/portal/plan/">' in html


@pytest.mark.parametrize("persona", ["avery", "riverside_admin"])
def test_staff_have_no_portal_plan_page(client: Client, world: World, persona: Any) -> None:
    # The portal is the patient's own: staff get its usual answer, not found.
    response = signed_in(client, getattr(world, persona)).get("/portal/plan/")
    assert response.status_code == 404
