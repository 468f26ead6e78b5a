"""``GET/POST /api/v1/patients/{id}/follow-up``: the check-ins after the taper through
the API, under the same access as the pages: whoever sees the patient reads it (the
patient too); a prescriber, nurse or counsellor on the care team decides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clonacare.monitoring.models import FollowUpDecision
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.follow_up_world import finished_taper

pytestmark = pytest.mark.django_db


def path(world: World) -> str:
    return f"/patients/{world.alex.pk}/follow-up"


def test_it_reads_the_follow_up_of_a_finished_taper(world: World) -> None:
    finished_taper(world, stopped_days_ago=10)
    stop = timezone.localdate() - dt.timedelta(days=10)
    response = ApiClient(world.alex_user).get(path(world))
    assert response.status_code == 200
    assert response.json() == {
        "on": True,
        "stop_day": stop.isoformat(),
        "stopped": True,
        "next_due": (stop + dt.timedelta(days=30)).isoformat(),
        "every_days": 30,
        "decisions": [],
    }


def test_a_care_team_member_ends_it_and_the_decision_is_listed(world: World) -> None:
    finished_taper(world, stopped_days_ago=40)
    response = ApiClient(world.kim).post(path(world), {"on": False, "reason": "Settled."})
    assert response.status_code == 201
    body = response.json()
    assert (body["on"], body["next_due"]) == (False, None)
    (decision,) = body["decisions"]
    assert (decision["on"], decision["reason"], decision["decided_by"]) == (
        False,
        "Settled.",
        "kim",
    )
    assert ApiClient(world.avery).get(path(world)).json()["on"] is False


@pytest.mark.parametrize(
    ("who", "body", "status", "detail"),
    [
        (
            "riverside_admin",
            {"on": False, "reason": "Tidying up."},
            403,
            "Only a prescriber, nurse or counsellor on the patient's care team keeps or ends "
            "the check-ins after the taper.",
        ),
        (
            "alex_user",
            {"on": False, "reason": "Enough."},
            403,
            "Only a prescriber, nurse or counsellor on the patient's care team keeps or ends "
            "the check-ins after the taper.",
        ),
        (
            "avery",
            {"on": False, "reason": ""},
            400,
            "Say why the check-ins after the taper are kept on or ended.",
        ),
        (
            "avery",
            {"on": True, "reason": "Keep going."},
            400,
            "The check-ins after the taper are already on; nothing changed.",
        ),
        ("brook", {"on": False, "reason": "Not mine."}, 404, "Patient not found."),
    ],
)
def test_a_refused_decision_writes_nothing(
    world: World, who: str, body: dict[str, object], status: int, detail: str
) -> None:
    finished_taper(world, stopped_days_ago=40)
    response = ApiClient(getattr(world, who)).post(path(world), body)
    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert not FollowUpDecision.objects.exists()


def test_another_programs_staff_cannot_read_it(world: World) -> None:
    response = ApiClient(world.brook).get(path(world))
    assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})
