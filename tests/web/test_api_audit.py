"""``/api/v1/audit``: a program admin searches their own program's audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

NO_SUCH_ENDPOINT = {"detail": "Not found. The endpoints are listed at /api/v1/docs."}


@pytest.fixture
def activity(world: World) -> None:
    """Reads in both programs, and a refused one."""
    ApiClient(world.avery).get(f"/patients/{world.alex.pk}")
    ApiClient(world.kim).get(f"/patients/{world.blair.pk}")
    ApiClient(world.brook).get(f"/patients/{world.casey.pk}")
    ApiClient(world.brook).get(f"/patients/{world.alex.pk}")


def search(world: World, **query: object) -> dict[str, Any]:
    response = ApiClient(world.riverside_admin).get("/audit", **query)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.usefixtures("activity")
def test_a_program_admin_sees_their_programs_events_and_attempts_on_their_patients(
    world: World,
) -> None:
    body = search(world)
    assert [(e["actor_username"], e["action"]) for e in body["items"]] == [
        ("brook", "patient.view.denied"),
        ("kim", "patient.view"),
        ("avery", "patient.view"),
    ]
    assert body["count"] == 3
    attempt = body["items"][0]
    assert (attempt["patient_id"], attempt["object_type"], attempt["object_id"]) == (
        None,
        "Patient",
        str(world.alex.pk),
    )
    assert attempt["detail"] == {"patient_id": world.alex.pk}
    event = body["items"][1]
    assert (event["patient_id"], event["actor_role"], event["ip_address"]) == (
        world.blair.pk,
        "nurse",
        "127.0.0.1",
    )


@pytest.mark.usefixtures("activity")
def test_a_site_admin_sees_every_programs_events(world: World) -> None:
    body = ApiClient(world.site_admin).get("/audit", action="patient.view").json()
    assert {e["actor_username"] for e in body["items"]} == {"avery", "kim", "brook"}


@pytest.mark.usefixtures("activity")
def test_it_filters_by_action_actor_and_patient(world: World) -> None:
    ApiClient(world.avery).get(f"/patients/{world.blair.pk}/assessments")
    assert [e["action"] for e in search(world, action="assessments.list")["items"]] == [
        "assessments.list"
    ]
    assert {e["actor_username"] for e in search(world, actor="avery")["items"]} == {"avery"}
    by_patient = search(world, patient=world.blair.pk)["items"]
    assert [(e["actor_username"], e["action"]) for e in by_patient] == [
        ("avery", "assessments.list"),
        ("kim", "patient.view"),
    ]
    on_alex = search(world, patient=world.alex.pk)["items"]
    assert [(e["actor_username"], e["action"]) for e in on_alex] == [
        ("brook", "patient.view.denied"),
        ("avery", "patient.view"),
    ]


@pytest.mark.usefixtures("activity")
def test_it_filters_by_time(world: World) -> None:
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    earlier = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    assert search(world, action="patient.view", since=later)["count"] == 0
    assert search(world, action="patient.view", since=earlier)["count"] == 2
    assert search(world, action="patient.view", until=later)["count"] == 2
    assert search(world, action="patient.view", until=earlier)["count"] == 0


@pytest.mark.usefixtures("activity")
def test_it_pages(world: World) -> None:
    body = search(world, action="patient.view", limit=1, offset=1)
    assert [e["actor_username"] for e in body["items"]] == ["avery"]
    assert body["count"] == 2


@pytest.mark.usefixtures("activity")
def test_each_search_is_audited_and_not_in_its_own_results(world: World) -> None:
    first = search(world, action="patient.view")
    assert "audit.search" not in {e["action"] for e in first["items"]}
    event = AuditEvent.objects.filter(action="audit.search").get()
    assert (event.actor_username, event.program_id) == ("riverside_admin", world.riverside.pk)
    assert event.detail == {"action": "patient.view"}
    assert [e["action"] for e in search(world, action="audit.search")["items"]] == ["audit.search"]


@pytest.mark.parametrize("persona", ["avery", "kim", "lee", "alex_user", "brook", "casey_user"])
def test_anyone_else_finds_no_such_endpoint(world: World, persona: str) -> None:
    client = ApiClient(getattr(world, persona))
    response = client.get("/audit")
    assert (response.status_code, response.json()) == (404, NO_SUCH_ENDPOINT)
    assert response.content == client.get("/no-such-endpoint").content
    assert not AuditEvent.objects.filter(action="audit.search").exists()


def test_it_names_a_wrong_parameter(world: World) -> None:
    response = ApiClient(world.riverside_admin).get("/audit", patient="alex")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "field 'patient' must be a valid integer, unable to parse string as an integer."
    }


@pytest.mark.usefixtures("activity")
@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"patient": "1", "since": "2026-13-01"},
            "field 'since' must be a valid datetime or date, month value is outside "
            "expected range of 1-12.",
        ),
        ({"patient": "-1"}, "field 'patient' must be greater than or equal to 1."),
        ({"patient": "0"}, "field 'patient' must be greater than or equal to 1."),
        (
            {"patient": "99999999999999999999"},
            "field 'patient' must be less than or equal to 9223372036854775807.",
        ),
        (
            {"since": "0001-01-01T00:00:00+14:00"},
            "field 'since': must be a time from 0001-01-01 to 9999-12-31 in UTC.",
        ),
        (
            {"until": "9999-12-31T23:00:00-05:00"},
            "field 'until': must be a time from 0001-01-01 to 9999-12-31 in UTC.",
        ),
        (
            {"offset": "99999999999999999999"},
            "field 'offset' must be less than or equal to 9223372036854775807.",
        ),
    ],
)
def test_one_wrong_filter_runs_no_search_at_all(
    world: World, query: dict[str, str], message: str
) -> None:
    response = ApiClient(world.riverside_admin).get("/audit", **query)
    assert (response.status_code, response.json()) == (400, {"detail": message})
    assert not AuditEvent.objects.filter(action="audit.search").exists()


@pytest.mark.usefixtures("activity")
def test_the_ends_of_time_are_searched_safely(world: World) -> None:
    assert search(world, action="patient.view", until="9999-12-31")["count"] == 2
    assert search(world, action="patient.view", until="9999-12-31T23:59:59Z")["count"] == 2
    assert search(world, action="patient.view", since="0001-01-01")["count"] == 2
    assert search(world, action="patient.view", since="9999-12-31")["count"] == 0


@pytest.mark.usefixtures("activity")
def test_a_time_without_an_offset_is_utc(world: World) -> None:
    now = timezone.now().astimezone(dt.UTC)
    later = (now + dt.timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    earlier = (now - dt.timedelta(minutes=1)).replace(tzinfo=None).isoformat()
    assert search(world, action="patient.view", since=earlier, until=later)["count"] == 2
    assert search(world, action="patient.view", since=later)["count"] == 0


def test_it_does_not_query_per_event(
    world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = ApiClient(world.avery)
    for _ in range(20):
        client.get(f"/patients/{world.alex.pk}")
    admin = ApiClient(world.riverside_admin)
    with django_assert_max_num_queries(5):
        body = admin.get("/audit", limit=100).json()
    assert body["count"] == 20
