"""The portal's support groups page: the patient sees their program's groups, joins one
(or its waiting list when full), sees their place on the list and their attendance,
leaves, and reads the community options marked as information, not a referral."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clonacare.therapy.group_actions import do_record_attendance
from clonacare.therapy.group_models import GroupEnrolment
from tests.personas import World, signed_in
from tests.web.groups_world import actor_of, start_group

pytestmark = pytest.mark.django_db

PAGE = "/portal/groups/"


def test_it_lists_the_groups_and_the_community_options(client: Client, world: World) -> None:
    start_group(world)
    page = signed_in(client, "alex").get(PAGE).content.decode()
    assert "Tapering together" in page
    assert "Tuesdays, 6 to 7:30 pm" in page
    assert "0 of 2 places taken" in page
    assert "Join this group" in page
    assert "This is information, not a referral" in page
    assert "SMART Recovery" in page
    assert "Narcotics Anonymous" in page


def test_it_joins_and_shows_the_waiting_list_place(client: Client, world: World) -> None:
    group = start_group(world, capacity=1)
    signed_in(Client(), "blair").post(PAGE, {"action": "enrol", "group": group.pk})
    response = signed_in(client, "alex").post(PAGE, {"action": "enrol", "group": group.pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The group is full: you are on its waiting list." in page
    assert "You are number 1 on the waiting list." in page


def test_leaving_gives_the_place_to_the_next(client: Client, world: World) -> None:
    group = start_group(world, capacity=1)
    signed_in(client, "alex").post(PAGE, {"action": "enrol", "group": group.pk})
    signed_in(Client(), "blair").post(PAGE, {"action": "enrol", "group": group.pk})
    mine = GroupEnrolment.objects.get(patient=world.alex)
    client.post(PAGE, {"action": "leave", "enrolment": mine.pk})
    statuses = dict(GroupEnrolment.objects.values_list("patient__given_name", "status"))
    assert statuses == {"Alex": "left", "Blair": "enrolled"}


def test_a_refusal_is_shown_with_its_status(client: Client, world: World) -> None:
    group = start_group(world)
    signed_in(client, "alex").post(PAGE, {"action": "enrol", "group": group.pk})
    again = client.post(PAGE, {"action": "enrol", "group": group.pk})
    assert again.status_code == 409
    assert "Alex is already in &#x27;Tapering together&#x27; or on its waiting list." in (
        again.content.decode()
    )


def test_another_patients_enrolment_is_not_found(client: Client, world: World) -> None:
    group = start_group(world)
    signed_in(Client(), "blair").post(PAGE, {"action": "enrol", "group": group.pk})
    blairs = GroupEnrolment.objects.get(patient=world.blair)
    response = signed_in(client, "alex").post(PAGE, {"action": "leave", "enrolment": blairs.pk})
    assert response.status_code == 404
    assert "Group enrolment not found." in response.content.decode()
    assert GroupEnrolment.objects.get(pk=blairs.pk).status == "enrolled"


def test_it_shows_my_attendance(client: Client, world: World) -> None:
    group = start_group(world)
    signed_in(client, "alex").post(PAGE, {"action": "enrol", "group": group.pk})
    day = timezone.localdate() - dt.timedelta(days=2)
    do_record_attendance(
        actor_of(world.lee),
        group,
        day=day,
        held=True,
        marks={world.alex.pk: "attended"},
        now=timezone.now(),
    )
    page = client.get(PAGE).content.decode()
    assert f"{day:%-d %B %Y}, Tapering together: attended" in page


def test_staff_find_no_portal_page(client: Client, world: World) -> None:
    assert signed_in(client, "kim").get(PAGE).status_code == 404


def test_the_page_takes_as_many_queries_for_three_groups_as_for_one(
    client: Client, world: World
) -> None:
    first = start_group(world)
    signed_in(client, "alex").post(PAGE, {"action": "enrol", "group": first.pk})
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    for name in ("Second", "Third"):
        group = start_group(world, name=name)
        client.post(PAGE, {"action": "enrol", "group": group.pk})
    with CaptureQueriesContext(connection) as three:
        client.get(PAGE)
    assert len(three.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize("action", ["", "join", "<script>alert(1)</script>"])
def test_an_action_that_is_neither_join_nor_leave_is_refused(
    client: Client, world: World, action: str
) -> None:
    group = start_group(world)
    response = signed_in(client, "alex").post(PAGE, {"action": action, "group": group.pk})
    assert response.status_code == 400
    assert "Choose to join a group or to leave one." in response.content.decode()
    assert not GroupEnrolment.objects.filter(patient=world.alex).exists()
