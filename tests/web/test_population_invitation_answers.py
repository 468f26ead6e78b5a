"""An invited person's answer, recorded by staff (docs/population.md, "Answers"):
accepted, declined or asked to hear no more (opted-out), through the API and the
invitation's page, audited; after an opt-out a later screen of the program lists the
person with the reason instead of the invite button, and the API refuses to invite them
(409 ``opted-out``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Patient
from clonacare.population.models import Invitation
from tests.api_client import BASE, ApiClient
from tests.personas import World, signed_in
from tests.web.population_world import dispensing_files, upload

pytestmark = pytest.mark.django_db

PERSON = "planted-high-dose"


@pytest.fixture
def fills(tmp_path: Path) -> Path:
    return dispensing_files(tmp_path)[0]


def screen(api: ApiClient, world: World, fills: Path) -> int:
    response = api.client.post(
        f"{BASE}/programs/{world.riverside.pk}/screens",
        {"file": upload(fills), "as_of": "2026-12-31"},
        headers=api.headers,
    )
    assert response.status_code == 201, response.content
    screen_id: int = response.json()["id"]
    return screen_id


def invite(api: ApiClient, screen_id: int, person: str = PERSON) -> Any:
    return api.post(f"/screens/{screen_id}/invitations", {"patient_id": person})


def invited(api: ApiClient, world: World, fills: Path) -> int:
    response = invite(api, screen(api, world, fills))
    assert response.status_code == 201, response.content
    invitation_id: int = response.json()["id"]
    return invitation_id


def test_it_records_an_answer_and_audits_it(world: World, fills: Path) -> None:
    api = ApiClient(world.avery)
    invitation_id = invited(api, world, fills)
    response = api.post(f"/invitations/{invitation_id}/answer", {"answer": "accepted"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["answer"], body["answered_by"]) == ("accepted", "avery")
    assert body["status"] == "invited"  # the care team sets the status when they come
    event = AuditEvent.objects.get(action="population.invitation.answer")
    invitation = Invitation.objects.get(pk=invitation_id)
    assert event.patient_id == invitation.patient_id
    assert event.detail == {"answer": "accepted", "dispensing_patient_id": PERSON}


def test_a_second_answer_is_refused_but_an_opt_out_may_follow_one(
    world: World, fills: Path
) -> None:
    api = ApiClient(world.riverside_admin)
    invitation_id = invited(api, world, fills)
    path = f"/invitations/{invitation_id}/answer"
    assert api.post(path, {"answer": "declined"}).status_code == 200
    again = api.post(path, {"answer": "accepted"})
    assert (again.status_code, again.json()) == (
        409,
        {
            "detail": "This invitation was answered already (Declined); only a request to "
            "hear no more can follow an answer."
        },
    )
    assert api.post(path, {"answer": "opted-out"}).json()["answer"] == "opted-out"
    last = api.post(path, {"answer": "opted-out"})
    assert last.status_code == 409
    assert last.json()["detail"].startswith(
        "This invitation was answered already (Asked to hear no more)"
    )
    assert AuditEvent.objects.filter(action="population.invitation.answer").count() == 2


def test_an_answer_that_is_not_one_of_the_three_is_refused(world: World, fills: Path) -> None:
    api = ApiClient(world.avery)
    invitation_id = invited(api, world, fills)
    response = api.post(f"/invitations/{invitation_id}/answer", {"answer": "maybe"})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "The answer is accepted, declined or opted-out, not 'maybe'."},
    )
    assert Invitation.objects.get(pk=invitation_id).answer == ""


def test_after_an_opt_out_a_later_screen_cannot_invite_the_person(
    world: World, fills: Path
) -> None:
    api = ApiClient(world.avery)
    invitation_id = invited(api, world, fills)
    api.post(f"/invitations/{invitation_id}/answer", {"answer": "opted-out"})
    later = screen(api, world, fills)
    refused = invite(api, later)
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail.startswith(f"'{PERSON}' asked on ")
    assert detail.endswith(
        " to hear no more from the program (in answer to the invitation from the screen of "
        f"fills.csv on {Invitation.objects.get().screen.screened_at:%d %b %Y}); no "
        "invitation was made."
    )
    assert Patient.objects.filter(status=Patient.Status.INVITED).count() == 1
    assert invite(api, later, "planted-early-refill").status_code == 201  # others still


def test_a_declined_invitation_does_not_stop_a_later_one(world: World, fills: Path) -> None:
    api = ApiClient(world.avery)
    invitation_id = invited(api, world, fills)
    api.post(f"/invitations/{invitation_id}/answer", {"answer": "declined"})
    assert invite(api, screen(api, world, fills)).status_code == 201


def test_the_later_screen_lists_the_reason_instead_of_the_invite_button(
    client: Client, world: World, fills: Path
) -> None:
    api = ApiClient(world.avery)
    invitation_id = invited(api, world, fills)
    later = screen(api, world, fills)
    signed_in(client, "avery")
    page = client.post(f"/clinic/invitations/{invitation_id}/answer/", {"answer": "opted-out"})
    assert (page.status_code, page["Location"]) == (302, f"/clinic/invitations/{invitation_id}/")
    shown = client.get(f"/clinic/invitations/{invitation_id}/").content.decode()
    assert "Asked to hear no more, recorded" in shown
    assert f"No later screen of the program can invite {PERSON} again." in shown
    assert 'name="answer"' not in shown  # nothing left to record
    listed = client.get(f"/clinic/screens/{later}/").content.decode()
    assert f"Not invited: &#x27;{PERSON}&#x27; asked on " in listed
    assert f'aria-label="Invite {PERSON} to an assessment"' not in listed
    assert 'aria-label="Invite planted-early-refill to an assessment"' in listed


def test_the_page_shows_a_refused_answer_with_its_message(
    client: Client, world: World, fills: Path
) -> None:
    api = ApiClient(world.avery)
    invitation_id = invited(api, world, fills)
    signed_in(client, "avery")
    path = f"/clinic/invitations/{invitation_id}/answer/"
    assert client.post(path, {"answer": "accepted"}).status_code == 302
    again = client.post(path, {"answer": "declined"})
    assert again.status_code == 409
    assert "This invitation was answered already (Accepted: would like an assessment)" in (
        again.content.decode()
    )


@pytest.mark.parametrize("who", ["kim", "lee", "brook", "site_admin"])
def test_anyone_else_is_answered_not_found(world: World, fills: Path, who: str) -> None:
    invitation_id = invited(ApiClient(world.avery), world, fills)
    answer = ApiClient(getattr(world, who)).post(
        f"/invitations/{invitation_id}/answer", {"answer": "opted-out"}
    )
    assert (answer.status_code, answer.json()) == (404, {"detail": "Invitation not found."})
    assert Invitation.objects.get(pk=invitation_id).answer == ""
