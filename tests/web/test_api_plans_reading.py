"""Reading taper plans through the API: the care team and the program admin see every
plan of the patients they see; a patient sees only their own approved plan; anything
else is answered exactly like a plan that does not exist, and every read is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import PASSWORD, World

pytestmark = pytest.mark.django_db

STANDARD = {"method": "percent", "step": 10, "switch_to": "diazepam"}
PLAN_NOT_FOUND = {"detail": "Plan not found."}


def drafted(world: World, patient_id: int | None = None, step: int = 10) -> int:
    patient_id = patient_id or world.alex.pk
    body = STANDARD | {"step": step}
    response = ApiClient(world.avery).post(f"/patients/{patient_id}/plans", body)
    assert response.status_code == 201
    plan_id: int = response.json()["id"]
    return plan_id


def approved(world: World, patient_id: int | None = None, step: int = 10) -> int:
    plan_id = drafted(world, patient_id, step)
    response = ApiClient(world.avery).post(f"/plans/{plan_id}/approve", {"password": PASSWORD})
    assert response.status_code == 200
    return plan_id


def get(user: Any, path: str, **query: Any) -> tuple[int, Any]:
    response = ApiClient(user).get(path, **query)
    return response.status_code, response.json()


@pytest.mark.parametrize("persona", ["avery", "kim", "lee", "riverside_admin"])
def test_staff_who_see_the_patient_see_a_draft(world: World, persona: str) -> None:
    plan_id = drafted(world)
    status, plan = get(getattr(world, persona), f"/plans/{plan_id}")
    assert (status, plan["id"], plan["status"]) == (200, plan_id, "draft")
    assert plan["steps"][0]["kind"] == "start"
    event = AuditEvent.objects.get(action="plan.view")
    assert (event.patient_id, event.object_id) == (world.alex.pk, str(plan_id))


def test_the_patient_sees_only_their_approved_plan(world: World) -> None:
    plan_id = drafted(world)
    assert get(world.alex_user, f"/plans/{plan_id}") == (404, PLAN_NOT_FOUND)
    assert get(world.alex_user, f"/patients/{world.alex.pk}/plans") == (
        200,
        {"items": [], "count": 0},
    )
    ApiClient(world.avery).post(f"/plans/{plan_id}/approve", {"password": PASSWORD})
    status, plan = get(world.alex_user, f"/plans/{plan_id}")
    assert (status, plan["status"]) == (200, "approved")


def test_a_superseded_plan_leaves_the_patients_sight(world: World) -> None:
    first = approved(world)
    second = approved(world, step=5)
    assert get(world.alex_user, f"/plans/{first}") == (404, PLAN_NOT_FOUND)
    status, listed = get(world.alex_user, f"/patients/{world.alex.pk}/plans")
    assert (status, [p["id"] for p in listed["items"]], listed["count"]) == (200, [second], 1)
    # The care team keeps the whole history.
    status, listed = get(world.kim, f"/patients/{world.alex.pk}/plans")
    assert [(p["id"], p["status"]) for p in listed["items"]] == [
        (second, "approved"),
        (first, "superseded"),
    ]


@pytest.mark.parametrize("persona", ["brook", "casey_user", "blair_user", "site_admin"])
def test_a_plan_out_of_sight_is_not_found(world: World, persona: str) -> None:
    plan_id = approved(world)
    assert get(getattr(world, persona), f"/plans/{plan_id}") == (404, PLAN_NOT_FOUND)
    denied = AuditEvent.objects.get(action="plan.view.denied")
    assert (denied.object_id, denied.detail) == (str(plan_id), {"plan_id": plan_id})


def test_a_missing_plan_answers_like_a_forbidden_one(world: World) -> None:
    assert get(world.avery, "/plans/999999") == (404, PLAN_NOT_FOUND)


def test_a_counsellor_off_the_care_team_sees_neither_patient_nor_plans(world: World) -> None:
    plan_id = drafted(world, world.blair.pk)
    assert get(world.lee, f"/plans/{plan_id}") == (404, PLAN_NOT_FOUND)
    assert get(world.lee, f"/patients/{world.blair.pk}/plans") == (
        404,
        {"detail": "Patient not found."},
    )


def test_the_list_is_newest_first_with_a_summary_of_each(world: World) -> None:
    first = approved(world)
    second = drafted(world, step=5)
    status, listed = get(world.avery, f"/patients/{world.alex.pk}/plans")
    assert (status, listed["count"]) == (200, 2)
    newest, oldest = listed["items"]
    assert (newest["id"], newest["status"], oldest["id"], oldest["status"]) == (
        second,
        "draft",
        first,
        "approved",
    )
    assert set(newest) == {
        "id",
        "status",
        "drug",
        "method",
        "start",
        "end_date",
        "outcome",
        "revision",
        "created_by",
        "created_at",
        "approved_by",
        "approved_at",
    }
    assert (oldest["drug"], oldest["method"], oldest["revision"]) == ("clonazepam", "percent", 1)
    assert (oldest["approved_by"], newest["approved_by"]) == ("avery", None)
    status, page = get(world.avery, f"/patients/{world.alex.pk}/plans", limit=1, offset=1)
    assert ([p["id"] for p in page["items"]], page["count"]) == ([first], 2)
    event = AuditEvent.objects.filter(action="plans.list").latest("id")
    assert event.patient_id == world.alex.pk


def test_the_list_reads_a_fixed_number_of_queries(world: World) -> None:
    drafted(world)
    client = ApiClient(world.avery)
    path = f"/patients/{world.alex.pk}/plans"
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    for step in (5, 6, 7):
        drafted(world, step=step)
    with CaptureQueriesContext(connection) as four:
        response = client.get(path)
    assert response.json()["count"] == 4
    assert len(four) == len(one)
