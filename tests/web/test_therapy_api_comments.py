"""``POST /patients/{id}/modules/{assignment_id}/comments`` and
``/exercises/{entry_id}/comments``: the care team's comments, listed with the module or
the entry they are on; the patient sees them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.audit.models import AuditEvent
from clonacare.therapy.models import CounsellorComment
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.therapy_world import plant_modules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("modules")]

NOT_ALLOWED = "Only a prescriber, nurse or counsellor on the patient's care team comments."
COPING_PLAN = {
    "triggers": "Evenings alone.",
    "warning_signs": "Not sleeping.",
    "coping_steps": "Walk, then call my sister.",
}


@pytest.fixture
def modules(tmp_path: Path, settings: SettingsWrapper) -> Path:
    """The planted modules (tests/web/therapy_world.py) as the site's."""
    return plant_modules(tmp_path, settings)


def assigned(world: World, patient: str = "alex") -> int:
    client = ApiClient(world.avery)
    response = client.post(f"/patients/{getattr(world, patient).pk}/modules", {"module": "coping"})
    return int(response.json()["id"])


def entry(world: World) -> int:
    body = {"kind": "coping-plan", "assignment": assigned(world), **COPING_PLAN}
    response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/exercises", body)
    return int(response.json()["id"])


def on_module(world: World, assignment: int, text: str, who: str = "lee") -> Any:
    path = f"/patients/{world.alex.pk}/modules/{assignment}/comments"
    return ApiClient(getattr(world, who)).post(path, {"text": text})


def on_entry(world: World, entry_id: int, text: str, who: str = "lee") -> Any:
    path = f"/patients/{world.alex.pk}/exercises/{entry_id}/comments"
    return ApiClient(getattr(world, who)).post(path, {"text": text})


@pytest.mark.parametrize("persona", ["lee", "kim", "avery"])
def test_the_care_team_comments_on_an_entry(world: World, persona: str) -> None:
    entry_id = entry(world)
    response = on_entry(world, entry_id, "  A clear plan.  ", persona)
    assert response.status_code == 201
    body = response.json()
    assert (body["author"], body["text"]) == (persona, "A clear plan.")
    listed = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/exercises").json()
    assert [c["text"] for c in listed["items"][0]["comments"]] == ["A clear plan."]


def test_a_comment_on_a_module_is_listed_with_it(world: World) -> None:
    assignment = assigned(world)
    on_module(world, assignment, "Start with the first part.")
    on_module(world, assignment, "Then the second.", "kim")
    listed = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/modules").json()
    assert [(c["author"], c["text"]) for c in listed["items"][0]["comments"]] == [
        ("lee", "Start with the first part."),
        ("kim", "Then the second."),
    ]


@pytest.mark.parametrize("persona", ["alex_user", "riverside_admin"])
def test_the_patient_and_the_admin_may_not_comment(world: World, persona: str) -> None:
    response = on_module(world, assigned(world), "Hello", persona)
    assert (response.status_code, response.json()) == (403, {"detail": NOT_ALLOWED})
    assert not CounsellorComment.objects.exists()


@pytest.mark.parametrize("persona", ["brook", "blair_user"])
def test_a_record_out_of_reach_is_not_found(world: World, persona: str) -> None:
    response = on_entry(world, entry(world), "Hello", persona)
    assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})


def test_an_entry_that_is_not_there_is_not_found(world: World) -> None:
    response = on_entry(world, 999999, "Hello")
    assert (response.status_code, response.json()) == (404, {"detail": "Exercise entry not found."})
    assert AuditEvent.objects.get(action="exercises.write.denied").detail == {"entry_id": 999999}


@pytest.mark.parametrize(
    ("text", "detail"),
    [("   ", "Write the comment."), ("x" * 1001, "The comment is longer than 1000 characters.")],
)
def test_an_empty_or_long_comment(world: World, text: str, detail: str) -> None:
    response = on_module(world, assigned(world), text)
    assert (response.status_code, response.json()) == (400, {"detail": detail})
    assert not CounsellorComment.objects.exists()


def test_a_comment_is_audited_without_its_text(world: World) -> None:
    assignment = assigned(world)
    on_module(world, assignment, "Private words.")
    event = AuditEvent.objects.get(action="therapy-comment.add")
    assert (event.actor_username, event.patient_id, event.detail) == (
        "lee",
        world.alex.pk,
        {"assignment_id": assignment},
    )
