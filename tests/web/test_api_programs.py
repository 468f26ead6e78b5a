"""``GET /api/v1/programs``: every program for a site admin, their own for a program's
staff, with the two-factor rule the programs page shows; 403 for patients."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from clonacare.accounts.models import Membership, Program, Role
from clonacare.audit.models import AuditEvent
from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db

NOT_FOR_PATIENTS = {
    "detail": "The programs list is for staff; your own program is in GET /api/v1/me."
}

VISIBLE = {
    "avery": ["riverside"],
    "kim": ["riverside"],
    "lee": ["riverside"],
    "riverside_admin": ["riverside"],
    "brook": ["northgate"],
    "site_admin": ["northgate", "riverside"],  # by name
}


@pytest.mark.parametrize(("persona", "expected"), VISIBLE.items())
def test_each_role_lists_exactly_its_programs(
    world: World, persona: str, expected: list[str]
) -> None:
    response = ApiClient(getattr(world, persona)).get("/programs")
    assert response.status_code == 200
    body = response.json()
    assert [p["slug"] for p in body["items"]] == expected
    assert body["count"] == len(expected)


def test_an_item_has_the_two_factor_rule_and_the_active_staff(world: World) -> None:
    Program.objects.filter(pk=world.riverside.pk).update(require_two_factor=True)
    world.kim.is_active = False
    world.kim.save()
    items = ApiClient(world.site_admin).get("/programs").json()["items"]
    assert items == [
        {
            "id": world.northgate.pk,
            "name": "Northgate Clinic",
            "slug": "northgate",
            "require_two_factor": False,
            "active_staff": 1,
        },
        {
            "id": world.riverside.pk,
            "name": "Riverside Recovery",
            "slug": "riverside",
            "require_two_factor": True,
            "active_staff": 3,  # avery, lee, the admin; not kim, not the patients
        },
    ]


def test_a_program_without_staff_is_listed_for_the_site_admin(world: World) -> None:
    Program.objects.create(name="Aspen House", slug="aspen")
    body = ApiClient(world.site_admin).get("/programs").json()
    first = body["items"][0]
    assert (first["slug"], first["active_staff"], first["require_two_factor"]) == ("aspen", 0, True)


@pytest.mark.parametrize("persona", ["alex_user", "casey_user"])
def test_patients_are_refused_with_a_reason(world: World, persona: str) -> None:
    response = ApiClient(getattr(world, persona)).get("/programs")
    assert (response.status_code, response.json()) == (403, NOT_FOR_PATIENTS)
    assert AuditEvent.objects.filter(action="programs.list.denied").count() == 1


def test_a_site_admin_pages_through_the_programs(world: World) -> None:
    client = ApiClient(world.site_admin)
    body = client.get("/programs", limit=1, offset=1).json()
    assert ([p["slug"] for p in body["items"]], body["count"]) == (["riverside"], 2)


def test_listing_is_audited(world: World) -> None:
    ApiClient(world.brook).get("/programs")
    event = AuditEvent.objects.get(action="programs.list")
    assert (event.actor_username, event.detail, event.program_id) == (
        "brook",
        {"count": 1},
        world.northgate.pk,
    )


def test_the_list_does_not_query_per_program(
    world: World, django_assert_max_num_queries: object
) -> None:
    for n in range(20):
        program = Program.objects.create(name=f"Program {n}", slug=f"program-{n}")
        user = User.objects.create(username=f"admin{n}")
        Membership.objects.create(user=user, program=program, role=Role.PROGRAM_ADMIN)
    client = ApiClient(world.site_admin)
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        body = client.get("/programs", limit=100).json()
    assert body["count"] == 22
