"""Every disclosure under a consent produces what is sent: a zip holding the record as
a FHIR R4B Bundle (with the Part 2 security labels) and a PDF a person reads, carrying
the § 2.32 notice and a copy of the consent's scope. Both are stored when the disclosure
is made, so each download is the same bytes; downloads are audited, staff only."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from clonacare.audit.models import AuditEvent
from clonacare.patients.part2 import part2
from tests.api_client import ApiClient
from tests.personas import World, signed_in
from tests.web.counselling_world import NOTE_TEXT, add_consent, session_with_note

pytestmark = pytest.mark.django_db

HARBOUR = "Dr. Quinn, Harbour Clinic"


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    return " ".join(" ".join(p.get_textpage().get_text_bounded().split()) for p in document)


def disclose(world: World, consent_id: int, *, notes: bool = False) -> int:
    body = {"recipient_class": "named", "consent_id": consent_id, "counselling_notes": notes}
    response = ApiClient(world.avery).post(f"/patients/{world.alex.pk}/disclosures", body)
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def package(world: World, disclosure_id: int, who: Any = None) -> Any:
    path = f"/patients/{world.alex.pk}/disclosures/{disclosure_id}/package"
    return ApiClient(who or world.avery).get(path)


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_package_holds_the_bundle_and_the_pdf(world: World) -> None:
    disclosure_id = disclose(world, add_consent(world, HARBOUR, notes=False))
    response = package(world, disclosure_id)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="disclosure-{disclosure_id}.zip"'
    )
    files = unzip(response.content)
    assert sorted(files) == ["bundle.json", "disclosure.pdf"]
    bundle = json.loads(files["bundle.json"])
    Bundle.model_validate(bundle)  # a valid R4B Bundle
    codes = {label["code"] for label in bundle["meta"]["security"]}
    assert {"R", "42CFRPart2", "NORDSCLCD"} <= codes
    patients = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert [p["name"][0]["family"] for p in patients] == ["Morgan"]


def test_the_pdf_carries_the_notice_and_the_consents_scope(world: World) -> None:
    disclosure_id = disclose(world, add_consent(world, HARBOUR, notes=False))
    text = pdf_text(unzip(package(world, disclosure_id).content)["disclosure.pdf"])
    notice = " ".join(part2().notice.split())
    assert notice[:120] in text
    assert "42 CFR § 2.32(a)(1)" in text
    for words in (
        "The consent this disclosure is made under",
        f"To whom {HARBOUR}",
        "Purpose Continuity of counselling",
        "What may be disclosed Counselling record",
        "Signed by Alex Morgan",
        "Who may disclose Riverside Recovery",
        "What the enclosed Bundle holds",
    ):
        assert words in text


def test_each_download_is_the_package_as_stored_and_is_audited(world: World) -> None:
    disclosure_id = disclose(world, add_consent(world, HARBOUR, notes=False))
    first = package(world, disclosure_id).content
    second = package(world, disclosure_id, world.kim).content
    assert first == second
    events = AuditEvent.objects.filter(action="disclosure.package").order_by("id")
    assert [(e.actor_username, e.object_id) for e in events] == [
        ("avery", str(disclosure_id)),
        ("kim", str(disclosure_id)),
    ]


def test_counselling_notes_go_only_with_their_own_consent(world: World) -> None:
    session_with_note(world)
    general = disclose(world, add_consent(world, HARBOUR, notes=False))
    with_notes = disclose(world, add_consent(world, HARBOUR, notes=True), notes=True)
    without = unzip(package(world, general).content)["bundle.json"].decode()
    assert NOTE_TEXT not in without
    assert "DocumentReference" not in without
    sent = json.loads(unzip(package(world, with_notes).content)["bundle.json"])
    kinds = [e["resource"]["resourceType"] for e in sent["entry"]]
    assert kinds.count("DocumentReference") == 1


def test_the_patient_may_not_download_a_package(world: World) -> None:
    disclosure_id = disclose(world, add_consent(world, HARBOUR, notes=False))
    response = package(world, disclosure_id, world.alex_user)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Only the program's staff download a package."},
    )


def test_another_patients_disclosure_answers_like_a_missing_one(world: World) -> None:
    disclosure_id = disclose(world, add_consent(world, HARBOUR, notes=False))
    path = f"/patients/{world.blair.pk}/disclosures/{disclosure_id}/package"
    response = ApiClient(world.avery).get(path)
    missing = ApiClient(world.avery).get(f"/patients/{world.blair.pk}/disclosures/999999/package")
    assert (response.status_code, response.json()) == (404, {"detail": "Disclosure not found."})
    assert response.content == missing.content
    denied = AuditEvent.objects.filter(action="disclosure.package.denied").order_by("id").first()
    assert denied is not None
    assert denied.detail == {"disclosure_id": disclosure_id}


def test_the_clinic_links_and_serves_the_package(client: Client, world: World) -> None:
    disclosure_id = disclose(world, add_consent(world, HARBOUR, notes=False))
    signed_in(client, "avery")
    accounting = client.get(f"/clinic/patients/{world.alex.pk}/disclosures/").content.decode()
    link = f"/clinic/patients/{world.alex.pk}/disclosures/{disclosure_id}/package.zip"
    assert f'href="{link}"' in accounting
    response = client.get(link)
    assert response.status_code == 200
    assert response.content == package(world, disclosure_id).content
