"""The clinic's support group pages: the program's groups, starting one (admin and
counsellors), and a group's page with members, waiting list, sessions and the register,
which the facilitator or the program's admin takes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clonacare.therapy.group_actions import do_enrol
from clonacare.therapy.group_models import Attendance, GroupSession, SupportGroup
from tests.personas import World, signed_in
from tests.web.groups_world import actor_of, start_group

pytestmark = pytest.mark.django_db

LIST = "/clinic/groups/"
FORM = {
    "name": "Morning check-in circle",
    "schedule": "Mondays at 9 am",
    "weekday": "0",
    "starts_at": "09:00",
    "facilitator": "kim",
    "place": "",
    "video_link": "https://video.example.org/circle",
    "capacity": "10",
    "description": "",
}


def test_a_counsellor_starts_a_group(client: Client, world: World) -> None:
    response = signed_in(client, "lee").post(LIST, FORM)
    group = SupportGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/clinic/groups/{group.pk}/"
    assert (group.facilitator.username, group.capacity, group.weekday) == ("kim", 10, 0)


def test_a_refused_form_comes_back_with_the_message(client: Client, world: World) -> None:
    response = signed_in(client, "riverside_admin").post(
        LIST, FORM | {"video_link": "http://video.example.org/circle"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The video link must be a web address starting with https://." in page
    assert 'value="Morning check-in circle"' in page
    assert not SupportGroup.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": "many"}, "The capacity is a whole number."),
        ({"starts_at": "evening"}, "Give the start time as hours and minutes, like 18:00."),
    ],
)
def test_the_form_explains_what_it_cannot_read(
    client: Client, world: World, changes: dict[str, str], message: str
) -> None:
    response = signed_in(client, "lee").post(LIST, FORM | changes)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_nurse_sees_the_groups_but_not_the_form_and_is_refused(
    client: Client, world: World
) -> None:
    start_group(world)
    page = signed_in(client, "kim").get(LIST).content.decode()
    assert "Tapering together" in page
    assert "Start a group" not in page
    refused = client.post(LIST, FORM)
    assert refused.status_code == 403
    assert "Only the program&#x27;s admin or one of its counsellors starts a support group." in (
        refused.content.decode()
    )


def test_another_programs_group_is_not_found(client: Client, world: World) -> None:
    group = start_group(world)
    assert signed_in(client, "brook").get(f"/clinic/groups/{group.pk}/").status_code == 404
    assert "Tapering together" not in client.get(LIST).content.decode()


def test_the_group_page_shows_members_and_the_waiting_list(client: Client, world: World) -> None:
    group = start_group(world, capacity=1)
    do_enrol(actor_of(world.alex_user), world.alex, group, now=timezone.now())
    do_enrol(actor_of(world.blair_user), world.blair, group, now=timezone.now())
    page = signed_in(client, "avery").get(f"/clinic/groups/{group.pk}/").content.decode()
    members = page.split('id="members-title"')[1].split('id="waiting-title"')[0]
    waiting = page.split('id="waiting-title"')[1].split("</section>")[0]
    assert "Alex Morgan" in members
    assert "Blair Okafor" in waiting


def test_the_facilitator_records_a_session(client: Client, world: World) -> None:
    group = start_group(world)
    do_enrol(actor_of(world.alex_user), world.alex, group, now=timezone.now())
    do_enrol(actor_of(world.blair_user), world.blair, group, now=timezone.now())
    day = timezone.localdate() - dt.timedelta(days=1)
    response = signed_in(client, "lee").post(
        f"/clinic/groups/{group.pk}/",
        {
            "date": day.isoformat(),
            "held": "yes",
            f"mark-{world.alex.pk}": "attended",
            f"mark-{world.blair.pk}": "excused",
        },
    )
    assert response.status_code == 302
    session = GroupSession.objects.get()
    assert (session.date, session.status) == (day, "held")
    assert dict(Attendance.objects.values_list("patient__given_name", "status")) == {
        "Alex": "attended",
        "Blair": "excused",
    }
    page = client.get(response["Location"]).content.decode()
    assert "Alex Morgan: attended" in page


def test_a_cancelled_session_ignores_the_marks(client: Client, world: World) -> None:
    group = start_group(world)
    do_enrol(actor_of(world.alex_user), world.alex, group, now=timezone.now())
    signed_in(client, "riverside_admin").post(
        f"/clinic/groups/{group.pk}/",
        {"date": timezone.localdate().isoformat(), "held": "no", f"mark-{world.alex.pk}": "absent"},
    )
    assert GroupSession.objects.get().status == "cancelled"
    assert not Attendance.objects.exists()


def test_a_date_in_the_future_is_refused_on_the_page(client: Client, world: World) -> None:
    group = start_group(world)
    day = timezone.localdate() + dt.timedelta(days=3)
    response = signed_in(client, "lee").post(
        f"/clinic/groups/{group.pk}/", {"date": day.isoformat(), "held": "no"}
    )
    assert response.status_code == 400
    assert f"The session&#x27;s date {day.isoformat()} is in the future; record it after." in (
        response.content.decode()
    )


def test_the_list_takes_as_many_queries_for_three_groups_as_for_one(
    client: Client, world: World
) -> None:
    start_group(world)
    signed_in(client, "lee")
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    start_group(world, name="Second")
    start_group(world, name="Third")
    with CaptureQueriesContext(connection) as three:
        client.get(LIST)
    assert len(three.captured_queries) == len(one.captured_queries)
