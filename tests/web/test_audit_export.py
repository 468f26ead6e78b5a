"""The audit log's CSV export, on the page (``/clinic/audit/export.csv``) and in the API
(``/api/v1/audit.csv``): the same writer, the same access rule, ``detail`` as JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

NO_SUCH_ENDPOINT = {"detail": "Not found. The endpoints are listed at /api/v1/docs."}
HEADER = [
    "at",
    "actor",
    "role",
    "action",
    "program_id",
    "patient_id",
    "object_type",
    "object_id",
    "ip_address",
    "user_agent",
    "detail",
]


def rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="clonacare-audit.csv"'
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def page_export(client: Client, world: World, **query: str) -> list[list[str]]:
    signed_in(client, world.riverside_admin)
    return rows(client.get("/clinic/audit/export.csv", query))


def api_export(world: World, **query: object) -> list[list[str]]:
    return rows(ApiClient(world.riverside_admin).get("/audit.csv", **query))


@pytest.fixture
def activity(world: World) -> None:
    ApiClient(world.avery).get(f"/patients/{world.alex.pk}")
    ApiClient(world.kim).get(f"/patients/{world.blair.pk}/assessments")
    ApiClient(world.brook).get(f"/patients/{world.casey.pk}")
    ApiClient(world.brook).get(f"/patients/{world.alex.pk}")


@pytest.mark.usefixtures("activity")
def test_the_detail_column_is_json(client: Client, world: World) -> None:
    exported = page_export(client, world)
    assert exported[0] == HEADER
    by_action = {r[3]: r for r in exported[1:]}
    assert json.loads(by_action["patient.view.denied"][10]) == {"patient_id": world.alex.pk}
    assert json.loads(by_action["patient.view"][10]) == {}


@pytest.mark.usefixtures("activity")
def test_the_api_exports_what_the_page_exports(client: Client, world: World) -> None:
    from_the_page = page_export(client, world)
    from_the_api = api_export(world)
    # The API's export comes after the page's, whose audit.export entry it now includes.
    assert from_the_api[0] == from_the_page[0] == HEADER
    assert from_the_api[2:] == from_the_page[1:]
    assert (from_the_api[1][1], from_the_api[1][3]) == ("riverside_admin", "audit.export")
    assert [r[3] for r in from_the_page[1:]] == [
        "patient.view.denied",  # brook's attempt on Riverside's patient
        "assessments.list",
        "patient.view",
    ]


@pytest.mark.usefixtures("activity")
def test_the_api_export_takes_the_searchs_filters(world: World) -> None:
    exported = api_export(world, actor="kim", action="assessments.list")
    assert [(r[1], r[3], r[5]) for r in exported[1:]] == [
        ("kim", "assessments.list", str(world.blair.pk))
    ]
    on_alex = api_export(world, patient=world.alex.pk)
    assert [(r[1], r[3]) for r in on_alex[1:]] == [
        ("brook", "patient.view.denied"),
        ("avery", "patient.view"),
    ]


def test_the_api_export_is_audited(world: World) -> None:
    api_export(world, action="patient.view")
    event = AuditEvent.objects.get(action="audit.export")
    assert (event.actor_username, event.program_id, event.detail) == (
        "riverside_admin",
        world.riverside.pk,
        {"action": "patient.view"},
    )


def test_cells_a_spreadsheet_would_run_are_quoted(world: World) -> None:
    client = ApiClient(world.avery)
    client.client = Client(headers={"User-Agent": "=HYPERLINK(1)"})
    client.get(f"/patients/{world.alex.pk}")
    (view,) = [r for r in api_export(world)[1:] if r[3] == "patient.view"]
    assert view[9] == "'=HYPERLINK(1)"


@pytest.mark.usefixtures("activity")
def test_a_site_admin_exports_every_program(world: World) -> None:
    exported = rows(ApiClient(world.site_admin).get("/audit.csv", action="patient.view"))
    assert {r[1] for r in exported[1:]} == {"avery", "brook"}


@pytest.mark.parametrize("persona", ["avery", "kim", "lee", "alex_user", "brook", "casey_user"])
def test_anyone_else_finds_no_such_endpoint(world: World, persona: str) -> None:
    response = ApiClient(getattr(world, persona)).get("/audit.csv")
    assert (response.status_code, response.json()) == (404, NO_SUCH_ENDPOINT)
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_it_names_a_wrong_filter(world: World) -> None:
    response = ApiClient(world.riverside_admin).get("/audit.csv", since="yesterday")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "field 'since' must be a valid datetime or date, input is too short."},
    )


@pytest.mark.usefixtures("activity")
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"patient": "1", "since": "2026-13-01"}, "The From date must be a date, YYYY-MM-DD."),
        ({"patient": "-1"}, "The patient id must be a whole number, 1 or more."),
        ({"until": "9999-99-99"}, "The To date must be a date, YYYY-MM-DD."),
    ],
)
def test_the_page_exports_nothing_when_a_filter_is_wrong(
    client: Client, world: World, query: dict[str, str], message: str
) -> None:
    signed_in(client, world.riverside_admin)
    response = client.get("/clinic/audit/export.csv", query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode().replace("&#x27;", "'")
    assert f"Correct the filters; nothing was exported. {message}" in html
    assert not AuditEvent.objects.filter(action="audit.export").exists()


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
        (
            {"patient": "99999999999999999999"},
            "field 'patient' must be less than or equal to 9223372036854775807.",
        ),
        (
            {"until": "9999-12-31T23:00:00-05:00"},
            "field 'until': must be a time from 0001-01-01 to 9999-12-31 in UTC.",
        ),
    ],
)
def test_the_api_exports_nothing_when_a_filter_is_wrong(
    world: World, query: dict[str, str], message: str
) -> None:
    response = ApiClient(world.riverside_admin).get("/audit.csv", **query)
    assert (response.status_code, response.json()) == (400, {"detail": message})
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_it_needs_a_token(world: World) -> None:
    from clonacare.api.errors import NOT_SIGNED_IN

    response = ApiClient().get("/audit.csv")
    assert (response.status_code, response.json()) == (401, {"detail": NOT_SIGNED_IN})
