"""Who sees a support group's roster (the names of its members, its waiting list, the
names on its registers): the facilitator and the program's admin see everyone; a
prescriber, nurse or counsellor of the program sees only the patients on their own care
team, and is told how many they do not see; only the facilitator and the admin take
the register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.therapy.group_actions import do_create_group, do_enrol, do_record_attendance
from clonacare.therapy.group_models import SupportGroup
from tests.personas import World, signed_in
from tests.web.groups_world import actor_of, drew

pytestmark = pytest.mark.django_db


def avery_group(world: World) -> SupportGroup:
    """A group facilitated by avery, with two places: alex and drew in it (drew is on
    avery's care team only), blair waiting; last week's session attended by both."""
    now = timezone.now()
    group = do_create_group(
        actor_of(world.riverside_admin),
        world.riverside.pk,
        name="Evening circle",
        schedule="Mondays at 7 pm",
        weekday=0,
        starts_at=dt.time(19, 0),
        facilitator="avery",
        video_link="https://meet.example/circle",
        capacity=2,
        now=now,
    )
    third = drew(world)
    do_enrol(actor_of(world.alex_user), world.alex, group, now=now)
    do_enrol(actor_of(world.avery), third, group, now=now)
    do_enrol(actor_of(world.blair_user), world.blair, group, now=now)
    do_record_attendance(
        actor_of(world.avery),
        group,
        day=timezone.localdate() - dt.timedelta(days=7),
        held=True,
        marks={world.alex.pk: "attended", third.pk: "absent"},
        now=now,
    )
    return group


def part(page: str, start: str, end: str) -> str:
    return page.split(start)[1].split(end)[0]


def roster(client: Client, group: SupportGroup) -> dict[str, str]:
    page = client.get(f"/clinic/groups/{group.pk}/").content.decode()
    return {
        "members": part(page, 'id="members-title"', "</section>"),
        "waiting": part(page, 'id="waiting-title"', "</section>"),
        "sessions": part(page, 'id="sessions-title"', "</section>"),
        "page": page,
    }


@pytest.mark.parametrize("who", ["avery", "riverside_admin"])
def test_the_facilitator_and_the_admin_see_everyone(client: Client, world: World, who: str) -> None:
    group = avery_group(world)
    seen = roster(signed_in(client, who), group)
    assert "Alex Morgan" in seen["members"]
    assert "Drew Nakamura" in seen["members"]
    assert "Blair Okafor" in seen["waiting"]
    assert "Drew Nakamura: absent" in seen["sessions"]
    assert 'id="roster-note"' not in seen["page"]
    assert 'id="register-title"' in seen["page"]


def test_a_nurse_sees_only_her_own_patients(client: Client, world: World) -> None:
    group = avery_group(world)
    seen = roster(signed_in(client, "kim"), group)
    assert "Alex Morgan" in seen["members"]
    assert "Drew" not in seen["page"]
    assert "Blair Okafor" in seen["waiting"]
    assert "Alex Morgan: attended" in seen["sessions"]
    assert (
        "You see the members of this group who are on your own care team; the facilitator "
        "and the program's admin see everyone. Not shown: 1 member and 0 on the waiting list."
    ) in seen["page"]
    assert "2 of 2 places taken" in seen["page"]
    assert 'id="register-title"' not in seen["page"]


def test_a_counsellor_sees_only_the_patients_on_their_care_team(
    client: Client, world: World
) -> None:
    group = avery_group(world)
    seen = roster(signed_in(client, "lee"), group)
    assert "Alex Morgan" in seen["members"]
    assert "No one you can see is waiting." in seen["waiting"]
    assert "Blair" not in seen["page"]
    assert "Drew" not in seen["page"]
    assert "Not shown: 1 member and 1 on the waiting list." in seen["page"]


def test_a_register_posted_by_staff_who_do_not_run_the_group_is_refused(
    client: Client, world: World
) -> None:
    group = avery_group(world)
    response = signed_in(client, "kim").post(
        f"/clinic/groups/{group.pk}/",
        {"date": timezone.localdate().isoformat(), "held": "no"},
    )
    assert response.status_code == 403
    assert (
        "Only the group&#x27;s facilitator or the program&#x27;s admin takes the register of "
        "a session."
    ) in response.content.decode()
