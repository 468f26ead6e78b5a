"""The demo data: pat.alex had a counselling session with counsel.lee, attended, with
lee's note, and has the next one booked; no demo consent lets other staff read the
note (issue 11)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clonacare.patients.models import Consent, Patient
from clonacare.web.demo import load_demo_data
from tests.api_client import ApiClient
from tests.personas import signed_in

pytestmark = pytest.mark.django_db

NOTE_START = "Went through the warning signs for the safety plan"


def test_pat_alex_has_sessions_with_counsel_lee(client: Client) -> None:
    list(load_demo_data())
    alex = Patient.objects.get(user__username="pat.alex")
    lee = ApiClient(User.objects.get(username="counsel.lee"))
    sessions = lee.get(f"/patients/{alex.pk}/sessions").json()["items"]
    assert [(s["status"], s["counsellor"]) for s in sessions] == [
        ("scheduled", "counsel.lee"),
        ("attended", "counsel.lee"),
    ]
    notes = lee.get(f"/patients/{alex.pk}/sessions/{sessions[1]['id']}/notes").json()
    assert notes[0]["text"].startswith(NOTE_START)
    html = signed_in(client, "pat.alex").get("/portal/sessions/").content.decode()
    assert "Attended" in html
    assert NOTE_START not in html


@pytest.mark.parametrize("username", ["dr.avery", "nurse.kim", "admin.riverside"])
def test_no_demo_consent_lets_other_staff_read_the_note(username: str) -> None:
    list(load_demo_data())
    alex = Patient.objects.get(user__username="pat.alex")
    session = alex.counselling_sessions.get(status="attended")
    path = f"/patients/{alex.pk}/sessions/{session.pk}/notes"
    response = ApiClient(User.objects.get(username=username)).get(path)
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "Counselling notes not found."},
    )
    assert not Consent.objects.filter(includes_counselling_notes=True).exists()
