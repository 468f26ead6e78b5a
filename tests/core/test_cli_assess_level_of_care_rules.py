"""``clonacare assess``: issue 8's level-of-care rules through the CLI (the withdrawal
risk with its source beside the level, the dose, the combination, opioids, current
withdrawal, more than one benzodiazepine), and old files still read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.samples import ALICE_RECORD

WITHOUT_DRUG = {k: v for k, v in ALICE_RECORD.items() if k not in ("drug", "daily_dose_mg")}


def run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "assess", str(path), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def as_json(tmp_path: Path, data: dict[str, Any]) -> dict[str, Any]:
    done = run(write(tmp_path, data), "--format", "json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_text_gives_the_withdrawal_risk_and_its_source_beside_the_level(
    tmp_path: Path,
) -> None:
    done = run(write(tmp_path, ALICE_RECORD))
    assert done.returncode == 0
    assert done.stdout.splitlines()[:3] == [
        "Level of care: outpatient (Outpatient taper with monitoring at each reduction)",
        "Withdrawal risk: likely — Withdrawal risk likely: 3 months or more; it rises with "
        "dose and duration.",
        "  source: ASAM 2025 Joint Guideline on Benzodiazepine Tapering, Table 2 "
        "(clinical reference, Tapering rules)",
    ]
    assert (
        "Note: Withdrawal risk (ASAM Table 2) is shown beside the level and shapes the pace "
        "and monitoring of the taper; it does not raise the level of care by itself."
    ) in done.stdout


def test_a_dose_above_the_label_maximum_and_alcohol_raise_the_level(tmp_path: Path) -> None:
    out = as_json(tmp_path, {**ALICE_RECORD, "daily_dose_mg": 5, "alcohol_use_disorder": True})
    assert out["level"] == "inpatient"
    assert [(r["code"], r["level"]) for r in out["reasons"]] == [
        ("alcohol-use-disorder", "intensive-outpatient"),
        ("above-label-maximum", "intensive-outpatient"),
        ("combined-findings", "inpatient"),
    ]
    assert out["reasons"][2]["source"].startswith("Clonacare rule, not a guideline value:")


def test_the_combination_follows_the_settings_file(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(
        '[sds]\ndependence_cutoff = 6\nsource = "s"\n'
        '[failed_tapers]\nat_least = 2\nsource = "s"\n'
        '[combined_findings]\nenabled = false\nat_least = 2\nsource = "our policy"\n',
        encoding="utf-8",
    )
    path = write(tmp_path, {**ALICE_RECORD, "daily_dose_mg": 5, "alcohol_use_disorder": True})
    done = run(path, "--format", "json", "--settings", str(settings))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["level"] == "intensive-outpatient"


def test_opioid_treatment_is_flagged_with_the_naloxone_prompt(tmp_path: Path) -> None:
    done = run(write(tmp_path, {**ALICE_RECORD, "opioid_agonist_treatment": "methadone"}))
    assert done.returncode == 0
    assert (
        "  [outpatient] naloxone: Naloxone: offer to provide or prescribe naloxone "
        "(opioid co-use).\n      source: ASAM 2025 Rec 17 (clinical reference, Level of care)\n"
    ) in done.stdout
    assert (
        "  [outpatient] opioid-treatment-program: Opioid treatment, methadone: coordinate with "
        "the opioid treatment program; do not stop or reduce it to taper the benzodiazepine.\n"
        "      source: ASAM 2025 Rec 21 (clinical reference, Level of care)\n"
    ) in done.stdout


def test_a_seizure_now_is_an_emergency_with_the_crisis_resources(tmp_path: Path) -> None:
    out = as_json(tmp_path, {**ALICE_RECORD, "seizure_now": True})
    assert out["level"] == "emergency"
    assert [a["code"] for a in out["alerts"]] == ["seizure"]
    assert [r["contact"] for r in out["crisis_resources"]] == ["988", "911", "1-800-662-4357"]


def test_delirium_now_and_falls_are_read(tmp_path: Path) -> None:
    out = as_json(
        tmp_path,
        {**ALICE_RECORD, "delirium_or_psychosis_now": True, "falls_past_year": True, "age": 70},
    )
    assert out["level"] == "inpatient"
    assert [r["code"] for r in out["reasons"]] == [
        "delirium-or-psychosis-now",
        "falls-older-adult",
        "older-adult",
    ]


def test_more_than_one_benzodiazepine_adds_up_on_the_table_in_use(tmp_path: Path) -> None:
    data = {
        **WITHOUT_DRUG,
        "benzodiazepines": [
            {"drug": "clonazepam", "daily_dose_mg": 1},
            {"drug": "lorazepam", "daily_dose_mg": 2},
        ],
    }
    out = as_json(tmp_path, data)
    assert out["diazepam_equivalent_mg"] == 40.0
    assert out["benzodiazepines"] == [
        {"drug": "clonazepam", "daily_dose_mg": 1.0, "diazepam_equivalent_mg": 20.0},
        {"drug": "lorazepam", "daily_dose_mg": 2.0, "diazepam_equivalent_mg": 20.0},
    ]
    done = run(write(tmp_path, data), "--equivalence", "vadod")
    assert done.stdout.splitlines()[3:6] == [
        "Diazepam equivalent: 20 mg/day (high dose; table: vadod, VA/DoD SUD CPG (2021))",
        "  clonazepam 1 mg/day = 10 mg diazepam-equivalent",
        "  lorazepam 2 mg/day = 10 mg diazepam-equivalent",
    ]


def test_a_wrong_list_entry_exits_2_naming_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {**WITHOUT_DRUG, "benzodiazepines": [{"drug": "clonazepam", "daily_dose_mg": -1}]},
    )
    done = run(path)
    assert done.returncode == 2
    assert done.stderr == (
        f"clonacare assess: {path}: field 'benzodiazepines[0].daily_dose_mg' must be more "
        "than 0; got -1.\n"
    )
    assert done.stdout == ""


def test_an_unknown_drug_in_the_list_exits_2_naming_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {**WITHOUT_DRUG, "benzodiazepines": [{"drug": "zolpidem", "daily_dose_mg": 10}]},
    )
    done = run(path)
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"clonacare assess: {path}: field 'benzodiazepines[0].drug': 'zolpidem' is not in the "
    )
