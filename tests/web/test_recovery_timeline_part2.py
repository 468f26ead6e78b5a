"""Counselling sessions are on the recovery timeline with their status only: their SUD
counselling notes (42 CFR Part 2) never are, for any viewer, their author included."""

from __future__ import annotations

import pytest

from clonacare.audit.log import Actor
from clonacare.therapy.sessions import (
    do_record_session_outcome,
    do_schedule_session,
    do_write_session_note,
)
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.recovery_world import days_ago

pytestmark = pytest.mark.django_db
NOTE = "Talked about the hardest nights; a private note."


@pytest.mark.parametrize("who", ["lee", "avery", "riverside_admin", "alex_user"])
def test_a_session_shows_its_status_and_never_its_note(world: World, who: str) -> None:
    lee = Actor(world.lee.pk, "lee", "counsellor", world.riverside.pk, None, "")
    held = do_schedule_session(
        lee,
        world.alex,
        kind="individual",
        scheduled_at=days_ago(3),
        duration_minutes=50,
        counsellor_id=None,
        now=days_ago(10),
    )
    do_record_session_outcome(lee, held, outcome="attended", reason="", now=days_ago(2))
    do_write_session_note(lee, held, text=NOTE, now=days_ago(2))
    response = ApiClient(getattr(world, who)).get(f"/patients/{world.alex.pk}/timeline")
    sessions = [i["text"] for i in response.json()["items"] if i["kind"] == "session"]
    assert sessions == ["Individual counselling session: attended"]
    assert "private note" not in response.content.decode()
