"""Issue 16: the plan's calendar file in the patient's language. Downloaded from the
Spanish plan page, or through a private link made there (its address is under /es/),
its events read in Spanish with the plan's numbers; from the English page and the API
it is the core's English file, unchanged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.web.test_plan_calendar import STARTS, approved, events
from tests.web.test_spanish_plan_page import spanish_day

pytestmark = pytest.mark.django_db

SPANISH_LINK = re.compile(r'value="(http://testserver/es/portal/calendar/([A-Za-z0-9_-]+)\.ics)"')


def _unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "").replace("\r\n", "\n")


def _descriptions(ics: str) -> list[str]:
    return [
        d.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
        for d in re.findall(r"^DESCRIPTION:(.*)$", _unfolded(ics), flags=re.MULTILINE)
    ]


def test_the_download_from_the_spanish_page_is_in_spanish(client: Client, world: World) -> None:
    plan_id = approved(world)
    plan = ApiClient(world.alex_user).get(f"/plans/{plan_id}").json()
    response = signed_in(client, world.alex_user).get("/es/portal/plan/calendar.ics")
    assert response.status_code == 200
    ics = response.content.decode()
    summaries = events(ics)
    assert len(summaries) == len(plan["steps"])
    assert summaries[0] == "Empieza la reducción de clonazepam: clonazepam 1.5 mg al día"
    last = plan["steps"][-1]["number"]
    assert summaries[-1] == f"Deje de tomar diazepam (paso {last} de la reducción)"
    assert "X-WR-CALNAME:Reducción de clonazepam" in _unfolded(ics)
    first = _descriptions(ics)[0]
    assert "Por la mañana: 0.5 mg de clonazepam = 1 × tableta de clonazepam de 0.5 mg" in first
    first_step = plan["steps"][0]
    assert f"hasta el {spanish_day(_last_day(first_step))}." in first
    assert "Equivalente en diazepam:" in first
    # The plan's own notes are the taper core's English, and say so; nothing else is.
    lines = "\n".join(summaries + _descriptions(ics)).splitlines()
    notes = [line for line in lines if line.startswith("Nota del plan, en inglés: ")]
    assert notes
    spanish = "\n".join(line for line in lines if line not in notes)
    for english in ("taper", "Stop", "For ", "until", "Diazepam-equivalent", "morning"):
        assert english not in spanish, english


def test_the_english_page_and_the_api_keep_the_english_file(client: Client, world: World) -> None:
    plan_id = approved(world)
    page = signed_in(client, world.alex_user).get("/portal/plan/calendar.ics").content.decode()
    api = ApiClient(world.alex_user).get(f"/plans/{plan_id}/calendar.ics").content.decode()
    for ics in (page, api):
        assert events(ics)[0] == STARTS
        assert "Diazepam-equivalent:" in _descriptions(ics)[0]
        assert "Reducción" not in ics


def test_a_link_made_on_the_spanish_page_answers_in_spanish(client: Client, world: World) -> None:
    approved(world)
    made = signed_in(client, world.alex_user).post(
        "/es/portal/plan/calendar-link/", {"action": "create"}
    )
    assert made.status_code == 200
    found = SPANISH_LINK.search(made.content.decode())
    assert found is not None
    feed = Client().get(f"/es/portal/calendar/{found.group(2)}.ics")
    assert feed.status_code == 200
    assert events(feed.content.decode())[0].startswith("Empieza la reducción de clonazepam")
    english = Client().get(f"/portal/calendar/{found.group(2)}.ics")
    assert events(english.content.decode())[0] == STARTS


def _last_day(step: dict[str, object]) -> dt.date:
    return dt.date.fromisoformat(str(step["end"])) - dt.timedelta(days=1)
