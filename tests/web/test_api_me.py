"""``GET /api/v1/me``: who the token belongs to."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_it_describes_a_patient_with_their_record(world: World) -> None:
    response = ApiClient(world.alex_user).get("/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": "alex",
        "name": "alex",
        "role": "patient",
        "program": {"id": world.riverside.pk, "name": "Riverside Recovery", "slug": "riverside"},
        "patient_id": world.alex.pk,
    }


def test_it_describes_staff_without_a_record(world: World) -> None:
    world.avery.first_name, world.avery.last_name = "Sam", "Avery"
    world.avery.save()
    body = ApiClient(world.avery).get("/me").json()
    assert body["name"] == "Sam Avery"
    assert (body["role"], body["program"]["slug"], body["patient_id"]) == (
        "prescriber",
        "riverside",
        None,
    )


def test_a_site_admin_has_no_program(world: World) -> None:
    body = ApiClient(world.site_admin).get("/me").json()
    assert (body["role"], body["program"], body["patient_id"]) == ("site_admin", None, None)
