"""The clinic's population screen pages (docs/population.md, "In the clinic"): upload,
the flagged list with every flag's definition and source, the flag filter, inviting a
person, the letter; refusals with their messages and statuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.audit.models import AuditEvent
from clonacare.core.population import load_definitions
from clonacare.patients.models import CareTeamMember, Patient
from clonacare.population.models import Invitation, Screen
from tests.personas import World, signed_in
from tests.web.population_world import dispensing_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return dispensing_files(tmp_path)


def _screen(client: Client, world: World, fills: Path, **extra: object) -> Screen:
    response = client.post(
        f"/clinic/programs/{world.riverside.pk}/screens/",
        {"file": upload(fills), "as_of": "2026-12-31", **extra},
    )
    screen = Screen.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/clinic/screens/{screen.pk}/"
    return screen


def test_it_screens_an_upload_and_lists_the_flagged_people_with_definitions_and_sources(
    client: Client, world: World, files: tuple[Path, Path]
) -> None:
    signed_in(client, "avery")
    screen = _screen(client, world, files[0], diagnoses=upload(files[1]))
    page = client.get(f"/clinic/screens/{screen.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Screen of fills.csv" in text
    assert "with the diagnoses in fills-diagnoses.csv" in text
    assert "The file was deleted when the screen was done." in text
    assert "unknown-drug 1" in text
    definitions = load_definitions()
    long_term = definitions.flag("long-term-use")
    assert escape(long_term.definition) in text
    assert escape(f"Source: {long_term.source}.") in text
    assert "planted-long-term-use" in text
    screened = AuditEvent.objects.get(action="population.screen")
    assert screened.detail["file_name"] == "fills.csv"
    assert screened.detail["diagnoses_name"] == "fills-diagnoses.csv"
    assert screened.detail["file_sha256"] == screen.file_sha256
    assert AuditEvent.objects.filter(action="population.screen.view").count() == 1


def test_the_flag_filter_keeps_the_people_with_that_flag(
    client: Client, world: World, files: tuple[Path, Path]
) -> None:
    signed_in(client, "riverside_admin")
    screen = _screen(client, world, files[0])
    text = client.get(f"/clinic/screens/{screen.pk}/", {"flag": "high-dose"}).content.decode()
    listed = [i["patient_id"] for i in screen.items if "high-dose" in i["flags"]]
    others = [i["patient_id"] for i in screen.items if "high-dose" not in i["flags"]]
    assert listed
    assert others
    assert all(f'<th scope="row">{p}</th>' in text for p in listed)
    assert not any(f'<th scope="row">{p}</th>' in text for p in others)
    assert "40 mg a day, diazepam-equivalent" in text


def test_a_refused_file_shows_the_message_with_a_400(
    client: Client, world: World, tmp_path: Path
) -> None:
    signed_in(client, "avery")
    text_file = tmp_path / "fills.txt"
    text_file.write_text("not a table")
    response = client.post(
        f"/clinic/programs/{world.riverside.pk}/screens/",
        {"file": upload(text_file), "as_of": "2026-12-31"},
    )
    assert response.status_code == 400
    assert (
        "Cannot read the dispensing file fills.txt: it must be a .csv or .parquet file."
        in response.content.decode()
    )
    assert not Screen.objects.exists()
    assert AuditEvent.objects.filter(action="population.screen.refused").count() == 1


def test_an_unreadable_parquet_file_is_refused_without_naming_the_work_folder(
    client: Client, world: World, tmp_path: Path, settings: SettingsWrapper
) -> None:
    settings.POPULATION_WORK_DIR = str(tmp_path / "work")
    (tmp_path / "work").mkdir()
    broken = tmp_path / "fills.parquet"
    broken.write_bytes(b"this is not parquet")
    signed_in(client, "avery")
    response = client.post(
        f"/clinic/programs/{world.riverside.pk}/screens/",
        {"file": upload(broken), "as_of": "2026-12-31"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Cannot read the dispensing file fills.parquet: " in text
    assert str(tmp_path / "work") not in text
    assert list((tmp_path / "work").iterdir()) == []


def test_the_upload_is_deleted_as_soon_as_the_screen_is_done(
    client: Client,
    world: World,
    files: tuple[Path, Path],
    tmp_path: Path,
    settings: SettingsWrapper,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    settings.POPULATION_WORK_DIR = str(work)
    signed_in(client, "avery")
    _screen(client, world, files[0], diagnoses=upload(files[1]))
    assert list(work.iterdir()) == []


def test_an_upload_over_the_limit_is_refused_with_a_413(
    client: Client, world: World, files: tuple[Path, Path], settings: SettingsWrapper
) -> None:
    settings.POPULATION_UPLOAD_MAX_MB = 1
    big = files[0].parent / "big.csv"
    big.write_bytes(files[0].read_bytes() + b"x" * (2 * 1024 * 1024))
    signed_in(client, "avery")
    response = client.post(
        f"/clinic/programs/{world.riverside.pk}/screens/",
        {"file": upload(big), "as_of": "2026-12-31"},
    )
    assert response.status_code == 413
    assert "this site screens files of at most 1 MB (POPULATION_UPLOAD_MAX_MB)." in (
        response.content.decode()
    )
    assert not Screen.objects.exists()


def test_inviting_makes_an_invited_record_and_shows_the_letter(
    client: Client, world: World, files: tuple[Path, Path]
) -> None:
    signed_in(client, "avery")
    screen = _screen(client, world, files[0])
    response = client.post(
        f"/clinic/screens/{screen.pk}/invitations/",
        {"patient_id": "planted-opioid-overlap", "given_name": "Sam", "family_name": "Rivera"},
    )
    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/clinic/invitations/{invitation.pk}/"
    patient = invitation.patient
    assert (patient.full_name, patient.status) == ("Sam Rivera", Patient.Status.INVITED)
    assert CareTeamMember.objects.filter(patient=patient, user=world.avery).exists()
    letter = client.get(f"/clinic/invitations/{invitation.pk}/").content.decode()
    assert "Dear Sam Rivera," in letter
    assert "Invited to an assessment" in letter
    assert "Please do not stop or cut down your medicine suddenly on your own" in letter
    assert "If you would rather not, you do not need to do anything." in letter
    listed = client.get(f"/clinic/screens/{screen.pk}/").content.decode()
    assert f'href="/clinic/invitations/{invitation.pk}/">Invited' in listed


def test_an_invited_record_is_not_on_the_caseload(
    client: Client, world: World, files: tuple[Path, Path]
) -> None:
    signed_in(client, "riverside_admin")
    screen = _screen(client, world, files[0])
    client.post(f"/clinic/screens/{screen.pk}/invitations/", {"patient_id": "planted-high-dose"})
    caseload = client.get("/clinic/caseload/").content.decode()
    assert "planted-high-dose" not in caseload
    assert "2 patients in the program" in caseload
    assert Patient.objects.filter(status=Patient.Status.INVITED).count() == 1


def test_a_second_invitation_of_the_same_person_is_refused_with_a_409(
    client: Client, world: World, files: tuple[Path, Path]
) -> None:
    signed_in(client, "avery")
    screen = _screen(client, world, files[0])
    path = f"/clinic/screens/{screen.pk}/invitations/"
    client.post(path, {"patient_id": "planted-high-dose"})
    again = client.post(path, {"patient_id": "planted-high-dose"})
    assert again.status_code == 409
    assert "&#x27;planted-high-dose&#x27; was invited from this screen already" in (
        again.content.decode()
    )
    assert Patient.objects.filter(status=Patient.Status.INVITED).count() == 1


def test_the_screens_page_reads_a_fixed_number_of_queries(
    client: Client,
    world: World,
    files: tuple[Path, Path],
    django_assert_max_num_queries: Any,
) -> None:
    signed_in(client, "avery")
    _screen(client, world, files[0])
    with django_assert_max_num_queries(100) as one:
        client.get(f"/clinic/programs/{world.riverside.pk}/screens/")
    # Counted now: each request empties Django's query log when it starts.
    queries_for_one = len(one.captured_queries)
    assert queries_for_one > 0
    _screen(client, world, files[0])
    _screen(client, world, files[0])
    with django_assert_max_num_queries(queries_for_one):
        page = client.get(f"/clinic/programs/{world.riverside.pk}/screens/")
    assert page.content.decode().count("fills.csv") == 3
