"""SUD counselling notes never leave with the general record: a disclosure under a
consent without counselling notes carries none (and one asking for them is refused),
one under a consent that includes them says so in the accounting of disclosures, and
neither the accounting, the record (API and clinic page), the portal, the session list
nor the audit log and its export hold a note's words."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.web.counselling_world import NOTE_TEXT, add_consent, read_notes, session_with_note

pytestmark = pytest.mark.django_db

HARBOUR = "Dr. Quinn, Harbour Clinic"


def disclose(world: World, consent_id: int, *, notes: bool) -> object:
    body = {"recipient_class": "named", "consent_id": consent_id, "counselling_notes": notes}
    return ApiClient(world.avery).post(f"/patients/{world.alex.pk}/disclosures", body)


def test_a_general_disclosure_carries_no_note(world: World) -> None:
    session_with_note(world)
    consent_id = add_consent(world, HARBOUR, notes=False)
    response = disclose(world, consent_id, notes=False)
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert response.json()["information"] == "Counselling record"  # type: ignore[attr-defined]
    assert NOTE_TEXT not in response.content.decode()  # type: ignore[attr-defined]


def test_notes_are_refused_under_a_consent_without_them(world: World) -> None:
    session_with_note(world)
    consent_id = add_consent(world, HARBOUR, notes=False)
    response = disclose(world, consent_id, notes=True)
    assert (response.status_code, response.json()) == (  # type: ignore[attr-defined]
        409,
        {"detail": "SUD counselling notes need a consent of their own; nothing was disclosed."},
    )
    record = ApiClient(world.avery).get(f"/patients/{world.alex.pk}").json()
    assert record["disclosures"] == []


def test_a_disclosure_under_a_consent_with_notes_says_they_went(world: World) -> None:
    session_with_note(world)
    consent_id = add_consent(world, HARBOUR, notes=True)
    response = disclose(world, consent_id, notes=True)
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert response.json()["information"] == (  # type: ignore[attr-defined]
        "Counselling record (with SUD counselling notes)"
    )
    # The accounting names what went, never the notes' words.
    assert NOTE_TEXT not in response.content.decode()  # type: ignore[attr-defined]


def test_a_consent_to_an_outside_recipient_lets_no_staff_read_notes(world: World) -> None:
    session_id = session_with_note(world)
    add_consent(world, HARBOUR, notes=True)
    for who in (world.avery, world.kim, world.riverside_admin):
        assert read_notes(who, world, session_id).status_code == 404


@pytest.mark.parametrize("persona", ["lee", "avery", "riverside_admin", "alex_user"])
def test_the_record_in_the_api_never_holds_a_note(world: World, persona: str) -> None:
    session_with_note(world)
    disclose(world, add_consent(world, HARBOUR, notes=True), notes=True)
    response = ApiClient(getattr(world, persona)).get(f"/patients/{world.alex.pk}")
    assert response.status_code == 200
    assert NOTE_TEXT not in response.content.decode()


def test_the_clinic_record_page_never_holds_a_note(world: World, client: Client) -> None:
    session_with_note(world)
    page = signed_in(client, "lee").get(f"/clinic/patients/{world.alex.pk}/")
    assert page.status_code == 200
    assert NOTE_TEXT not in page.content.decode()


def test_the_portal_never_holds_a_note(world: World, client: Client) -> None:
    session_with_note(world)
    page = signed_in(client, "alex").get("/portal/")
    assert page.status_code == 200
    assert NOTE_TEXT not in page.content.decode()


def test_the_audit_log_and_its_export_never_hold_a_note(world: World, client: Client) -> None:
    session_id = session_with_note(world)
    read_notes(world.lee, world, session_id)
    signed_in(client, "riverside_admin")
    page = client.get("/clinic/audit/")
    assert page.status_code == 200
    assert "session-notes.view" in page.content.decode()
    assert NOTE_TEXT not in page.content.decode()
    export = client.get("/clinic/audit/export.csv")
    csv = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "session-note.write" in csv
    assert NOTE_TEXT not in csv
