"""``clonacare assess``: reasons that belong to one drug name only that drug (a seizure
disorder per drug, a label maximum with the drug's own label), findings are counted
once each for the combination, a prescribed opioid is the only one told "lowest
effective doses", and a fall under 65 is shown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.samples import ALICE_RECORD

WITHOUT_DRUG = {k: v for k, v in ALICE_RECORD.items() if k not in ("drug", "daily_dose_mg")}
NEUROLOGIST = (
    "Seizure disorder, neurologist: {drug} treats a seizure disorder here; the neurologist "
    "is involved in the taper."
)


def reasons(tmp_path: Path, **changes: Any) -> list[tuple[str, str]]:
    data = {**(WITHOUT_DRUG if "benzodiazepines" in changes else ALICE_RECORD), **changes}
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "assess", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out: dict[str, Any] = json.loads(done.stdout)
    return [(r["code"], r["message"]) for r in out["reasons"]]


def test_the_record_indication_names_only_the_drug_that_has_it(tmp_path: Path) -> None:
    found = reasons(
        tmp_path,
        indication="epilepsy",
        benzodiazepines=[
            {"drug": "clonazepam", "daily_dose_mg": 1},
            {"drug": "lorazepam", "daily_dose_mg": 1, "indication": "anxiety"},
        ],
    )
    assert found == [("seizure-disorder", NEUROLOGIST.format(drug="clonazepam"))]


def test_a_drugs_own_epilepsy_indication_calls_for_the_neurologist(tmp_path: Path) -> None:
    found = reasons(
        tmp_path,
        indication="anxiety",
        benzodiazepines=[
            {"drug": "lorazepam", "daily_dose_mg": 1},
            {"drug": "clonazepam", "daily_dose_mg": 1, "indication": "epilepsy"},
        ],
    )
    assert found == [("seizure-disorder", NEUROLOGIST.format(drug="clonazepam"))]


def test_two_drugs_for_seizures_are_two_reasons(tmp_path: Path) -> None:
    found = reasons(
        tmp_path,
        indication="seizure disorder",
        benzodiazepines=[
            {"drug": "clonazepam", "daily_dose_mg": 1},
            {"drug": "diazepam", "daily_dose_mg": 5},
        ],
    )
    assert found == [
        ("seizure-disorder", NEUROLOGIST.format(drug="clonazepam")),
        ("seizure-disorder", NEUROLOGIST.format(drug="diazepam")),
    ]


def test_two_drugs_above_their_label_maximum_are_one_finding(tmp_path: Path) -> None:
    path_reasons = reasons(
        tmp_path,
        indication="anxiety",
        benzodiazepines=[
            {"drug": "alprazolam", "daily_dose_mg": 5},
            {"drug": "lorazepam", "daily_dose_mg": 11},
        ],
    )
    assert path_reasons == [
        (
            "above-label-maximum",
            "Dose above the label maximum: alprazolam 5 mg/day is above the 4 mg/day label "
            "maximum (for anxiety); closer monitoring.",
        ),
        (
            "above-label-maximum",
            "Dose above the label maximum: lorazepam 11 mg/day is above the 10 mg/day label "
            "maximum (for all indications); closer monitoring.",
        ),
    ]


def test_each_label_maximum_cites_its_own_drugs_label(tmp_path: Path) -> None:
    data = {
        **WITHOUT_DRUG,
        "indication": "anxiety",
        "benzodiazepines": [{"drug": "alprazolam", "daily_dose_mg": 5}],
    }
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "clonacare.cli", "assess", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        "      source: Closer monitoring above the label maximum is a Clonacare rule, not a "
        "guideline value; FDA label for alprazolam, maximum daily dose (DailyMed prescribing "
        "information; clinical reference, label maximum daily doses)"
    ) in done.stdout.splitlines()
    assert "Clonazepam" not in done.stdout


def test_the_combination_counts_distinct_findings(tmp_path: Path) -> None:
    found = dict(
        reasons(
            tmp_path,
            daily_dose_mg=5,
            opioid_nonprescribed=True,
            opioid_use_disorder_untreated=True,
        )
    )
    assert found["combined-findings"] == (
        "Combined findings: 2 findings each call for closer monitoring (opioid overdose "
        "risk: opioid-nonprescribed + opioid-use-disorder-untreated, above-label-maximum); "
        "together they raise the recommendation one level, to inpatient (a Clonacare rule: "
        "2 or more, a site setting)."
    )


def test_methadone_is_coordinated_and_never_reduced(tmp_path: Path) -> None:
    assert reasons(tmp_path, opioid_agonist_treatment="methadone") == [
        ("naloxone", "Naloxone: offer to provide or prescribe naloxone (opioid co-use)."),
        (
            "opioid-treatment-program",
            "Opioid treatment, methadone: coordinate with the opioid treatment program; do "
            "not stop or reduce it to taper the benzodiazepine.",
        ),
    ]


def test_a_fall_under_65_is_shown(tmp_path: Path) -> None:
    assert reasons(tmp_path, falls_past_year=True, age=40) == [
        (
            "falls",
            "Falls: a fall in the past year; weigh it when planning the pace and the "
            "monitoring (closer monitoring for falls is advised from age 65).",
        )
    ]
