"""Consents as 42 CFR § 2.31 has them since the 2024 rule: a single consent for all
future uses and disclosures for treatment, payment and health care operations (TPO),
recipients by class or by name, the required elements stored with the consent, a legal
representative recorded as such, and SUD counselling notes on a consent of their own."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clonacare.patients.models import Consent, Disclosure
from clonacare.patients.part2 import part2
from tests.api_client import ApiClient
from tests.personas import World, signed_in

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
NOTES_APART = (
    "SUD counselling notes need a consent of their own: a consent for treatment, payment "
    "and health care operations cannot include them. Record the notes on a separate consent."
)


def tpo(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "tpo",
        "recipient_class": "treating-providers",
        "information": "The whole record except SUD counselling notes",
        "expiry_event": "The end of treatment at Riverside",
        "signed_by": "Alex Morgan",
        "signed_on": TODAY.isoformat(),
    } | changes


def post(world: World, body: dict[str, Any]) -> Any:
    return ApiClient(world.avery).post(f"/patients/{world.alex.pk}/consents", body)


def test_it_records_a_tpo_consent_to_the_treating_providers(world: World) -> None:
    response = post(world, tpo())
    assert response.status_code == 201
    body = response.json()
    texts = part2()
    assert {k: body[k] for k in ("kind", "recipient_class", "recipient", "purpose")} == {
        "kind": "tpo",
        "recipient_class": "treating-providers",
        "recipient": "",
        "purpose": "Treatment, payment and health care operations",
    }
    assert body["how_to_revoke"] == texts.how_to_revoke
    assert body["redisclosure_statement"] == texts.redisclosure_statement
    assert body["treatment_depends_on_signing"] is False


def test_a_health_plan_consent_may_name_the_plan(world: World) -> None:
    response = post(world, tpo(recipient_class="health-plan", recipient="Acme Health"))
    assert response.status_code == 201
    consent = Consent.objects.get()
    assert consent.to_whom == "my health plan (Acme Health)"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"recipient_class": "named"}, "A consent needs its recipient."),
        ({"kind": "specific"}, "A consent needs its purpose."),
        ({"includes_counselling_notes": True}, NOTES_APART),
    ],
)
def test_a_consent_without_its_elements_is_refused(
    client: Client, world: World, changes: dict[str, Any], message: str
) -> None:
    response = post(world, tpo(**changes))
    assert (response.status_code, response.json()) == (400, {"detail": message})
    form = {k: ("on" if v is True else v) for k, v in tpo(**changes).items()}
    page = signed_in(client, "avery").post(f"/clinic/patients/{world.alex.pk}/consents/new/", form)
    assert page.status_code == 400
    assert message.replace("'", "&#x27;") in page.content.decode()
    assert not Consent.objects.exists()


def test_a_counselling_notes_consent_of_its_own_is_recorded(world: World) -> None:
    body = tpo(
        kind="specific",
        recipient_class="named",
        recipient="Dr. Quinn, Harbour Clinic",
        purpose="Continuity of counselling",
        information="SUD counselling notes",
        includes_counselling_notes=True,
    )
    assert post(world, body).status_code == 201


def test_a_legal_representative_is_recorded_as_such(client: Client, world: World) -> None:
    body = tpo(signed_by="Jordan Morgan", representative_authority="court-appointed guardian")
    assert post(world, body).status_code == 201
    page = signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/")
    assert (
        "Signed by Jordan Morgan, legal representative (court-appointed guardian)"
        in page.content.decode()
    )


def test_whether_treatment_depends_on_signing_is_kept(client: Client, world: World) -> None:
    assert post(world, tpo(treatment_depends_on_signing=True)).status_code == 201
    page = signed_in(client, "avery").get(f"/clinic/patients/{world.alex.pk}/")
    assert "Treatment depends on signing" in page.content.decode()


def test_the_clinic_form_records_a_tpo_consent(client: Client, world: World) -> None:
    form = tpo(how_to_revoke="Write to the front desk of Riverside.")
    response = signed_in(client, "kim").post(
        f"/clinic/patients/{world.alex.pk}/consents/new/", form
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.kind, consent.recipient_class, consent.how_to_revoke) == (
        "tpo",
        "treating-providers",
        "Write to the front desk of Riverside.",
    )
    record = signed_in(client, "kim").get(f"/clinic/patients/{world.alex.pk}/").content.decode()
    assert "To my treating providers" in record


def test_an_old_client_body_records_a_named_consent(world: World) -> None:
    """A body without the 2024 fields is a consent to the recipient it names."""
    old = {
        "recipient": "Dr. Taylor, primary care",
        "purpose": "coordination of care",
        "information": "Taper plan",
        "expires_on": (TODAY + dt.timedelta(days=30)).isoformat(),
        "signed_by": "Alex Morgan",
        "signed_on": TODAY.isoformat(),
    }
    body = post(world, old).json()
    assert (body["kind"], body["recipient_class"], body["recipient"]) == (
        "specific",
        "named",
        "Dr. Taylor, primary care",
    )


def test_the_migration_gives_disclosures_their_consents_purpose(world: World) -> None:
    from django.apps import apps

    migration = importlib.import_module(
        "clonacare.patients.migrations.0007_consent_2024_rule_disclosure_packages_restrictions"
    )
    consent = Consent.objects.create(
        patient=world.alex,
        disclosing_program=world.riverside,
        recipient="Dr. Taylor",
        purpose="coordination of care",
        information="Taper plan",
        expiry_event="the end of treatment",
        signed_by="Alex Morgan",
        signed_on=TODAY,
        created_by=world.avery,
    )
    when = timezone.now() - dt.timedelta(days=40)
    disclosure = Disclosure.objects.create(
        consent=consent,
        patient=world.alex,
        recipient="Dr. Taylor",
        consent_information="Taper plan",
        disclosed_by=world.avery,
        disclosed_at=when,
    )
    migration.backfill(apps, None)
    disclosure.refresh_from_db()
    assert (disclosure.purpose, disclosure.recorded_at) == ("coordination of care", when)
    assert (consent.recipient_class, consent.kind) == ("named", "specific")
