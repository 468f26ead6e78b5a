"""The population screen's API (docs/population.md, "API"; docs/api.md): upload a file,
read what the screen found, invite a flagged person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from clonacare.audit.models import AuditEvent
from clonacare.patients.models import Patient
from clonacare.population.models import Invitation, Screen
from tests.api_client import BASE, ApiClient
from tests.personas import World
from tests.web.population_world import dispensing_files, upload

pytestmark = pytest.mark.django_db


def _post_screen(api: ApiClient, program_id: int, data: dict[str, Any]) -> Any:
    return api.client.post(f"{BASE}/programs/{program_id}/screens", data, headers=api.headers)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return dispensing_files(tmp_path)


def test_it_screens_an_upload_and_answers_with_the_screen(
    world: World, files: tuple[Path, Path]
) -> None:
    api = ApiClient(world.avery)
    fills, diagnoses = files
    response = _post_screen(
        api,
        world.riverside.pk,
        {"file": upload(fills), "diagnoses": upload(diagnoses), "as_of": "2026-12-31"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    screen = Screen.objects.get()
    assert created["id"] == screen.pk
    assert created["file"]["name"] == "fills.csv"
    assert created["file"]["size"] == fills.stat().st_size
    assert created["period_start"] == "2026-01-01"
    assert created["count"] == len(screen.items) > 0

    read = api.get(f"/screens/{screen.pk}")
    assert read.status_code == 200
    body = read.json()
    assert body["as_of"] == "2026-12-31"
    assert body["engine"] == "duckdb"
    assert body["rows"]["rejected"]["unknown-drug"] == 1
    assert body["diagnoses"]["read"] > 0
    flagged = {item["patient_id"]: item["flags"] for item in body["items"]}
    assert flagged["planted-long-term-use"][0] == "long-term-use"
    assert (
        "near-long-term-use" not in flagged or "long-term-use" not in flagged["near-long-term-use"]
    )
    counts = [len(item["flags"]) for item in body["items"]]
    assert counts == sorted(counts, reverse=True)
    assert body["count"] == len(body["items"])


def test_it_takes_a_calendar_year_and_a_parquet_file(world: World, tmp_path: Path) -> None:
    fills, _ = dispensing_files(tmp_path, suffix=".parquet")
    api = ApiClient(world.riverside_admin)
    response = _post_screen(api, world.riverside.pk, {"file": upload(fills), "year": "2026"})
    assert response.status_code == 201, response.content
    body = api.get(f"/screens/{response.json()['id']}").json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-12-31"}


def test_it_invites_a_flagged_person(world: World, files: tuple[Path, Path]) -> None:
    api = ApiClient(world.avery)
    screen_id = _post_screen(
        api, world.riverside.pk, {"file": upload(files[0]), "as_of": "2026-12-31"}
    ).json()["id"]
    response = api.post(f"/screens/{screen_id}/invitations", {"patient_id": "planted-high-dose"})
    assert response.status_code == 201, response.content
    body = response.json()
    patient = Patient.objects.get(pk=body["patient_id"])
    assert patient.status == Patient.Status.INVITED
    assert patient.program == world.riverside
    assert (patient.given_name, patient.family_name) == ("Dispensing ID", "planted-high-dose")
    assert body["dispensing_patient_id"] == "planted-high-dose"
    assert body["status"] == "invited"
    assert body["invited_by"] == "avery"
    assert body["letter"].startswith("Dear Sir or Madam,\n\nWe are Riverside Recovery.")
    assert AuditEvent.objects.filter(action="population.invite", patient_id=patient.pk).exists()


def test_it_refuses_to_invite_someone_twice_or_someone_not_flagged(
    world: World, files: tuple[Path, Path]
) -> None:
    api = ApiClient(world.riverside_admin)
    screen_id = _post_screen(
        api, world.riverside.pk, {"file": upload(files[0]), "as_of": "2026-12-31"}
    ).json()["id"]
    path = f"/screens/{screen_id}/invitations"
    assert api.post(path, {"patient_id": "planted-early-refill"}).status_code == 201
    again = api.post(path, {"patient_id": "planted-early-refill"})
    assert again.status_code == 409
    assert again.json() == {
        "detail": "'planted-early-refill' was invited from this screen already; their record "
        "is in the screen's list of invitations."
    }
    missing = api.post(path, {"patient_id": "near-early-refill"})
    assert missing.status_code == 400
    assert missing.json() == {
        "detail": "'near-early-refill' is not one of the people this screen flagged; invite "
        "someone from its list."
    }
    assert Invitation.objects.count() == 1


def test_a_refused_file_is_400_and_stores_nothing_but_the_audit_entry(
    world: World, tmp_path: Path
) -> None:
    broken = tmp_path / "fills.csv"
    broken.write_text("patient_id,fill_date\nP1,2026-01-01\n")
    api = ApiClient(world.avery)
    response = _post_screen(
        api, world.riverside.pk, {"file": upload(broken), "as_of": "2026-12-31"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The dispensing file fills.csv has no column birth_date, drug, strength_mg, "
        "quantity, days_supply, prescriber_id, pharmacy_id (it needs patient_id, birth_date, "
        "fill_date, drug, strength_mg, quantity, days_supply, prescriber_id, pharmacy_id)."
    }
    assert not Screen.objects.exists()
    refused = AuditEvent.objects.get(action="population.screen.refused")
    assert refused.detail == {
        "file_name": "fills.csv",
        "diagnoses_name": "",
        "code": "population-columns",
    }


def test_an_upload_over_the_limit_is_413(
    world: World, files: tuple[Path, Path], settings: SettingsWrapper
) -> None:
    settings.POPULATION_UPLOAD_MAX_MB = 1
    big = files[0].parent / "big.csv"
    big.write_bytes(files[0].read_bytes() + b"x" * (2 * 1024 * 1024))
    api = ApiClient(world.avery)
    response = _post_screen(api, world.riverside.pk, {"file": upload(big), "as_of": "2026-12-31"})
    assert response.status_code == 413
    assert response.json()["detail"].endswith(
        "this site screens files of at most 1 MB (POPULATION_UPLOAD_MAX_MB). Split the file "
        "by period or by patient, or ask the site admin to raise the limit."
    )
    assert not Screen.objects.exists()
    refused = AuditEvent.objects.get(action="population.screen.refused")
    assert refused.detail["code"] == "upload-too-large"


def test_it_needs_a_file_and_one_period(world: World, files: tuple[Path, Path]) -> None:
    api = ApiClient(world.avery)
    no_file = _post_screen(api, world.riverside.pk, {"as_of": "2026-12-31"})
    assert (no_file.status_code, no_file.json()) == (
        400,
        {"detail": "Choose a dispensing file to screen."},
    )
    both = _post_screen(
        api, world.riverside.pk, {"file": upload(files[0]), "as_of": "2026-12-31", "year": "2026"}
    )
    assert (both.status_code, both.json()) == (
        400,
        {"detail": "Give either the last day of the period (as of) or a calendar year."},
    )
    bad_day = _post_screen(api, world.riverside.pk, {"file": upload(files[0]), "as_of": "31/12"})
    assert bad_day.json() == {
        "detail": "The 'as of' date must be a date like 2026-12-31, not '31/12'."
    }


@pytest.mark.parametrize("who", ["kim", "lee", "alex", "brook", "site_admin"])
def test_anyone_else_is_answered_not_found(
    world: World, files: tuple[Path, Path], who: str
) -> None:
    screen_id = _post_screen(
        ApiClient(world.avery),
        world.riverside.pk,
        {"file": upload(files[0]), "as_of": "2026-12-31"},
    ).json()["id"]
    user = getattr(world, who) if who != "alex" else world.alex_user
    api = ApiClient(user)
    upload_answer = _post_screen(
        api, world.riverside.pk, {"file": upload(files[0]), "as_of": "2026-12-31"}
    )
    assert (upload_answer.status_code, upload_answer.json()) == (
        404,
        {"detail": "Program not found."},
    )
    read = api.get(f"/screens/{screen_id}")
    assert (read.status_code, read.json()) == (404, {"detail": "Screen not found."})
    invite = api.post(f"/screens/{screen_id}/invitations", {"patient_id": "planted-high-dose"})
    assert invite.status_code == 404
    assert api.get("/screens/999999").json() == {"detail": "Screen not found."}
    assert Screen.objects.count() == 1
    assert not Invitation.objects.exists()


def test_a_parquet_file_with_typed_dates_gives_the_invited_record_its_birth_date(
    world: World, tmp_path: Path
) -> None:
    fills, _ = dispensing_files(tmp_path)
    table = pacsv.read_csv(
        fills,
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in ("patient_id", "birth_date", "fill_date")}
        ),
    )
    rows = [r for r in table.to_pylist() if r["patient_id"] != "bad-rows"]
    typed = pa.table(
        {
            **{c: [r[c] for r in rows] for c in table.column_names},
            "birth_date": pa.array(
                [dt.date.fromisoformat(r["birth_date"]) for r in rows], pa.date32()
            ),
            "fill_date": pa.array(
                [dt.date.fromisoformat(r["fill_date"]) for r in rows], pa.date32()
            ),
        }
    )
    path = tmp_path / "typed.parquet"
    pq.write_table(typed, path)
    api = ApiClient(world.avery)
    created = _post_screen(api, world.riverside.pk, {"file": upload(path), "as_of": "2026-12-31"})
    assert created.status_code == 201, created.content
    invited = api.post(
        f"/screens/{created.json()['id']}/invitations", {"patient_id": "planted-older-adult"}
    )
    assert invited.status_code == 201, invited.content
    patient = Patient.objects.get(pk=invited.json()["patient_id"])
    born = next(r["birth_date"] for r in rows if r["patient_id"] == "planted-older-adult")
    assert patient.date_of_birth.isoformat() == born
