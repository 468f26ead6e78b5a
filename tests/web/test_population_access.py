"""Who may run and read population screens (population/access.py): the program's admin
and its prescribers; every other role, another program's staff and patients are
answered 404 as if nothing were there, and the attempt is audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from clonacare.audit.models import AuditEvent
from clonacare.population.models import Invitation, Screen
from tests.personas import World, signed_in
from tests.web.population_world import dispensing_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(world: World, tmp_path: Path) -> Invitation:
    fills, _ = dispensing_files(tmp_path)
    client = signed_in(Client(), "avery")
    client.post(
        f"/clinic/programs/{world.riverside.pk}/screens/",
        {"file": upload(fills), "as_of": "2026-12-31"},
    )
    screen = Screen.objects.get()
    client.post(f"/clinic/screens/{screen.pk}/invitations/", {"patient_id": "planted-high-dose"})
    return Invitation.objects.get()


@pytest.mark.parametrize("who", ["avery", "riverside_admin"])
def test_the_programs_admin_and_prescribers_see_the_screens(
    client: Client, world: World, invited: Invitation, who: str
) -> None:
    signed_in(client, who)
    screen = invited.screen
    assert client.get(f"/clinic/programs/{world.riverside.pk}/screens/").status_code == 200
    assert client.get(f"/clinic/screens/{screen.pk}/").status_code == 200
    assert client.get(f"/clinic/invitations/{invited.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["kim", "lee", "alex", "brook", "site_admin"])
def test_anyone_else_is_answered_not_found(
    client: Client, world: World, invited: Invitation, who: str, tmp_path: Path
) -> None:
    signed_in(client, who)
    screen = invited.screen
    (tmp_path / "again").mkdir()
    fills, _ = dispensing_files(tmp_path / "again")
    assert client.get(f"/clinic/programs/{world.riverside.pk}/screens/").status_code == 404
    upload_answer = client.post(
        f"/clinic/programs/{world.riverside.pk}/screens/",
        {"file": upload(fills), "as_of": "2026-12-31"},
    )
    assert upload_answer.status_code == 404
    assert client.get(f"/clinic/screens/{screen.pk}/").status_code == 404
    invite = client.post(
        f"/clinic/screens/{screen.pk}/invitations/", {"patient_id": "planted-early-refill"}
    )
    assert invite.status_code == 404
    assert client.get(f"/clinic/invitations/{invited.pk}/").status_code == 404
    assert Screen.objects.count() == 1
    assert Invitation.objects.count() == 1


def test_a_refused_read_is_audited_like_a_missing_one(
    client: Client, world: World, invited: Invitation
) -> None:
    signed_in(client, "brook")
    client.get(f"/clinic/screens/{invited.screen_id}/")
    client.get("/clinic/screens/999999/")
    denied = AuditEvent.objects.filter(action="population.screen.view.denied").order_by("pk")
    assert [e.detail for e in denied] == [
        {"screen_id": invited.screen_id},
        {"screen_id": 999999},
    ]


def test_the_invited_record_is_seen_by_the_inviter_and_the_admin_only(
    client: Client, world: World, invited: Invitation
) -> None:
    patient_page = f"/clinic/patients/{invited.patient_id}/"
    assert signed_in(client, "avery").get(patient_page).status_code == 200
    assert signed_in(client, "riverside_admin").get(patient_page).status_code == 200
    assert signed_in(client, "kim").get(patient_page).status_code == 404
    assert signed_in(client, "brook").get(patient_page).status_code == 404


def test_signing_in_comes_first(client: Client, world: World, invited: Invitation) -> None:
    response = client.get(f"/clinic/screens/{invited.screen_id}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
