"""``clonacare assess FILE.json``: the CLI contract of issue 4."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.samples import ALICE_RECORD

ALICE = ALICE_RECORD


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "assess", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def record_file(tmp_path: Path, **changes: Any) -> str:
    path = tmp_path / "patient.json"
    path.write_text(json.dumps({**ALICE, **changes}), encoding="utf-8")
    return str(path)


def assess_json(path: str, *args: str) -> dict[str, Any]:
    done = run(path, "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_it_gives_the_contract_fields(tmp_path: Path) -> None:
    out = assess_json(record_file(tmp_path))
    assert {
        k: out[k]
        for k in (
            "level",
            "withdrawal_risk",
            "equivalence_table",
            "diazepam_equivalent_mg",
            "alerts",
            "crisis_resources",
        )
    } == {
        "level": "outpatient",
        "withdrawal_risk": "likely",
        "equivalence_table": "ashton",
        "diazepam_equivalent_mg": 30.0,
        "alerts": [],
        "crisis_resources": [],
    }
    assert out["reasons"] == [
        {
            "code": "outpatient-default",
            "message": (
                "No finding calls for more: outpatient taper with monitoring at each reduction."
            ),
            "source": "ASAM 2025 Rec 5 (clinical reference, Level of care)",
            "level": "outpatient",
        }
    ]


def test_the_vadod_table_can_be_chosen_and_is_named(tmp_path: Path) -> None:
    out = assess_json(record_file(tmp_path, duration_months=2), "--equivalence", "vadod")
    assert (out["equivalence_table"], out["diazepam_equivalent_mg"]) == ("vadod", 15.0)
    assert out["withdrawal"]["dose_tier"] == "moderate"
    assert out["withdrawal_risk"] == "likely"


def test_decimal_numbers_are_read_exactly(tmp_path: Path) -> None:
    out = assess_json(record_file(tmp_path, duration_months=0.5, daily_dose_mg=0.25))
    assert out["withdrawal_risk"] == "possible"
    assert out["diazepam_equivalent_mg"] == 5.0


def test_an_acute_positive_screen_is_an_emergency_with_alerts_and_crisis_resources(
    tmp_path: Path,
) -> None:
    out = assess_json(record_file(tmp_path, suicide_screen="acute positive", opioid_use=True))
    assert out["level"] == "emergency"
    assert [r["code"] for r in out["reasons"]] == ["suicide-risk-acute", "opioid-use", "naloxone"]
    assert all(r["source"] for r in out["reasons"])
    assert [a["code"] for a in out["alerts"]] == ["suicide-risk-imminent", "suicide-risk"]
    assert [r["contact"] for r in out["crisis_resources"]] == ["988", "911", "1-800-662-4357"]


def test_a_drug_with_an_ashton_range_uses_the_midpoint_and_says_so(tmp_path: Path) -> None:
    out = assess_json(record_file(tmp_path, drug="estazolam", daily_dose_mg=3))
    assert out["diazepam_equivalent_mg"] == 20.0
    assert any("midpoint (1.5 mg)" in note for note in out["notes"])


def test_the_text_format_lists_level_reasons_and_sources(tmp_path: Path) -> None:
    done = run(record_file(tmp_path, history_withdrawal_seizure=True))
    assert done.returncode == 0
    assert done.stdout.startswith(
        "Level of care: inpatient (Withdrawal management: inpatient or residential medically "
        "managed withdrawal)\n"
    )
    assert "  [inpatient] withdrawal-seizure: Seizure: " in done.stdout
    assert (
        "      source: ASAM 2025 Rec 5c; Table 3 (clinical reference, Level of care)" in done.stdout
    )


def test_an_unknown_field_exits_2_naming_it(tmp_path: Path) -> None:
    path = record_file(tmp_path, weight_kg=70)
    done = run(path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"clonacare assess: {path}: unknown field 'weight_kg'.\n"


def test_a_missing_field_exits_2_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "patient.json"
    path.write_text(json.dumps({k: v for k, v in ALICE.items() if k != "age"}), encoding="utf-8")
    done = run(str(path))
    assert done.returncode == 2
    assert done.stderr == f"clonacare assess: {path}: missing field 'age'.\n"


def test_a_wrong_type_exits_2_naming_the_field(tmp_path: Path) -> None:
    path = record_file(tmp_path, days_per_week="7")
    done = run(path)
    assert done.returncode == 2
    assert done.stderr == (
        f"clonacare assess: {path}: field 'days_per_week' must be a number; got \"7\".\n"
    )


def test_an_unknown_drug_exits_2_naming_the_field(tmp_path: Path) -> None:
    path = record_file(tmp_path, drug="zolpidem")
    done = run(path)
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"clonacare assess: {path}: field 'drug': 'zolpidem' is not in the Ashton (2002/2007) "
        "table; known drugs: alprazolam, chlordiazepoxide, clonazepam,"
    )


def test_invalid_json_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"drug": ', encoding="utf-8")
    done = run(str(path))
    assert done.returncode == 2
    assert done.stderr.startswith(f"clonacare assess: {path}: not valid JSON: ")
    assert "Traceback" not in done.stderr


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    done = run(str(path))
    assert (done.returncode, done.stderr) == (2, f"clonacare assess: {path}: file not found.\n")


def test_an_unknown_equivalence_table_is_refused(tmp_path: Path) -> None:
    done = run(record_file(tmp_path), "--equivalence", "nhs")
    assert done.returncode == 2
    assert "invalid choice: 'nhs'" in done.stderr


def test_the_failed_taper_threshold_comes_from_the_settings_file(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(
        '[sds]\ndependence_cutoff = 6\nsource = "Lowton & Chiba 2021"\n'
        '[failed_tapers]\nat_least = 3\nsource = "Site policy 2025"\n',
        encoding="utf-8",
    )
    path = record_file(tmp_path, previous_failed_tapers=2)
    assert assess_json(path)["level"] == "intensive-outpatient"
    out = assess_json(path, "--settings", str(settings))
    assert out["level"] == "outpatient"
    settings_env = {"CLONACARE_ASSESSMENT_SETTINGS": str(settings)}
    done = run(path, "--format", "json", env=settings_env)
    assert json.loads(done.stdout)["level"] == "outpatient"


def test_a_settings_file_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(
        '[sds]\ndependence_cutoff = 6\nsource = "x"\n'
        '[failed_tapers]\nat_least = 2\nsource = "y"\ncount = 3\n',
        encoding="utf-8",
    )
    done = run(record_file(tmp_path), "--settings", str(settings))
    assert (done.returncode, done.stderr) == (
        2,
        "clonacare assess: settings.toml [failed_tapers]: unknown key 'count'.\n",
    )
