"""``/patients/{id}/modules``: CBT modules assigned to a patient by a counsellor or a
prescriber on their care team, listed with their progress for whoever may see the
record; a module is assigned once until it is completed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


ASSIGN_NOT_ALLOWED = "Only a counsellor or prescriber on the patient's care team assigns a module."


def assign(world: World, who: str = "lee", module: str = "thoughts", patient: str = "alex") -> Any:
    client = ApiClient(getattr(world, who))
    return client.post(f"/patients/{getattr(world, patient).pk}/modules", {"module": module})


class TestAssigning:
    @pytest.mark.parametrize("persona", ["lee", "avery"])
    def test_a_counsellor_or_prescriber_on_the_care_team_assigns(
        self, world: World, persona: str
    ) -> None:
        response = assign(world, persona)
        assert response.status_code == 201
        body = response.json()
        assert body["module"] == "thoughts"
        assert body["title"] == "Thoughts module"
        assert body["status"] == "assigned"
        assert body["assigned_by"] == persona
        assert body["review_status"] == "Draft, awaiting clinical review"
        assert body["exercises"] == ["thought-record"]
        assert (body["sections_done"], body["sections_total"]) == (0, 2)
        assert [(s["id"], s["title"], s["done"]) for s in body["sections"]] == [
            ("first-part", "First part", False),
            ("second-part", "Second part", False),
        ]
        assert body["comments"] == []

    @pytest.mark.parametrize("persona", ["kim", "riverside_admin", "alex_user"])
    def test_a_nurse_an_admin_or_the_patient_may_not_assign(
        self, world: World, persona: str
    ) -> None:
        response = assign(world, persona)
        assert (response.status_code, response.json()) == (403, {"detail": ASSIGN_NOT_ALLOWED})
        assert not ModuleAssignment.objects.exists()

    @pytest.mark.parametrize(
        ("persona", "patient"), [("brook", "alex"), ("lee", "blair"), ("site_admin", "alex")]
    )
    def test_a_record_out_of_reach_is_not_found(
        self, world: World, persona: str, patient: str
    ) -> None:
        response = assign(world, persona, patient=patient)
        assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})
        assert not ModuleAssignment.objects.exists()

    def test_an_unknown_module(self, world: World) -> None:
        response = assign(world, module="juggling")
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "Unknown module 'juggling'; choose one of: coping, thoughts, nights."},
        )

    def test_a_module_open_already_is_a_conflict(self, world: World) -> None:
        assert assign(world).status_code == 201
        again = assign(world, "avery")
        assert (again.status_code, again.json()) == (
            409,
            {
                "detail": "The module 'Thoughts module' is already assigned to this patient "
                "and not completed yet."
            },
        )
        assert ModuleAssignment.objects.count() == 1

    def test_another_patient_may_have_the_same_module(self, world: World) -> None:
        assert assign(world, "avery").status_code == 201
        assert assign(world, "avery", patient="blair").status_code == 201

    def test_a_completed_module_may_be_assigned_again(self, world: World) -> None:
        assert assign(world).status_code == 201
        ModuleAssignment.objects.update(status="completed")
        assert assign(world).status_code == 201
        assert ModuleAssignment.objects.count() == 2

    def test_an_unknown_field(self, world: World) -> None:
        client = ApiClient(world.lee)
        response = client.post(f"/patients/{world.alex.pk}/modules", {"slug": "thoughts"})
        assert response.status_code == 400
        assert not ModuleAssignment.objects.exists()

    def test_an_assignment_is_audited(self, world: World) -> None:
        assigned = assign(world).json()
        event = AuditEvent.objects.get(action="module.assign")
        assert (event.actor_username, event.patient_id, event.object_id) == (
            "lee",
            world.alex.pk,
            str(assigned["id"]),
        )
        assert event.detail == {"module": "thoughts"}
        assert AuditEvent.objects.filter(action="modules.write", patient_id=world.alex.pk).exists()


class TestReading:
    @pytest.mark.parametrize("persona", ["alex_user", "lee", "kim", "avery", "riverside_admin"])
    def test_whoever_may_see_the_record_reads_it(self, world: World, persona: str) -> None:
        assign(world, module="coping")
        assign(world, module="nights")
        response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/modules")
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        assert [item["module"] for item in body["items"]] == ["nights", "coping"]

    @pytest.mark.parametrize("persona", ["blair_user", "brook", "site_admin"])
    def test_another_record_is_not_found(self, world: World, persona: str) -> None:
        assign(world)
        response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/modules")
        assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})
        missing = ApiClient(getattr(world, persona)).get("/patients/999999/modules")
        assert missing.content == response.content

    def test_it_pages(self, world: World) -> None:
        for slug in ("coping", "thoughts", "nights"):
            assign(world, module=slug)
        client = ApiClient(world.lee)
        body = client.get(f"/patients/{world.alex.pk}/modules", limit=1, offset=1).json()
        assert (body["count"], [i["module"] for i in body["items"]]) == (3, ["thoughts"])

    def test_a_read_is_audited(self, world: World) -> None:
        ApiClient(world.kim).get(f"/patients/{world.alex.pk}/modules")
        event = AuditEvent.objects.get(action="modules.list")
        assert (event.actor_username, event.patient_id) == ("kim", world.alex.pk)

    def test_a_module_file_gone_from_the_site_keeps_its_assignment(
        self, world: World, modules: Path
    ) -> None:
        assign(world)
        (modules / "thoughts.md").unlink()
        item = ApiClient(world.lee).get(f"/patients/{world.alex.pk}/modules").json()["items"][0]
        assert (item["module"], item["title"], item["sections"], item["exercises"]) == (
            "thoughts",
            "thoughts",
            [],
            [],
        )


def test_the_list_reads_a_fixed_number_of_queries(world: World) -> None:
    client = ApiClient(world.lee)
    assign(world, module="coping")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/patients/{world.alex.pk}/modules")
    assign(world, module="thoughts")
    assign(world, module="nights")
    with CaptureQueriesContext(connection) as three:
        client.get(f"/patients/{world.alex.pk}/modules")
    assert len(three) == len(one)
