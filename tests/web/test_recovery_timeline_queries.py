"""The recovery timeline reads a fixed number of queries: one per kind of record,
whatever how many of each the record holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clonacare.recovery.actions import do_record_return_to_use
from clonacare.therapy.group_models import Attendance, GroupSession, SupportGroup
from clonacare.therapy.models import ModuleAssignment
from clonacare.therapy.session_models import CounsellingSession
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.recovery_world import NONE, avery, checklist, day_ago, days_ago, taper

pytestmark = pytest.mark.django_db


def _add_one_of_each(world: World, n: int, group: SupportGroup) -> None:
    """One more of every kind of record on alex's timeline, ``n`` weeks back."""
    checklist(world, world.alex, NONE, ago=7 * n)
    taper(world, world.alex, stopped_ago=7 * n + 100)
    do_record_return_to_use(avery(world), world.alex, on=day_ago(7 * n + 50), now=days_ago(0))
    CounsellingSession.objects.create(
        patient=world.alex,
        kind="individual",
        counsellor=world.lee,
        scheduled_at=days_ago(7 * n),
        duration_minutes=50,
        status="attended",
        scheduled_by=world.lee,
        created_at=days_ago(7 * n + 1),
    )
    ModuleAssignment.objects.create(
        patient=world.alex,
        module=f"module-{n}",
        assigned_by=world.lee,
        assigned_at=days_ago(7 * n),
        status="completed",
        completed_at=days_ago(7 * n - 1),
    )
    held = GroupSession.objects.create(
        group=group,
        date=day_ago(7 * n),
        status="held",
        recorded_by=world.lee,
        recorded_at=days_ago(0),
    )
    Attendance.objects.create(session=held, patient=world.alex, status="attended")


def _queries(world: World) -> int:
    client = ApiClient(world.avery)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/patients/{world.alex.pk}/timeline")
    assert response.status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_record(world: World) -> None:
    group = SupportGroup.objects.create(
        program=world.riverside,
        name="Tuesday group",
        schedule="Tuesdays at six",
        weekday=1,
        starts_at=dt.time(18, 0),
        facilitator=world.lee,
        capacity=10,
        created_by=world.lee,
        created_at=days_ago(400),
    )
    checklist(world, world.alex, "1,1,1,1,1,0,0,0,0,0,0", ago=600)
    _add_one_of_each(world, 1, group)
    one = _queries(world)
    for n in range(2, 5):
        _add_one_of_each(world, n, group)
    assert _queries(world) == one
