"""The API of the accounting of disclosures and of restriction requests (docs/api.md,
"Consents and disclosures"; 42 CFR § 2.25, § 2.26): who may call each, what each
answers, and every refusal with its message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Disclosure, RestrictionRequest
from tests.api_client import ApiClient
from tests.personas import World
from tests.web.test_fhir_bulk_export import tpo_consent

pytestmark = pytest.mark.django_db

ASKED = "Please send nothing to my health plan."


@pytest.fixture
def disclosed(world: World) -> Disclosure:
    """Alex's record disclosed to a treating provider, and one disclosure older than
    the accounting period."""
    tpo_consent(world, world.alex)
    response = ApiClient(world.avery).post(
        f"/patients/{world.alex.pk}/disclosures",
        {"recipient_class": "treating-providers", "recipient": "Dr. Taylor"},
    )
    assert response.status_code == 201, response.content
    old = Disclosure.objects.get()
    old.pk = None
    old.disclosed_at = timezone.now() - dt.timedelta(days=4 * 366)
    old.save()
    return Disclosure.objects.get(pk=response.json()["id"])


def test_the_accounting_covers_three_years_for_the_patient_and_the_care_team(
    world: World, disclosed: Disclosure
) -> None:
    for who in (world.alex_user, world.avery, world.riverside_admin):
        response = ApiClient(who).get(f"/patients/{world.alex.pk}/disclosures")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["years"] == 3
        since = dt.datetime.fromisoformat(body["since"])
        assert timezone.now() - since > dt.timedelta(days=3 * 365)
        assert [d["id"] for d in body["disclosures"]] == [disclosed.pk]
        assert body["disclosures"][0]["recipient"] == "Dr. Taylor"
        assert body["disclosures"][0]["disclosed_by"] == "avery"
    assert AuditEvent.objects.filter(action="disclosures.view").count() == 3


def test_the_accounting_is_not_found_for_anyone_else(world: World, disclosed: Disclosure) -> None:
    for who in (world.brook, world.blair_user):
        response = ApiClient(who).get(f"/patients/{world.alex.pk}/disclosures")
        assert (response.status_code, response.json()) == (404, {"detail": "Patient not found."})


def test_the_patient_asks_and_staff_read_and_answer(world: World) -> None:
    asked = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/restrictions", {"request": ASKED}
    )
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert (body["request"], body["answer"], body["covers"], body["answered_by"]) == (
        ASKED,
        "",
        "",
        None,
    )
    staff = ApiClient(world.avery)
    listed = staff.get(f"/patients/{world.alex.pk}/restrictions").json()
    assert [r["id"] for r in listed] == [body["id"]]
    path = f"/patients/{world.alex.pk}/restrictions/{body['id']}/answer"
    answered = staff.post(path, {"answer": "agreed", "covers": "health-plan"})
    assert answered.status_code == 200, answered.content
    assert (answered.json()["answer"], answered.json()["covers"]) == ("agreed", "health-plan")
    assert answered.json()["answered_by"] == "avery"
    again = staff.post(path, {"answer": "declined", "note": "No."})
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "This request has been answered already."},
    )
    actions = AuditEvent.objects.filter(action__startswith="restriction.").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["restriction.answer", "restriction.request"]


def test_an_agreed_restriction_answered_through_the_api_is_enforced(world: World) -> None:
    tpo_consent(world, world.alex, recipient_class="health-plan")
    asked = ApiClient(world.alex_user).post(
        f"/patients/{world.alex.pk}/restrictions", {"request": ASKED}
    )
    staff = ApiClient(world.avery)
    staff.post(
        f"/patients/{world.alex.pk}/restrictions/{asked.json()['id']}/answer",
        {"answer": "agreed", "covers": "health-plan"},
    )
    refused = staff.post(
        f"/patients/{world.alex.pk}/disclosures",
        {"recipient_class": "health-plan", "recipient": "Acme Health"},
    )
    assert refused.status_code == 409
    assert refused.json()["detail"].endswith(
        "the restriction covers disclosures to my health plan; nothing was disclosed."
    )


def test_the_refusals_and_their_messages(world: World) -> None:
    patient = ApiClient(world.alex_user)
    staff = ApiClient(world.avery)
    by_staff = staff.post(f"/patients/{world.alex.pk}/restrictions", {"request": ASKED})
    assert (by_staff.status_code, by_staff.json()) == (
        403,
        {"detail": "Only the patient asks for a restriction."},
    )
    empty = patient.post(f"/patients/{world.alex.pk}/restrictions", {"request": "  "})
    assert empty.status_code == 400
    request_id = patient.post(f"/patients/{world.alex.pk}/restrictions", {"request": ASKED}).json()[
        "id"
    ]
    path = f"/patients/{world.alex.pk}/restrictions/{request_id}/answer"
    scope = staff.post(path, {"answer": "agreed", "covers": "everyone"})
    assert (scope.status_code, scope.json()) == (
        400,
        {
            "detail": "An agreed restriction covers all, treating-providers, health-plan or "
            "named disclosures, not 'everyone'."
        },
    )
    no_note = staff.post(path, {"answer": "declined"})
    assert no_note.status_code == 400
    by_patient = patient.post(path, {"answer": "agreed"})
    assert (by_patient.status_code, by_patient.json()) == (
        403,
        {"detail": "Only the program's staff answer a request."},
    )
    elsewhere = staff.post(
        f"/patients/{world.blair.pk}/restrictions/{request_id}/answer", {"answer": "agreed"}
    )
    assert (elsewhere.status_code, elsewhere.json()) == (
        404,
        {"detail": "Restriction request not found."},
    )
    other_program = ApiClient(world.brook).get(f"/patients/{world.alex.pk}/restrictions")
    assert other_program.status_code == 404
    assert RestrictionRequest.objects.get().answer == ""
