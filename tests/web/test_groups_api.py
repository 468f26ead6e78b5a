"""``/patients/{id}/groups`` and ``/programs/{id}/groups``: support groups through the
API. A patient sees their program's active groups and their own enrolments; the
patient or their care team enrols them; a full group puts them on its waiting list;
another program's groups are not there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.therapy.group_actions import do_record_attendance
from clonacare.therapy.group_models import SupportGroup
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.groups_world import actor_of, start_group

pytestmark = pytest.mark.django_db


def enrol(world: World, who: str, patient_id: int, group_id: int) -> object:
    return ApiClient(getattr(world, who)).post(
        f"/patients/{patient_id}/groups", {"group": group_id}
    )


class TestProgramGroups:
    def test_it_lists_the_groups_with_their_places(self, world: World) -> None:
        group = start_group(world)
        response = ApiClient(world.alex_user).get(f"/programs/{world.riverside.pk}/groups")
        assert response.status_code == 200
        assert response.json() == {
            "items": [
                {
                    "id": group.pk,
                    "name": "Tapering together",
                    "description": "A weekly circle for people reducing a benzodiazepine.",
                    "schedule": "Tuesdays, 6 to 7:30 pm",
                    "weekday": "Tuesday",
                    "starts_at": "18:00:00",
                    "facilitator": "lee",
                    "place": "Room 2, Riverside",
                    "video_link": "",
                    "capacity": 2,
                    "active": True,
                    "enrolled": 0,
                    "waiting": 0,
                    "places_left": 2,
                }
            ],
            "count": 1,
        }

    def test_a_patient_does_not_see_an_inactive_group_but_staff_do(self, world: World) -> None:
        start_group(world)
        closed = start_group(world, name="Evening circle")
        SupportGroup.objects.filter(pk=closed.pk).update(active=False)
        path = f"/programs/{world.riverside.pk}/groups"
        patient_sees = [g["name"] for g in ApiClient(world.alex_user).get(path).json()["items"]]
        kim_sees = [g["name"] for g in ApiClient(world.kim).get(path).json()["items"]]
        assert patient_sees == ["Tapering together"]
        assert sorted(kim_sees) == ["Evening circle", "Tapering together"]

    @pytest.mark.parametrize("persona", ["brook", "casey_user", "site_admin"])
    def test_another_programs_groups_are_not_found(self, world: World, persona: str) -> None:
        start_group(world)
        response = ApiClient(getattr(world, persona)).get(f"/programs/{world.riverside.pk}/groups")
        assert (response.status_code, response.json()) == (404, {"detail": "Program not found."})
        assert AuditEvent.objects.filter(action="groups.list.denied").count() == 1


class TestEnrolling:
    def test_the_patient_enrols_themself(self, world: World) -> None:
        group = start_group(world)
        response = enrol(world, "alex_user", world.alex.pk, group.pk)
        assert response.status_code == 201
        body = response.json()
        assert (body["status"], body["position"], body["group"]["enrolled"]) == (
            "enrolled",
            None,
            1,
        )
        event = AuditEvent.objects.get(action="group.enrol")
        assert (event.patient_id, event.actor_username) == (world.alex.pk, "alex")
        assert event.detail == {"group_id": group.pk, "status": "enrolled", "position": None}

    @pytest.mark.parametrize("persona", ["avery", "kim"])
    def test_the_care_team_enrols_a_patient(self, world: World, persona: str) -> None:
        group = start_group(world)
        assert enrol(world, persona, world.blair.pk, group.pk).status_code == 201

    def test_a_full_group_puts_the_next_on_its_waiting_list_in_order(self, world: World) -> None:
        group = start_group(world, capacity=1)
        enrol(world, "alex_user", world.alex.pk, group.pk)
        response = enrol(world, "blair_user", world.blair.pk, group.pk)
        assert response.status_code == 201
        assert (response.json()["status"], response.json()["position"]) == ("waiting", 1)
        listed = ApiClient(world.blair_user).get(f"/patients/{world.blair.pk}/groups").json()
        assert [(e["status"], e["position"]) for e in listed["items"]] == [("waiting", 1)]

    def test_enrolling_twice_is_a_conflict(self, world: World) -> None:
        group = start_group(world)
        enrol(world, "alex_user", world.alex.pk, group.pk)
        response = enrol(world, "avery", world.alex.pk, group.pk)
        assert (response.status_code, response.json()) == (
            409,
            {"detail": "Alex is already in 'Tapering together' or on its waiting list."},
        )

    def test_a_program_admin_may_not_enrol(self, world: World) -> None:
        group = start_group(world)
        response = enrol(world, "riverside_admin", world.alex.pk, group.pk)
        assert (response.status_code, response.json()) == (
            403,
            {
                "detail": "Only the patient, or a prescriber, nurse or counsellor on their "
                "care team, enrols them in a group or takes them off it."
            },
        )

    def test_a_patient_may_not_enrol_another(self, world: World) -> None:
        group = start_group(world)
        response = enrol(world, "alex_user", world.blair.pk, group.pk)
        assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})

    def test_another_programs_group_is_not_found(self, world: World) -> None:
        group = start_group(world)
        response = enrol(world, "brook", world.casey.pk, group.pk)
        assert (response.status_code, response.json()) == (
            404,
            {"detail": "Support group not found."},
        )

    def test_an_inactive_group_is_not_found_by_a_patient_and_closed_to_staff(
        self, world: World
    ) -> None:
        group = start_group(world)
        SupportGroup.objects.filter(pk=group.pk).update(active=False)
        by_patient = enrol(world, "alex_user", world.alex.pk, group.pk)
        by_nurse = enrol(world, "kim", world.alex.pk, group.pk)
        assert by_patient.status_code == 404
        assert (by_nurse.status_code, by_nurse.json()) == (
            409,
            {"detail": "The group 'Tapering together' is not taking anyone new."},
        )

    def test_a_missing_group_field_names_it(self, world: World) -> None:
        response = ApiClient(world.alex_user).post(f"/patients/{world.alex.pk}/groups", {})
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "missing field 'group'."},
        )


class TestReadingEnrolments:
    def test_the_list_carries_the_patients_attendance(self, world: World) -> None:
        group = start_group(world)
        enrol(world, "alex_user", world.alex.pk, group.pk)
        enrol(world, "blair_user", world.blair.pk, group.pk)
        day = timezone.localdate() - dt.timedelta(days=7)
        do_record_attendance(
            actor_of(world.lee),
            group,
            day=day,
            held=True,
            marks={world.alex.pk: "attended", world.blair.pk: "excused"},
            now=timezone.now(),
        )
        body = ApiClient(world.alex_user).get(f"/patients/{world.alex.pk}/groups").json()
        assert body["count"] == 1
        assert body["items"][0]["attendance"] == [{"date": day.isoformat(), "status": "attended"}]

    @pytest.mark.parametrize("persona", ["brook", "casey_user", "blair_user"])
    def test_someone_elses_enrolments_are_not_found(self, world: World, persona: str) -> None:
        response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}/groups")
        assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})
