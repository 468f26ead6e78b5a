"""A bulk FHIR export (``clonacare export fhir``) records each exported patient's
disclosure in their accounting of disclosures, as a single disclosure does: when, to
whom, why, what, under which consent (docs/part2.md, "Accounting"). Patients left out
get nothing; a refused run records nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.test import Client

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Disclosure
from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.web.test_fhir_bulk_export import export, tpo_consent

pytestmark = pytest.mark.django_db

RECIPIENT = "Dr. Taylor, primary care"


@pytest.fixture
def exported(world: World, tmp_path: Path) -> Disclosure:
    """Alex, with a TPO consent, exported to treating providers; blair, without one,
    left out."""
    consent = tpo_consent(world, world.alex, information="Plan, doses and scores")
    assert export(world, tmp_path / "out") == 0
    disclosure = Disclosure.objects.get()
    assert disclosure.consent == consent
    return disclosure


def test_each_exported_patient_has_a_disclosure_under_their_consent(
    world: World, exported: Disclosure
) -> None:
    assert exported.patient == world.alex
    assert exported.kind == "bulk"
    assert (exported.recipient_class, exported.recipient) == ("treating-providers", RECIPIENT)
    assert exported.purpose == "treatment, payment and health care operations"
    assert exported.information == "Plan, doses and scores"
    assert exported.disclosed_by is None  # the command line has no user
    assert not world.blair.disclosures.exists()
    event = AuditEvent.objects.get(action="exchange.fhir-bulk-export")
    assert (event.patient_id, event.detail["consent_id"]) == (world.alex.pk, exported.consent_id)


def test_the_clinic_accounting_and_its_csv_show_it(
    client: Client, world: World, exported: Disclosure
) -> None:
    signed_in(client, "avery")
    page = client.get(f"/clinic/patients/{world.alex.pk}/disclosures/").content.decode()
    assert RECIPIENT in page
    assert "to my treating providers, in a bulk FHIR export" in page
    assert "bulk files, not stored" in page
    assert f"/disclosures/{exported.pk}/package.zip" not in page
    text = client.get(f"/clinic/patients/{world.alex.pk}/disclosures/accounting.csv")
    rows = list(csv.DictReader(io.StringIO(text.content.decode())))
    assert len(rows) == 1
    assert rows[0]["recipient"] == RECIPIENT
    assert rows[0]["what was disclosed"] == "Plan, doses and scores"
    assert rows[0]["under"].endswith("to my treating providers, in a bulk FHIR export")
    assert (rows[0]["made by"], rows[0]["recorded by"]) == (
        "the command line",
        "the command line",
    )


def test_the_patient_sees_it_in_the_portal_and_the_api(
    client: Client, world: World, exported: Disclosure
) -> None:
    signed_in(client, world.alex_user)
    page = client.get("/portal/disclosures/").content.decode()
    assert f"to {RECIPIENT}" in page
    assert "in a bulk FHIR export" in page
    record = ApiClient(world.avery).get(f"/patients/{world.alex.pk}").json()
    (listed,) = record["disclosures"]
    assert (listed["kind"], listed["disclosed_by"], listed["consent_id"]) == (
        "bulk",
        "the command line",
        exported.consent_id,
    )


def test_a_refused_export_records_no_disclosure(world: World, tmp_path: Path) -> None:
    tpo_consent(world, world.alex)
    (tmp_path / "kept.txt").write_text("mine")
    assert export(world, tmp_path) == 2
    assert not Disclosure.objects.exists()
