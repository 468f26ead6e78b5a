"""Who records a dose change, one test per line of the rule (patients/access.py
``may_record_dose_change``, ``may_order_dose_change``), through the API and the page: a
prescriber on the care team orders one; a nurse on it records only a prescriber's order;
counsellors, admins, patients and prescribers off the care team record none; a nurse's
order naming a prescriber not on the care team is refused with the same message on the
page and in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from clonacare.patients.models import CareTeamMember, DoseChange
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

YESTERDAY = (timezone.now().date() - dt.timedelta(days=1)).isoformat()
NOT_ALLOWED = (
    "Only a prescriber on the patient's care team records a dose change; a nurse on the "
    "care team may record a prescriber's verbal or telephone order."
)
NURSE_NEEDS_ORDER = (
    "A nurse records a dose change only as a verbal or telephone order: name the prescriber "
    "on the patient's care team who gave it."
)


def not_on_team(user: User) -> str:
    return (
        f"No prescriber on this patient's care team has the id {user.pk}; a verbal or "
        "telephone order names the prescriber who gave it."
    )


def api(world: World, user: User, **more: Any) -> tuple[int, Any]:
    body = {"drug": "clonazepam", "doses": {"morning_mg": 0.5, "night_mg": 0.75}} | more
    response = ApiClient(user).post(
        f"/patients/{world.alex.pk}/benzodiazepine-changes", body | {"on": YESTERDAY}
    )
    return response.status_code, response.json()


def page(client: Client, world: World, user: User, **more: str) -> Any:
    signed_in(client, user)
    form = {"drug": "clonazepam", "morning_mg": "0.5", "night_mg": "0.75", "on": YESTERDAY}
    return client.post(f"/clinic/patients/{world.alex.pk}/benzodiazepine/", form | more)


def test_a_prescriber_on_the_care_team_orders_a_dose_change_in_the_api(world: World) -> None:
    status, body = api(world, world.avery)
    assert (status, body["dose_changes"][0]["status"]) == (201, "signed")


def test_a_prescriber_on_the_care_team_orders_a_dose_change_on_the_page(
    client: Client, world: World
) -> None:
    assert page(client, world, world.avery).status_code == 302
    assert DoseChange.objects.get().order == "prescriber"


def test_a_nurse_on_the_care_team_records_only_an_order(client: Client, world: World) -> None:
    assert api(world, world.kim) == (400, {"detail": NURSE_NEEDS_ORDER})
    order = {"prescriber_id": world.avery.pk, "kind": "verbal", "read_back": True}
    status, body = api(world, world.kim, verbal_order=order)
    assert (status, body["dose_changes"][0]["status"]) == (201, "pending-co-signature")


@pytest.mark.parametrize("persona", ["lee", "riverside_admin"])
def test_counsellors_and_admins_record_no_dose_change(
    client: Client, world: World, persona: str
) -> None:
    user = getattr(world, persona)
    assert api(world, user) == (403, {"detail": NOT_ALLOWED})
    assert page(client, world, user).status_code == 404
    assert not DoseChange.objects.exists()


def test_a_patient_records_no_dose_change(client: Client, world: World) -> None:
    assert api(world, world.alex_user) == (403, {"detail": NOT_ALLOWED})
    assert page(client, world, world.alex_user).status_code == 404
    assert not DoseChange.objects.exists()


def test_a_prescriber_taken_off_the_care_team_records_none(client: Client, world: World) -> None:
    world.alex.care_team.filter(user=world.avery).delete()
    # Off the care team the patient is not theirs to see: not found, as for any record.
    assert api(world, world.avery) == (404, {"detail": "Patient not found."})
    assert page(client, world, world.avery).status_code == 404
    assert not DoseChange.objects.exists()


def test_a_prescriber_of_another_program_records_none(client: Client, world: World) -> None:
    CareTeamMember.objects.create(patient=world.alex, user=world.brook)
    assert api(world, world.brook) == (404, {"detail": "Patient not found."})
    assert page(client, world, world.brook).status_code == 404
    assert not DoseChange.objects.exists()


class TestAPrescriberNotOnTheCareTeam:
    """A nurse's order naming a prescriber who is not on the patient's care team."""

    def test_the_api_refuses_it(self, world: World) -> None:
        world.alex.care_team.filter(user=world.avery).delete()
        order = {"prescriber_id": world.avery.pk, "kind": "telephone", "read_back": True}
        assert api(world, world.kim, verbal_order=order) == (
            400,
            {"detail": not_on_team(world.avery)},
        )
        assert not DoseChange.objects.exists()

    def test_the_page_refuses_it_with_the_same_message(self, client: Client, world: World) -> None:
        world.alex.care_team.filter(user=world.avery).delete()
        response = page(
            client,
            world,
            world.kim,
            ordered_by=str(world.avery.pk),
            order_kind="telephone",
            read_back="on",
        )
        assert response.status_code == 400
        assert response.context["form"].errors["ordered_by"] == [not_on_team(world.avery)]
        assert not DoseChange.objects.exists()
