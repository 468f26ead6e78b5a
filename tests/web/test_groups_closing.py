"""Closing a support group: the facilitator or the program's admin closes it with a
reason; it takes no one new and leaves the patients' list; its members and waiting list
are told on their portal page; its enrolments, sessions and attendance are kept;
audited; closing twice, without a reason, or by anyone else is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.therapy.group_actions import do_close_group, do_enrol, do_record_attendance
from clonacare.therapy.group_models import GroupEnrolment, GroupSession, SupportGroup
from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.web.groups_world import actor_of, start_group

pytestmark = pytest.mark.django_db

REASON = "The facilitator is leaving; the Thursday group has places."


def close(client: Client, group: SupportGroup, reason: str = REASON) -> tuple[int, str]:
    response = client.post(f"/clinic/groups/{group.pk}/close/", {"reason": reason})
    return response.status_code, response.content.decode()


def group_with_history(world: World) -> SupportGroup:
    """One place: alex a member who came last week, blair waiting."""
    group = start_group(world, capacity=1)
    now = timezone.now()
    do_enrol(actor_of(world.alex_user), world.alex, group, now=now)
    do_enrol(actor_of(world.blair_user), world.blair, group, now=now)
    do_record_attendance(
        actor_of(world.lee),
        group,
        day=timezone.localdate() - dt.timedelta(days=7),
        held=True,
        marks={world.alex.pk: "attended"},
        now=now,
    )
    return group


def test_the_admin_closes_a_group_and_its_history_is_kept(client: Client, world: World) -> None:
    group = group_with_history(world)
    assert close(signed_in(client, "riverside_admin"), group)[0] == 302
    group.refresh_from_db()
    assert (group.active, group.closed_by, group.closed_reason) == (
        False,
        world.riverside_admin,
        REASON,
    )
    assert sorted(GroupEnrolment.objects.values_list("status", flat=True)) == [
        "enrolled",
        "waiting",
    ]
    assert GroupSession.objects.count() == 1
    event = AuditEvent.objects.get(action="group.close")
    assert event.detail == {"reason": REASON, "members": 1, "waiting": 1}
    page = client.get(f"/clinic/groups/{group.pk}/").content.decode()
    assert f"Closed on {timezone.localdate():%-d %B %Y} by riverside_admin: {REASON}" in page
    assert "Alex Morgan: attended" in page
    assert 'id="edit-title"' not in page
    assert 'id="register-title"' not in page


def test_members_and_the_waiting_list_are_told_on_their_portal_page(
    client: Client, world: World
) -> None:
    group = group_with_history(world)
    close(signed_in(client, "lee"), group)
    closed_on = f"{timezone.localdate():%-d %B %Y}"
    alex = signed_in(client, world.alex_user).get("/portal/groups/").content.decode()
    assert (
        f"The group Tapering together, which you were a member of, closed on {closed_on}: "
        f"{REASON} Your care team can help you find another group."
    ) in alex
    assert "Leave this group" not in alex
    assert "Tapering together: attended" in alex
    blair = signed_in(client, world.blair_user).get("/portal/groups/").content.decode()
    assert "whose waiting list you were on, closed on" in blair


def test_a_closed_group_takes_no_one_new(world: World) -> None:
    group = start_group(world, capacity=3)
    do_close_group(actor_of(world.lee), group, reason=REASON, now=timezone.now())
    response = ApiClient(world.kim).post(f"/patients/{world.alex.pk}/groups", {"group": group.pk})
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "The group 'Tapering together' is not taking anyone new."},
    )
    listed = ApiClient(world.alex_user).get(f"/programs/{world.riverside.pk}/groups").json()
    assert [g["name"] for g in listed["items"]] == []


@pytest.mark.parametrize(
    ("reason", "status", "message"),
    [
        ("  ", 400, "Say why the group is closing; its members and waiting list read it."),
        ("x" * 401, 400, "The reason is at most 400 characters; got 401."),
    ],
)
def test_a_close_without_a_proper_reason_is_refused(
    client: Client, world: World, reason: str, status: int, message: str
) -> None:
    group = start_group(world)
    got, html = close(signed_in(client, "lee"), group, reason)
    assert got == status
    assert f'id="manage-error">{message}</p>' in html
    group.refresh_from_db()
    assert group.active is True
    assert not AuditEvent.objects.filter(action="group.close").exists()


def test_closing_twice_is_refused(client: Client, world: World) -> None:
    group = start_group(world)
    signed_in(client, "lee")
    assert close(client, group)[0] == 302
    status, html = close(client, group, "Again.")
    assert status == 409
    assert "The group &#x27;Tapering together&#x27; has closed already." in html
    assert AuditEvent.objects.filter(action="group.close").count() == 1


def test_only_the_facilitator_or_the_admin_closes(client: Client, world: World) -> None:
    group = start_group(world)
    status, html = close(signed_in(client, "kim"), group)
    assert status == 403
    assert (
        "Only the group&#x27;s facilitator or the program&#x27;s admin edits or closes it." in html
    )
    assert close(signed_in(client, "brook"), group)[0] == 404
    group.refresh_from_db()
    assert group.active is True
