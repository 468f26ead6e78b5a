"""The demo data shows the outcomes page with some figures shown and some withheld
(docs/outcomes.md, "Demo"): Riverside's past patients under dr.ellis."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.accounts.models import Program
from clonacare.web.demo import load_demo_data
from tests.api_client import ApiClient
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def test_the_demo_program_shows_and_withholds_figures(client: Client) -> None:
    list(load_demo_data())
    riverside = Program.objects.get(slug="riverside")
    body = ApiClient(User.objects.get(username="admin.riverside")).get(
        f"/programs/{riverside.pk}/outcomes"
    )
    figures = {f["key"]: f for f in body.json()["figures"]}
    shown = {k: (f["count"], f["denominator"]) for k, f in figures.items() if not f["suppressed"]}
    assert shown == {
        "started": (14, None),
        "finished": (11, None),
        "returned_to_use": (0, None),
        "median_taper_days": (11, None),
        "gad7_response": (14, 14),
    }
    because = {k: f["suppressed_because"] for k, f in figures.items() if f["suppressed"]}
    assert because == {
        "paused": "fewer-than",
        "lower_dose": "fewer-than",
        "phq9_response": "complementary",
        "phq9_remission": "fewer-than",
        "gad7_remission": "fewer-than",
        "module_completion": "complementary",
        "group_attendance": "fewer-than",
    }
    page = signed_in(client, "dr.ellis").get(f"/clinic/programs/{riverside.pk}/outcomes/")
    assert page.status_code == 200
    text = page.content.decode()
    row = text[text.index('<th scope="row">Started a taper<br>') :]
    assert row[row.index("<td>") : row.index("</td>")] == "<td>14"
