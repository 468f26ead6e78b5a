"""A restriction the program agreed to is enforced (42 CFR § 2.26; docs/part2.md): a
disclosure it covers is refused (409 ``disclosure-restricted``, nothing written) through
the API, the clinic's form and the bulk export; the disclose form says why beforehand.
A declined or unanswered request, or one for another class, stops nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Disclosure, RestrictionRequest
from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.web.test_fhir_bulk_export import export, read_ndjson, tpo_consent

pytestmark = pytest.mark.django_db

ASKED = "Please send nothing to my health plan."
TO_THE_PLAN = {"recipient_class": "health-plan", "recipient": "Acme Health"}
TO_A_DOCTOR = {"recipient_class": "treating-providers", "recipient": "Dr. Taylor"}


@pytest.fixture
def consents(world: World) -> None:
    """Alex: TPO consents to treating providers and to the health plan."""
    tpo_consent(world, world.alex)
    tpo_consent(world, world.alex, recipient_class="health-plan")


def ask_and_answer(client: Client, world: World, answer: str, covers: str = "") -> None:
    """Alex asks in the portal; avery answers on the accounting page."""
    assert signed_in(client, "alex").post("/portal/disclosures/", {"request": ASKED}).status_code
    asked = RestrictionRequest.objects.latest("pk")
    signed_in(client, "avery")
    path = f"/clinic/patients/{world.alex.pk}/restrictions/{asked.pk}/answer/"
    body = {"answer": answer, "note": "Noted." if answer == "declined" else ""}
    response = client.post(path, body | ({"covers": covers} if covers else {}))
    assert response.status_code == 302, response.content


def test_an_agreed_restriction_refuses_a_disclosure_it_covers(
    client: Client, world: World, consents: None
) -> None:
    ask_and_answer(client, world, "agreed", "health-plan")
    asked = RestrictionRequest.objects.get()
    assert asked.covers == "health-plan"
    api = ApiClient(world.avery)
    refused = api.post(f"/patients/{world.alex.pk}/disclosures", TO_THE_PLAN)
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": f"The patient asked on {asked.requested_at:%d %b %Y} to restrict "
        f'disclosures ("{ASKED}") and the program agreed on {asked.answered_at:%d %b %Y}: '
        "the restriction covers disclosures to my health plan; nothing was disclosed."
    }
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="record.disclose").exists()
    allowed = api.post(f"/patients/{world.alex.pk}/disclosures", TO_A_DOCTOR)
    assert allowed.status_code == 201, allowed.content  # another class is not covered


def test_agreeing_without_a_scope_covers_every_disclosure(
    client: Client, world: World, consents: None
) -> None:
    ask_and_answer(client, world, "agreed")
    assert RestrictionRequest.objects.get().covers == "all"
    api = ApiClient(world.avery)
    for body in (TO_THE_PLAN, TO_A_DOCTOR):
        response = api.post(f"/patients/{world.alex.pk}/disclosures", body)
        assert response.status_code == 409
        assert response.json()["detail"].endswith(
            "the restriction covers every disclosure under a consent; nothing was disclosed."
        )
    assert not Disclosure.objects.exists()


def test_a_declined_request_stops_nothing(client: Client, world: World, consents: None) -> None:
    ask_and_answer(client, world, "declined")
    assert RestrictionRequest.objects.get().covers == ""
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/disclosures", TO_THE_PLAN)
    assert response.status_code == 201, response.content


def test_the_disclose_form_shows_why_and_a_refused_disclosure_says_so(
    client: Client, world: World, consents: None
) -> None:
    ask_and_answer(client, world, "agreed", "health-plan")
    record = client.get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert "<strong>Restricted:</strong> the patient asked on" in record
    assert "disclosures to my health plan are refused." in record
    refused = client.post(f"/clinic/patients/{world.alex.pk}/disclose/", TO_THE_PLAN)
    assert refused.status_code == 409
    assert "the restriction covers disclosures to my health plan; nothing was disclosed." in (
        refused.content.decode()
    )
    accounting = client.get(f"/clinic/patients/{world.alex.pk}/disclosures/").content.decode()
    assert "It stops disclosures to my health plan." in accounting
    portal = signed_in(client, "alex").get("/portal/disclosures/").content.decode()
    assert "Your program will not make disclosures to my health plan." in portal


def test_a_bulk_export_leaves_a_restricted_patient_out(
    client: Client,
    world: World,
    consents: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ask_and_answer(client, world, "agreed", "treating-providers")
    assert export(world, tmp_path / "out") == 0
    assert read_ndjson(tmp_path / "out") == {}
    assert not Disclosure.objects.exists()
    assert capsys.readouterr().out == (
        f"Exported 0 patients to {tmp_path / 'out'}; left out 1 without a consent in force "
        "for treating-providers (no-covering-consent 1) and 1 under a restriction the "
        "program agreed to.\n"
    )


def test_a_scope_that_is_not_one_is_refused(client: Client, world: World) -> None:
    signed_in(client, "alex").post("/portal/disclosures/", {"request": ASKED})
    asked = RestrictionRequest.objects.get()
    signed_in(client, "avery")
    path = f"/clinic/patients/{world.alex.pk}/restrictions/{asked.pk}/answer/"
    response = client.post(path, {"answer": "agreed", "covers": "everyone"})
    assert response.status_code == 400
    assert RestrictionRequest.objects.get().answer == ""
