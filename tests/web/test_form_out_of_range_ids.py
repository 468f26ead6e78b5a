"""An id no record can have (beyond a signed 64-bit integer, zero or negative) sent in a
form that picks a clinician is refused on the form like any unknown choice, and nothing
is written (issue 14: SQLite answered 500, OverflowError, for 2**63)."""

from __future__ import annotations

import pytest
from django.test import Client

from clonacare.patients.models import CareTeamMember, Patient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = [str(2**63), str(10**30), "0", "-1"]


def registration(care_team: str) -> dict[str, str]:
    return {
        "given_name": "Dana",
        "family_name": "Reyes",
        "date_of_birth": "1975-06-30",
        "status": "assessment",
        "care_team": care_team,
    }


@pytest.mark.parametrize("bad_id", OUT_OF_RANGE)
def test_it_refuses_an_out_of_range_id_in_the_registration_form(
    client: Client, world: World, bad_id: str
) -> None:
    patients = Patient.objects.count()
    response = signed_in(client, "avery").post("/clinic/patients/new/", registration(bad_id))
    assert response.status_code == 400
    assert (
        f"Select a valid choice. {bad_id} is not one of the available choices."
        in response.content.decode()
    )
    assert Patient.objects.count() == patients


def test_the_largest_id_a_database_holds_is_only_not_found(client: Client, world: World) -> None:
    largest = str(2**63 - 1)
    response = signed_in(client, "avery").post("/clinic/patients/new/", registration(largest))
    assert response.status_code == 400
    assert f"Select a valid choice. {largest} is not one of the available choices." in (
        response.content.decode()
    )


@pytest.mark.parametrize("bad_id", OUT_OF_RANGE)
def test_it_refuses_an_out_of_range_id_when_adding_to_the_care_team(
    client: Client, world: World, bad_id: str
) -> None:
    members = CareTeamMember.objects.count()
    response = signed_in(client, "riverside_admin").post(
        f"/clinic/patients/{world.alex.pk}/care-team/", {"user": bad_id}
    )
    assert response.status_code == 400
    assert (
        "Select a valid choice. That choice is not one of the available choices."
        in response.content.decode()
    )
    assert CareTeamMember.objects.count() == members
