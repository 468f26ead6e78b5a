"""``POST /patients/{id}/modules/{assignment_id}/sections``: a section of an assigned
module marked done by the patient, or by their care team on the patient's word; the
last one completes the module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.audit.models import AuditEvent
from clonacare.therapy.models import ModuleAssignment
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.therapy_world import plant_modules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("modules")]


@pytest.fixture
def modules(tmp_path: Path, settings: SettingsWrapper) -> Path:
    """The planted modules (tests/web/therapy_world.py) as the site's."""
    return plant_modules(tmp_path, settings)


def assigned(world: World, patient: str = "alex") -> int:
    client = ApiClient(world.avery)
    response = client.post(f"/patients/{getattr(world, patient).pk}/modules", {"module": "coping"})
    return int(response.json()["id"])


def mark(world: World, assignment: int, section: str, who: str = "alex_user") -> Any:
    client = ApiClient(getattr(world, who))
    path = f"/patients/{world.alex.pk}/modules/{assignment}/sections"
    return client.post(path, {"section": section})


def test_the_patient_marks_sections_done_until_the_module_is_complete(world: World) -> None:
    assignment = assigned(world)
    first = mark(world, assignment, "first-part")
    assert first.status_code == 200
    body = first.json()
    assert (body["status"], body["sections_done"], body["completed_at"]) == ("in-progress", 1, None)
    assert body["sections"][0]["done"] is True
    assert body["sections"][0]["self_reported"] is True
    last = mark(world, assignment, "second-part").json()
    assert (last["status"], last["sections_done"], last["sections_total"]) == ("completed", 2, 2)
    assert last["completed_at"] is not None


@pytest.mark.parametrize("persona", ["lee", "kim", "avery"])
def test_the_care_team_marks_on_the_patients_word(world: World, persona: str) -> None:
    body = mark(world, assigned(world), "first-part", persona).json()
    assert body["sections"][0]["self_reported"] is False


def test_a_program_admin_may_not(world: World) -> None:
    response = mark(world, assigned(world), "first-part", "riverside_admin")
    assert (response.status_code, response.json()) == (
        403,
        {
            "detail": "Only the patient, or a clinician on their care team on the patient's "
            "word, works through a module."
        },
    )
    assert ModuleAssignment.objects.get().sections_done == {}


def test_a_section_done_already_is_a_conflict(world: World) -> None:
    assignment = assigned(world)
    mark(world, assignment, "first-part")
    again = mark(world, assignment, "first-part")
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "The section 'First part' is already marked done."},
    )


def test_a_section_the_module_does_not_have(world: World) -> None:
    response = mark(world, assigned(world), "third-part")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "The module 'Coping module' has no section 'third-part'."},
    )


def test_another_patients_assignment_is_not_found_and_audited(world: World) -> None:
    theirs = assigned(world, "blair")
    response = mark(world, theirs, "first-part", "avery")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "Module assignment not found."},
    )
    denied = AuditEvent.objects.get(action="modules.write.denied")
    assert denied.detail == {"assignment_id": theirs}
    assert ModuleAssignment.objects.get(pk=theirs).sections_done == {}


def test_a_marked_section_is_audited(world: World) -> None:
    assignment = assigned(world)
    mark(world, assignment, "first-part", "lee")
    event = AuditEvent.objects.get(action="module.section-done")
    assert (event.actor_username, event.patient_id, event.object_id) == (
        "lee",
        world.alex.pk,
        str(assignment),
    )
    assert event.detail == {
        "module": "coping",
        "section": "first-part",
        "self_reported": False,
        "status": "in-progress",
    }
