"""Shared steps for the counselling tests: a second counsellor on alex's care team, a
session of alex's held by lee with a note of lee's, and consents through the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from clonacare.accounts.models import Membership, Role
from clonacare.patients.models import CareTeamMember
from tests.api_client import ApiClient
from tests.personas import World, password_hash

NOTE_TEXT = "Talked through the evening cravings; agreed a walk before the night dose."


def second_counsellor(world: World) -> User:
    """``noor``, a Riverside counsellor on alex's care team too (Noor Haddad)."""
    noor = User.objects.create(
        username="noor", first_name="Noor", last_name="Haddad", password=password_hash()
    )
    Membership.objects.create(user=noor, program=world.riverside, role=Role.COUNSELLOR)
    CareTeamMember.objects.create(patient=world.alex, user=noor)
    return noor


def schedule(world: World, who: User | None = None, **body: Any) -> Any:
    """Schedule a session for alex (as lee unless ``who``); the response."""
    payload = {
        "kind": "individual",
        "scheduled_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "duration_minutes": 50,
        **body,
    }
    return ApiClient(who or world.lee).post(f"/patients/{world.alex.pk}/sessions", payload)


def session_with_note(world: World) -> int:
    """A session of alex's, attended, with lee's note; its id."""
    session_id = int(schedule(world).json()["id"])
    base = f"/patients/{world.alex.pk}/sessions/{session_id}"
    assert ApiClient(world.lee).post(f"{base}/outcome", {"outcome": "attended"}).status_code == 200
    assert ApiClient(world.lee).post(f"{base}/notes", {"text": NOTE_TEXT}).status_code == 201
    return session_id


def add_consent(world: World, recipient: str, *, notes: bool, **terms: Any) -> int:
    """A consent of alex's naming ``recipient``, recorded by avery; its id."""
    today = timezone.now().date()
    body = {
        "recipient": recipient,
        "purpose": "Continuity of counselling",
        "information": "Counselling record",
        "includes_counselling_notes": notes,
        "expires_on": (today + dt.timedelta(days=180)).isoformat(),
        "signed_by": "Alex Morgan",
        "signed_on": today.isoformat(),
        **terms,
    }
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/consents", body)
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def read_notes(who: User, world: World, session_id: int) -> Any:
    return ApiClient(who).get(f"/patients/{world.alex.pk}/sessions/{session_id}/notes")
