"""``GET /api/v1/staff``: the active staff of the caller's program (a site admin: of every
program), with the user ids ``POST /patients/{id}/care-team`` takes; 403 for patients."""

from __future__ import annotations

import typing

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from clonacare.accounts.models import CARE_TEAM_ROLES, STAFF_ACCOUNT_ROLES, Membership, Role
from clonacare.api.endpoints.staff import StaffRole
from clonacare.audit.models import AuditEvent
from clonacare.clinic.record_forms import clinicians_of
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

RIVERSIDE_STAFF = ["avery", "kim", "lee", "riverside_admin"]
NOT_FOR_PATIENTS = {
    "detail": "The staff list is for the program's staff; your care team is in your record "
    "(GET /api/v1/patients/{id})."
}
PROGRAM_NOT_FOUND = {"detail": "Program not found."}
MISSING_ID = 999_999

VISIBLE = {
    "avery": RIVERSIDE_STAFF,
    "kim": RIVERSIDE_STAFF,
    "lee": RIVERSIDE_STAFF,
    "riverside_admin": RIVERSIDE_STAFF,
    "brook": ["brook"],
    "site_admin": ["avery", "brook", "kim", "lee", "riverside_admin"],
}


def usernames(body: dict[str, typing.Any]) -> list[str]:
    return [item["username"] for item in body["items"]]


@pytest.mark.parametrize(("persona", "expected"), VISIBLE.items())
def test_each_role_lists_exactly_its_staff(world: World, persona: str, expected: list[str]) -> None:
    response = ApiClient(getattr(world, persona)).get("/staff")
    assert response.status_code == 200
    body = response.json()
    assert usernames(body) == expected
    assert body["count"] == len(expected)


def test_an_item_names_the_person_their_role_and_program(world: World) -> None:
    world.lee.first_name, world.lee.last_name = "Lee", "Chen"
    world.lee.save()
    items = ApiClient(world.avery).get("/staff").json()["items"]
    riverside = {"id": world.riverside.pk, "name": "Riverside Recovery", "slug": "riverside"}
    assert items[0] == {
        "id": world.avery.pk,
        "username": "avery",
        "name": "avery",  # no name set: the username
        "role": "prescriber",
        "program": riverside,
    }
    assert {i["username"]: (i["name"], i["role"]) for i in items} == {
        "avery": ("avery", "prescriber"),
        "kim": ("kim", "nurse"),
        "lee": ("Lee Chen", "counsellor"),
        "riverside_admin": ("riverside_admin", "program_admin"),
    }


def test_it_lists_by_name(world: World) -> None:
    for user, (first, last) in (
        (world.avery, ("Sam", "Zane")),
        (world.kim, ("Kim", "Adams")),
        (world.lee, ("Lee", "Adams")),
    ):
        user.first_name, user.last_name = first, last
        user.save()
    body = ApiClient(world.riverside_admin).get("/staff").json()
    assert usernames(body) == ["riverside_admin", "kim", "lee", "avery"]


def test_deactivated_staff_patients_and_site_admins_are_not_listed(world: World) -> None:
    world.kim.is_active = False
    world.kim.save()
    body = ApiClient(world.site_admin).get("/staff").json()
    assert usernames(body) == ["avery", "brook", "lee", "riverside_admin"]
    assert not {"kim", "alex", "blair", "casey", "site_admin"} & set(usernames(body))


@pytest.mark.parametrize("persona", ["alex_user", "blair_user", "casey_user"])
def test_patients_are_refused_with_a_reason(world: World, persona: str) -> None:
    response = ApiClient(getattr(world, persona)).get("/staff")
    assert (response.status_code, response.json()) == (403, NOT_FOR_PATIENTS)
    event = AuditEvent.objects.get(action="staff.list.denied")
    assert event.actor_username == getattr(world, persona).username


class TestProgramFilter:
    def test_a_site_admin_lists_one_program(self, world: World) -> None:
        client = ApiClient(world.site_admin)
        assert usernames(client.get("/staff", program=world.northgate.pk).json()) == ["brook"]
        assert usernames(client.get("/staff", program=world.riverside.pk).json()) == (
            RIVERSIDE_STAFF
        )

    def test_a_site_admin_is_told_of_a_missing_program(self, world: World) -> None:
        response = ApiClient(world.site_admin).get("/staff", program=MISSING_ID)
        assert (response.status_code, response.json()) == (404, PROGRAM_NOT_FOUND)

    def test_staff_may_name_their_own_program(self, world: World) -> None:
        body = ApiClient(world.kim).get("/staff", program=world.riverside.pk).json()
        assert usernames(body) == RIVERSIDE_STAFF

    @pytest.mark.parametrize(("persona", "other"), [("avery", "northgate"), ("brook", "riverside")])
    def test_another_program_answers_like_a_missing_one(
        self, world: World, persona: str, other: str
    ) -> None:
        client = ApiClient(getattr(world, persona))
        missing = client.get("/staff", program=MISSING_ID)
        forbidden = client.get("/staff", program=getattr(world, other).pk)
        assert (forbidden.status_code, forbidden.json()) == (404, PROGRAM_NOT_FOUND)
        assert forbidden.content == missing.content
        denied = AuditEvent.objects.filter(action="staff.list.denied", actor_username=persona)
        assert [e.detail for e in denied.order_by("id")] == [
            {"program": MISSING_ID},
            {"program": getattr(world, other).pk},
        ]

    def test_a_program_that_is_not_a_number_is_named(self, world: World) -> None:
        response = ApiClient(world.site_admin).get("/staff", program="north")
        assert response.status_code == 400
        assert response.json() == {
            "detail": "field 'program' must be a valid integer, unable to parse string as an "
            "integer."
        }


class TestRoleFilter:
    def test_it_lists_one_role(self, world: World) -> None:
        client = ApiClient(world.riverside_admin)
        assert usernames(client.get("/staff", role="nurse").json()) == ["kim"]
        assert usernames(client.get("/staff", role="program_admin").json()) == ["riverside_admin"]

    @pytest.mark.parametrize("role", ["patient", "site_admin", "doctor"])
    def test_a_role_that_is_not_a_staff_role_is_named(self, world: World, role: str) -> None:
        response = ApiClient(world.riverside_admin).get("/staff", role=role)
        assert (response.status_code, response.json()) == (
            400,
            {
                "detail": "field 'role' must be 'prescriber', 'nurse', 'counsellor' or "
                "'program_admin'."
            },
        )

    def test_the_roles_are_the_staff_account_roles(self) -> None:
        assert set(typing.get_args(StaffRole)) == {str(r) for r in STAFF_ACCOUNT_ROLES}


class TestTheCareTeam:
    def test_the_clinicians_are_the_care_team_pages_candidates(self, world: World) -> None:
        extra = User.objects.create(username="zoe", is_active=False)
        Membership.objects.create(user=extra, program=world.riverside, role=Role.NURSE)
        items = ApiClient(world.riverside_admin).get("/staff").json()["items"]
        clinicians = [i["id"] for i in items if i["role"] in CARE_TEAM_ROLES]
        assert clinicians == [u.pk for u in clinicians_of(world.riverside.pk)]

    def test_an_admin_puts_a_listed_clinician_on_the_care_team(self, world: World) -> None:
        client = ApiClient(world.riverside_admin)
        (lee,) = client.get("/staff", role="counsellor").json()["items"]
        response = client.post(f"/patients/{world.blair.pk}/care-team", {"user_id": lee["id"]})
        assert response.status_code == 201
        assert "lee" in [m["username"] for m in response.json()["care_team"]]


def test_it_pages_with_limit_and_offset(world: World) -> None:
    client = ApiClient(world.avery)
    body = client.get("/staff", limit=2, offset=1).json()
    assert (usernames(body), body["count"]) == (["kim", "lee"], 4)


def test_listing_is_audited(world: World) -> None:
    ApiClient(world.site_admin).get("/staff", program=world.riverside.pk, role="nurse")
    event = AuditEvent.objects.get(action="staff.list")
    assert (event.actor_username, event.actor_role) == ("site_admin", "site_admin")
    assert event.detail == {"count": 1, "program": world.riverside.pk, "role": "nurse"}


def test_the_list_does_not_query_per_person(
    world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(20):
        user = User.objects.create(username=f"nurse{n}")
        Membership.objects.create(user=user, program=world.riverside, role=Role.NURSE)
    client = ApiClient(world.site_admin)
    with django_assert_max_num_queries(5):
        body = client.get("/staff", limit=100).json()
    assert body["count"] == 25


def test_staff_and_programs_are_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    staff = paths["/api/v1/staff"]["get"]
    assert set(staff["responses"]) == {"200", "400", "401", "403", "404"}
    assert [p["name"] for p in staff["parameters"]] == ["limit", "offset", "program", "role"]
    assert staff["security"] == [{"BearerToken": []}]
    programs = paths["/api/v1/programs"]["get"]
    assert set(programs["responses"]) == {"200", "400", "401", "403"}
