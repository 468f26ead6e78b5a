"""Editing a support group from its clinic page: the facilitator or the program's admin
changes its schedule, facilitator, place or video link, capacity and description; more
places go at once to the waiting list, first in line first; fewer places than members
is refused; audited; anyone else refused with a clear message, and nothing written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.therapy.group_actions import do_close_group, do_enrol
from clonacare.therapy.group_models import GroupEnrolment, SupportGroup
from tests.personas import World, signed_in
from tests.web.groups_world import actor_of, drew, start_group

pytestmark = pytest.mark.django_db

FORM = {
    "schedule": "Tuesdays, 6 to 7:30 pm",
    "weekday": "1",
    "starts_at": "18:00",
    "facilitator": "lee",
    "place": "Room 2, Riverside",
    "video_link": "",
    "capacity": "1",
    "description": "A weekly circle for people reducing a benzodiazepine.",
}


def edit(client: Client, group: SupportGroup, **changes: str) -> tuple[int, str]:
    response = client.post(f"/clinic/groups/{group.pk}/edit/", FORM | changes)
    return response.status_code, response.content.decode()


def full_group(world: World) -> SupportGroup:
    """One place: alex in it, then blair and drew on the waiting list, in that order."""
    group = start_group(world, capacity=1)
    now = timezone.now()
    do_enrol(actor_of(world.alex_user), world.alex, group, now=now)
    do_enrol(actor_of(world.blair_user), world.blair, group, now=now)
    do_enrol(actor_of(world.avery), drew(world), group, now=now)
    return group


def places(group: SupportGroup) -> list[tuple[str, str, int | None]]:
    return list(
        GroupEnrolment.objects.filter(group=group)
        .order_by("patient__given_name")
        .values_list("patient__given_name", "status", "position")
    )


def test_the_facilitator_moves_the_group_online_and_hands_it_over(
    client: Client, world: World
) -> None:
    group = start_group(world, capacity=1)
    status, _ = edit(
        signed_in(client, "lee"),
        group,
        schedule="Wednesdays, 7 to 8 pm",
        weekday="2",
        starts_at="19:00",
        place="",
        video_link="https://meet.example/tapering",
        facilitator="riverside_admin",
    )
    assert status == 302
    group.refresh_from_db()
    assert (group.schedule, group.weekday, group.place, group.video_link) == (
        "Wednesdays, 7 to 8 pm",
        2,
        "",
        "https://meet.example/tapering",
    )
    assert group.facilitator == world.riverside_admin
    event = AuditEvent.objects.get(action="group.edit")
    assert event.detail == {
        "changed": ["facilitator", "place", "schedule", "starts_at", "video_link", "weekday"],
        "capacity": 1,
        "facilitator": "riverside_admin",
    }
    page = client.get(f"/clinic/groups/{group.pk}/?edited=1").content.decode()
    assert "The group is updated." in page
    # Handed over: lee no longer runs the group.
    assert edit(client, group, capacity="3")[0] == 403


def test_more_places_go_to_the_waiting_list_in_order(client: Client, world: World) -> None:
    group = full_group(world)
    assert edit(signed_in(client, "riverside_admin"), group, capacity="2")[0] == 302
    assert places(group) == [
        ("Alex", "enrolled", None),
        ("Blair", "enrolled", None),
        ("Drew", "waiting", 1),
    ]
    given = AuditEvent.objects.get(action="group.place-given")
    assert (given.patient_id, given.detail) == (
        world.blair.pk,
        {"group_id": group.pk, "after": "capacity"},
    )
    assert edit(client, group, capacity="5")[0] == 302
    assert [status for _, status, _ in places(group)] == ["enrolled"] * 3


def test_fewer_places_than_members_is_refused(client: Client, world: World) -> None:
    group = full_group(world)
    signed_in(client, "riverside_admin")
    assert edit(client, group, capacity="2")[0] == 302
    status, html = edit(client, group, capacity="1", schedule="Mondays")
    assert status == 400
    assert (
        '<p class="form-error" role="alert" id="manage-error">The group has 2 members; its '
        "capacity cannot be fewer than that, as no one loses a place.</p>"
    ) in html
    group.refresh_from_db()
    assert (group.capacity, group.schedule) == (2, "Tuesdays, 6 to 7:30 pm")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "Nothing was changed in the group."),
        ({"place": "", "video_link": ""}, "Give the group a place to meet or a video link."),
        (
            {"video_link": "http://meet.example/x"},
            "The video link must be a web address starting with https://.",
        ),
        ({"capacity": "0"}, "The capacity is 1 to 100 places; got 0."),
        ({"capacity": "many"}, "The capacity is a whole number."),
        ({"starts_at": "6pm"}, "Give the start time as hours and minutes, like 18:00."),
        (
            {"facilitator": "brook"},
            "The facilitator &#x27;brook&#x27; is not a staff member of this program.",
        ),
        ({"schedule": " "}, "Write the group&#x27;s schedule."),
    ],
)
def test_a_wrong_edit_is_refused_and_nothing_changes(
    client: Client, world: World, changes: dict[str, str], message: str
) -> None:
    group = start_group(world, capacity=1)
    status, html = edit(signed_in(client, "lee"), group, **changes)
    assert status == 400
    assert f'id="manage-error">{message}</p>' in html
    assert not AuditEvent.objects.filter(action="group.edit").exists()


def test_only_the_facilitator_or_the_admin_edits(client: Client, world: World) -> None:
    group = start_group(world, capacity=1)
    for who in ("kim", "avery"):
        status, html = edit(signed_in(client, who), group, capacity="4")
        assert status == 403
        assert (
            '<p class="form-error" role="alert" id="manage-error">Only the group&#x27;s '
            "facilitator or the program&#x27;s admin edits or closes it.</p>"
        ) in html
        assert 'id="edit-title"' not in client.get(f"/clinic/groups/{group.pk}/").content.decode()
    assert edit(signed_in(client, "brook"), group, capacity="4")[0] == 404
    group.refresh_from_db()
    assert group.capacity == 1


def test_a_closed_group_is_not_edited(client: Client, world: World) -> None:
    group = start_group(world, capacity=1)
    do_close_group(actor_of(world.lee), group, reason="The room is gone.", now=timezone.now())
    status, html = edit(signed_in(client, "lee"), group, capacity="4")
    assert status == 409
    assert "The group &#x27;Tapering together&#x27; has closed; it cannot change." in html
