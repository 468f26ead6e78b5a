"""``clonacare export fhir --program SLUG --out DIR``: one NDJSON file per resource type
for the patients whose consent in force covers the recipient class, the others left
out and counted by reason. The files are read back by a second, independent reader
(plain json lines) and counted against the database."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from clonacare.assessments.models import InstrumentResponse
from clonacare.audit.models import AuditEvent
from clonacare.cli import main
from clonacare.patients.models import BenzodiazepineUse, Condition, Consent, Medication, Patient
from tests.personas import World
from tests.web.fhir_world import full_record

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()
LABELS = ["R", "42CFRPart2", "NORDSCLCD"]


def tpo_consent(world: World, patient: Patient, **changes: Any) -> Consent:
    fields: dict[str, Any] = {
        "patient": patient,
        "disclosing_program": patient.program,
        "kind": "tpo",
        "recipient_class": "treating-providers",
        "recipient": "",
        "purpose": "treatment, payment and health care operations",
        "information": "The whole record",
        "expires_on": TODAY + dt.timedelta(days=365),
        "signed_by": patient.full_name,
        "signed_on": TODAY - dt.timedelta(days=30),
        "created_by": world.avery,
    }
    return Consent.objects.create(**(fields | changes))


def read_ndjson(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The second reader: each file's lines parsed as JSON, nothing else."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.ndjson")):
        with path.open(encoding="utf-8") as lines:
            found[path.stem] = [json.loads(line) for line in lines if line.strip()]
    return found


def export(world: World, out: Path, *extra: str) -> int:
    return main(
        ["export", "fhir", "--program", world.riverside.slug, "--out", str(out),
         "--recipient", "Dr. Taylor, primary care", *extra]
    )  # fmt: skip


@pytest.fixture
def consents(world: World) -> None:
    """Alex: a TPO consent to treating providers. Blair: one, revoked yesterday."""
    full_record(world)
    tpo_consent(world, world.alex)
    tpo_consent(world, world.blair, revoked_at=timezone.now() - dt.timedelta(days=1))


def test_it_writes_one_file_per_type_counted_against_the_database(
    world: World, consents: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(world, tmp_path / "out") == 0
    files = read_ndjson(tmp_path / "out")
    kinds = {kind: Counter(r["resourceType"] for r in lines) for kind, lines in files.items()}
    assert all(list(c) == [kind] for kind, c in kinds.items())  # each file holds one type
    exported = Patient.objects.filter(pk=world.alex.pk)
    assert len(files["Patient"]) == exported.count()
    assert len(files["Condition"]) == Condition.objects.filter(patient__in=exported).count()
    assert len(files["MedicationStatement"]) == (
        BenzodiazepineUse.objects.filter(patient__in=exported).count()
        + Medication.objects.filter(patient__in=exported).count()
    )
    responses = InstrumentResponse.objects.filter(patient__in=exported)
    assert len(files["QuestionnaireResponse"]) == responses.count()
    assert len(files["Observation"]) == responses.filter(complete=True).count()
    assert len(files["Consent"]) == Consent.objects.filter(patient__in=exported).count()
    assert "DocumentReference" not in files
    every = [r for lines in files.values() for r in lines]
    assert all([s["code"] for s in r["meta"]["security"]] == LABELS for r in every)
    assert capsys.readouterr().out.splitlines()[0] == (
        f"Exported 1 patients to {tmp_path / 'out'}; left out 1 without a consent in force "
        "for treating-providers (consent-revoked 1)."
    )
    event = AuditEvent.objects.get(action="exchange.fhir-bulk-export")
    assert (event.patient_id, event.detail["recipient_class"]) == (
        world.alex.pk,
        "treating-providers",
    )


def test_it_counts_patients_without_a_consent_for_the_class(
    world: World, consents: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(world, tmp_path / "out", "--recipient-class", "health-plan") == 0
    assert read_ndjson(tmp_path / "out") == {}
    assert capsys.readouterr().out == (
        f"Exported 0 patients to {tmp_path / 'out'}; left out 2 without a consent in force "
        "for health-plan (no-covering-consent 2).\n"
    )


def test_it_refuses_a_folder_that_is_not_empty(
    world: World, consents: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kept.txt").write_text("mine")
    assert export(world, tmp_path) == 2
    assert capsys.readouterr().err == (
        f"clonacare export: {tmp_path} must be a new or empty folder.\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]


def test_it_refuses_an_unknown_program(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["export", "fhir", "--program", "nowhere", "--out", str(tmp_path), "--recipient", "X"]
    )
    assert code == 2
    assert capsys.readouterr().err == "clonacare export: No program with the slug 'nowhere'.\n"


def test_it_draws_no_progress_bar_off_a_terminal(
    world: World, consents: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(world, tmp_path / "out") == 0
    assert capsys.readouterr().err == ""


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, as an interactive shell's is."""

    def isatty(self) -> bool:
        return True


def test_it_draws_a_progress_bar_on_a_terminal(
    world: World, consents: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert export(world, tmp_path / "out") == 0
    drawn = terminal.getvalue()
    assert drawn.startswith("\r[" + "#" * 15 + "." * 15 + "] 1/2 patients")
    assert drawn.endswith("\r[" + "#" * 30 + "] 2/2 patients\n")
